import type {
  ComplianceMapping,
  CtsChange,
  CtsPosture,
  MeasurementFacts,
} from '../../../shared/cts';
import { AppError } from '../../../shared/errors';
import type { SqlQueries, SqlStore } from '../store/sqlStore';
import type { ComplianceInput } from './complianceValidation';

/**
 * Writes the `compliance` section of an import (DESIGN "Provider data"). Call inside the
 * import's write transaction, after the tree is written: every measurement id the mapping
 * names must then exist (in the document or already on the server), else the whole import
 * is refused with the JSON paths of the unknown ids. The section replaces the mapping
 * as a whole (docs/decisions.md "OpenCTS"); the same section again changes nothing.
 */
export async function importCompliance(
  tx: SqlQueries,
  input: ComplianceInput,
  now: string,
): Promise<{ changed: boolean }> {
  const named = JSON.stringify([...new Set(input.references.map((r) => r.measurement))]);
  const known = new Set(
    (
      await tx.all<{ id: string }>(
        `SELECT id FROM measurements WHERE ${tx.dialect.inJsonArray('id', '$1')}`,
        [named],
      )
    ).map((row) => row.id),
  );
  const unknown = input.references.filter((reference) => !known.has(reference.measurement));
  if (unknown.length > 0) {
    const problems = unknown.map(
      (r) =>
        `${r.path}: there is no measurement "${r.measurement}" in the document or on the server`,
    );
    throw new AppError(
      'CTP_PROVIDER_INVALID',
      `The provider data is invalid; nothing was imported:\n  ${problems.slice(0, 10).join('\n  ')}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}`,
      { details: { problems } },
    );
  }
  const mapping = JSON.stringify(input.mapping);
  const stored = await tx.get<{ mapping: string }>('SELECT mapping FROM cts_mapping WHERE id = 1');
  if (stored?.mapping === mapping) return { changed: false };
  await tx.run(
    `INSERT INTO cts_mapping (id, mapping, revision, updated_at) VALUES (1, $1, 1, $2)
     ON CONFLICT (id) DO UPDATE SET mapping = excluded.mapping,
       revision = cts_mapping.revision + 1, updated_at = excluded.updated_at`,
    [mapping, now],
  );
  return { changed: true };
}

/** One stored change of the telemetry (`cts_changes`). */
export type TelemetryChange = CtsChange;

/** What identifies the telemetry's content and when it last changed (`cts_telemetry`). */
export interface StoredTelemetry {
  digest: string;
  changedAt: string;
  frameworks: Record<string, { digest: string; changedAt: string }>;
}

/** The provider store's reads and writes of the provider's telemetry. */
export interface ComplianceStore {
  /** The mapping's revision (0 without a mapping): cheap, read on every recomputation. */
  revision(): Promise<number>;
  mapping(): Promise<ComplianceMapping | null>;
  /**
   * What the rules need of each measurement, by id (absent: no such measurement). Read in
   * full once, then only the measurements whose changeId moved (CTP 4.1.5.5: any change of
   * a result, objective status or state gives a new one); in full again when measurements
   * were added or removed. The recomputation after a publish has 10 ms (bench/cts.bench.ts).
   */
  facts(): Promise<{
    facts: ReadonlyMap<string, MeasurementFacts>;
    /** The ids read again since the last call; null when everything was read. */
    changed: ReadonlySet<string> | null;
  }>;
  stored(): Promise<StoredTelemetry | undefined>;
  /**
   * Records a new telemetry in one write transaction, unless another process (another
   * `serve` instance) recorded the same content meanwhile; returns what is stored afterwards.
   */
  record(next: StoredTelemetry, change: TelemetryChange): Promise<StoredTelemetry>;
  /** The latest changes, newest first. */
  changes(limit: number): Promise<TelemetryChange[]>;
}

const FACTS = `SELECT id, state,
    CASE WHEN objective_condition IS NULL THEN 0 ELSE 1 END AS has_objective, objective_status,
    CASE WHEN result IS NULL THEN 0 ELSE 1 END AS has_result, change_id
  FROM measurements`;

