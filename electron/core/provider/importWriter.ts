import { formatRfc3339 } from '../../../shared/ctp/time';
import { importCompliance } from '../cts/complianceStore';
import type { ImportedResource, ImportedResourceKind } from '../../../shared/serverConsole';
import type { SqliteDatabase } from '../store/database';
import type { Accounts } from './accounts';
import { createChangeIds } from './changeIds';
import type { OutcomeOf } from './evaluatedWrite';
import type { ImportedResults } from './importResults';
import {
  rowOf,
  type ImportRows,
  type RowCounts,
  type RowInput,
  type RowOutcome,
} from './importRows';
import { walkTree } from './importTree';
import type { MeasurementInput, ProviderDocument } from './providerValidation';
import type { CtpRepositories } from './repositories';
import type { TriggerEvaluation } from './triggerEvaluation';

export interface ImportSummary extends RowCounts {
  /** Results written (current results and history entries). */
  results: number;
  /** Alerts written by triggers re-evaluated on new current results. */
  alerts: number;
}

/** One import's writes, to run inside its write transaction. */
export interface ImportWrite {
  doc: ProviderDocument;
  results: ReadonlyMap<MeasurementInput, ImportedResults>;
  outcomeOf: OutcomeOf;
  nowMs: number;
  /** Told what happens to each resource, in document order (the console's listing). */
  onResource?: ((resource: ImportedResource) => void) | undefined;
}

/** The kind of resource a row stands for. */
function kindOf(row: RowInput): ImportedResourceKind {
  if (row.table === 'service_views')
    return row.columns.parent_id === null ? 'serviceView' : 'dependency';
  const kinds = {
    assets: 'asset',
    attributes: 'attribute',
    measurements: 'measurement',
    metrics: 'metric',
  } as const;
  return kinds[row.table];
}

/**
 * Writes a checked provider document, level by level (DESIGN.md "Provider data"): the
 * entry point, authorities, metrics, the tree, then accounts. Changes give new changeIds
 * (CTP 4.1.5.5); a new current result re-evaluates the objective and the triggers
 * (CTP 5.3), as a publish does.
 */
export function createImportWriter(deps: {
  db: SqliteDatabase;
  rows: ImportRows;
  repositories: CtpRepositories;
  accounts: Accounts;
  evaluation: TriggerEvaluation;
}): (work: ImportWrite) => ImportSummary {
  const { db, rows, repositories, accounts, evaluation } = deps;
  const changeIds = createChangeIds(db);
  const statements = {
    info: db.prepare<[], Record<'name' | 'annotation' | 'provider', string>>(
      'SELECT name, annotation, provider FROM server_info WHERE id = 1',
    ),
    setInfo: db.prepare(
      'UPDATE server_info SET name = @name, annotation = @annotation, provider = @provider WHERE id = 1',
    ),
    authority: db.prepare<[string, string]>(
      'INSERT INTO authorities (id, public_key) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key',
    ),
    hasHistory: db.prepare<[string, string]>(
      'SELECT 1 FROM result_history WHERE measurement_id = ? AND result = ? LIMIT 1',
    ),
    addHistory: db.prepare<[string, string, string, string]>(
      'INSERT INTO result_history (measurement_id, result, update_time, received_at) VALUES (?, ?, ?, ?)',
    ),
    setResult: db.prepare<[string, string]>('UPDATE measurements SET result = ? WHERE id = ?'),
  };

  const writeEntryPoint = (doc: ProviderDocument): void => {
    const info = statements.info.get()!;
    const next = {
      name: doc.name ?? info.name,
      annotation: doc.annotation ?? info.annotation,
      provider: doc.provider ?? info.provider,
    };
    if (
      next.name !== info.name ||
      next.annotation !== info.annotation ||
      next.provider !== info.provider
    )
      statements.setInfo.run(next);
    for (const authority of doc.authorities)
      statements.authority.run(authority.id, authority.publicKey);
  };

  /** History entries not stored yet, then the current result; true when it is new. */
  const writeResults = (
    id: string,
    planned: ImportedResults | undefined,
    work: ImportWrite,
    s: ImportSummary,
  ) => {
    const receivedAt = formatRfc3339(work.nowMs);
    for (const entry of planned?.history ?? []) {
      if (statements.hasHistory.get(id, entry.text) !== undefined) continue;
      statements.addHistory.run(id, entry.text, entry.parsed.updateTime, receivedAt);
      s.results++;
    }
    const current = planned?.current ?? null;
    if (current === null || repositories.measurement(id)?.resultText === current.text) return false;
    statements.setResult.run(current.text, id);
    if (statements.hasHistory.get(id, current.text) === undefined)
      statements.addHistory.run(id, current.text, current.parsed.updateTime, receivedAt);
    s.results++;
    return true;
  };

  const report = (
    work: ImportWrite,
    row: RowInput,
    done: { id: string; outcome: RowOutcome },
    path: string,
    newResult = false,
  ): void =>
    work.onResource?.({
      kind: kindOf(row),
      id: done.id,
      name: row.name,
      path,
      outcome: done.outcome,
      newResult,
    });

  const writeMeasurement = (
    m: MeasurementInput,
    attributeId: string,
    work: ImportWrite,
    s: ImportSummary,
  ) => {
    const row = rowOf.measurement(m, attributeId);
    const done = rows.upsert(row, s);
    const { id, changed } = done;
    const newResult = writeResults(id, work.results.get(m), work, s);
    report(work, row, done, m.path, newResult);
    if (!changed && !newResult) return;
    evaluation.evaluateObjective(id, work.nowMs, work.outcomeOf);
    changeIds.measurement(id);
    if (newResult) {
      const measurement = repositories.measurement(id)!;
      const triggers = repositories.triggersOfMeasurement(id);
      s.alerts += evaluation.runTriggers(
        measurement,
        triggers,
        work.nowMs,
        work.outcomeOf,
      ).alerts.length;
    }
  };

  const writeAccounts = (work: ImportWrite, s: ImportSummary): void => {
    for (const account of work.doc.accounts) {
      const before = accounts.get(account.name);
      const id = accounts.ensureAccount(account.name, account.serviceViews);
      for (const token of account.tokens) accounts.addToken(account.name, token);
      if (before === undefined) s.created++;
      else s.unchanged++;
      work.onResource?.({
        kind: 'account',
        id: String(id),
        name: account.name,
        path: account.path,
        outcome: before === undefined ? 'created' : 'unchanged',
        newResult: false,
      });
    }
  };

  return (work) => {
    const s: ImportSummary = { created: 0, updated: 0, unchanged: 0, results: 0, alerts: 0 };
    const level = (row: RowInput, stamp: (id: string) => void, path: string): string => {
      const done = rows.upsert(row, s);
      if (done.changed) stamp(done.id);
      report(work, row, done, path);
      return done.id;
    };
    writeEntryPoint(work.doc);
    for (const metric of work.doc.metrics)
      level(rowOf.metric(metric), changeIds.metric, metric.path);
    walkTree<string>(work.doc.serviceViews, {
      view: (view, parentId) => level(rowOf.view(view, parentId), changeIds.serviceView, view.path),
      asset: (asset, viewId) => level(rowOf.asset(asset, viewId), changeIds.asset, asset.path),
      attribute: (attribute, assetId) =>
        level(rowOf.attribute(attribute, assetId), changeIds.attribute, attribute.path),
      measurement: (m, attributeId) => writeMeasurement(m, attributeId, work, s),
    });
    writeAccounts(work, s);
    if (work.doc.compliance) importCompliance(db, work.doc.compliance, formatRfc3339(work.nowMs));
    return s;
  };
}
