import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Command } from 'commander';

import type { VendorSummary } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import { createFileSecretStore, defaultSecretsPath } from '../../core/client/secretStore';
import { createVendorService } from '../../core/client/vendorService';
import type { TrustInput, VendorService } from '../../core/client/vendorService';
import { createVendorsRepository } from '../../core/client/vendorsRepository';
import { openDatabase } from '../../core/store/database';
import type { SqliteDatabase } from '../../core/store/database';
import { loadMigrations } from '../../core/store/loadMigrations';
import type { CliContext } from '../context';
import { printJson } from '../context';

interface AddOptions {
  tokenFile?: string;
  ca?: string;
  fingerprint?: string;
}

interface JsonOption {
  json?: boolean;
}

/** The auditor's workspace for one command: auditor.db and the CLI's secret file. */
export interface VendorWorkspace {
  db: SqliteDatabase;
  dataDir: string;
  vendors: VendorService;
  close(): void;
}

export function openVendorWorkspace(context: CliContext, command: Command): VendorWorkspace {
  const dataDir = context.dataDir(command);
  const db = openDatabase({
    path: join(dataDir, 'auditor.db'),
    migrations: loadMigrations('auditor'),
  });
  const vendors = createVendorService({
    vendors: createVendorsRepository(db),
    secrets: createFileSecretStore(defaultSecretsPath(dataDir)),
    clock: () => new Date(),
  });
  return { db, dataDir, vendors, close: () => db.close() };
}

async function withWorkspace(
  context: CliContext,
  command: Command,
  work: (workspace: VendorWorkspace) => Promise<void> | void,
): Promise<void> {
  const workspace = openVendorWorkspace(context, command);
  try {
    await work(workspace);
  } finally {
    workspace.close();
  }
}

function readInputFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError(
      'VENDOR_INVALID',
      `Cannot read ${what} ${path}: ${(error as Error).message}.`,
    );
  }
}

function trustFrom(options: AddOptions): TrustInput {
  if (options.ca !== undefined && options.fingerprint !== undefined) {
    throw new AppError('VENDOR_INVALID', 'Give --ca or --fingerprint, not both.');
  }
  if (options.ca !== undefined) {
    return { kind: 'ca', caPem: readInputFile(options.ca, 'the CA file'), source: options.ca };
  }
  if (options.fingerprint !== undefined)
    return { kind: 'fingerprint', sha256: options.fingerprint };
  return { kind: 'system' };
}

/**
 * `vendor add|list|show|remove|sync|history` (DESIGN "Command line"). Exit codes: 0 done,
 * 1 a sync had errors, 2 usage or input errors.
 */
export function registerVendorCommands(program: Command, context: CliContext): void {
  const vendor = program
    .command('vendor')
    .description("follow vendors' CTP servers and keep their history");

  vendor
    .command('add')
    .description("follow a vendor's CTP server")
    .argument('<name>', 'a short name for the vendor (letters, digits, . _ -)')
    .argument('<url>', "the vendor's CtpBase, e.g. https://ctp.example.com/ctp/")
    .option('--token-file <file>', 'a file holding the bearer token (kept in the secret store)')
    .option('--ca <file>', 'trust this PEM CA bundle instead of the system CAs')
    .option('--fingerprint <sha256>', "pin the server certificate's SHA-256 fingerprint")
    .action(async (name: string, url: string, options: AddOptions, command: Command) => {
      const trust = trustFrom(options);
      const token =
        options.tokenFile === undefined ? null : readInputFile(options.tokenFile, 'the token file');
      await withWorkspace(context, command, ({ vendors }) => {
        const added = vendors.add({ name, url, token, trust });
        context.io.stdout(
          `Added vendor ${added.name} at ${added.baseUrl} (trust: ${describeTrust(added.trust.kind, added.trust.kind === 'fingerprint' ? added.trust.sha256 : null)}${token === null ? ', no token' : ''}).\n`,
        );
      });
    });

  vendor
    .command('list')
    .description('list the followed vendors')
    .option('--json', 'print one JSON document')
    .action(async (options: JsonOption, command: Command) => {
      await withWorkspace(context, command, ({ vendors }) => {
        const list = vendors.list();
        if (options.json === true) {
          printJson(context, list);
          return;
        }
        if (list.length === 0)
          context.io.stdout('No vendors yet; add one with `vendor add NAME URL`.\n');
        for (const item of list) context.io.stdout(`${summaryLine(item)}\n`);
      });
    });

  vendor
    .command('show')
    .description('show a vendor and what its workspace holds')
    .argument('<name>')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: JsonOption, command: Command) => {
      await withWorkspace(context, command, ({ vendors }) => {
        const record = vendors.get(name);
        const summary = vendors.list().find((item) => item.name === record.name);
        const shown = { ...summary, provider: record.provider };
        if (options.json === true) {
          printJson(context, shown);
          return;
        }
        context.io.stdout(
          `${summaryLine(summary!)}\nprovider: ${record.provider ?? '(not synced yet)'}\n`,
        );
      });
    });

  vendor
    .command('remove')
    .description('stop following a vendor and delete its workspace data and token')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      await withWorkspace(context, command, ({ vendors }) => {
        vendors.remove(name);
        context.io.stdout(`Removed vendor ${name}.\n`);
      });
    });
}

function describeTrust(kind: string, fingerprint: string | null): string {
  return kind === 'fingerprint'
    ? `pinned ${fingerprint ?? ''}`
    : kind === 'ca'
      ? 'CA file'
      : 'system CAs';
}

function summaryLine(item: VendorSummary): string {
  const sync =
    item.lastSync === null
      ? 'never synced'
      : `last sync ${item.lastSync.startedAt} ${item.lastSync.status}${item.lastSync.errors > 0 ? ` (${item.lastSync.errors} errors)` : ''}`;
  return `${item.name}\t${item.baseUrl}\t${describeTrust(item.trust, item.fingerprint)}\t${item.hasToken ? 'token' : 'no token'}\t${sync}`;
}
