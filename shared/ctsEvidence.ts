/**
 * Evidence references of OpenCTS (spec §5: "OpenCTS does not transport evidence — it
 * references it"): `sha256:` digests, `https://` links (pre-signed or not), `s3://`
 * locations. The provider accepts only those three forms, strictly; an auditor reads
 * whatever a vendor wrote, including the object form of the upstream examples
 * (`{"url", "hash", "expires"}`), and says what can be checked. Pure.
 */

export type EvidenceKind = 'sha256' | 'https' | 's3' | 'other';

export interface EvidenceReference {
  /** The reference as written (an object reference: its URL, else its hash). */
  text: string;
  kind: EvidenceKind;
  /** A SHA-256 digest to compare with (64 lowercase hex digits), or null. */
  digest: string | null;
  /** The `https://` or `s3://` URL, or null. */
  url: string | null;
  /** When a pre-signed URL stops working (RFC 3339), or null when it does not say. */
  expiresAt: string | null;
  /** Why the reference cannot be read as it seems meant (a malformed digest, plain http). */
  note: string | null;
}

export const MAX_EVIDENCE_REF_LENGTH = 2048;
const DIGEST = /^sha256:([0-9a-fA-F]{64})$/;
const BARE_DIGEST = /^[0-9a-fA-F]{64}$/;

/**
 * The provider's check of one reference it publishes: null when acceptable, else what is
 * wrong (said so that it completes "evidence_ref: …").
 */
export function evidenceRefProblem(text: string): string | null {
  if (text.length === 0) return 'must not be empty';
  if (text.length > MAX_EVIDENCE_REF_LENGTH)
    return `is longer than ${MAX_EVIDENCE_REF_LENGTH} characters`;
  if (/\s/.test(text) || hasControlCharacter(text))
    return 'must not contain white space or control characters';
  if (text.startsWith('sha256:')) {
    return DIGEST.test(text) ? null : 'a sha256: reference needs exactly 64 hex digits';
  }
  const url = parseUrl(text);
  if (url === null || !['https:', 's3:'].includes(url.protocol)) {
    return 'must be sha256:<64 hex digits>, an https:// URL or an s3://bucket/key location (OpenCTS §5)';
  }
  if (url.username !== '' || url.password !== '')
    return 'must not carry a user name or password in the URL';
  if (url.hostname === '') return url.protocol === 's3:' ? 'needs a bucket' : 'needs a host';
  return null;
}

/** Normalizes what the provider publishes: digests in lower case. */
export function normalizeEvidenceRef(text: string): string {
  return DIGEST.test(text) ? text.toLowerCase() : text;
}

/**
 * Reads one reference a vendor published, tolerantly: a string, or an object with `url`
 * (`href`, `uri`), `hash` (`sha256`, `digest`) and `expires` (`expires_at`, `expiry`).
 * Null when there is nothing that could be a reference.
 */
export function parseEvidenceReference(value: unknown): EvidenceReference | null {
  if (typeof value === 'string') return fromString(value.slice(0, MAX_EVIDENCE_REF_LENGTH));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const pick = (keys: readonly string[]): string | null => {
    for (const key of keys) {
      const found = record[key];
      if (typeof found === 'string' && found.length > 0)
        return found.slice(0, MAX_EVIDENCE_REF_LENGTH);
    }
    return null;
  };
  const urlText = pick(['url', 'href', 'uri']);
  const hashText = pick(['hash', 'sha256', 'digest']);
  const expiresText = pick(['expires', 'expires_at', 'expiry']);
  if (urlText === null && hashText === null) return null;
  const base = urlText === null ? fromString(hashText!) : fromString(urlText);
  if (urlText !== null && hashText !== null) {
    const digest = digestOf(hashText);
    base.digest = digest;
    if (digest === null) base.note = `its hash ${quoted(hashText)} is not a SHA-256 digest`;
  }
  const declared = expiresText === null ? NaN : Date.parse(expiresText);
  if (!Number.isNaN(declared) && base.expiresAt === null)
    base.expiresAt = new Date(declared).toISOString();
  return base;
}

function fromString(text: string): EvidenceReference {
  const reference: EvidenceReference = {
    text,
    kind: 'other',
    digest: null,
    url: null,
    expiresAt: null,
    note: null,
  };
  if (text.startsWith('sha256:')) {
    reference.kind = 'sha256';
    reference.digest = digestOf(text);
    if (reference.digest === null) reference.note = 'not a SHA-256 digest (64 hex digits)';
    return reference;
  }
  const url = parseUrl(text);
  if (url === null) return reference;
  if (url.protocol === 'https:') {
    reference.kind = 'https';
    reference.url = url.href;
    const expiry = presignedUrlExpiry(url);
    if (expiry !== null) reference.expiresAt = new Date(expiry).toISOString();
  } else if (url.protocol === 's3:') {
    reference.kind = 's3';
    reference.url = url.href;
  } else if (url.protocol === 'http:') {
    reference.note = 'a plain http:// link: not fetched (it could be altered on the way)';
  }
  return reference;
}

