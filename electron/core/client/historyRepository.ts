/**
 * The offline workspace of each vendor in auditor.db (migration 0002_vendors.sql): the
 * latest snapshot of every remote resource, the append-only history of measurement
 * results (deduplicated by updateTime and content), log entries, and sync runs. Prepared
 * statements only; everything here is readable with no network.
 */
import { createHash } from 'node:crypto';

import type { HistoryEntry, SyncReport, SyncStatus } from '../../../shared/client';
import type { SqliteDatabase } from '../store/database';

export type ResourceKind =
  | 'entryPoint'
  | 'serviceView'
  | 'dependency'
  | 'asset'
  | 'attribute'
  | 'measurement'
  | 'metric'
  | 'trigger';

export interface SnapshotResource {
  url: string;
  kind: ResourceKind;
  parentUrl: string | null;
  rootUrl: string | null;
  changeId: string | null;
  name: string;
  provider: string | null;
  /** The resource's JSON text as received, whitespace outside strings removed. */
  body: string;
}

export interface StoredResource extends SnapshotResource {
  complete: boolean;
  fetchedAt: string;
}

export interface NewResult {
  measurementUrl: string;
  updateTime: string | null;
  /** The result object's JSON text as received (minified). */
  text: string;
  authorityId: string | null;
}

export interface StoredResult extends Omit<HistoryEntry, 'verification'> {
  id: number;
  syncId: number | null;
}

export interface StoredLog {
  url: string;
  serviceViewUrl: string;
  creationTime: string;
  body: string;
  firstSeenAt: string;
}

export interface SyncRun {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  status: SyncStatus;
  report: SyncReport | null;
}

export interface HistoryRepository {
  transaction<T>(work: () => T): T;
  resource(url: string): StoredResource | null;
  resources(kind?: ResourceKind): StoredResource[];
  /**
   * Keeps the latest copy of a resource, incomplete until {@link setComplete}; a leaf
   * (nothing below it to read) is stored `complete` at once.
   */
  putResource(syncId: number, resource: SnapshotResource, now: string, complete?: boolean): void;
  setComplete(url: string, complete: boolean): void;
  /** Marks every descendant (by parent link) of a skipped resource as seen in this sync. */
  touchDescendants(url: string, syncId: number): number;
  putEdge(syncId: number, from: string, to: string, rootUrl: string): void;
  edges(): Array<{ from: string; to: string }>;
  /** Deletes what a fully re-crawled root no longer holds. */
  pruneRoot(rootUrl: string, syncId: number): number;
  /** Deletes the roots (service views) that are no longer listed. */
  pruneRootsExcept(rootUrls: readonly string[]): number;
  /** Appends a result unless the same (updateTime, content) is already there; true if new. */
  addResult(syncId: number, result: NewResult, now: string): boolean;
  history(measurementUrl: string): StoredResult[];
  hasLog(url: string): boolean;
  addLog(log: Omit<StoredLog, 'firstSeenAt'>, now: string): boolean;
  /** The newest creationTime stored for a view's logs (the next `oldest`, CTP 5.2.18). */
  newestLogTime(serviceViewUrl: string): string | null;
  logs(serviceViewUrl?: string): StoredLog[];
  startSync(now: string): number;
  finishSync(id: number, report: SyncReport, now: string): void;
  syncs(): SyncRun[];
  counts(): Record<string, number>;
}

interface ResourceRow {
  url: string;
  kind: ResourceKind;
  parent_url: string | null;
  root_url: string | null;
  change_id: string | null;
  name: string;
  provider: string | null;
  body: string;
  complete: 0 | 1;
  fetched_at: string;
}

function toResource(row: ResourceRow): StoredResource {
  return {
    url: row.url,
    kind: row.kind,
    parentUrl: row.parent_url,
    rootUrl: row.root_url,
    changeId: row.change_id,
    name: row.name,
    provider: row.provider,
    body: row.body,
    complete: row.complete === 1,
    fetchedAt: row.fetched_at,
  };
}

