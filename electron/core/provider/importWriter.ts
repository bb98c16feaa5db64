import { formatRfc3339 } from '../../../shared/ctp/time';
import { importCompliance } from '../cts/complianceStore';
import type { ImportedResource, ImportedResourceKind } from '../../../shared/serverConsole';
import type { SqlQueries } from '../store/sqlStore';
import type { Accounts } from './accounts';
import { changeIdsOn } from './changeIds';
import type { OutcomeOf } from './evaluatedWrite';
import type { ImportedResults } from './importResults';
import { importRowsOn, rowOf, type RowCounts, type RowInput, type RowOutcome } from './importRows';
import { walkTree } from './importTree';
import type { MeasurementInput, ProviderDocument } from './providerValidation';
import { readsOn } from './repositories';
import type { TriggerEvaluation } from './triggerEvaluation';

export interface ImportSummary extends RowCounts {
  /** Results written (current results and history entries). */
  results: number;
  /** Alerts written by triggers re-evaluated on new current results. */
  alerts: number;
}

/** One import's writes, to run inside its write transaction `tx`. */
export interface ImportWrite {
  tx: SqlQueries;
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

const SQL = {
  info: 'SELECT name, annotation, provider FROM server_info WHERE id = 1',
  setInfo: 'UPDATE server_info SET name = $1, annotation = $2, provider = $3 WHERE id = 1',
  authority: `INSERT INTO authorities (id, public_key) VALUES ($1, $2)
    ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key`,
  hasHistory:
    'SELECT 1 AS found FROM result_history WHERE measurement_id = $1 AND result = $2 LIMIT 1',
  addHistory:
    'INSERT INTO result_history (measurement_id, result, update_time, received_at) VALUES ($1, $2, $3, $4)',
  setResult: 'UPDATE measurements SET result = $1 WHERE id = $2',
};

async function writeEntryPoint(tx: SqlQueries, doc: ProviderDocument): Promise<void> {
  const info = (await tx.get<Record<'name' | 'annotation' | 'provider', string>>(SQL.info))!;
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
    await tx.run(SQL.setInfo, [next.name, next.annotation, next.provider]);
  for (const authority of doc.authorities)
    await tx.run(SQL.authority, [authority.id, authority.publicKey]);
}

/** History entries not stored yet, then the current result; true when it is new. */
async function writeResults(
  id: string,
  planned: ImportedResults | undefined,
  work: ImportWrite,
  s: ImportSummary,
): Promise<boolean> {
  const { tx } = work;
  const receivedAt = formatRfc3339(work.nowMs);
  const stored = async (text: string) => (await tx.get(SQL.hasHistory, [id, text])) !== undefined;
  for (const entry of planned?.history ?? []) {
    if (await stored(entry.text)) continue;
    await tx.run(SQL.addHistory, [id, entry.text, entry.parsed.updateTime, receivedAt]);
    s.results++;
  }
  const current = planned?.current ?? null;
  if (current === null || (await readsOn(tx).measurement(id))?.resultText === current.text)
    return false;
  await tx.run(SQL.setResult, [current.text, id]);
  if (!(await stored(current.text)))
    await tx.run(SQL.addHistory, [id, current.text, current.parsed.updateTime, receivedAt]);
  s.results++;
  return true;
}

/**
 * Writes a checked provider document, level by level (DESIGN.md "Provider data"): the
 * entry point, authorities, metrics, the tree, then accounts. Changes give new changeIds
 * (CTP 4.1.5.5); a new current result re-evaluates the objective and the triggers
 * (CTP 5.3), as a publish does.
 */
export function createImportWriter(deps: {
  accounts: Accounts;
  evaluation: TriggerEvaluation;
}): (work: ImportWrite) => Promise<ImportSummary> {
  const { accounts, evaluation } = deps;

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

  const writeMeasurement = async (
    m: MeasurementInput,
    attributeId: string,
    work: ImportWrite,
    s: ImportSummary,
  ) => {
    const { tx } = work;
    const row = rowOf.measurement(m, attributeId);
    const done = await importRowsOn(tx).upsert(row, s);
    const { id, changed } = done;
    const newResult = await writeResults(id, work.results.get(m), work, s);
    report(work, row, done, m.path, newResult);
    if (!changed && !newResult) return;
    await evaluation.evaluateObjective(tx, id, work.nowMs, work.outcomeOf);
    await changeIdsOn(tx).measurement(id);
    if (newResult) {
      const reads = readsOn(tx);
      const measurement = (await reads.measurement(id))!;
      const triggers = await reads.triggersOfMeasurement(id);
      const { alerts } = await evaluation.runTriggers(
        tx,
        measurement,
        triggers,
        work.nowMs,
        work.outcomeOf,
      );
      s.alerts += alerts.length;
    }
  };

  const writeAccounts = async (work: ImportWrite, s: ImportSummary): Promise<void> => {
    const writes = accounts.within(work.tx);
    for (const account of work.doc.accounts) {
      const before = await writes.get(account.name);
      const id = await writes.ensureAccount(account.name, account.serviceViews);
      for (const token of account.tokens) await writes.addToken(account.name, token);
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

  return async (work) => {
    const s: ImportSummary = { created: 0, updated: 0, unchanged: 0, results: 0, alerts: 0 };
    const rows = importRowsOn(work.tx);
    const changeIds = changeIdsOn(work.tx);
    const level = async (
      row: RowInput,
      stamp: (id: string) => Promise<void>,
      path: string,
    ): Promise<string> => {
      const done = await rows.upsert(row, s);
      if (done.changed) await stamp(done.id);
      report(work, row, done, path);
      return done.id;
    };
    await writeEntryPoint(work.tx, work.doc);
    for (const metric of work.doc.metrics)
      await level(rowOf.metric(metric), changeIds.metric, metric.path);
    await walkTree<string>(work.doc.serviceViews, {
      view: (view, parentId) => level(rowOf.view(view, parentId), changeIds.serviceView, view.path),
      asset: (asset, viewId) => level(rowOf.asset(asset, viewId), changeIds.asset, asset.path),
      attribute: (attribute, assetId) =>
        level(rowOf.attribute(attribute, assetId), changeIds.attribute, attribute.path),
      measurement: (m, attributeId) => writeMeasurement(m, attributeId, work, s),
    });
    await writeAccounts(work, s);
    if (work.doc.compliance)
      await importCompliance(work.tx, work.doc.compliance, formatRfc3339(work.nowMs));
    return s;
  };
}
