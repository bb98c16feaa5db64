import type Database from 'better-sqlite3';

import { withoutMember } from '../../../shared/ctp/jsonText';
import { prepareResult, ResultProblem, type PreparedResult } from '../../../shared/ctp/results';
import { formatRfc3339 } from '../../../shared/ctp/time';
import type { ResultColumn } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import { importCompliance } from '../cts/complianceStore';
import type { SqliteDatabase } from '../store/database';
import type { Accounts } from './accounts';
import { createChangeIds } from './changeIds';
import { newCtpId } from './ids';
import { verifyResultSignature } from './jws';
import {
  validateProvider,
  type AssetInput,
  type AttributeInput,
  type MeasurementInput,
  type ProviderDocument,
  type ViewInput,
} from './providerValidation';
import type { Publisher } from './publisher';
import type { CtpRepositories } from './repositories';

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  /** Results written (current results and history entries). */
  results: number;
  /** Alerts written by triggers re-evaluated on new current results. */
  alerts: number;
}

export interface ProviderImporter {
  /** Validates, then imports in one transaction (all or nothing). */
  importDocument(input: unknown): Promise<ImportSummary>;
}

type Table = 'service_views' | 'assets' | 'attributes' | 'measurements' | 'metrics';

/**
 * `server import` (DESIGN.md "Provider data"): create or update by `id`; anything not
 * named is left alone. A resource without an id is matched by name under the same parent
 * (so importing the same file twice changes nothing), else created with a random id.
 * Changes give new changeIds (CTP 4.1.5.5); a new current result re-evaluates the
 * objective and the triggers (CTP 5.3) as a publish does.
 */