/** SHA-256 of a result's text: the "content" half of the history's dedup key. */
export function resultContentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

interface LogRow {
  url: string;
  service_view_url: string;
  creation_time: string;
  body: string;
  first_seen_at: string;
}

/** The snapshot of remote resources and the links between them. */
function prepareResourceStatements(db: SqliteDatabase) {
  return {
    getResource: db.prepare<[number, string], ResourceRow>(
      'SELECT * FROM vendor_resources WHERE vendor_id = ? AND url = ?',
    ),
    allResources: db.prepare<[number], ResourceRow>(
      'SELECT * FROM vendor_resources WHERE vendor_id = ? ORDER BY kind, url',
    ),
    resourcesOfKind: db.prepare<[number, string], ResourceRow>(
      'SELECT * FROM vendor_resources WHERE vendor_id = ? AND kind = ? ORDER BY url',
    ),
    upsertResource: db.prepare(
      `INSERT INTO vendor_resources (vendor_id, url, kind, parent_url, root_url, change_id, name, provider, body, complete, fetched_at, sync_id)
       VALUES (@v, @url, @kind, @parentUrl, @rootUrl, @changeId, @name, @provider, @body, @complete, @now, @syncId)
       ON CONFLICT (vendor_id, url) DO UPDATE SET kind = excluded.kind, parent_url = excluded.parent_url,
         root_url = excluded.root_url, change_id = excluded.change_id, name = excluded.name,
         provider = excluded.provider, body = excluded.body, complete = excluded.complete,
         fetched_at = excluded.fetched_at, sync_id = excluded.sync_id`,
    ),
    completeStatement: db.prepare(
      'UPDATE vendor_resources SET complete = ? WHERE vendor_id = ? AND url = ?',
    ),
    childrenOf: db.prepare<[number, string], { url: string }>(
      'SELECT url FROM vendor_resources WHERE vendor_id = ? AND parent_url = ?',
    ),
    touchOne: db.prepare('UPDATE vendor_resources SET sync_id = ? WHERE vendor_id = ? AND url = ?'),
    touchEdges: db.prepare(
      `UPDATE vendor_edges SET sync_id = @syncId WHERE vendor_id = @v AND root_url = (
         SELECT root_url FROM vendor_resources WHERE vendor_id = @v AND url = @url)`,
    ),
    upsertEdge: db.prepare(
      `INSERT INTO vendor_edges (vendor_id, from_url, to_url, root_url, sync_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (vendor_id, from_url, to_url) DO UPDATE SET root_url = excluded.root_url, sync_id = excluded.sync_id`,
    ),
    allEdges: db.prepare<[number], { from_url: string; to_url: string }>(
      'SELECT from_url, to_url FROM vendor_edges WHERE vendor_id = ? ORDER BY from_url, to_url',
    ),
    pruneResources: db.prepare(
      `DELETE FROM vendor_resources WHERE vendor_id = ? AND root_url = ? AND url <> root_url
         AND (sync_id IS NULL OR sync_id < ?)`,
    ),
    pruneEdges: db.prepare(
      'DELETE FROM vendor_edges WHERE vendor_id = ? AND root_url = ? AND (sync_id IS NULL OR sync_id < ?)',
    ),
    roots: db.prepare<[number], { url: string }>(
      "SELECT url FROM vendor_resources WHERE vendor_id = ? AND kind = 'serviceView'",
    ),
    deleteRoot: db.prepare('DELETE FROM vendor_resources WHERE vendor_id = ? AND root_url = ?'),
    deleteRootEdges: db.prepare('DELETE FROM vendor_edges WHERE vendor_id = ? AND root_url = ?'),
  };
}

type ResourceStatements = ReturnType<typeof prepareResourceStatements>;

