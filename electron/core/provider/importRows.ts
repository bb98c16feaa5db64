import type Database from 'better-sqlite3';

import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';
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
  columns: Record<string, unknown>;
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
  existing(row: RowInput): string | undefined;
  /** True when row `id` exists and holds every column of `row` already. */
  unchanged(row: RowInput, id: string): boolean;
  /** Inserts or updates one row; `changed` when it was created or any column differs. */
  upsert(row: RowInput, counts: RowCounts): { id: string; changed: boolean; outcome: RowOutcome };
}

export function createImportRows(db: SqliteDatabase): ImportRows {
  const statements = new Map<string, Database.Statement<unknown[], unknown>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[], unknown>(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const stored = (row: RowInput, id: string) =>
    prepared(`SELECT ${Object.keys(row.columns).join(', ')} FROM ${row.table} WHERE id = ?`).get(
      id,
    ) as Record<string, unknown> | undefined;
  const existing = (row: RowInput): string | undefined => {
    if (row.givenId !== undefined)
      return prepared(`SELECT 1 FROM ${row.table} WHERE id = ?`).get(row.givenId) === undefined
        ? undefined
        : row.givenId;
    const where = row.parentColumn === null ? '' : `${row.parentColumn} IS @parent AND `;
    const matches = prepared(
      `SELECT id FROM ${row.table} WHERE ${where}name = @name ORDER BY rowid LIMIT 2`,
    ).all({
      parent: row.parentColumn === null ? null : row.columns[row.parentColumn],
      name: row.name,
    }) as Array<{ id: string }>;
    return matches.length === 1 ? matches[0]!.id : undefined;
  };
  const same = (row: RowInput, values: Record<string, unknown>): boolean =>
    Object.keys(row.columns).every((n) => values[n] === row.columns[n]);

  return {
    existing,
    unchanged(row, id) {
      const values = stored(row, id);
      return values !== undefined && same(row, values);
    },
    upsert(row, counts) {
      const id = existing(row) ?? row.givenId ?? newCtpId();
      const names = Object.keys(row.columns);
      const values = stored(row, id);
      if (values === undefined) {
        prepared(
          `INSERT INTO ${row.table} (id, ${names.join(', ')}, change_id) VALUES (@id, ${names.map((n) => `@${n}`).join(', ')}, 0)`,
        ).run({ id, ...row.columns });
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
      prepared(
        `UPDATE ${row.table} SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`,
      ).run({ id, ...row.columns });
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
