/**
 * The checks of an XMPP account's address and server that both sides run: core before it
 * stores an account (`server notifier set`, `alerts account set`, the contract's calls),
 * the app's account form before it sends one (the same rule, the same message).
 */
import { parseJid } from './ctp/xmppUri';
import { AppError } from './errors';

function invalid(message: string): AppError {
  return new AppError('ALERTS_ACCOUNT_INVALID', message);
}

/** A bare JID (`name@server`); throws ALERTS_ACCOUNT_INVALID naming the problem. */
export function checkBareJid(text: string): string {
  const parsed = parseJid(text);
  if (!parsed.ok) throw invalid(`${parsed.reason}.`);
  if (parsed.address.resource !== null) {
    throw invalid(`Give the account's bare JID (${parsed.address.bare}), without "/resource".`);
  }
  return parsed.address.bare;
}

/**
 * `xmpp://HOST[:PORT]` (STARTTLS) or `xmpps://HOST[:PORT]` (direct TLS), nothing else;
 * `what` names the field in messages (the app and the CLI alike by default; the form says
 * "The server" beside its field).
 */
export function checkService(text: string, what = 'The XMPP server (--service)'): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(
      `${what} must be xmpp://HOST:PORT or xmpps://HOST:PORT; got ${JSON.stringify(text.slice(0, 100))}.`,
    );
  }
  if (url.protocol !== 'xmpp:' && url.protocol !== 'xmpps:') {
    throw invalid(
      `${what} must start with xmpp:// (STARTTLS) or xmpps:// (direct TLS); got ${url.protocol}.`,
    );
  }
  if (
    url.hostname === '' ||
    (url.pathname !== '' && url.pathname !== '/') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== ''
  ) {
    throw invalid(`${what} is only a scheme, a host and a port (xmpp://HOST:PORT).`);
  }
  return `${url.protocol}//${url.host}`;
}
