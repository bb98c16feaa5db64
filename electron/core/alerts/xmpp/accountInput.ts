/**
 * Checks of an XMPP account as a person gives it (`server notifier set`, `alerts account
 * set`, the app's forms): a bare JID, a password, an optional service URL and CA bundle.
 */
import { AppError } from '../../../../shared/errors';
import { checkBareJid, checkService } from '../../../../shared/xmppAccount';
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
