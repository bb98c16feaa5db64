import type { Command } from 'commander';

import type { AuthoritiesChange, AuthorityEntry } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import type { CliContext } from '../context';
import { printJson } from '../context';
import { readInputText } from '../inputs';

interface JsonOption {
  json?: boolean;
}

function entryLine(entry: AuthorityEntry): string {
  const name = entry.kind === 'key' ? entry.id : `CA ${entry.subject ?? ''}`;
  const until = entry.validTo === null ? '' : `  valid until ${entry.validTo}`;
  return `${name}\t${entry.keyType}\tSHA-256 ${entry.fingerprint256}${until}`;
}

function printChange(context: CliContext, what: string, change: AuthoritiesChange): void {
  context.print(
    `${what}; ${change.rechecked} kept results verified again with the ${change.authorities.length} trusted authorities.\n`,
  );
}

/**
 * `vendor authority add|list|remove`: the keys and CAs trusted for result signatures
 * (`<data-dir>/authorities.json`); every change verifies the kept results again.
 */
export function registerAuthorityCommands(vendor: Command, context: CliContext): void {
  const authority = vendor
    .command('authority')
    .description('the keys and CAs trusted for measurement-result signatures (CTP 4.2.6.2)');

  authority
    .command('list')
    .description('list the trusted keys and CAs with their SHA-256 fingerprints')
    .option('--json', 'print one JSON document')
    .action(async (options: JsonOption, command: Command) => {
      const client = await context.modules(command).client();
      const list = client.authorities.list();
      if (options.json === true) {
        printJson(context, list);
        return;
      }
      if (list.length === 0) {
        context.print(
          'No authority is trusted yet; add one with `vendor authority add ID FILE`.\n',
        );
      }
      for (const entry of list) context.print(`${entryLine(entry)}\n`);
    });

  authority
    .command('add')
    .description(
      'trust a key for an authorityId (PEM public key or certificate, or a JWK), or a CA for x5c chains with --ca',
    )
    .argument('[id]', 'the authorityId that results name (not with --ca)')
    .argument('[file]', 'the PEM or JWK file (- for standard input)')
    .option('--ca <file>', 'trust this CA certificate (PEM) for x5c certificate chains')
    .action(
      async (
        id: string | undefined,
        file: string | undefined,
        options: { ca?: string },
        command: Command,
      ) => {
        const ca = options.ca !== undefined;
        if (ca ? id !== undefined : id === undefined || file === undefined) {
          throw new AppError(
            'CLI_USAGE',
            'Give ID FILE for a key, or --ca FILE alone for a CA certificate.',
          );
        }
        const path = ca ? options.ca! : file!;
        const material = await readInputText(
          context,
          path,
          ca ? 'the CA certificate' : 'the key file',
        );
        const client = await context.modules(command).client();
        const change = await client.authorities.add(
          ca ? { kind: 'ca', material } : { kind: 'key', id: id!, material },
        );
        printChange(context, ca ? 'CA added' : `Key for ${id!} added`, change);
      },
    );

  authority
    .command('remove')
    .description('stop trusting a key (by authorityId) or a CA (--ca FINGERPRINT)')
    .argument('[id]', 'the authorityId')
    .option(
      '--ca <fingerprint>',
      "the CA certificate's SHA-256 fingerprint (vendor authority list)",
    )
    .action(async (id: string | undefined, options: { ca?: string }, command: Command) => {
      if ((id === undefined) === (options.ca === undefined)) {
        throw new AppError('CLI_USAGE', 'Give an authorityId, or --ca FINGERPRINT.');
      }
      const client = await context.modules(command).client();
      const change = await client.authorities.remove(
        id === undefined ? { kind: 'ca', id: options.ca! } : { kind: 'key', id },
      );
      printChange(context, 'Removed', change);
    });
}
