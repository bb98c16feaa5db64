/**
 * The bundle verifier: archive (through readBundle), manifest, every rule, every hash,
 * the signatures and trust, folded into one {@link BundleReport}
 * (SPEC-NOTES "OpenWatch bundles"). Rule files are examined as the archive is read
 * (examinationQueue.ts): on the examiner's worker thread when the caller gives one
 * (ruleExaminer.ts), else in the reader's small steps, so that the event loop stays
 * responsive and the examination runs while zlib inflates the rest on another thread.
 * Each step is its own module: manifest.ts, ruleSet.ts, coverage.ts,
 * signatureChecks.ts, bundleReport.ts.
 */
import { readFile, stat } from 'node:fs/promises';

import type {
  BundleFinding,
  BundleLimits,
  BundleProgressListener,
  BundleReport,
  BundleVerdict,
} from '../../../../shared/bundles';
import { AppError, errorMessage } from '../../../../shared/errors';
import {
  archiveErrorFile,
  archiveErrorFindings,
  readBundle,
  readBundleFile,
} from '../archive/readBundle';
import type { BundleArchive, ReadBundleOptions } from '../archive/readBundle';
import type { TrustStore } from '../signing/trustStore';
import { buildReport } from './bundleReport';
import { checkCoverage } from './coverage';
import { createExaminationQueue } from './examinationQueue';
import type { ExaminationQueue } from './examinationQueue';
import type { VerifiedRule } from './examineRule';
import type { LenientMappingId } from './lenientMapping';
import { checkManifest, readManifest } from './manifest';
import type { ManifestFile } from './manifest';
import { inThreadRuleExaminer } from './ruleExaminer';
import type { RuleExaminer } from './ruleExaminer';
import { collectRules } from './ruleSet';
import type { RuleSet } from './ruleSet';
import {
  checkSignatures,
  MAX_SIGNATURE_FILE_BYTES,
  openDetachedSignature,
} from './signatureChecks';
import type { DetachedSignature } from './signatureChecks';

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
  /**
   * Keep each rule file's bytes, for the importer's `rules[].load()`. Off (the default), a
   * rule file's bytes are let go once it is examined: a report needs only what the
   * examination found, and the inflated archive is not held to the end.
   */
  keepContent?: boolean | undefined;
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

export function createBundleVerifier(deps: BundleVerifierDeps): BundleVerifier {
  const verification: VerificationDeps = {
    trustStore: deps.trustStore,
    limits: deps.limits,
    clock: deps.clock ?? (() => new Date()),
    examiner: deps.examiner ?? inThreadRuleExaminer,
  };
  return {
    async verifyFile(path, options = {}) {
      let detachedBytes: Buffer | null = null;
      const choice = options.detachedSignature ?? 'auto';
      if (choice !== 'none') {
        const sigPath = choice === 'auto' ? `${path}.sig` : choice;
        detachedBytes = await readSmallFile(sigPath, choice === 'auto');
      }
      return verifyBundle(verification, (readOptions) => readBundleFile(path, readOptions), {
        ...options,
        detachedSignature: detachedBytes,
      });
    },
    verify(source, options = {}) {
      return verifyBundle(verification, (readOptions) => readBundle(source, readOptions), options);
    },
  };
}

/** Whether a report passes: verified always; unsigned/untrusted unless a signature is required. */
export function verdictPasses(verdict: BundleVerdict, requireSignature: boolean): boolean {
  if (verdict === 'verified') return true;
  if (verdict === 'invalid') return false;
  return !requireSignature;
}

/** BundleVerifierDeps with the defaults filled in. */
interface VerificationDeps {
  trustStore: TrustStore;
  limits: Partial<BundleLimits> | undefined;
  clock: () => Date;
  examiner: RuleExaminer;
}

