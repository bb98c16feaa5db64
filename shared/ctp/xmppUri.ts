/**
 * The XMPP URI of a trigger's `notification` (CTP 4.2.7.2, RFC 5122), parsed into the JID
 * that receives its alerts (SPEC-NOTES "XMPP notifications"). Pure, shared by the
 * notifier (where to send), the trigger form and the CLI (what the auditor types).
 *
 * RFC 5122 §2.2: `xmpp:[//authpath/]node@host[/resource][?query][#fragment]`. The
 * authority part names the *sender's* account and the query an action for interactive
 * clients: neither changes the recipient, so both are ignored. Components are
 * percent-decoded as UTF-8 (§2.4); a resource makes a full JID, which is honoured.
 */

/** The JID an `xmpp:` URI names. */
export interface XmppAddress {
  /** The localpart (RFC 7622 §3.3), decoded; required for a notification target. */
  local: string;
  /** The domainpart, lower-cased. */
  domain: string;
  /** The resourcepart, decoded, or null for a bare JID. */
  resource: string | null;
  /** `local@domain`. */
  bare: string;
  /** `local@domain/resource`, or the bare JID without a resource. */
  jid: string;
}

export type XmppUriParse = { ok: true; address: XmppAddress } | { ok: false; reason: string };

/** RFC 7622: each part is at most 1023 bytes. */
const MAX_PART_BYTES = 1023;
/** RFC 5122 nodeid: unreserved / pct-encoded / "!$()*+,;=" (before decoding). */
const NODE = /^(?:[A-Za-z0-9\-._~!$()*+,;=]|%[0-9A-Fa-f]{2})+$/;
/** RFC 5122 resid: unreserved / pct-encoded / "!$&'()*+,:;=" (before decoding). */
const RESOURCE = /^(?:[A-Za-z0-9\-._~!$&'()*+,:;=]|%[0-9A-Fa-f]{2})+$/;
/** A DNS name or an IPv4 address (RFC 7622 §3.2; IP literals are not notification targets). */
const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** Characters a localpart may not hold even when percent-encoded (RFC 7622 §3.3.1). */
const LOCAL_FORBIDDEN = /["&'/:<>@\s]/u;

/** Parses a notification URI; `xmpp:` is matched case-insensitively (RFC 3986 §3.1). */
export function parseXmppUri(text: string): XmppUriParse {
  if (text.length > 3072) return { ok: false, reason: 'the URI is longer than 3072 characters' };
  if (!/^xmpp:/i.test(text)) return { ok: false, reason: 'it does not start with "xmpp:"' };
  let rest = text.slice(5);
  rest = cutAt(rest, '#');
  rest = cutAt(rest, '?');
  if (rest.startsWith('//')) {
    // authpath: "//" account "/" pathxmpp; the account is the sender's, not ours to use.
    const slash = rest.indexOf('/', 2);
    if (slash < 0)
      return { ok: false, reason: 'it names only an account (xmpp://…), no recipient' };
    rest = rest.slice(slash + 1);
  }
  const at = rest.indexOf('@');
  const slash = rest.indexOf('/');
  if (at < 0 || (slash >= 0 && slash < at)) {
    return { ok: false, reason: 'it has no node (xmpp:node@server): alerts go to an account' };
  }
  const rawLocal = rest.slice(0, at);
  const afterAt = rest.slice(at + 1);
  const resourceSlash = afterAt.indexOf('/');
  const rawDomain = resourceSlash < 0 ? afterAt : afterAt.slice(0, resourceSlash);
  const rawResource = resourceSlash < 0 ? null : afterAt.slice(resourceSlash + 1);
  if (!NODE.test(rawLocal))
    return { ok: false, reason: 'its node has characters RFC 5122 does not allow' };
  const local = decode(rawLocal);
  if (local === null || local === '' || LOCAL_FORBIDDEN.test(local) || tooLong(local)) {
    return { ok: false, reason: 'its node is not a valid XMPP localpart' };
  }
  if (!DOMAIN.test(rawDomain))
    return { ok: false, reason: `"${rawDomain.slice(0, 80)}" is not a server name` };
  const domain = rawDomain.toLowerCase();
  let resource: string | null = null;
  if (rawResource !== null && rawResource !== '') {
    if (!RESOURCE.test(rawResource)) {
      return { ok: false, reason: 'its resource has characters RFC 5122 does not allow' };
    }
    resource = decode(rawResource);
    // eslint-disable-next-line no-control-regex -- RFC 7622 §3.4: no control characters
    if (resource === null || tooLong(resource) || /[\u0000-\u001f\u007f]/u.test(resource)) {
      return { ok: false, reason: 'its resource is not a valid XMPP resourcepart' };
    }
  }
  const bare = `${local}@${domain}`;
  return {
    ok: true,
    address: {
      local,
      domain,
      resource,
      bare,
      jid: resource === null ? bare : `${bare}/${resource}`,
    },
  };
}

/**
 * A bare JID typed by a person (`alice@example.com`) as the `xmpp:` URI of a trigger's
 * notification, percent-encoding what RFC 5122 requires; null when it is not a JID.
 */
export function xmppUriOf(jid: string): string | null {
  const at = jid.indexOf('@');
  if (at <= 0) return null;
  const slash = jid.indexOf('/', at);
  const local = jid.slice(0, at);
  const domain = slash < 0 ? jid.slice(at + 1) : jid.slice(at + 1, slash);
  const resource = slash < 0 ? null : jid.slice(slash + 1);
  const uri = `xmpp:${encode(local, '!$()*+,;=')}@${domain}${resource === null ? '' : `/${encode(resource, "!$&'()*+,:;=")}`}`;
  return parseXmppUri(uri).ok ? uri : null;
}

/** A JID as a user gives it (`alice@example.com[/res]`), checked like a notification target. */
export function parseJid(text: string): XmppUriParse {
  const uri = xmppUriOf(text.trim());
  if (uri === null)
    return { ok: false, reason: `"${text.slice(0, 80)}" is not a JID (name@server)` };
  return parseXmppUri(uri);
}

function cutAt(text: string, mark: string): string {
  const index = text.indexOf(mark);
  return index < 0 ? text : text.slice(0, index);
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text).normalize('NFC');
  } catch {
    return null;
  }
}

function encode(text: string, allowed: string): string {
  let out = '';
  for (const char of text) {
    out +=
      /[A-Za-z0-9\-._~]/.test(char) || allowed.includes(char) ? char : encodeURIComponent(char);
  }
  return out;
}

function tooLong(text: string): boolean {
  return new TextEncoder().encode(text).length > MAX_PART_BYTES;
}
