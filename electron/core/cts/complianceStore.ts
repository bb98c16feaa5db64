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
  const ids = JSON.stringify([...known].sort());
  db.prepare<[string, string, string]>(
    `INSERT INTO cts_mapping (id, mapping, measurement_ids, revision, updated_at) VALUES (1, ?, ?, 1, ?)
     ON CONFLICT (id) DO UPDATE SET mapping = excluded.mapping,
       measurement_ids = excluded.measurement_ids, revision = revision + 1,
       updated_at = excluded.updated_at`,
  ).run(mapping, ids, now);
  return { changed: true };
}

/** One stored change of the telemetry (`cts_changes`). */
export type TelemetryChange = CtsChange;

export interface StoredTelemetry {
  digest: string;
  document: string;
  changedAt: string;
  frameworks: Record<string, { digest: string; changedAt: string }>;
}

/** server.db reads and writes of the provider's telemetry (prepared once). */
export interface ComplianceStore {
  /** The mapping's revision (0 without a mapping): cheap, read on every recomputation. */
  revision(): number;
  mapping(): { mapping: ComplianceMapping; measurementIds: string } | null;
  /** What the rules need of each mapped measurement, by id (absent: no such measurement). */
  facts(measurementIds: string): Map<string, MeasurementFacts>;
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
  const mapping = db.prepare<[], { mapping: string; measurement_ids: string }>(
    'SELECT mapping, measurement_ids FROM cts_mapping WHERE id = 1',
  );
  const facts = db.prepare<
    [string],
    {
      id: string;
      state: MeasurementFacts['state'];
      objective: number;
      status: string | null;
      result: number;
    }
  >(`
    SELECT id, state, objective_condition IS NOT NULL AS objective, objective_status AS status,
           result IS NOT NULL AS result
    FROM measurements WHERE id IN (SELECT value FROM json_each(?))`);
  const stored = db.prepare<
    [],
    { digest: string; document: string; changed_at: string; frameworks: string }
  >('SELECT digest, document, changed_at, frameworks FROM cts_telemetry WHERE id = 1');
  const upsert = db.prepare<[string, string, string, string]>(`
    INSERT INTO cts_telemetry (id, digest, document, changed_at, frameworks) VALUES (1, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET digest = excluded.digest, document = excluded.document,
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
      document: row.document,
      changedAt: row.changed_at,
      frameworks: JSON.parse(row.frameworks) as StoredTelemetry['frameworks'],
    };
  };
  const record = db.transaction((next: StoredTelemetry, change: TelemetryChange) => {
    const current = readStored();
    if (current?.digest === next.digest) return current;
    upsert.run(next.digest, next.document, next.changedAt, JSON.stringify(next.frameworks));
    append.run(change.changedAt, change.digest, change.posture, JSON.stringify(change.frameworks));
    return next;
  });
  return {
    revision: () => revision.get() ?? 0,
    mapping() {
      const row = mapping.get();
      if (row === undefined) return null;
      return {
        mapping: JSON.parse(row.mapping) as ComplianceMapping,
        measurementIds: row.measurement_ids,
      };
    },
    facts(measurementIds) {
      const out = new Map<string, MeasurementFacts>();
      for (const row of facts.all(measurementIds)) {
        out.set(row.id, {
          state: row.state,
          hasObjective: row.objective === 1,
          hasResult: row.result === 1,
          objectiveStatus: row.status as MeasurementFacts['objectiveStatus'],
        });
      }
      return out;
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
