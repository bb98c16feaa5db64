import type { SqlDialect } from './sqlDialect';

/** A value bound to a statement parameter (`$1`, `$2`, …): text, a number, or null. */
export type SqlValue = string | number | null;

/**
 * Statements run on a store, or inside one of its transactions. The SQL text is the same
 * for both engines: parameters are written `$1`, `$2`, … (PostgreSQL's own form, a named
 * parameter for SQLite), camelCase column aliases are double-quoted (PostgreSQL folds
 * unquoted names to lower case), truth values are the integers 0 and 1, and the few
 * constructs that differ come from {@link SqlStore.dialect}.
 */
export interface SqlQueries {
  readonly dialect: SqlDialect;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Inserts rows (each a list of values in `columns` order) the way the engine does it
   * fastest: one prepared statement per row in SQLite, one statement reading a typed array
   * per column in PostgreSQL, where every statement is a round trip.
   */
  insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
  ): Promise<void>;
}

/**
 * The provider's database (server.db, or PostgreSQL shared by several `serve` processes):
 * the one interface the CTP rules are written against (provider/), with an implementation
 * per engine (sqliteStore.ts, postgresStore.ts).
 *
 * Transactions: a body gets its own `tx` and runs every statement through it, never
 * through the store itself, and awaits nothing else (no condition evaluation, no network):
 * SQLite has one connection, and the store makes every other statement on it wait until
 * the transaction ends, so a body that waited on the store would wait on itself.
 */
export interface SqlStore extends SqlQueries {
  readonly engine: 'sqlite' | 'postgres';
  /**
   * A write transaction, one at a time across every process sharing the database (SQLite:
   * `BEGIN IMMEDIATE`; PostgreSQL: the change counter's row lock, taken first). Writes
   * wait for each other at most the busy timeout (then `SERVER_BUSY`); reads never wait.
   */
  write<R>(body: (tx: SqlQueries) => Promise<R>, options?: WriteOptions): Promise<R>;
  /**
   * Moves whenever data the CTP API reads may have changed, through this process or any
   * other; null while that cannot be known (then nothing may be answered from a cache).
   * Synchronous and cheap: it is read on every request.
   */
  dataVersion(): string | null;
  /** Resolves when the database answers (the load balancer's health check). */
  ping(): Promise<void>;
  /** Waits for the transaction in progress, then releases the connections. */
  close(): Promise<void>;
}

export interface WriteOptions {
  /**
   * false for a write that touches nothing the CTP API serves and gives no changeId (the
   * notifier's outbox claims): on PostgreSQL it takes only the row locks of its own
   * statements, so it never waits for a publish. SQLite has one writer either way.
   */
  tree?: boolean;
  /**
   * false for a write that may as well wait for its next turn (the tokens' last uses): on
   * SQLite, when another process holds the write lock it fails at once with `SERVER_BUSY`
   * instead of waiting the busy timeout, a wait that would stall the event loop. PostgreSQL
   * waits without stalling anything, so it ignores the option.
   */
  wait?: boolean;
}

/** A statement broke a constraint (foreign key, unique, check): the input's problem. */
export class SqlConstraintError extends Error {
  override readonly name = 'SqlConstraintError';
}
