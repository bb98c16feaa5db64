import type { ClientBase, ClientConfig, Pool, PoolClient } from 'pg';

import { AppError } from '../../../shared/errors';
import { loadMigrations } from './loadMigrations';
import { checkDatabaseUrl } from './postgresUrl';
import { listenForChanges, type ChangeListener } from './postgresChanges';
import { storeErrorOf } from './postgresErrors';
import { migratePostgres } from './postgresMigrations';
import { postgresDialect } from './sqlDialect';
import type { SqlQueries, SqlStore, SqlValue, WriteOptions } from './sqlStore';

export interface PostgresStoreOptions {
  /** `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=…]`, without a password (postgresUrl.ts). */
  url: string;
  /** From a file (`--database-password-file`); else node-postgres reads PGPASSWORD or ~/.pgpass. */
  password?: string | undefined;
  /** Connections kept by this process (default 10). */
  maxConnections?: number;
  /** How long a writer waits for the write lock before SERVER_BUSY (default 5 s, as SQLite). */
  lockTimeoutMs?: number;
  /** Where migrations live (default: beside the code). */
  migrationsDir?: string | undefined;
  /** A lost or recovered connection of the change listener (the log). */
  warn?: (message: string) => void;
}

/**
 * The row lock every write transaction takes first: the change counter's row. Writes to
 * the served tree thus commit one at a time across every process (as SQLite's write lock
 * makes them), in the order of the changeIds they take (CTP 4.1.5.5: increasing), each
 * deciding CTP 5.3.2 on the states the previous one left; readers never wait for it.
 * Taken first and alone, it cannot be part of a deadlock.
 */
const BEGIN_WRITE = 'BEGIN; SELECT value FROM change_counter WHERE id = 1 FOR UPDATE';

/**
 * Opens the provider store on PostgreSQL: a connection pool, the schema migrated (once, under
 * an advisory lock, however many processes start together), and a listening connection that
 * follows the changes every process makes (postgresChanges.ts). A connection that cannot be
 * made at open fails with `STORE_OPEN_FAILED`; later, lost connections make requests fail
 * with `STORE_UNAVAILABLE` (503) until PostgreSQL answers again: nothing waits forever.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<SqlStore> {
  const pg = await import('pg');
  const config: ClientConfig = {
    connectionString: options.url,
    ...(options.password === undefined ? {} : { password: options.password }),
    application_name: 'trust-auditor',
    keepAlive: true,
    connectionTimeoutMillis: 5000,
    // A connection that stopped answering (a network cut) fails the request instead of
    // holding it: no statement of the provider takes seconds.
    query_timeout: 15_000,
    lock_timeout: options.lockTimeoutMs ?? 5000,
    // bigint columns (changeIds, counts, sequence numbers) stay far below 2^53: numbers, as
    // SQLite gives them.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8
          ? (text: string) => Number(text)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  };
  const label = checkDatabaseUrl(options.url);
  const pool = new pg.Pool({ ...config, max: options.maxConnections ?? 10 });
  // An idle connection that breaks (PostgreSQL restarted) is dropped by the pool; without
  // a listener its error would end the process.
  pool.on('error', () => undefined);
  let listener: ChangeListener | null = null;
  try {
    const schema = await withClient(pool, async (client) => {
      await migratePostgres(
        client,
        loadMigrations('server-postgres', options.migrationsDir),
        label,
      );
      const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
      return rows[0]!.schema;
    });
    listener = await listenForChanges({
      connect: async () => {
        const client = new pg.Client(config);
        client.on('error', () => undefined);
        await client.connect();
        return client;
      },
      schema,
      onLost: (error) =>
        options.warn?.(
          `Lost the connection that follows database changes (${(error as Error).message}); responses are not cached until it is back.`,
        ),
    });
  } catch (error) {
    await listener?.close();
    await pool.end().catch(() => undefined);
    throw openFailure(error, label);
  }
  return createPostgresStore(pool, listener);
}

function createPostgresStore(pool: Pool, listener: ChangeListener): SqlStore {
  const names = new Map<string, string>();
  const named = (sql: string): string => {
    let name = names.get(sql);
    if (name === undefined) names.set(sql, (name = `trust_auditor_${names.size + 1}`));
    return name;
  };
  let ownCommits = 0;
  const writes = new Set<Promise<unknown>>();
  const columnTypes = columnTypesCache();
  const onPool = queriesOn(
    (sql, params) => pool.query({ text: sql, values: params as SqlValue[], name: named(sql) }),
    columnTypes,
  );
  const counted =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await call(...args);
      ownCommits++;
      return result;
    };

  const write = async <R>(
    body: (tx: SqlQueries) => Promise<R>,
    options: WriteOptions = {},
  ): Promise<R> => {
    const client = await connect(pool);
    let broken: Error | undefined;
    let ended = false;
    const tx = queriesOn((sql, params) => {
      if (ended) throw new Error('a statement ran on a transaction that has ended');
      return client.query({ text: sql, values: params as SqlValue[], name: named(sql) });
    }, columnTypes);
    try {
      await run(() => client.query(options.tree === false ? 'BEGIN' : BEGIN_WRITE));
      const result = await body(tx);
      await run(() => client.query('COMMIT'));
      ownCommits++;
      return result;
    } catch (error) {
      broken = await rollback(client, error);
      throw storeErrorOf(error);
    } finally {
      ended = true;
      client.release(broken);
    }
  };

  return {
    engine: 'postgres',
    dialect: postgresDialect,
    all: onPool.all,
    get: onPool.get,
    run: counted(onPool.run),
    insertMany: counted(onPool.insertMany),
    write(body, options) {
      const pending = write(body, options);
      writes.add(pending);
      const forget = () => writes.delete(pending);
      pending.then(forget, forget);
      return pending;
    },
    dataVersion() {
      const heard = listener.version();
      return heard === null ? null : `${ownCommits}:${heard}`;
    },
    async ping() {
      await run(() => pool.query('SELECT 1'));
    },
    async close() {
      await Promise.allSettled([...writes]);
      await listener.close();
      await pool.end();
    },
  };
}

type Execute = (
  sql: string,
  params: readonly SqlValue[] | undefined,
) => Promise<{ rows: unknown[]; rowCount: number | null }>;

/** The SQL type of each column of a table, read from the catalog once per store. */
type ColumnTypes = (table: string, execute: Execute) => Promise<(column: string) => string>;

