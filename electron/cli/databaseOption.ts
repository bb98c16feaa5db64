import type { Command } from 'commander';

import { AppError } from '../../shared/errors';
import { checkDatabaseUrl } from '../core/store/postgresUrl';
import type { ProviderDatabase } from '../core/store/workspaceDatabases';
import { readInputFile } from './inputs';

/** A password file holds one line; anything longer is not a password file. */
const MAX_PASSWORD_FILE = 4096;

/**
 * The provider's PostgreSQL for this invocation: `--database`, else
 * `TRUST_AUDITOR_DATABASE`; undefined (server.db) when neither is set. The password
 * comes from `--database-password-file` (its first line), else node-postgres reads
 * PGPASSWORD or ~/.pgpass: never from the command line, where `ps` shows it to everyone.
 */
export async function providerDatabaseOf(
  command: Command,
  env: Record<string, string | undefined>,
): Promise<ProviderDatabase | undefined> {
  const options = command.optsWithGlobals<{ database?: string; databasePasswordFile?: string }>();
  const url = nonEmpty(options.database) ?? nonEmpty(env.TRUST_AUDITOR_DATABASE);
  if (url === undefined) {
    if (options.databasePasswordFile !== undefined) {
      throw new AppError(
        'CLI_USAGE',
        '--database-password-file needs --database (or TRUST_AUDITOR_DATABASE).',
      );
    }
    return undefined;
  }
  checkDatabaseUrl(url);
  const file = options.databasePasswordFile;
  if (file === undefined) return { url };
  const content = await readInputFile(file, 'the database password file');
  if (content.length > MAX_PASSWORD_FILE) {
    throw new AppError('CLI_USAGE', `${file} is too large to be a password file.`);
  }
  const password = content.toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password === '') throw new AppError('CLI_USAGE', `${file} holds no password.`);
  return { url, password };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
