import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The password of the throwaway server's superuser (loopback only, gone with the server). */
export const TEST_PASSWORD = 'trust-auditor-test-password';

/** A running throwaway PostgreSQL server: loopback only, password authentication. */
export interface PostgresServer {
  readonly port: number;
  readonly user: string;
  /** `postgres://USER@127.0.0.1:PORT/DATABASE` (no password: it comes from PGPASSWORD). */
  url(database: string): string;
  /** Runs SQL as the superuser in `database` (psql), throwing on error. */
  sql(statement: string, database?: string): string;
  /** Stops the server: `fast` lets sessions end cleanly, `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data (after `stop`). */
  start(): Promise<void>;
  /** Stops it and removes its data folder. */
  destroy(): Promise<void>;
}

/** Debian keeps PostgreSQL's server programs outside PATH, one folder per major version. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) {
    throw new Error(
      'PostgreSQL is not installed: scripts/system-packages.sh installs it (Debian package postgresql).',
    );
  }
  return join(root, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (entry.status !== 0 || group.status !== 0) {
    throw new Error('Running as root needs the unprivileged user "postgres" (Debian creates it).');
  }
  return { uid: Number(entry.stdout.trim()), gid: Number(group.stdout.trim()) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts a throwaway PostgreSQL for tests and benchmarks: `initdb` into a temporary folder
 * (as the unprivileged `postgres` user when running as root), listening on 127.0.0.1 only
 * at a free port, its socket in that folder, password authentication over TCP, `fsync=off`
 * (the data is thrown away). `destroy()` stops it and removes the folder.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const owner = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'trust-auditor-pg-'));
  const data = join(dir, 'data');
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${TEST_PASSWORD}\n`, { mode: 0o600 });
  if (owner !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(passwordFile, owner.uid, owner.gid);
  }
  const user = 'postgres';
  const init = spawnSync(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      user,
      '--pwfile',
      passwordFile,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C',
    ],
    { encoding: 'utf8', ...owner },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  let child: ChildProcess | null = null;

  const psql = (statement: string, database = 'postgres'): string => {
    const run = spawnSync(
      join(bin, 'psql'),
      [
        '-h',
        dir,
        '-p',
        String(port),
        '-U',
        user,
        '-d',
        database,
        '-v',
        'ON_ERROR_STOP=1',
        '-Atc',
        statement,
      ],
      { encoding: 'utf8', ...owner },
    );
    if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
    return run.stdout;
  };

  const start = async (): Promise<void> => {
    const server = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${dir}`,
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=300',
        '-c',
        'shared_buffers=64MB',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], ...owner },
    );
    let log = '';
    server.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child = server;
    const started = Date.now();
    for (;;) {
      if (server.exitCode !== null) throw new Error(`postgres exited: ${log}`);
      const ready = spawnSync(
        join(bin, 'pg_isready'),
        ['-h', '127.0.0.1', '-p', String(port), '-q'],
        { encoding: 'utf8' },
      );
      if (ready.status === 0) return;
      if (Date.now() - started > 30_000) throw new Error(`postgres did not start: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    const server = child;
    if (server === null || server.exitCode !== null) return;
    child = null;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    // SIGINT: fast shutdown (sessions are ended, a clean checkpoint); SIGQUIT: immediate.
    server.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await exited;
  };

  await start();
  return {
    port,
    user,
    url: (database) => `postgres://${user}@127.0.0.1:${port}/${database}`,
    sql: psql,
    stop,
    start,
    async destroy() {
      await stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