const COLUMN_TYPES = `SELECT attname AS name, format_type(atttypid, atttypmod) AS type
  FROM pg_attribute WHERE attrelid = CAST($1 AS regclass) AND attnum > 0 AND NOT attisdropped`;

function columnTypesCache(): ColumnTypes {
  const tables = new Map<string, Promise<Map<string, string>>>();
  return async (table, execute) => {
    let types = tables.get(table);
    if (types === undefined) {
      types = execute(COLUMN_TYPES, [table]).then(
        ({ rows }) =>
          new Map((rows as { name: string; type: string }[]).map((r) => [r.name, r.type])),
      );
      tables.set(table, types);
      types.catch(() => tables.delete(table));
    }
    const known = await types;
    return (column) => {
      const type = known.get(column);
      if (type === undefined) throw new Error(`no column ${column} in table ${table}`);
      return type;
    };
  };
}

/**
 * The statements of a pool or a transaction's connection, each a named prepared statement:
 * PostgreSQL parses and plans it once per connection.
 */
function queriesOn(execute: Execute, columnTypes: ColumnTypes): SqlQueries {
  return {
    dialect: postgresDialect,
    all: async <T>(sql: string, params?: readonly SqlValue[]) =>
      (await run(() => execute(sql, params))).rows as T[],
    get: async <T>(sql: string, params?: readonly SqlValue[]) =>
      (await run(() => execute(sql, params))).rows[0] as T | undefined,
    run: async (sql, params) => (await run(() => execute(sql, params))).rowCount ?? 0,
    async insertMany(table, columns, rows) {
      if (rows.length === 0) return;
      // One statement, a parameter per column: the column's values as one typed array,
      // which unnest() turns back into rows. A round trip for the lot, and arrays of plain
      // values are cheaper for PostgreSQL to read than JSON objects (json_populate_recordset).
      const types = await columnTypes(table, execute);
      const arrays = columns.map((column, i) => `CAST($${i + 1} AS ${types(column)}[])`);
      const sql = `INSERT INTO ${table} (${columns.join(', ')})
        SELECT * FROM unnest(${arrays.join(', ')})`;
      const values = columns.map((_, i) => rows.map((row) => row[i] ?? null));
      await run(() => execute(sql, values as unknown as SqlValue[]));
    },
  };
}

/** Runs a driver call, its errors turned into the store's (postgresErrors.ts). */
async function run<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storeErrorOf(error);
  }
}

async function connect(pool: Pool): Promise<PoolClient> {
  return run(() => pool.connect());
}

/** Rolls back after a failed body; returns the error when the connection must be dropped. */
async function rollback(client: ClientBase, error: unknown): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch {
    return error instanceof Error ? error : new Error(String(error));
  }
}

async function withClient<T>(pool: Pool, body: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await body(client);
  } finally {
    client.release();
  }
}

/** Why the store could not be opened, with the way out when it is the password. */
function openFailure(error: unknown, label: string): AppError {
  if (error instanceof AppError) return error;
  const message = (error as Error).message;
  const code = (error as { code?: unknown }).code;
  const password =
    code === '28P01' || code === '28000' || /password/i.test(message)
      ? ' Give the password with PGPASSWORD, a ~/.pgpass line or --database-password-file (never in the URL).'
      : '';
  return new AppError(
    'STORE_OPEN_FAILED',
    `Cannot open the provider database ${label}: ${message}.${password}`,
    { cause: error, details: { database: label } },
  );
}
