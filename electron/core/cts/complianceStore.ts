import type {
  ComplianceMapping,
  CtsChange,
  CtsPosture,
  MeasurementFacts,
} from '../../../shared/cts';
import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';
import type { ComplianceInput } from './complianceValidation';

/**
 * Writes the `compliance` section of an import (DESIGN "Provider data"). Call inside the
 * import's write transaction, after the tree is written: every measurement id the mapping
 * names must then exist (in the document or already on the server), else the whole import
 * is refused with the JSON paths of the unknown ids. The section replaces the mapping
 * as a whole (docs/decisions.md "OpenCTS"); the same section again changes nothing.
 */
export function importCompliance(
  db: SqliteDatabase,
  input: ComplianceInput,
  now: string,
): { changed: boolean } {
  const known = new Set(
    db
      .prepare<[string], string>(
        'SELECT id FROM measurements WHERE id IN (SELECT value FROM json_each(?))',
      )
      .pluck()
      .all(JSON.stringify([...new Set(input.references.map((r) => r.measurement))])),
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
  const stored = db
    .prepare<[], string>('SELECT mapping FROM cts_mapping WHERE id = 1')
    .pluck()
    .get();
  if (stored === mapping) return { changed: false };
  db.prepare<[string, string]>(
    `INSERT INTO cts_mapping (id, mapping, revision, updated_at) VALUES (1, ?, 1, ?)
     ON CONFLICT (id) DO UPDATE SET mapping = excluded.mapping, revision = revision + 1,
       updated_at = excluded.updated_at`,
  ).run(mapping, now);
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

/** server.db reads and writes of the provider's telemetry (prepared once). */
export interface ComplianceStore {
  /** The mapping's revision (0 without a mapping): cheap, read on every recomputation. */
  revision(): number;
  mapping(): ComplianceMapping | null;
  /**
   * What the rules need of each measurement, by id (absent: no such measurement). Read in
   * full once, then only the measurements whose changeId moved (CTP 4.1.5.5: any change of
   * a result, objective status or state gives a new one); in full again when measurements
   * were added or removed. The recomputation after a publish has 10 ms (bench/cts.bench.ts).
   */
  facts(): {
    facts: ReadonlyMap<string, MeasurementFacts>;
    /** The ids read again since the last call; null when everything was read. */
    changed: ReadonlySet<string> | null;
  };
  stored(): StoredTelemetry | undefined;
  /**
   * Records a new telemetry in one IMMEDIATE transaction, unless another process recorded
   * the same content meanwhile; returns what is stored afterwards.
   */
  record(next: StoredTelemetry, change: TelemetryChange): StoredTelemetry;
  /** The latest changes, newest first. */
  changes(limit: number): TelemetryChange[];
}

export function createComplianceStore(db: SqliteDatabase): ComplianceStore {
  const revision = db.prepare<[], number>('SELECT revision FROM cts_mapping WHERE id = 1').pluck();
  const mapping = db.prepare<[], string>('SELECT mapping FROM cts_mapping WHERE id = 1').pluck();
  const factColumns = `id, state, objective_condition IS NOT NULL, objective_status,
    result IS NOT NULL, change_id FROM measurements`;
  type FactRow = [string, MeasurementFacts['state'], number, string | null, number, number];
  const allFacts = db.prepare<[], FactRow>(`SELECT ${factColumns}`).raw();
  const changedFacts = db
    .prepare<[number], FactRow>(`SELECT ${factColumns} WHERE change_id > ?`)
    .raw();
  const measurementCount = db.prepare<[], number>('SELECT count(*) FROM measurements').pluck();
  let known = new Map<string, MeasurementFacts>();
  let seen = -1;
  let count = -1;
  const keep = (row: FactRow): void => {
    known.set(row[0], {
      state: row[1],
      hasObjective: row[2] === 1,
      objectiveStatus: row[3] as MeasurementFacts['objectiveStatus'],
      hasResult: row[4] === 1,
    });
    if (row[5] > seen) seen = row[5];
  };
  const readAll = (): void => {
    known = new Map();
    seen = -1;
    for (const row of allFacts.all()) keep(row);
    count = known.size;
  };
  const stored = db.prepare<[], { digest: string; changed_at: string; frameworks: string }>(
    'SELECT digest, changed_at, frameworks FROM cts_telemetry WHERE id = 1',
  );
  const upsert = db.prepare<[string, string, string]>(`
    INSERT INTO cts_telemetry (id, digest, changed_at, frameworks) VALUES (1, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET digest = excluded.digest,
      changed_at = excluded.changed_at, frameworks = excluded.frameworks`);
  const append = db.prepare<[string, string, string, string]>(
    'INSERT INTO cts_changes (changed_at, digest, posture, frameworks) VALUES (?, ?, ?, ?)',
  );
  const changes = db.prepare<
    [number],
    { changed_at: string; digest: string; posture: string; frameworks: string }
  >('SELECT changed_at, digest, posture, frameworks FROM cts_changes ORDER BY seq DESC LIMIT ?');
  const readStored = (): StoredTelemetry | undefined => {
    const row = stored.get();
    if (row === undefined) return undefined;
    return {
      digest: row.digest,
      changedAt: row.changed_at,
      frameworks: JSON.parse(row.frameworks) as StoredTelemetry['frameworks'],
    };
  };
  const record = db.transaction((next: StoredTelemetry, change: TelemetryChange) => {
    const current = readStored();
    if (current?.digest === next.digest) return current;
    upsert.run(next.digest, next.changedAt, JSON.stringify(next.frameworks));
    append.run(change.changedAt, change.digest, change.posture, JSON.stringify(change.frameworks));
    return next;
  });
  return {
    revision: () => revision.get() ?? 0,
    mapping() {
      const text = mapping.get();
      return text === undefined ? null : (JSON.parse(text) as ComplianceMapping);
    },
    facts() {
      if (seen < 0) {
        readAll();
        return { facts: known, changed: null };
      }
      const rows = changedFacts.all(seen);
      if (measurementCount.get() !== count || rows.some((row) => !known.has(row[0]))) {
        readAll();
        return { facts: known, changed: null };
      }
      for (const row of rows) keep(row);
      return { facts: known, changed: new Set(rows.map((row) => row[0])) };
    },
    stored: readStored,
    record: (next, change) => record.immediate(next, change),
    changes: (limit) =>
      changes.all(limit).map((row) => ({
        changedAt: row.changed_at,
        digest: row.digest,
        posture: row.posture as CtsPosture,
        frameworks: JSON.parse(row.frameworks) as TelemetryChange['frameworks'],
      })),
  };
}
