/**
 * Checks of an XMPP account as a person gives it (`server notifier set`, `alerts account
 * set`, the app's forms): a bare JID, a password, an optional service URL and CA bundle.
 */
import { parseJid } from '../../../../shared/ctp/xmppUri';
import { AppError } from '../../../../shared/errors';
import { checkCaPem } from '../../client/vendorService';

export interface AccountInput {
  jid: string;
  password: string;
  service?: string | null | undefined;
  caPem?: string | null | undefined;
  /** Where the CA came from, for messages (`--ca FILE`). */
  caSource?: string;
}

export interface CheckedAccount {
  /** The bare JID, domain lower-cased. */
  jid: string;
  password: string;
  service: string | null;
  caPem: string | null;
}

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

/** `xmpp://HOST[:PORT]` (STARTTLS) or `xmpps://HOST[:PORT]` (direct TLS), nothing else. */
export function checkService(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(
      `--service must be xmpp://HOST:PORT or xmpps://HOST:PORT; got ${JSON.stringify(text.slice(0, 100))}.`,
    );
  }
  if (url.protocol !== 'xmpp:' && url.protocol !== 'xmpps:') {
    throw invalid(
      `--service must start with xmpp:// (STARTTLS) or xmpps:// (direct TLS); got ${url.protocol}.`,
    );
  }
  if (
    url.hostname === '' ||
    (url.pathname !== '' && url.pathname !== '/') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== ''
  ) {
    throw invalid('--service is only a scheme, a host and a port (xmpp://HOST:PORT).');
  }
  return `${url.protocol}//${url.host}`;
}

export function checkAccount(input: AccountInput): CheckedAccount {
  const jid = checkBareJid(input.jid);
  // A password file usually ends with a newline; the password itself never does.
  const password = input.password.replace(/\r?\n$/, '');
  if (password === '' || password.length > 1024 || /[\r\n\0]/.test(password)) {
    throw invalid('The password must be one line of 1 to 1024 characters.');
  }
  const service = input.service == null ? null : checkService(input.service);
  const caPem =
    input.caPem == null ? null : checkCaPem(input.caPem, input.caSource ?? 'the CA file');
  return { jid, password, service, caPem };
}