interface FactRow {
  id: string;
  state: MeasurementFacts['state'];
  has_objective: number;
  objective_status: string | null;
  has_result: number;
  change_id: number;
}

const SQL = {
  revision: 'SELECT revision FROM cts_mapping WHERE id = 1',
  mapping: 'SELECT mapping FROM cts_mapping WHERE id = 1',
  allFacts: FACTS,
  changedFacts: `${FACTS} WHERE change_id > $1`,
  measurementCount: 'SELECT count(*) AS n FROM measurements',
  stored: 'SELECT digest, changed_at, frameworks FROM cts_telemetry WHERE id = 1',
  upsert: `INSERT INTO cts_telemetry (id, digest, changed_at, frameworks) VALUES (1, $1, $2, $3)
    ON CONFLICT (id) DO UPDATE SET digest = excluded.digest,
      changed_at = excluded.changed_at, frameworks = excluded.frameworks`,
  append:
    'INSERT INTO cts_changes (changed_at, digest, posture, frameworks) VALUES ($1, $2, $3, $4)',
  changes:
    'SELECT changed_at, digest, posture, frameworks FROM cts_changes ORDER BY seq DESC LIMIT $1',
};

async function readStored(q: SqlQueries): Promise<StoredTelemetry | undefined> {
  const row = await q.get<{ digest: string; changed_at: string; frameworks: string }>(SQL.stored);
  if (row === undefined) return undefined;
  return {
    digest: row.digest,
    changedAt: row.changed_at,
    frameworks: JSON.parse(row.frameworks) as StoredTelemetry['frameworks'],
  };
}

export function createComplianceStore(store: SqlStore): ComplianceStore {
  let known = new Map<string, MeasurementFacts>();
  let seen = -1;
  let count = -1;
  const keep = (row: FactRow): void => {
    known.set(row.id, {
      state: row.state,
      hasObjective: row.has_objective === 1,
      objectiveStatus: row.objective_status as MeasurementFacts['objectiveStatus'],
      hasResult: row.has_result === 1,
    });
    if (row.change_id > seen) seen = row.change_id;
  };
  const readAll = async (): Promise<void> => {
    const rows = await store.all<FactRow>(SQL.allFacts);
    known = new Map();
    seen = -1;
    for (const row of rows) keep(row);
    count = known.size;
  };
  return {
    revision: async () => (await store.get<{ revision: number }>(SQL.revision))?.revision ?? 0,
    async mapping() {
      const row = await store.get<{ mapping: string }>(SQL.mapping);
      return row === undefined ? null : (JSON.parse(row.mapping) as ComplianceMapping);
    },
    async facts() {
      if (seen < 0) {
        await readAll();
        return { facts: known, changed: null };
      }
      const rows = await store.all<FactRow>(SQL.changedFacts, [seen]);
      const total = (await store.get<{ n: number }>(SQL.measurementCount))?.n;
      if (total !== count || rows.some((row) => !known.has(row.id))) {
        await readAll();
        return { facts: known, changed: null };
      }
      for (const row of rows) keep(row);
      return { facts: known, changed: new Set(rows.map((row) => row.id)) };
    },
    stored: () => readStored(store),
    record: (next, change) =>
      store.write(async (tx) => {
        const current = await readStored(tx);
        if (current?.digest === next.digest) return current;
        await tx.run(SQL.upsert, [next.digest, next.changedAt, JSON.stringify(next.frameworks)]);
        await tx.run(SQL.append, [
          change.changedAt,
          change.digest,
          change.posture,
          JSON.stringify(change.frameworks),
        ]);
        return next;
      }),
    async changes(limit) {
      const rows = await store.all<{
        changed_at: string;
        digest: string;
        posture: string;
        frameworks: string;
      }>(SQL.changes, [limit]);
      return rows.map((row) => ({
        changedAt: row.changed_at,
        digest: row.digest,
        posture: row.posture as CtsPosture,
        frameworks: JSON.parse(row.frameworks) as TelemetryChange['frameworks'],
      }));
    },
  };
}
