/**
 * The SQL that differs between SQLite and PostgreSQL, as fragments the shared statements
 * embed: reading a JSON array of strings, and skipping rows another transaction holds. Everything else the provider's statements use is
 * written the same way in both (`$n` parameters, `ON CONFLICT`, `IS NOT DISTINCT FROM`,
 * `WITH RECURSIVE`, `RETURNING`, and insertion order as `rowid`, which the PostgreSQL
 * schema declares as an identity column). test/integration/store/sqlStore.test.ts runs
 * each fragment on both engines.
 */
export interface SqlDialect {
  /** True when `expression` is one of the strings of the JSON array text `parameter`. */
  inJsonArray(expression: string, parameter: string): string;
  /** True when every string of the JSON array text `parameter` is in the JSON array `column`. */
  jsonArrayHasAll(column: string, parameter: string): string;
  /**
   * Ends a SELECT of candidate rows of `alias` for a queue: rows another transaction has
   * locked are skipped, the selected ones locked (PostgreSQL `FOR UPDATE SKIP LOCKED`).
   * Empty in SQLite, where a write transaction has the database to itself.
   */
  skipLocked(alias: string): string;
}

export const sqliteDialect: SqlDialect = {
  inJsonArray: (expression, parameter) =>
    `${expression} IN (SELECT value FROM json_each(${parameter}))`,
  jsonArrayHasAll: (column, parameter) =>
    `NOT EXISTS (SELECT 1 FROM json_each(${parameter}) wanted
                 WHERE wanted.value NOT IN (SELECT value FROM json_each(${column})))`,
  skipLocked: () => '',
};

export const postgresDialect: SqlDialect = {
  inJsonArray: (expression, parameter) =>
    `${expression} IN (SELECT jsonb_array_elements_text(CAST(${parameter} AS jsonb)))`,
  jsonArrayHasAll: (column, parameter) => `CAST(${column} AS jsonb) @> CAST(${parameter} AS jsonb)`,
  skipLocked: (alias) => `FOR UPDATE OF ${alias} SKIP LOCKED`,
};