export function createProviderImporter(deps: {
  db: SqliteDatabase;
  clock: () => Date;
  publisher: Publisher;
  repositories: CtpRepositories;
  accounts: Accounts;
}): ProviderImporter {
  const { db, clock, publisher, repositories, accounts } = deps;
  const changeIds = createChangeIds(db);
  const statements = new Map<string, Database.Statement<unknown[], unknown>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[], unknown>(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  const run = async (doc: ProviderDocument): Promise<ImportSummary> => {
    const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, results: 0, alerts: 0 };
    const nowMs = clock().getTime();
    const formats = new Map<string, ResultColumn[]>();
    for (const metric of doc.metrics)
      if (metric.id !== undefined) formats.set(metric.id, metric.resultFormat);
    const formatOf = (metricId: string, path: string): ResultColumn[] => {
      const known = formats.get(metricId) ?? repositories.metric(metricId)?.resultFormat;
      if (known === undefined) {
        throw new AppError(
          'CTP_PROVIDER_INVALID',
          `${path}.metric: there is no metric "${metricId}" in the document or on the server.`,
        );
      }
      return known;
    };
    // Results are prepared (and signatures verified) before the write transaction.
    const keys = new Map(doc.authorities.map((a) => [a.id, a.publicKey]));
    const results = new Map<
      MeasurementInput,
      { history: PreparedResult[]; current: PreparedResult | null }
    >();
    const prepare = async (
      text: string,
      format: ResultColumn[],
      path: string,
    ): Promise<PreparedResult> => {
      let result: PreparedResult;
      try {
        result = prepareResult(text, format, nowMs);
      } catch (error) {
        if (error instanceof ResultProblem) {
          throw new AppError(
            'CTP_PROVIDER_INVALID',
            `${path}${error.path.slice('result'.length)}: ${error.message.slice(error.path.length + 2)}.`,
          );
        }
        throw error;
      }
      if (result.signature !== null && result.authorityId !== null) {
        const key = keys.get(result.authorityId) ?? authorityKey(result.authorityId);
        if (key !== undefined) {
          try {
            await verifyResultSignature(
              result.signature,
              withoutMember(result.text, 'signature'),
              key,
            );
          } catch (error) {
            throw new AppError(
              'CTP_PROVIDER_INVALID',
              `${path}.signature: ${(error as Error).message}`,
            );
          }
        }
      }
      return result;
    };
    const measurementsOf = (views: readonly ViewInput[]): MeasurementInput[] =>
      views.flatMap((v) => v.assets.flatMap((a) => a.attributes.flatMap((t) => t.measurements)));
    for (const m of measurementsOf(doc.serviceViews)) {
      const format = formatOf(m.metric, m.path);
      const history: PreparedResult[] = [];
      for (const h of m.history) history.push(await prepare(h.text, format, h.path));
      const current =
        m.result === null ? null : await prepare(m.result.text, format, m.result.path);
      results.set(m, { history, current });
    }

    const write = db.transaction(() => {
      const info = prepared(
        'SELECT name, annotation, provider FROM server_info WHERE id = 1',
      ).get() as Record<string, string>;
      const nextInfo = {
        name: doc.name ?? info.name,
        annotation: doc.annotation ?? info.annotation,
        provider: doc.provider ?? info.provider,
      };
      if (
        nextInfo.name !== info.name ||
        nextInfo.annotation !== info.annotation ||
        nextInfo.provider !== info.provider
      ) {
        prepared(
          'UPDATE server_info SET name = @name, annotation = @annotation, provider = @provider WHERE id = 1',
        ).run(nextInfo);
      }
      for (const authority of doc.authorities) {
        prepared(
          'INSERT INTO authorities (id, public_key) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key',
        ).run(authority.id, authority.publicKey);
      }
      for (const metric of doc.metrics) {
        const id = upsert(
          'metrics',
          metric.id,
          null,
          null,
          metric.name,
          {
            name: metric.name,
            annotation: metric.annotation,
            base_metric: metric.baseMetric,
            measurement_parameters: JSON.stringify(metric.measurementParameters),
            result_format: JSON.stringify(metric.resultFormat),
          },
          summary,
        );
        if (id.changed) changeIds.metric(id.id);
      }
      for (const view of doc.serviceViews) importView(view, null, summary);
      for (const account of doc.accounts) {
        const views = account.serviceViews;
        const before = accounts.get(account.name);
        accounts.ensureAccount(account.name, views);
        for (const token of account.tokens) accounts.addToken(account.name, token);
        if (before === undefined) summary.created++;
        else summary.unchanged++;
      }
      if (doc.compliance) importCompliance(db, doc.compliance, formatRfc3339(nowMs));
    });

    const importView = (view: ViewInput, parentId: string | null, s: ImportSummary): void => {
      const { id, changed } = upsert(
        'service_views',
        view.id,
        'parent_id',
        parentId,
        view.name,
        {
          parent_id: parentId,
          name: view.name,
          annotation: view.annotation,
          provider: view.provider,
          service_class: view.serviceClass,
        },
        s,
      );
      if (changed) changeIds.serviceView(id);
      for (const dependency of view.dependencies) importView(dependency, id, s);
      for (const asset of view.assets) importAsset(asset, id, s);
    };
    const importAsset = (asset: AssetInput, viewId: string, s: ImportSummary): void => {
      const { id, changed } = upsert(
        'assets',
        asset.id,
        'service_view_id',
        viewId,
        asset.name,
        {
          service_view_id: viewId,
          name: asset.name,
          annotation: asset.annotation,
          asset_class: asset.assetClass,
        },
        s,
      );
      if (changed) changeIds.asset(id);
      for (const attribute of asset.attributes) importAttribute(attribute, id, s);
    };
    const importAttribute = (
      attribute: AttributeInput,
      assetId: string,
      s: ImportSummary,
    ): void => {
      const { id, changed } = upsert(
        'attributes',
        attribute.id,
        'asset_id',
        assetId,
        attribute.name,
        {
          asset_id: assetId,
          name: attribute.name,
          annotation: attribute.annotation,
        },
        s,
      );
      if (changed) changeIds.attribute(id);
      for (const measurement of attribute.measurements) importMeasurement(measurement, id, s);
    };
    const importMeasurement = (
      m: MeasurementInput,
      attributeId: string,
      s: ImportSummary,
    ): void => {
      const nowMs = clock().getTime();
      const { id, changed } = upsert(
        'measurements',
        m.id,
        'attribute_id',
        attributeId,
        m.name,
        {
          attribute_id: attributeId,
          metric_id: m.metric,
          name: m.name,
          annotation: m.annotation,
          user_activated: m.userActivated ? 1 : 0,
          state: m.state,
          triggers_allowed: m.triggersAllowed ? 1 : 0,
          objective_condition: m.objective,
        },
        s,
      );
      let touched = changed;
      const planned = results.get(m);
      const hasHistory = prepared(
        'SELECT 1 FROM result_history WHERE measurement_id = ? AND result = ? LIMIT 1',
      );
      const addHistory = prepared(
        'INSERT INTO result_history (measurement_id, result, update_time, received_at) VALUES (?, ?, ?, ?)',
      );
      for (const entry of planned?.history ?? []) {
        if (hasHistory.get(id, entry.text) !== undefined) continue;
        addHistory.run(id, entry.text, entry.parsed.updateTime, formatRfc3339(nowMs));
        s.results++;
      }
      const current = planned?.current ?? null;
      const stored = prepared('SELECT result FROM measurements WHERE id = ?').get(id) as {
        result: string | null;
      };
      let newResult = false;
      if (current !== null && stored.result !== current.text) {
        prepared('UPDATE measurements SET result = ? WHERE id = ?').run(current.text, id);
        if (hasHistory.get(id, current.text) === undefined)
          addHistory.run(id, current.text, current.parsed.updateTime, formatRfc3339(nowMs));
        s.results++;
        newResult = true;
        touched = true;
      }
      if (changed || newResult) {
        const before = repositories.measurement(id)?.objective?.status ?? null;
        const after = publisher.evaluateObjective(id, nowMs);
        if (before !== after) touched = true;
      }
      if (touched) changeIds.measurement(id);
      if (newResult) {
        const measurement = repositories.measurement(id)!;
        s.alerts += publisher.runTriggers(
          measurement,
          repositories.triggersOfMeasurement(id),
          nowMs,
        ).alerts.length;
      }
    };

    /** Inserts or updates one row; `changed` when it was created or any column differs. */
    const upsert = (
      table: Table,
      givenId: string | undefined,
      parentColumn: string | null,
      parentId: string | null,
      name: string,
      columns: Record<string, unknown>,
      s: ImportSummary,
    ): { id: string; changed: boolean } => {
      let id = givenId;
      if (id === undefined) {
        const where = parentColumn === null ? '' : `${parentColumn} IS @parent AND `;
        const matches = prepared(
          `SELECT id FROM ${table} WHERE ${where}name = @name ORDER BY rowid LIMIT 2`,
        ).all({ parent: parentId, name }) as Array<{ id: string }>;
        id = matches.length === 1 ? matches[0]!.id : newCtpId();
      }
      const names = Object.keys(columns);
      const existing = prepared(`SELECT ${names.join(', ')} FROM ${table} WHERE id = ?`).get(id) as
        Record<string, unknown> | undefined;
      if (existing === undefined) {
        prepared(
          `INSERT INTO ${table} (id, ${names.join(', ')}, change_id) VALUES (@id, ${names.map((n) => `@${n}`).join(', ')}, 0)`,
        ).run({ id, ...columns });
        s.created++;
        return { id, changed: true };
      }
      if (names.every((n) => existing[n] === columns[n])) {
        s.unchanged++;
        return { id, changed: false };
      }
      if (parentColumn !== null && existing[parentColumn] !== columns[parentColumn]) {
        throw new AppError(
          'CTP_PROVIDER_INVALID',
          `"${id}" already exists under another parent; an import cannot move a resource (delete it first with the admin API).`,
        );
      }
      prepared(
        `UPDATE ${table} SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`,
      ).run({ id, ...columns });
      s.updated++;
      return { id, changed: true };
    };

    try {
      write.immediate();
    } catch (error) {
      if (error instanceof AppError) throw error;
      const message = (error as Error).message;
      if (/FOREIGN KEY|CHECK constraint|UNIQUE/.test(message)) {
        throw new AppError(
          'CTP_PROVIDER_INVALID',
          `The provider data conflicts with the server's data (${message}); nothing was imported.`,
        );
      }
      throw error;
    }
    return summary;
  };

  const authorityKey = (id: string): string | undefined =>
    (
      prepared('SELECT public_key FROM authorities WHERE id = ?').get(id) as
        { public_key: string } | undefined
    )?.public_key;

  return {
    importDocument: (input) => run(validateProvider(input)),
  };
}
