import { AppError } from '../../../shared/errors';
import type { SqlQueries, SqlValue } from '../store/sqlStore';
import { newCtpId } from './ids';
import type {
  AssetInput,
  AttributeInput,
  MeasurementInput,
  MetricInput,
  ViewInput,
} from './providerValidation';

export type Table = 'service_views' | 'assets' | 'attributes' | 'measurements' | 'metrics';

/** A row to create or update: its table, the id given, its parent and its columns. */
export interface RowInput {
  table: Table;
  givenId: string | undefined;
  /** The column holding the parent's id (null for metrics, which have no parent). */
  parentColumn: string | null;
  name: string;
  columns: Record<string, SqlValue>;
}

export type RowOutcome = 'created' | 'updated' | 'unchanged';

/** What an import did to each row (`server import` prints it). */
export interface RowCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Rows of the served tree as the provider import writes them (DESIGN.md "Provider data"):
 * create or update by `id`; a row without an id is the one row of that name under the
 * same parent, else a new row with a random id.
 */
export interface ImportRows {
  /** The id of the existing row `row` stands for, or undefined when it would be created. */
  existing(row: RowInput): Promise<string | undefined>;
  /** True when row `id` exists and holds every column of `row` already. */
  unchanged(row: RowInput, id: string): Promise<boolean>;
  /** Inserts or updates one row; `changed` when it was created or any column differs. */
  upsert(
    row: RowInput,
    counts: RowCounts,
  ): Promise<{ id: string; changed: boolean; outcome: RowOutcome }>;
}

/** `$1, $2, …` from `first` on, one per name. */
const placeholders = (names: readonly string[], first: number): string[] =>
  names.map((_, i) => `$${first + i}`);

/** The rows over the store (the prediction) or the import's write transaction. */
export function importRowsOn(q: SqlQueries): ImportRows {
  const stored = (row: RowInput, id: string) =>
    q.get<Record<string, unknown>>(
      `SELECT ${Object.keys(row.columns).join(', ')} FROM ${row.table} WHERE id = $1`,
      [id],
    );
  const existing = async (row: RowInput): Promise<string | undefined> => {
    if (row.givenId !== undefined)
      return (await q.get(`SELECT 1 AS found FROM ${row.table} WHERE id = $1`, [row.givenId])) ===
        undefined
        ? undefined
        : row.givenId;
    const parent = row.parentColumn === null ? null : row.columns[row.parentColumn]!;
    const where =
      row.parentColumn === null ? '' : `${row.parentColumn} IS NOT DISTINCT FROM $2 AND `;
    const matches = await q.all<{ id: string }>(
      `SELECT id FROM ${row.table} WHERE ${where}name = $1 ORDER BY rowid LIMIT 2`,
      row.parentColumn === null ? [row.name] : [row.name, parent],
    );
    return matches.length === 1 ? matches[0]!.id : undefined;
  };
  const same = (row: RowInput, values: Record<string, unknown>): boolean =>
    Object.keys(row.columns).every((n) => values[n] === row.columns[n]);

  return {
    existing,
    async unchanged(row, id) {
      const values = await stored(row, id);
      return values !== undefined && same(row, values);
    },
    async upsert(row, counts) {
      const id = (await existing(row)) ?? row.givenId ?? newCtpId();
      const names = Object.keys(row.columns);
      const columnValues = names.map((n) => row.columns[n]!);
      const values = await stored(row, id);
      if (values === undefined) {
        await q.run(
          `INSERT INTO ${row.table} (id, ${names.join(', ')}, change_id)
           VALUES ($1, ${placeholders(names, 2).join(', ')}, 0)`,
          [id, ...columnValues],
        );
        counts.created++;
        return { id, changed: true, outcome: 'created' };
      }
      if (same(row, values)) {
        counts.unchanged++;
        return { id, changed: false, outcome: 'unchanged' };
      }
      const parent = row.parentColumn;
      if (parent !== null && values[parent] !== row.columns[parent]) {
        throw new AppError(
          'CTP_PROVIDER_INVALID',
          `"${id}" already exists under another parent; an import cannot move a resource (delete it first with the admin API).`,
        );
      }
      const sets = names.map((n, i) => `${n} = $${i + 2}`);
      await q.run(`UPDATE ${row.table} SET ${sets.join(', ')} WHERE id = $1`, [
        id,
        ...columnValues,
      ]);
      counts.updated++;
      return { id, changed: true, outcome: 'updated' };
    },
  };
}

/** The rows of each kind of resource in a provider document. */
export const rowOf = {
  metric: (metric: MetricInput): RowInput => ({
    table: 'metrics',
    givenId: metric.id,
    parentColumn: null,
    name: metric.name,
    columns: {
      name: metric.name,
      annotation: metric.annotation,
      base_metric: metric.baseMetric,
      measurement_parameters: JSON.stringify(metric.measurementParameters),
      result_format: JSON.stringify(metric.resultFormat),
    },
  }),
  view: (view: ViewInput, parentId: string | null): RowInput => ({
    table: 'service_views',
    givenId: view.id,
    parentColumn: 'parent_id',
    name: view.name,
    columns: {
      parent_id: parentId,
      name: view.name,
      annotation: view.annotation,
      provider: view.provider,
      service_class: view.serviceClass,
    },
  }),
  asset: (asset: AssetInput, viewId: string): RowInput => ({
    table: 'assets',
    givenId: asset.id,
    parentColumn: 'service_view_id',
    name: asset.name,
    columns: {
      service_view_id: viewId,
      name: asset.name,
      annotation: asset.annotation,
      asset_class: asset.assetClass,
    },
  }),
  attribute: (attribute: AttributeInput, assetId: string): RowInput => ({
    table: 'attributes',
    givenId: attribute.id,
    parentColumn: 'asset_id',
    name: attribute.name,
    columns: { asset_id: assetId, name: attribute.name, annotation: attribute.annotation },
  }),
  measurement: (m: MeasurementInput, attributeId: string): RowInput => ({
    table: 'measurements',
    givenId: m.id,
    parentColumn: 'attribute_id',
    name: m.name,
    columns: {
      attribute_id: attributeId,
      metric_id: m.metric,
      name: m.name,
      annotation: m.annotation,
      user_activated: m.userActivated ? 1 : 0,
      state: m.state,
      triggers_allowed: m.triggersAllowed ? 1 : 0,
      objective_condition: m.objective,
    },
  }),
};
