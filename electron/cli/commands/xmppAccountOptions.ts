import type { Command } from 'commander';

import type { AccountInput } from '../../core/alerts/xmpp/accountInput';
import type { CliContext } from '../context';
import { readInputText } from '../inputs';

/** The options of `server notifier set` and `alerts account set`. */
export interface AccountOptions {
  passwordFile: string;
  service?: string;
  ca?: string;
}

/** Declares `JID --password-file F [--service xmpp://HOST:PORT] [--ca FILE]` on a command. */
export function withAccountOptions(command: Command): Command {
  return command
    .argument('<jid>', 'the XMPP account (name@server)')
    .requiredOption('--password-file <file>', "a file holding the account's password (- for stdin)")
    .option(
      '--service <url>',
      'xmpp://HOST:PORT (STARTTLS) or xmpps://HOST:PORT (TLS); default: the JID’s server, port 5222',
    )
    .option('--ca <file>', "a PEM CA bundle for the XMPP server's certificate");
}

/** Reads the named files of an account (the password file, the CA). */
export async function readAccount(
  context: CliContext,
  jid: string,
  options: AccountOptions,
): Promise<AccountInput> {
  return {
    jid,
    password: await readInputText(context, options.passwordFile, 'the password file'),
    service: options.service ?? null,
    caPem:
      options.ca === undefined ? null : await readInputText(context, options.ca, 'the CA file'),
    ...(options.ca === undefined ? {} : { caSource: options.ca }),
  };
}
