/**
 * The stanzas of CTP notifications (pure): the `chat` message that carries a log entry
 * (SPEC-NOTES "XMPP notifications": body = the entry's JSON as GET of its `self` returns
 * it, stanza id stable per entry), and what a refusal the server sends back means.
 */
import type { Element } from '../xmpp/xmppSession';

const STANZA_ERRORS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const ID_PREFIX = 'ctp-log-';

/** The stanza id of the notification of a log entry: receivers may drop duplicates by it. */
export function notificationStanzaId(logId: string): string {
  return `${ID_PREFIX}${logId}`;
}

/** The log id a notification's stanza id names, or null for another stanza. */
export function logIdOfStanzaId(id: string | undefined): string | null {
  return id !== undefined && id.startsWith(ID_PREFIX) ? id.slice(ID_PREFIX.length) : null;
}

/** A refusal of a sent message (RFC 6120 §8.3): retry later, or give up with the reason. */
export type Refusal = { retry: boolean; reason: string };

/**
 * Reads a `<message type="error">` bounce. RFC 6120 §8.3.2: `wait` means try again later;
 * `cancel`, `auth` and `modify` mean this message will not be delivered as it is (unknown
 * user, no such server, policy); `continue` is only a warning.
 */
export function readRefusal(stanza: Element): Refusal | null {
  if (stanza.name !== 'message' || stanza.attrs.type !== 'error') return null;
  const error = stanza.getChild('error');
  const type = error?.attrs.type ?? 'cancel';
  if (type === 'continue') return null;
  const condition =
    error
      ?.getChildElements()
      .find((child) => child.attrs.xmlns === STANZA_ERRORS && child.name !== 'text')?.name ??
    'undefined-condition';
  const text = error?.getChildText('text', STANZA_ERRORS)?.trim();
  const reason = `the XMPP server refused the message: ${condition}${text ? ` (${text.slice(0, 200)})` : ''}`;
  return { retry: type === 'wait', reason };
}