/** `sha256:HEX` or bare HEX (64 digits) → lower-case hex; else null. */
function digestOf(text: string): string | null {
  const match = DIGEST.exec(text);
  if (match !== null) return match[1]!.toLowerCase();
  return BARE_DIGEST.test(text) ? text.toLowerCase() : null;
}

/**
 * When a pre-signed URL expires (ms since the epoch), read from its query: AWS Signature
 * Version 4 (`X-Amz-Date` + `X-Amz-Expires`), Google Cloud Storage V4 (`X-Goog-Date` +
 * `X-Goog-Expires`), AWS Signature Version 2 and CloudFront (`Expires`, epoch seconds),
 * Azure shared access signatures (`se` beside `sig`). Null when the URL says nothing.
 */
export function presignedUrlExpiry(url: URL): number | null {
  const query = new Map<string, string>();
  for (const [key, value] of url.searchParams) query.set(key.toLowerCase(), value);
  for (const vendor of ['amz', 'goog']) {
    const signed = compactUtc(query.get(`x-${vendor}-date`));
    const seconds = query.get(`x-${vendor}-expires`);
    if (signed !== null && seconds !== undefined && /^\d{1,9}$/.test(seconds))
      return signed + Number(seconds) * 1000;
  }
  const expires = query.get('expires');
  if (expires !== undefined && /^\d{9,11}$/.test(expires)) return Number(expires) * 1000;
  const azure = query.get('se');
  if (azure !== undefined && query.has('sig')) {
    const time = Date.parse(azure);
    if (!Number.isNaN(time)) return time;
  }
  return null;
}

/** `20240115T143000Z` (ISO 8601 basic format, UTC) → ms, else null. */
function compactUtc(text: string | undefined): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (match === null) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, ...number[]];
  const time = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  return Number.isNaN(time) ? null : time;
}

/** C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F). */
function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** What is known of one reference (docs/opencts.md "Evidence"). */
export type EvidenceStatus =
  /** A file given, or a download, hashes to the digest named. */
  | 'verified'
  /** What was checked hashes to something else. */
  | 'mismatch'
  /** The download failed (network, status, a bound). */
  | 'unreachable'
  /** A pre-signed URL past its expiry. */
  | 'expired'
  /** `s3://` and other forms: nothing this app can fetch. */
  | 'cannot_check'
  /** Downloaded, but the reference names no digest to compare with. */
  | 'no_digest'
  /** Nothing checked yet: give the file, or fetch. */
  | 'unchecked';

export const EVIDENCE_STATUSES: readonly EvidenceStatus[] = [
  'mismatch',
  'unreachable',
  'expired',
  'unchecked',
  'no_digest',
  'cannot_check',
  'verified',
];

/** The last thing checked against a reference. */
export interface EvidenceObservation {
  source: 'file' | 'download';
  /** The file's name as given, or the URL downloaded. */
  name: string;
  sha256: string | null;
  size: number | null;
  checkedAt: string;
}

export interface EvidenceItem {
  reference: EvidenceReference;
  /** Where the telemetry names it: `posture`, `SOC2`, `SOC2 CC7.2`. */
  where: string[];
  status: EvidenceStatus;
  detail: string | null;
  observed: EvidenceObservation | null;
}

/** A file checked against a vendor's references. */
export interface EvidenceFileCheck {
  name: string;
  sha256: string;
  size: number;
  outcome: 'verified' | 'mismatch' | 'no_digest' | 'unmatched';
  /** The references it was compared with (their text). */
  references: string[];
  checkedAt: string;
}

/** A vendor's evidence references with their statuses, for `vendor evidence` and the app. */
export interface VendorEvidence {
  vendor: string;
  /** The telemetry document the references come from, or null before any. */
  documentId: number | null;
  items: EvidenceItem[];
  counts: Record<EvidenceStatus, number>;
  /** Files given that match no reference, newest first. */
  unmatchedFiles: EvidenceFileCheck[];
}

/** A file to check, hashed where it is (the CLI, or the app's page). */
export interface EvidenceFileDigest {
  name: string;
  /** 64 lowercase hex digits. */
  sha256: string;
  size: number;
}
