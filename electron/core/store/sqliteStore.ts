import type Database from 'better-sqlite3';

import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from './database';
import { sqliteDialect } from './sqlDialect';
import { SqlConstraintError, type SqlQueries, type SqlStore, type SqlValue } from './sqlStore';

type Statement = Database.Statement<unknown[], unknown>;

/**
 * The provider store on server.db (better-sqlite3, synchronous under the asynchronous
 * interface). Statements are prepared once per SQL text. One connection serves every
 * caller, so while a transaction is open every other statement waits for it to end:
 * otherwise a statement of another request, run between two awaits of the body, would
 * join the transaction (and be rolled back with it) or read what it has not committed.
 */
export function createSqliteStore(db: SqliteDatabase): SqlStore {
  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[], unknown>(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const direct = directQueries(prepared);
  const ownWrites = db.prepare<[], number>('SELECT total_changes()').pluck();
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const otherWrites = oncePerLoopTurn(() => dataVersion.get() ?? 0);
  const begin = (wait: boolean): void => {
    if (wait) return void db.exec('BEGIN IMMEDIATE');
    const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  };
  // The transaction in progress, if any: resolved when it ends.
  let open: Promise<void> | null = null;
  /**
   * Runs `call` once no transaction is open, in the same microtask as the check: an
   * await in between would let a transaction begin first (several callers wake together).
   */
  const queued = async <R>(call: () => Promise<R> | R): Promise<R> => {
    while (open !== null) await open;
    return call();
  };

  return {
    engine: 'sqlite',
    dialect: sqliteDialect,
    all: (sql, params) => queued(() => direct.all(sql, params)),
    get: (sql, params) => queued(() => direct.get(sql, params)),
    run: (sql, params) => queued(() => direct.run(sql, params)),
    insertMany: (table, columns, rows) => queued(() => direct.insertMany(table, columns, rows)),
    async write(body, options) {
      while (open !== null) await open;
      // Taken with no await since the check above (see queued).
      let end!: () => void;
      open = new Promise((resolve) => (end = resolve));
      const tx = transactionQueries(direct);
      try {
        guarded(() => begin(options?.wait !== false));
        try {
          const result = await body(tx.queries);
          guarded(() => db.exec('COMMIT'));
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      } finally {
        tx.close();
        open = null;
        end();
      }
    },
    dataVersion: () => `${ownWrites.get() ?? 0}:${otherWrites()}`,
    async ping() {
      await queued(() => guarded(() => prepared('SELECT 1').get()));
    },
    // The connection itself belongs to whoever opened it (store/workspaceDatabases.ts).
    close: () => queued(() => undefined),
  };
}

/** Statements run at once on the connection (the store queues them behind a transaction). */
function directQueries(prepared: (sql: string) => Statement): SqlQueries {
  const inserts = new Map<string, string>();
  return {
    dialect: sqliteDialect,
    all: async <T>(sql: string, params?: readonly SqlValue[]) =>
      guarded(() => prepared(sql).all(...bound(params)) as T[]),
    get: async <T>(sql: string, params?: readonly SqlValue[]) =>
      guarded(() => prepared(sql).get(...bound(params)) as T | undefined),
    run: async (sql, params) => guarded(() => prepared(sql).run(...bound(params)).changes),
    async insertMany(table, columns, rows) {
      const key = `${table}(${columns.join(',')})`;
      let sql = inserts.get(key);
      if (sql === undefined) {
        sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
        inserts.set(key, sql);
      }
      const statement = prepared(sql);
      guarded(() => {
        for (const row of rows) statement.run(...bound(row));
      });
    },
  };
}

/** The queries a transaction body gets: direct, and refused once the transaction ended. */
function transactionQueries(direct: SqlQueries): { queries: SqlQueries; close(): void } {
  let closed = false;
  const check = (): void => {
    if (closed) throw new Error('a statement ran on a transaction that has ended');
  };
  return {
    queries: {
      dialect: sqliteDialect,
      all: (sql, params) => (check(), direct.all(sql, params)),
      get: (sql, params) => (check(), direct.get(sql, params)),
      run: (sql, params) => (check(), direct.run(sql, params)),
      insertMany: (table, columns, rows) => (check(), direct.insertMany(table, columns, rows)),
    },
    close: () => {
      closed = true;
    },
  };
}

/** `$1`, `$2`, … are named parameters "1", "2", … for SQLite: bound from an object. */
function bound(params: readonly SqlValue[] | undefined): [Record<number, SqlValue>] | [] {
  if (params === undefined || params.length === 0) return [];
  const named: Record<number, SqlValue> = {};
  for (let i = 0; i < params.length; i++) named[i + 1] = params[i]!;
  return [named];
}

/**
 * Runs a statement, turning SQLite's errors into the store's: a lock held by another
 * process past the busy timeout is `SERVER_BUSY` (503, retry), a broken constraint a
 * {@link SqlConstraintError}.
 */
function guarded<T>(statement: () => T): T {
  try {
    return statement();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
      throw new AppError('SERVER_BUSY', 'The database is busy; retry the request.', {
        cause: error,
      });
    }
    if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
      throw new SqlConstraintError((error as Error).message, { cause: error });
    }
    throw error;
  }
}

/**
 * `read`, called at most once per turn of the event loop. A request handled in this turn
 * reached us before the turn began, so a value read during the turn reflects every write
 * committed before the request was sent. (`PRAGMA data_version` takes a read transaction:
 * a few microseconds, too many to spend on every request.)
 */
export function oncePerLoopTurn<T>(read: () => T): () => T {
  let value: T;
  let fresh = false;
  const expire = () => {
    fresh = false;
  };
  return () => {
    if (!fresh) {
      value = read();
      fresh = true;
      setImmediate(expire);
    }
    return value;
  };
}