/** Breadth-first down the parent links (bounded depth: cycles cannot loop it). */
function touchSubtree(
  statements: ResourceStatements,
  vendorId: number,
  url: string,
  syncId: number,
): number {
  let level = [url];
  let touched = 0;
  const seen = new Set<string>([url]);
  for (let depth = 0; level.length > 0 && depth < 64; depth++) {
    const next: string[] = [];
    for (const parent of level) {
      for (const { url: child } of statements.childrenOf.all(vendorId, parent)) {
        if (seen.has(child)) continue;
        seen.add(child);
        statements.touchOne.run(syncId, vendorId, child);
        touched++;
        next.push(child);
      }
    }
    level = next;
  }
  return touched;
}

/** The append-only records: results, log entries, sync runs, and the counts over them. */
function prepareRecordStatements(db: SqliteDatabase) {
  return {
    insertResult: db.prepare(
      `INSERT INTO vendor_results (vendor_id, measurement_url, update_time, content_sha256, result_text, authority_id, first_seen_at, sync_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    historyStatement: db.prepare<
      [number, string],
      {
        id: number;
        measurement_url: string;
        update_time: string;
        result_text: string;
        authority_id: string | null;
        first_seen_at: string;
        sync_id: number | null;
      }
    >(
      `SELECT id, measurement_url, update_time, result_text, authority_id, first_seen_at, sync_id
         FROM vendor_results WHERE vendor_id = ? AND measurement_url = ? ORDER BY update_time, id`,
    ),
    hasLogStatement: db.prepare<[number, string], { one: number }>(
      'SELECT 1 AS one FROM vendor_logs WHERE vendor_id = ? AND url = ?',
    ),
    insertLog: db.prepare(
      `INSERT INTO vendor_logs (vendor_id, url, service_view_url, creation_time, body, first_seen_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    newestLog: db.prepare<[number, string], { newest: string | null }>(
      'SELECT MAX(creation_time) AS newest FROM vendor_logs WHERE vendor_id = ? AND service_view_url = ?',
    ),
    logsOfView: db.prepare<[number, string], LogRow>(
      'SELECT * FROM vendor_logs WHERE vendor_id = ? AND service_view_url = ? ORDER BY creation_time, rowid',
    ),
    allLogs: db.prepare<[number], LogRow>(
      'SELECT * FROM vendor_logs WHERE vendor_id = ? ORDER BY creation_time, rowid',
    ),
    startStatement: db.prepare(
      "INSERT INTO vendor_syncs (vendor_id, started_at, status) VALUES (?, ?, 'running')",
    ),
    finishStatement: db.prepare(
      'UPDATE vendor_syncs SET finished_at = ?, status = ?, report = ? WHERE id = ? AND vendor_id = ?',
    ),
    syncRows: db.prepare<
      [number],
      {
        id: number;
        started_at: string;
        finished_at: string | null;
        status: SyncStatus;
        report: string | null;
      }
    >('SELECT * FROM vendor_syncs WHERE vendor_id = ? ORDER BY id'),
    countStatements: {
      resources: db.prepare<[number], { n: number }>(
        'SELECT COUNT(*) AS n FROM vendor_resources WHERE vendor_id = ?',
      ),
      results: db.prepare<[number], { n: number }>(
        'SELECT COUNT(*) AS n FROM vendor_results WHERE vendor_id = ?',
      ),
      logs: db.prepare<[number], { n: number }>(
        'SELECT COUNT(*) AS n FROM vendor_logs WHERE vendor_id = ?',
      ),
      syncs: db.prepare<[number], { n: number }>(
        'SELECT COUNT(*) AS n FROM vendor_syncs WHERE vendor_id = ?',
      ),
    },
    kindCounts: db.prepare<[number], { kind: string; n: number }>(
      'SELECT kind, COUNT(*) AS n FROM vendor_resources WHERE vendor_id = ? GROUP BY kind',
    ),
  };
}

export function createHistoryRepository(db: SqliteDatabase, vendorId: number): HistoryRepository {
  const v = vendorId;
  const s = { ...prepareResourceStatements(db), ...prepareRecordStatements(db) };
  const touchTree = db.transaction((url: string, syncId: number): number =>
    touchSubtree(s, v, url, syncId),
  );

  // One transaction function for every call (better-sqlite3 builds a wrapper per
  // db.transaction): nested calls become savepoints.
  const inTransaction = db.transaction((work: () => unknown) => work());

  return {
    transaction: <T>(work: () => T): T => inTransaction(work) as T,
    resource(url) {
      const row = s.getResource.get(v, url);
      return row === undefined ? null : toResource(row);
    },
    resources: (kind) =>
      (kind === undefined ? s.allResources.all(v) : s.resourcesOfKind.all(v, kind)).map(toResource),
    putResource(syncId, resource, now, complete = false) {
      s.upsertResource.run({ v, ...resource, now, syncId, complete: complete ? 1 : 0 });
    },
    setComplete(url, complete) {
      s.completeStatement.run(complete ? 1 : 0, v, url);
    },
    touchDescendants(url, syncId) {
      const changed = touchTree(url, syncId);
      s.touchEdges.run({ v, url, syncId });
      return changed;
    },
    putEdge(syncId, from, to, rootUrl) {
      s.upsertEdge.run(v, from, to, rootUrl, syncId);
    },
    edges: () => s.allEdges.all(v).map((row) => ({ from: row.from_url, to: row.to_url })),
    pruneRoot(rootUrl, syncId) {
      s.pruneEdges.run(v, rootUrl, syncId);
      return s.pruneResources.run(v, rootUrl, syncId).changes;
    },
    pruneRootsExcept(rootUrls) {
      const keep = new Set(rootUrls);
      let removed = 0;
      for (const { url } of s.roots.all(v)) {
        if (keep.has(url)) continue;
        s.deleteRootEdges.run(v, url);
        removed += s.deleteRoot.run(v, url).changes;
      }
      return removed;
    },
    addResult(syncId, result, now) {
      const info = s.insertResult.run(
        v,
        result.measurementUrl,
        result.updateTime ?? '',
        resultContentHash(result.text),
        result.text,
        result.authorityId,
        now,
        syncId,
      );
      return info.changes > 0;
    },
    history: (measurementUrl) =>
      s.historyStatement.all(v, measurementUrl).map((row) => ({
        id: row.id,
        measurementUrl: row.measurement_url,
        updateTime: row.update_time === '' ? null : row.update_time,
        resultText: row.result_text,
        authorityId: row.authority_id,
        firstSeenAt: row.first_seen_at,
        syncId: row.sync_id,
      })),
    hasLog: (url) => s.hasLogStatement.get(v, url) !== undefined,
    addLog(log, now) {
      return (
        s.insertLog.run(v, log.url, log.serviceViewUrl, log.creationTime, log.body, now).changes > 0
      );
    },
    newestLogTime: (serviceViewUrl) => s.newestLog.get(v, serviceViewUrl)?.newest ?? null,
    logs: (serviceViewUrl) =>
      (serviceViewUrl === undefined ? s.allLogs.all(v) : s.logsOfView.all(v, serviceViewUrl)).map(
        (row) => ({
          url: row.url,
          serviceViewUrl: row.service_view_url,
          creationTime: row.creation_time,
          body: row.body,
          firstSeenAt: row.first_seen_at,
        }),
      ),
    startSync: (now) => Number(s.startStatement.run(v, now).lastInsertRowid),
    finishSync(id, report, now) {
      s.finishStatement.run(now, report.status, JSON.stringify(report), id, v);
    },
    syncs: () =>
      s.syncRows.all(v).map((row) => ({
        id: row.id,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        status: row.status,
        report: row.report === null ? null : (JSON.parse(row.report) as SyncReport),
      })),
    counts() {
      const out: Record<string, number> = {
        resources: s.countStatements.resources.get(v)?.n ?? 0,
        results: s.countStatements.results.get(v)?.n ?? 0,
        logs: s.countStatements.logs.get(v)?.n ?? 0,
        syncs: s.countStatements.syncs.get(v)?.n ?? 0,
      };
      for (const row of s.kindCounts.all(v)) out[row.kind] = row.n;
      return out;
    },
  };
}