/** One verification: read (examining rule files meanwhile), then each step in turn. */
async function verifyBundle(
  deps: VerificationDeps,
  read: (options: ReadBundleOptions) => Promise<BundleArchive>,
  options: VerifyOptions,
): Promise<BundleVerification> {
  const started = performance.now();
  const lenient = options.lenient === true;
  // Parsed first so that the raw bytes stream through its hash.
  const opened = openDetachedSignature(options.detachedSignature);
  const keepContent = options.keepContent === true;
  const examining = createExaminationQueue(deps.examiner, { lenient, keepContent });
  let archive: BundleArchive;
  try {
    archive = await read(readOptions(deps, examining, opened.detached, options.onProgress));
  } catch (error) {
    await examining.abandon();
    return refusedVerification(error, opened, started);
  }
  const examined = await examining.finish();
  const ruleSet = collectRules(examined, lenient);
  const ruleFilePaths = examined.map((file) => file.path);
  options.onProgress?.({
    phase: 'validate',
    done: ruleFilePaths.length,
    total: ruleFilePaths.length,
    current: null,
  });
  const manifest = readManifest(archive.files);
  const findings = [
    ...opened.findings,
    ...manifest.findings,
    ...ruleSet.findings,
    ...manifestFindings(manifest, ruleFilePaths, ruleSet, lenient),
  ];
  const signatures = await checkSignatures({
    trustStore: deps.trustStore,
    now: deps.clock().getTime(),
    manifest: manifest.value,
    manifestPath: manifest.path,
    detached: opened.detached,
  });
  findings.push(...signatures.findings);
  const report = buildReport({
    findings,
    signatures: [...opened.checks, ...signatures.checks],
    archive,
    manifest: manifest.value,
    manifestFormat: manifest.format,
    ruleStats: {
      files: ruleFilePaths.length,
      valid: ruleSet.rules.filter((rule) => rule.valid).length,
    },
    started,
    verdictOverride: null,
    lenientFixes: ruleSet.lenientFixes,
  });
  const { rules, lenientMappings } = ruleSet;
  return { report, manifest: manifest.value, rules, lenientMappings };
}

function readOptions(
  deps: VerificationDeps,
  examining: ExaminationQueue,
  detached: DetachedSignature | null,
  onProgress: BundleProgressListener | undefined,
): ReadBundleOptions {
  return {
    limits: deps.limits,
    // Rule files are examined as the archive is read, and kept by the queue if at all
    // (examinationQueue.ts).
    onFile: (file) => {
      if (file.kind === 'rule-file') examining.add(file);
    },
    keep: (file) => file.kind !== 'rule-file',
    onRawChunk: detached ? (chunk) => detached.stream.update(chunk) : undefined,
    onProgress,
    pace: examining.pace,
  };
}

/** The manifest's fields, then what its rules list covers. */
function manifestFindings(
  manifest: ManifestFile,
  ruleFilePaths: readonly string[],
  ruleSet: RuleSet,
  lenient: boolean,
): BundleFinding[] {
  if (manifest.value === null) return [];
  const names = ruleFilePaths.map((path) => path.slice('rules/'.length));
  const check = checkManifest(manifest.value, manifest.path, names);
  const coverage = checkCoverage({
    manifestPath: manifest.path,
    ruleEntries: check.ruleEntries,
    ruleFilePaths,
    rules: ruleSet.rules,
    signed: manifest.value.signature !== undefined,
    lenient,
  });
  return [...check.findings, ...coverage];
}

/** The verification of an archive readBundle refused: invalid, with its findings. */
function refusedVerification(
  error: unknown,
  opened: { findings: BundleFinding[]; checks: BundleReport['signatures'] },
  started: number,
): BundleVerification {
  const archiveFindings = archiveErrorFindings(error);
  if (archiveFindings === null) throw error;
  const report = buildReport({
    findings: [...opened.findings, ...archiveFindings],
    signatures: opened.checks,
    archive: null,
    refusedFile: archiveErrorFile(error),
    manifest: null,
    manifestFormat: null,
    ruleStats: { files: 0, valid: 0 },
    started,
    verdictOverride: 'invalid',
  });
  return { report, manifest: null, rules: [], lenientMappings: {} };
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
      `Cannot read the signature file ${path}: ${errorMessage(cause)}.`,
      { details: { path } },
    );
  }
}
