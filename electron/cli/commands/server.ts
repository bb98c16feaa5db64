import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Command } from 'commander';

import { CTP_ID_PATTERN } from '../../../shared/ctp/ids';
import { AppError } from '../../../shared/errors';
import { createAccounts } from '../../core/provider/accounts';
import { createProviderImporter } from '../../core/provider/providerImport';
import { createPublisher } from '../../core/provider/publisher';
import { openDatabase, type SqliteDatabase } from '../../core/store/database';
import { loadMigrations } from '../../core/store/loadMigrations';
import { printJson, type CliContext } from '../context';

/** The provider side of the embedded CTP server: `server import|token create|publish`. */
export function registerServerCommands(program: Command, context: CliContext): void {
  const server = program
    .command('server')
    .description('manage what the embedded CTP server publishes (provider side)');

  server
    .command('import')
    .description('create or update the served tree from a provider JSON file (- for stdin)')
    .argument('<provider.json>')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const document = parseJsonInput(await readInput(context, file), file);
      await withServerDb(context, command, async (db) => {
        const summary = await createProviderImporter({
          db,
          clock: () => new Date(),
        }).importDocument(document);
        if (options.json === true) printJson(context, summary);
        else {
          context.io.stdout(
            `Imported ${file}: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged; ${summary.results} results, ${summary.alerts} alerts.\n`,
          );
        }
      });
    });

  const token = server.command('token').description('bearer tokens of customer accounts (CTP 6.3)');
  token
    .command('create')
    .description('create a token for an account (created if new) and print it once')
    .requiredOption('--account <name>', 'the customer account')
    .option('--views <ids>', 'comma-separated service view ids the account may see')
    .action(async (options: { account: string; views?: string }, command: Command) => {
      const name = options.account.trim();
      if (name === '') throw new AppError('CLI_USAGE', '--account must not be empty.');
      const views = options.views
        ?.split(',')
        .map((view) => view.trim())
        .filter((view) => view.length > 0);
      for (const view of views ?? []) {
        if (!CTP_ID_PATTERN.test(view)) {
          throw new AppError('CLI_USAGE', `--views: "${view}" is not a CTP identifier.`);
        }
      }
      await withServerDb(context, command, async (db) => {
        const accounts = createAccounts(db);
        if (views === undefined && accounts.get(name) === undefined) {
          throw new AppError(
            'CLI_USAGE',
            `Account "${name}" does not exist yet: give the service views it may see with --views ID,ID.`,
          );
        }
        const created = db.transaction(() => {
          accounts.ensureAccount(name, views);
          return accounts.addToken(name);
        })();
        context.io.stdout(`${created}\n`);
        context.io.stderr(
          `Token for account "${name}" (views: ${accounts.get(name)?.serviceViews.join(', ') ?? ''}). It is shown only this once; the server keeps only its SHA-256 digest.\n`,
        );
      });
    });

  server
    .command('publish')
    .description('publish a new result (- for stdin): objective and triggers are evaluated')
    .argument('<measurementId>')
    .argument('<result.json>')
    .option('--json', 'print the outcome as JSON')
    .action(
      async (
        measurementId: string,
        file: string,
        options: { json?: boolean },
        command: Command,
      ) => {
        if (!CTP_ID_PATTERN.test(measurementId)) {
          throw new AppError('CLI_USAGE', `"${measurementId}" is not a CTP identifier.`);
        }
        const text = await readInput(context, file);
        await withServerDb(context, command, async (db) => {
          const outcome = await createPublisher({ db, clock: () => new Date() }).publish(
            measurementId,
            text,
          );
          if (options.json === true) printJson(context, outcome);
          else {
            context.io.stdout(
              `Published a result to ${measurementId} (${outcome.updateTime}): objective ${outcome.objectiveStatus ?? 'none'}, ${outcome.evaluated} triggers evaluated, ${outcome.alerts.length} alerts.\n`,
            );
          }
          // Exit 1 when a trigger failed to evaluate (DESIGN.md: the checked thing failed).
          if (outcome.alerts.some((alert) => alert.kind === 'error')) context.exitCode = 1;
        });
      },
    );
}

async function withServerDb(
  context: CliContext,
  command: Command,
  work: (db: SqliteDatabase) => Promise<void>,
): Promise<void> {
  const db = openDatabase({
    path: join(context.dataDir(command), 'server.db'),
    migrations: loadMigrations('server'),
  });
  try {
    await work(db);
  } finally {
    db.close();
  }
}

async function readInput(context: CliContext, file: string): Promise<string> {
  if (file === '-') return context.io.readStdin();
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('CLI_USAGE', `Cannot read ${file}: ${(error as Error).message}.`);
  }
}

function parseJsonInput(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError(
      'CTP_PROVIDER_INVALID',
      `${file} is not valid JSON: ${(error as Error).message}.`,
    );
  }
}
