/**
 * What an incoming message is (pure; DESIGN "Alerts", SPEC-NOTES "XMPP notifications"):
 * the body must be a CTP log entry (4.2.8.2 normal or 4.2.8.3 error form) whose links are
 * all under the CtpBase of one followed vendor; the sender proves nothing. A log entry no
 * followed vendor serves is kept as "unknown"; anything else is kept as "malformed" with
 * the first {@link MALFORMED_EXCERPT_CHARS} characters and the reason.
 */
import { parseLogEntry, type LogEntry } from '../../client/responseShapes';

/** A larger body is not read (a log entry with its result is far smaller). */
export const MAX_ALERT_BODY_BYTES = 128 * 1024;
export const MALFORMED_EXCERPT_CHARS = 4096;

/** A followed vendor as matching needs it. */
export interface VendorBase {
  id: number;
  /** The CtpBase, ending with `/`. */
  baseUrl: string;
}

export type ClassifiedMessage =
  | { origin: 'vendor'; vendorId: number; kind: 'normal' | 'error'; entry: LogEntry; body: string }
  | { origin: 'unknown'; kind: 'normal' | 'error'; entry: LogEntry; body: string; problem: string }
  | { origin: 'malformed'; body: string; problem: string };

const LOG_PATH = /^logs\/[A-Za-z0-9_=-]{1,96}$/;

export function classifyAlertBody(
  body: string,
  vendors: readonly VendorBase[],
  /** Whether the vendor's workspace holds this URL (breaks ties between vendors on one server). */
  holds: (vendorId: number, url: string) => boolean = () => false,
): ClassifiedMessage {
  const bytes = new TextEncoder().encode(body).length;
  if (bytes > MAX_ALERT_BODY_BYTES) {
    return malformed(body, `the message is ${bytes} bytes, more than ${MAX_ALERT_BODY_BYTES}`);
  }
  const parsed = parseLogEntry(body);
  if (!parsed.ok) return malformed(body, `not a CTP log entry: ${parsed.error}`);
  const entry = parsed.value;
  const kind = kindOf(entry);
  if (kind === null) {
    return malformed(
      body,
      'a log entry has either a "result" (normal) or an "error" (error entry), not both or neither',
    );
  }
  const links = [entry.self, entry.scope, entry.trigger].filter(
    (link): link is string => link !== null,
  );
  const self = normalized(entry.self);
  const candidates = vendors.filter(
    (vendor) =>
      links.every((link) => normalized(link).startsWith(vendor.baseUrl)) &&
      LOG_PATH.test(self.slice(vendor.baseUrl.length)),
  );
  const chosen =
    candidates.find((vendor) => entry.scope !== null && holds(vendor.id, entry.scope)) ??
    candidates[0];
  if (chosen === undefined) {
    return {
      origin: 'unknown',
      kind,
      entry,
      body,
      problem: `no followed vendor serves ${originOf(entry.self)} (its links must all be under a vendor's CtpBase, the entry itself under logs/)`,
    };
  }
  return { origin: 'vendor', vendorId: chosen.id, kind, entry, body };
}

/** CTP 4.2.8: a normal entry carries the result, an error entry its error. */
function kindOf(entry: LogEntry): 'normal' | 'error' | null {
  if (entry.result !== null && entry.error === null) return 'normal';
  if (entry.result === null && entry.error !== null) return 'error';
  return null;
}

function malformed(body: string, problem: string): ClassifiedMessage {
  return { origin: 'malformed', body: body.slice(0, MALFORMED_EXCERPT_CHARS), problem };
}

/** The URL as WHATWG normalises it (`..` resolved, default port dropped), as CtpBases are kept. */
function normalized(link: string): string {
  try {
    return new URL(link).href;
  } catch {
    return '';
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'that origin';
  }
}
