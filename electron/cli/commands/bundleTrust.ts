import type { Command } from 'commander';

import type { TrustStore } from '../../core/bundles/signing/trustStore';
import type { CliContext } from '../context';
import { printJson } from '../context';
import { readInputFile } from '../inputs';
import { KEYS_OPTION_HELP, bundlesFor } from './trustStoreOption';

interface TrustOptions {
  keys?: string;
  json?: boolean;
}

/** `bundle trust add|list|remove`: the signers' public keys that `verify` and `import` trust. */
export function registerTrustCommands(bundle: Command, context: CliContext): void {
  const trust = bundle
    .command('trust')
    .description("manage the trust store of signers' public keys");
  trust
    .command('add')
    .description('trust a public key (PEM)')
    .argument('<key>', 'public key file (PEM)')
    .option('--name <name>', 'file name in the trust store (default: the key id)')
    .option('--keys <dir>', KEYS_OPTION_HELP)
    .option('--json', 'print the result as JSON')
    .action(
      async (keyFile: string, options: TrustOptions & { name?: string }, command: Command) => {
        const store = await trustStoreFor(context, command, options.keys);
        const added = await store.add(await readInputFile(keyFile, 'the key file'), options.name);
        if (options.json === true) printJson(context, added);
        else {
          context.print(
            added.added
              ? `Trusted key ${added.keyId} (${added.bits} bits) as ${added.file}\nFingerprint: ${added.fingerprint}\n`
              : `Key ${added.keyId} is already trusted (${added.file}).\n`,
          );
        }
      },
    );
  trust
    .command('list')
    .description('list trusted keys with their key ids')
    .option('--keys <dir>', KEYS_OPTION_HELP)
    .option('--json', 'print the list as JSON')
    .action(async (options: TrustOptions, command: Command) => {
      const store = await trustStoreFor(context, command, options.keys);
      const { keys, problems } = await store.list();
      if (options.json === true) {
        printJson(context, { dir: store.dir, keys, problems });
        return;
      }
      if (keys.length === 0) context.print(`No trusted keys in ${store.dir}.\n`);
      for (const key of keys) {
        context.print(`${key.keyId}  ${String(key.bits).padStart(5)} bits  ${key.file}\n`);
      }
      for (const problem of problems) {
        context.warn(`warning: ${problem.file} is not used: ${problem.message}\n`);
      }
    });
  trust
    .command('remove')
    .description('stop trusting a key')
    .argument('<key>', 'key id or file name')
    .option('--keys <dir>', KEYS_OPTION_HELP)
    .option('--json', 'print the removed key as JSON')
    .action(async (key: string, options: TrustOptions, command: Command) => {
      const store = await trustStoreFor(context, command, options.keys);
      const removed = await store.remove(key);
      if (options.json === true) printJson(context, removed);
      else context.print(`Removed ${removed.keyId} (${removed.file}).\n`);
    });
}

async function trustStoreFor(
  context: CliContext,
  command: Command,
  keys: string | undefined,
): Promise<TrustStore> {
  return (await bundlesFor(context, command, keys)).trustStore;
}
