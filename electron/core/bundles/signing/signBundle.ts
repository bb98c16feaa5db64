/**
 * `bundle sign BUNDLE --key KEY.pem [--detached]` (SPEC-NOTES "What a signature covers").
 * Embedded (default): the manifest's `rules` list is rebuilt with the SHA-256 of every
 * rule file, the manifest without `signature` is canonicalized (RFC 8785) and signed,
 * and the bundle is rewritten deterministically with the signature inside. Detached: the
 * raw `.tar.gz` bytes are signed and the signature object is returned for `BUNDLE.sig`.
 * RSA-PSS, MGF1 with the same hash, maximum salt length; SHA512 by default.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import type { BundleFinding, SignatureAlgorithm } from '../../../../shared/bundles';
import { AppError, errorMessage } from '../../../../shared/errors';
import { compareNames, writeBundleArchive } from '../archive/archiveWriter';
import { decodeDocument, encodeBson } from '../archive/documents';
import { checkRsaKey, publicKeyId } from './keyId';
import { readBundle } from '../archive/readBundle';
import { embeddedSigningInput, signData } from './signature';
import type { SignatureObject } from './signature';
import { parseZonedTimestamp } from '../verify/timestamps';
import { createBundleVerifier } from '../verify/verifyBundle';
import type { TrustStore } from './trustStore';

export interface SignBundleOptions {
  bundle: Buffer;
  privateKeyPem: string | Buffer;
  signer: string;
  algorithm?: SignatureAlgorithm | undefined;
  mode?: 'embedded' | 'detached' | undefined;
  clock?: (() => Date) | undefined;
}

export interface SignedBundle {
  mode: 'embedded' | 'detached';
  signature: SignatureObject;
  /** The new bundle (embedded) or the unchanged one (detached). */
  bundle: Buffer;
  /** The `.sig` file text (detached only). */
  detachedSignature: string | null;
}

/** Findings that signing itself resolves (a bundle is re-signed after they are fixed). */
const RESOLVED_BY_SIGNING = new Set<string>([
  'SIGNATURE_MISSING',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_ALGORITHM',
  'SIGNATURE_INVALID',
  'SIGNATURE_KEY_UNKNOWN',
  'SIGNATURE_KEY_WEAK',
  'SIGNATURE_SIGNED_AT',
  'SIGNATURE_COVERAGE',
  'MANIFEST_RULE_UNLISTED',
  'MANIFEST_RULE_MISSING',
]);

const NO_TRUST: TrustStore = {
  dir: '(none)',
  list: () => Promise.resolve({ keys: [], problems: [] }),
  find: () => Promise.resolve(null),
  add: () => Promise.reject(new Error('read-only')),
  remove: () => Promise.reject(new Error('read-only')),
};

export async function signBundle(options: SignBundleOptions): Promise<SignedBundle> {
  const privateKey = loadPrivateKey(options.privateKeyPem);
  const algorithm = options.algorithm ?? 'SHA512';
  const mode = options.mode ?? 'embedded';
  const signer = options.signer.trim();
  if (signer === '')
    throw new AppError('BUNDLE_CREATE_FAILED', 'The signer name is empty; pass --signer NAME.');
  const clock = options.clock ?? (() => new Date());

  // Never sign what would not verify (apart from what signing fixes).
  const verification = await createBundleVerifier({ trustStore: NO_TRUST, clock }).verify(
    options.bundle,
  );
  const blocking = verification.report.findings.filter(
    (finding: BundleFinding) =>
      finding.severity === 'error' && !RESOLVED_BY_SIGNING.has(finding.code),
  );
  if (blocking.length > 0) {
    throw new AppError(
      'BUNDLE_CREATE_FAILED',
      `The bundle is not valid, so it is not signed (${blocking.length} problem(s); first: ${blocking[0]?.path} ${blocking[0]?.message}). Run \`verify\` for the full list.`,
    );
  }

  const base = {
    algorithm,
    signer,
    public_key_id: publicKeyId(privateKey),
    signed_at: clock().toISOString(),
  };
  if (mode === 'detached') {
    const signature: SignatureObject = {
      ...base,
      signature: signData(algorithm, options.bundle, privateKey),
    };
    return {
      mode,
      signature,
      bundle: options.bundle,
      detachedSignature: `${JSON.stringify(signature, null, 2)}\n`,
    };
  }

  const archive = await readBundle(options.bundle);
  const manifestFile = archive.files.find((file) => file.kind !== 'rule-file');
  if (manifestFile === undefined)
    throw new AppError('BUNDLE_CREATE_FAILED', 'The bundle has no manifest.');
  const format = manifestFile.kind === 'manifest-bson' ? 'bson' : 'json';
  const decoded = decodeDocument(manifestFile.bytes, format);
  if (!decoded.ok) throw new AppError('BUNDLE_CREATE_FAILED', `The manifest ${decoded.message}.`);
  const manifest: Record<string, unknown> = { ...decoded.value };
  delete manifest.signature;
  const ruleFiles = archive.files
    .filter((file) => file.kind === 'rule-file')
    .map((file) => ({ name: file.path.slice('rules/'.length), bytes: file.bytes }))
    .sort((a, b) => compareNames(a.name, b.name));
  const ruleIds = new Map(
    verification.rules.map((rule) => [rule.path.slice('rules/'.length), rule.ruleId]),
  );
  manifest.rules = ruleFiles.map((file) => ({
    rule_id: ruleIds.get(file.name) ?? file.name.replace(/\.(json|bson)$/, ''),
    filename: file.name,
    hash: `sha256:${createHash('sha256').update(file.bytes).digest('hex')}`,
  }));
  const signature: SignatureObject = {
    ...base,
    signature: signData(algorithm, embeddedSigningInput(manifest), privateKey),
  };
  manifest.signature = signature;
  const createdMs = parseZonedTimestamp(manifest.created_at) ?? 0;
  const bundle = await writeBundleArchive({
    manifestName: format === 'bson' ? 'manifest.bson' : 'manifest.json',
    manifest:
      format === 'bson'
        ? encodeBson(manifest)
        : Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'),
    rules: ruleFiles,
    mtime: new Date(createdMs),
  });
  return { mode, signature, bundle, detachedSignature: null };
}

/** Loads an RSA private key (PKCS#8 or PKCS#1 PEM) of at least 2048 bits. */
export function loadPrivateKey(pem: string | Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new AppError(
      'BUNDLE_KEY_INVALID',
      `The signing key is not an unencrypted PEM private key (${errorMessage(error)}).`,
    );
  }
  checkRsaKey(key, 'The signing key');
  return key;
}
