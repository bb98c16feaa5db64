/**
 * Checks of what the auditor types when adding a vendor (pure): the CtpBase URL, the
 * vendor name and a pinned certificate fingerprint.
 */
import { AppError } from '../../../shared/errors';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const NAME_MAX = 100;
/**
 * Characters a name must not hold: C0 and C1 controls, line and paragraph separators,
 * and the invisible bidirectional marks, embeddings, overrides and isolates (Unicode
 * TR9), which make one name look like another in a list or a terminal ("Trojan Source",
 * CVE-2021-42574). Right-to-left letters themselves are welcome.
 */
const NAME_FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/**
 * A vendor name as the auditor wants to read it: 1 to 100 characters of any script,
 * spaces and punctuation included (names holding HTML or right-to-left text are shown as
 * text), without leading or trailing spaces, in Unicode NFC, and without the characters
 * of {@link NAME_FORBIDDEN}. Returns the name as it will be stored.
 */
export function checkVendorName(name: string): string {
  const normalized = name.normalize('NFC');
  if (
    normalized.trim() !== normalized ||
    normalized.length === 0 ||
    normalized.length > NAME_MAX ||
    NAME_FORBIDDEN.test(normalized)
  ) {
    throw new AppError(
      'VENDOR_INVALID',
      `The vendor name ${JSON.stringify(name)} is not valid: use 1 to ${NAME_MAX} characters, without leading or trailing spaces, control characters or bidirectional overrides.`,
    );
  }
  return normalized;
}

/**
 * The CtpBase (CTP 4.1.2) in canonical form: an absolute https URL (http only on a loopback
 * host: the token would cross the network in clear), no query, no fragment, no credentials,
 * ending with `/` (SPEC-NOTES "CtpBase").
 */
export function normalizeBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError(
      'VENDOR_INVALID',
      `${JSON.stringify(text)} is not a URL; give the vendor's CtpBase, e.g. https://ctp.example.com/ctp/.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('VENDOR_INVALID', `The CtpBase must be an https URL; got ${url.protocol}.`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw new AppError(
      'VENDOR_INVALID',
      `Plain http to ${url.hostname} would send the bearer token in clear: use https (http is accepted on loopback only).`,
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new AppError(
      'VENDOR_INVALID',
      'The CtpBase must not carry credentials, a query or a fragment.',
    );
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/**
 * A SHA-256 certificate fingerprint in Node's form (`AB:CD:…`, 32 upper-case hex pairs),
 * from hex with or without colons, in either case.
 */
export function normalizeFingerprint(text: string): string {
  const hex = text
    .replace(/^sha256[:=]/i, '')
    .replace(/[:\s]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new AppError(
      'VENDOR_INVALID',
      `${JSON.stringify(text)} is not a SHA-256 fingerprint: expected 64 hexadecimal digits (colons allowed), as \`openssl x509 -noout -fingerprint -sha256\` prints.`,
    );
  }
  return hex.match(/../g)!.join(':');
}

/** True when a URL is at the vendor's origin (scheme, host and port all equal). */
export function sameOrigin(a: string, b: string): boolean {
  return atOrigin(b)(a);
}

/** {@link sameOrigin} against one base for many URLs: the base's origin is read once. */
export function atOrigin(baseUrl: string): (url: string) => boolean {
  const origin = originOf(baseUrl);
  return (url) => origin !== null && originOf(url) === origin;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
