/**
 * The bundle verifier: archive (through readBundle), manifest, every rule, every hash,
 * the signatures and trust, folded into one {@link BundleReport}
 * (SPEC-NOTES "OpenWatch bundles"). Rule files are examined as the archive is read
 * (examinationQueue.ts): on the examiner's worker thread when the caller gives one
 * (ruleExaminer.ts), else in the reader's small steps, so that the event loop stays
 * responsive and the examination runs while zlib inflates the rest on another thread.
 */
import type { KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

import type {
  BundleFinding,
  BundleLimits,
  BundleProgressListener,
  BundleReport,
  BundleVerdict,
  FindingCode,
  SignatureCheck,
  SignatureMode,
} from '../../../../shared/bundles';
import { AppError } from '../../../../shared/errors';
import { decodeDocument } from '../archive/documents';
import type { DocumentFormat } from '../archive/documents';
import { verifiedRule } from './examineRule';
import type { VerifiedRule } from './examineRule';
import { createExaminationQueue } from './examinationQueue';
import type { LenientMappingId } from './lenientMapping';
import { checkManifest } from './manifest';
import { archiveErrorFindings, readBundle, readBundleFile } from '../archive/readBundle';
import type { BundleArchive, ReadBundleOptions } from '../archive/readBundle';
import { inThreadRuleExaminer } from './ruleExaminer';
import type { RuleExaminer } from './ruleExaminer';
import {
  checkSignedAt,
  createStreamingVerifier,
  embeddedSigningInput,
  parseSignatureObject,
  verifySignature,
} from '../signing/signature';
import type { SignatureObject } from '../signing/signature';
import { MIN_KEY_BITS } from '../signing/keyId';
import type { TrustStore } from '../signing/trustStore';

/** Everything verification learned: the report and, for the importer, the content. */
export interface BundleVerification {
  report: BundleReport;
  manifest: Record<string, unknown> | null;
  rules: VerifiedRule[];
  /** How often each lenient mapping applied (empty unless `lenient`). */
  lenientMappings: Partial<Record<LenientMappingId, number>>;
}

export interface VerifyOptions {
  /** Bytes of a detached `BUNDLE.tar.gz.sig`, if there is one. */
  detachedSignature?: Buffer | null | undefined;
  /** Map the legacy rule shapes before validating (see lenientMapping.ts). */
  lenient?: boolean | undefined;
  onProgress?: BundleProgressListener | undefined;
}

export interface VerifyFileOptions extends Omit<VerifyOptions, 'detachedSignature'> {
  /**
   * The detached signature file: a path, `auto` (default: `<bundle>.sig` when it exists)
   * or `none`.
   */
  detachedSignature?: string | 'auto' | 'none' | undefined;
}

export interface BundleVerifier {
  verifyFile(path: string, options?: VerifyFileOptions): Promise<BundleVerification>;
  verify(
    source: Uint8Array | AsyncIterable<Uint8Array>,
    options?: VerifyOptions,
  ): Promise<BundleVerification>;
}

export interface BundleVerifierDeps {
  trustStore: TrustStore;
  limits?: Partial<BundleLimits> | undefined;
  clock?: (() => Date) | undefined;
  /** Who examines the rule files (default: the calling thread). */
  examiner?: RuleExaminer | undefined;
}

/** A detached signature file is a small JSON object. */
const MAX_SIGNATURE_FILE_BYTES = 64 * 1024;

export function createBundleVerifier(deps: BundleVerifierDeps): BundleVerifier {
  const clock = deps.clock ?? (() => new Date());
  const examiner = deps.examiner ?? inThreadRuleExaminer;

  async function run(
    read: (options: ReadBundleOptions) => Promise<BundleArchive>,
    options: VerifyOptions,
  ): Promise<BundleVerification> {
    const started = performance.now();
    const findings: BundleFinding[] = [];
    const signatures: SignatureCheck[] = [];

    // Detached signature: parsed first so that the raw bytes stream through its hash.
    let detached: {
      object: SignatureObject;
      stream: ReturnType<typeof createStreamingVerifier>;
    } | null = null;
    if (options.detachedSignature) {
      const parsed = parseDetached(options.detachedSignature);
      if (parsed.ok) {
        detached = {
          object: parsed.signature,
          stream: createStreamingVerifier(parsed.signature.algorithm),
        };
      } else {
        findings.push(...parsed.findings);
        signatures.push({ ...emptyCheck('detached'), outcome: 'malformed' });
      }
    }

    const lenient = options.lenient === true;
    // Rule files are examined as the archive is read (examinationQueue.ts).
    const examining = createExaminationQueue(examiner, lenient);
    let archive: BundleArchive;
    try {
      archive = await read({
        limits: deps.limits,
        onFile: (file) => {
          if (file.kind === 'rule-file') examining.add(file);
        },
        onRawChunk: detached ? (chunk) => detached?.stream.update(chunk) : undefined,
        onProgress: options.onProgress,
        pace: examining.pace,
      });
    } catch (error) {
      await examining.abandon();
      const archiveFindings = archiveErrorFindings(error);
      if (archiveFindings === null) throw error;
      findings.push(...archiveFindings);
      return {
        report: buildReport({
          findings,
          signatures,
          archive: null,
          manifest: null,
          manifestFormat: null,
          ruleStats: { files: 0, valid: 0 },
          started,
          verdictOverride: 'invalid',
        }),
        manifest: null,
        rules: [],
        lenientMappings: {},
      };
    }
    const examined = await examining.finish();

    // Manifest
    const manifests = archive.files.filter((file) => file.kind !== 'rule-file');
    let manifest: Record<string, unknown> | null = null;
    let manifestPath = 'manifest.json';
    let manifestFormat: DocumentFormat | null = null;
    if (manifests.length === 0) {
      findings.push(
        error(
          'MANIFEST_MISSING',
          '',
          'The bundle has no manifest.json (or manifest.bson) at its root; `bundle create` writes one.',
        ),
      );
    } else if (manifests.length > 1) {
      findings.push(
        error(
          'MANIFEST_BOTH',
          '',
          'The bundle has both manifest.json and manifest.bson; keep exactly one.',
        ),
      );
    } else {
      const file = manifests[0];
      if (file !== undefined) {
        manifestPath = file.path;
        manifestFormat = file.kind === 'manifest-bson' ? 'bson' : 'json';
        const decoded = decodeDocument(file.bytes, manifestFormat);
        if (decoded.ok) manifest = decoded.value;
        else
          findings.push(
            error(
              'MANIFEST_PARSE',
              file.path,
              `${file.path} ${decoded.message}; fix or regenerate it.`,
            ),
          );
      }
    }

    // Rules: every deviation of every file. Each file was examined as it came out of the
    // archive (while the rest inflated); what needs several files is checked here.
    const ruleFiles = archive.files.filter((file) => file.kind === 'rule-file');
    const rules: VerifiedRule[] = [];
    const byRuleId = new Map<string, string>();
    const lenientCounts: Partial<Record<LenientMappingId, number>> = {};
    for (const { file, examination } of examined) {
      findings.push(...examination.findings);
      const rule = verifiedRule(file, examination, lenient);
      if (rule === null) continue;
      for (const id of new Set(rule.lenientMappings))
        lenientCounts[id] = (lenientCounts[id] ?? 0) + 1;
      if (rule.ruleId !== null) {
        const earlier = byRuleId.get(rule.ruleId);
        if (earlier !== undefined) {
          findings.push(
            error(
              'RULE_ID_DUPLICATE',
              `${rule.path}#/rule_id`,
              `rule_id ${JSON.stringify(rule.ruleId)} is also used by ${earlier}; rule ids must be unique.`,
            ),
          );
          rule.valid = false;
        } else byRuleId.set(rule.ruleId, rule.path);
      }
      rules.push(rule);
    }
    options.onProgress?.({
      phase: 'validate',
      done: ruleFiles.length,
      total: ruleFiles.length,
      current: null,
    });

    // Manifest fields and hash coverage.
    const embeddedPresent = manifest !== null && manifest.signature !== undefined;
    if (manifest !== null) {
      const names = ruleFiles.map((file) => file.path.slice('rules/'.length));
      const check = checkManifest(manifest, manifestPath, names);
      findings.push(...check.findings);
      if (check.ruleEntries !== null) {
        const hashes = new Map(rules.map((rule) => [rule.path.slice('rules/'.length), rule]));
        const listed = new Set<string>();
        check.ruleEntries.forEach((entry, index) => {
          const where = `${manifestPath}#/rules/${index}`;
          if (listed.has(entry.filename)) {
            findings.push(
              error(
                'MANIFEST_RULE_ENTRY_INVALID',
                where,
                `${entry.filename} is listed twice in the manifest's rules.`,
              ),
            );
            return;
          }
          listed.add(entry.filename);
          const present = hashes.get(entry.filename);
          if (present === undefined) {
            findings.push(
              error(
                'MANIFEST_RULE_MISSING',
                where,
                `The manifest lists rules/${entry.filename} but the archive does not hold it; add the file or remove the entry.`,
              ),
            );
            return;
          }
          if (present.fileHash !== entry.hash) {
            findings.push(
              error(
                'MANIFEST_HASH_MISMATCH',
                `rules/${entry.filename}`,
                `rules/${entry.filename} does not match its hash in the manifest: the file was changed after the manifest was written (or the manifest is wrong).`,
              ),
            );
            present.valid = false;
          }
          if (
            present.ruleId !== null &&
            present.ruleId !== entry.rule_id &&
            !(options.lenient && present.ruleId === entry.rule_id.toLowerCase())
          ) {
            findings.push(
              error(
                'MANIFEST_RULE_ENTRY_INVALID',
                where,
                `The manifest says rules/${entry.filename} holds ${entry.rule_id}, but it holds ${present.ruleId}.`,
              ),
            );
          }
        });
        for (const file of ruleFiles) {
          const name = file.path.slice('rules/'.length);
          if (!listed.has(name)) {
            findings.push({
              code: 'MANIFEST_RULE_UNLISTED',
              severity: embeddedPresent ? 'error' : 'warning',
              path: file.path,
              message: embeddedPresent
                ? `${file.path} is not listed in the signed manifest, so the signature does not cover it; it is refused.`
                : `${file.path} is not listed in the manifest's rules, so no hash protects it.`,
            });
          }
        }
      } else if (embeddedPresent) {
        findings.push(
          error(
            'SIGNATURE_COVERAGE',
            `${manifestPath}#/rules`,
            'The manifest is signed but has no rules list with a hash of every rule file, so the signature would not cover the rules. Re-sign with `bundle sign`.',
          ),
        );
      }
    }

    // Signatures
    const now = clock().getTime();
    if (manifest !== null && embeddedPresent) {
      const where = `${manifestPath}#/signature`;
      const parsed = parseSignatureObject(manifest.signature, where);
      if (!parsed.ok) {
        findings.push(...parsed.findings);
        signatures.push({ ...emptyCheck('embedded'), outcome: 'malformed' });
      } else {
        signatures.push(
          await checkSignature('embedded', parsed.signature, where, now, findings, (key) =>
            verifySignature(
              parsed.signature.algorithm,
              embeddedSigningInput(manifest as Record<string, unknown>),
              key,
              parsed.signature.signature,
            ),
          ),
        );
      }
    }
    if (detached !== null) {
      const object = detached.object;
      const stream = detached.stream;
      signatures.push(
        await checkSignature('detached', object, 'BUNDLE.tar.gz.sig', now, findings, (key) =>
          stream.verify(key, object.signature),
        ),
      );
    }

    const report = buildReport({
      findings,
      signatures,
      archive,
      manifest,
      manifestFormat,
      ruleStats: { files: ruleFiles.length, valid: rules.filter((rule) => rule.valid).length },
      started,
      verdictOverride: null,
    });
    return { report, manifest, rules, lenientMappings: lenientCounts };
  }

  async function checkSignature(
    mode: 'embedded' | 'detached',
    signature: SignatureObject,
    where: string,
    now: number,
    findings: BundleFinding[],
    verifyWith: (key: KeyObject) => boolean,
  ): Promise<SignatureCheck> {
    const check: SignatureCheck = {
      mode,
      algorithm: signature.algorithm,
      signer: signature.signer,
      keyId: signature.public_key_id,
      signedAt: signature.signed_at,
      outcome: 'unknown-key',
      trusted: false,
    };
    const signedAt = checkSignedAt(signature.signed_at, now, `${where}/signed_at`);
    if (signedAt !== null) findings.push(signedAt);
    // An RSA-PSS signature is as long as the modulus.
    if (signature.signature.length * 4 < MIN_KEY_BITS) {
      findings.push(
        error(
          'SIGNATURE_KEY_WEAK',
          `${where}/signature`,
          `The signature is ${signature.signature.length * 4} bits long, so the key has fewer than ${MIN_KEY_BITS} bits; such keys are refused. Sign with a 4096-bit key (\`bundle keygen\`).`,
        ),
      );
      return { ...check, outcome: 'invalid' };
    }
    const trusted = await deps.trustStore.find(signature.public_key_id);
    if (trusted === null) {
      findings.push({
        code: 'SIGNATURE_KEY_UNKNOWN',
        severity: 'warning',
        path: `${where}/public_key_id`,
        message: `The ${mode} signature names key ${signature.public_key_id} (signer ${JSON.stringify(signature.signer)}), which is not in the trust store ${deps.trustStore.dir}; it cannot be checked. If you trust the signer, get their public key through a channel you trust, compare its key id, and run \`bundle trust add KEY.pem\`.`,
      });
      return check;
    }
    if (!verifyWith(trusted.key)) {
      findings.push(
        error(
          'SIGNATURE_INVALID',
          where,
          mode === 'embedded'
            ? `The embedded signature does not verify with trusted key ${trusted.keyId} (${trusted.file}): the manifest (or a rule hash in it) was changed after signing, or it was signed with another key.`
            : `The detached signature does not verify with trusted key ${trusted.keyId} (${trusted.file}): the bundle's bytes were changed after signing, or it was signed with another key.`,
        ),
      );
      return { ...check, outcome: 'invalid', trusted: true };
    }
    return { ...check, outcome: 'valid', trusted: true };
  }

  return {
    async verifyFile(path, options = {}) {
      let detachedBytes: Buffer | null = null;
      const choice = options.detachedSignature ?? 'auto';
      if (choice !== 'none') {
        const sigPath = choice === 'auto' ? `${path}.sig` : choice;
        detachedBytes = await readSmallFile(sigPath, choice === 'auto');
      }
      return run((readOptions) => readBundleFile(path, readOptions), {
        ...options,
        detachedSignature: detachedBytes,
      });
    },
    verify(source, options = {}) {
      return run((readOptions) => readBundle(source, readOptions), options);
    },
  };
}

/** Whether a report passes: verified always; unsigned/untrusted unless a signature is required. */
export function verdictPasses(verdict: BundleVerdict, requireSignature: boolean): boolean {
  if (verdict === 'verified') return true;
  if (verdict === 'invalid') return false;
  return !requireSignature;
}

function parseDetached(bytes: Buffer): ReturnType<typeof parseSignatureObject> {
  const where = 'BUNDLE.tar.gz.sig';
  if (bytes.length > MAX_SIGNATURE_FILE_BYTES) {
    return {
      ok: false,
      findings: [
        error(
          'SIGNATURE_DETACHED_UNREADABLE',
          where,
          `The detached signature file is larger than ${MAX_SIGNATURE_FILE_BYTES} bytes; it should hold one small JSON object.`,
        ),
      ],
    };
  }
  const decoded = decodeDocument(bytes, 'json');
  if (!decoded.ok) {
    return {
      ok: false,
      findings: [
        error(
          'SIGNATURE_DETACHED_UNREADABLE',
          where,
          `The detached signature file ${decoded.message}; it should hold the JSON signature object that \`bundle sign --detached\` writes.`,
        ),
      ],
    };
  }
  return parseSignatureObject(decoded.value, where);
}

async function readSmallFile(path: string, optional: boolean): Promise<Buffer | null> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_SIGNATURE_FILE_BYTES) return Buffer.alloc(MAX_SIGNATURE_FILE_BYTES + 1);
    return await readFile(path);
  } catch (cause) {
    if (optional && (cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError(
      'BUNDLE_FILE_UNREADABLE',
      `Cannot read the signature file ${path}: ${cause instanceof Error ? cause.message : String(cause)}.`,
      { details: { path } },
    );
  }
}

function buildReport(input: {
  findings: BundleFinding[];
  signatures: SignatureCheck[];
  archive: BundleArchive | null;
  manifest: Record<string, unknown> | null;
  manifestFormat: DocumentFormat | null;
  ruleStats: { files: number; valid: number };
  started: number;
  verdictOverride: BundleVerdict | null;
}): BundleReport {
  const { findings, signatures, archive, manifest } = input;
  const counts = { errors: 0, warnings: 0, infos: 0 };
  const findingCounts: Partial<Record<FindingCode, number>> = {};
  for (const finding of findings) {
    findingCounts[finding.code] = (findingCounts[finding.code] ?? 0) + 1;
    if (finding.severity === 'error') counts.errors += 1;
    else if (finding.severity === 'warning') counts.warnings += 1;
    else counts.infos += 1;
  }
  const verifying =
    signatures.find((check) => check.mode === 'detached' && check.outcome === 'valid') ??
    signatures.find((check) => check.outcome === 'valid');
  let verdict: BundleVerdict;
  if (input.verdictOverride !== null) verdict = input.verdictOverride;
  else if (counts.errors > 0) verdict = 'invalid';
  else if (signatures.length === 0) verdict = 'valid-unsigned';
  else if (signatures.every((check) => check.outcome === 'valid' && check.trusted))
    verdict = 'verified';
  else verdict = 'untrusted';
  if (verdict === 'valid-unsigned') {
    findings.push({
      code: 'SIGNATURE_MISSING',
      severity: 'info',
      path: '',
      message:
        'The bundle is not signed: nothing proves who made it. Ask its publisher for a signed bundle, or sign it yourself with `bundle sign` if you made it.',
    });
    findingCounts.SIGNATURE_MISSING = 1;
    counts.infos += 1;
  }
  const shown = verifying ?? signatures[0] ?? null;
  const mode: SignatureMode = shown?.mode ?? 'none';
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    verdict,
    signatureMode: mode,
    signer: verifying?.signer ?? null,
    keyId: verifying?.keyId ?? null,
    signatures,
    bundle: {
      sha256: archive?.sha256 ?? '',
      compressedBytes: archive?.compressedBytes ?? 0,
      uncompressedBytes: archive?.uncompressedBytes ?? 0,
      name: text(manifest?.name),
      version: text(manifest?.version),
      createdAt: text(manifest?.created_at),
      manifestFormat: input.manifestFormat,
    },
    counts: {
      entries: archive?.entryCount ?? 0,
      ruleFiles: input.ruleStats.files,
      validRules: input.ruleStats.valid,
      invalidRules: input.ruleStats.files - input.ruleStats.valid,
      ...counts,
    },
    findingCounts,
    findings,
    durationMs: Math.round(performance.now() - input.started),
  };
}

function emptyCheck(mode: 'embedded' | 'detached'): SignatureCheck {
  return {
    mode,
    algorithm: null,
    signer: null,
    keyId: null,
    signedAt: null,
    outcome: 'malformed',
    trusted: false,
  };
}

function error(code: FindingCode, path: string, message: string): BundleFinding {
  return { code, severity: 'error', path, message };
}
