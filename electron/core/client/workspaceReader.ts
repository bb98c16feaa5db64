/**
 * Reads of the offline workspace for the app's pages (portfolio, tree, measurement, what
 * changed) that the crawl itself does not need: prepared statements over auditor.db,
 * plain rows out. JSON members are read with SQLite's json_extract where only one member
 * of a stored body is wanted (the body is JSON the sync already validated).
 */
import type { SignatureStatus, SyncStatus } from '../../../shared/client';
import type { SqliteDatabase } from '../store/database';
import { claimedStatus, type SnapshotEntry } from './syncChanges';

export interface FinishedSync {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  status: SyncStatus;
}

export interface TreeRow {
  url: string;
  kind: string;
  name: string;
  parentUrl: string | null;
  body: string;
}

export interface VendorAggregates {
  resources: number;
  objectives: { met: number; failed: number; error: number; unknown: number; disagreeing: number };
  signatures: Record<SignatureStatus, number>;
  lastFinished: FinishedSync | null;
}

export interface LogRow {
  url: string;
  creationTime: string;
  body: string;
  triggerUrl: string | null;
  triggerName: string | null;
}

export interface WorkspaceReader {
  /** The resources shown in the tree and in "what changed", by URL. */
  snapshot(vendorId: number): Map<string, SnapshotEntry>;
  /** Results first stored by one sync. */
  resultsOfSync(
    vendorId: number,
    syncId: number,
  ): Array<{ measurementUrl: string; updateTime: string | null }>;
  /** The last sync that ran to its end. */
  lastFinishedSync(vendorId: number): FinishedSync | null;
  treeRows(vendorId: number): TreeRow[];
  /** Metric names by URL. */
  metricNames(vendorId: number): Map<string, string>;
  aggregates(vendorId: number): VendorAggregates;
  /** The log entries of the triggers on one measurement, newest first (at most `limit`). */
  logsOfMeasurement(vendorId: number, measurementUrl: string, limit: number): LogRow[];
  historyCount(vendorId: number, measurementUrl: string): number;
}

const TREE_KINDS = "('serviceView', 'dependency', 'asset', 'attribute', 'measurement')";

/** Every statement the reader runs, prepared once. */
function prepareStatements(db: SqliteDatabase) {
  return {
    snapshotRows: db.prepare<
      [number],
      { url: string; kind: string; name: string; status: unknown }
    >(
      `SELECT url, kind, name,
              CASE kind WHEN 'measurement' THEN json_extract(body, '$.objective.status') END AS status
         FROM vendor_resources WHERE vendor_id = ? AND kind IN ${TREE_KINDS}`,
    ),
    syncResults: db.prepare<[number, number], { measurement_url: string; update_time: string }>(
      'SELECT measurement_url, update_time FROM vendor_results WHERE vendor_id = ? AND sync_id = ? ORDER BY id',
    ),
    lastFinished: db.prepare<
      [number],
      { id: number; started_at: string; finished_at: string | null; status: SyncStatus }
    >(
      `SELECT id, started_at, finished_at, status FROM vendor_syncs
        WHERE vendor_id = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
    ),
    treeStatement: db.prepare<
      [number],
      { url: string; kind: string; name: string; parent_url: string | null; body: string }
    >(
      `SELECT url, kind, name, parent_url, body FROM vendor_resources
        WHERE vendor_id = ? AND kind IN ${TREE_KINDS} ORDER BY rowid`,
    ),
    metrics: db.prepare<[number], { url: string; name: string }>(
      "SELECT url, name FROM vendor_resources WHERE vendor_id = ? AND kind = 'metric'",
    ),
    resourceCount: db.prepare<[number], { n: number }>(
      'SELECT COUNT(*) AS n FROM vendor_resources WHERE vendor_id = ?',
    ),
    objectiveCounts: db.prepare<[number], { claimed: string | null; disagrees: number; n: number }>(
      `SELECT claimed, disagrees, COUNT(*) AS n FROM vendor_objective_checks
        WHERE vendor_id = ? GROUP BY claimed, disagrees`,
    ),
    signatureCounts: db.prepare<[number], { status: SignatureStatus; n: number }>(
      `SELECT s.status, COUNT(*) AS n
         FROM vendor_results r JOIN vendor_result_signatures s ON s.result_id = r.id
        WHERE r.vendor_id = ? AND r.id = (
          SELECT newest.id FROM vendor_results newest
           WHERE newest.vendor_id = r.vendor_id AND newest.measurement_url = r.measurement_url
           ORDER BY newest.update_time DESC, newest.id DESC LIMIT 1)
        GROUP BY s.status`,
    ),
    logs: db.prepare<
      [number, string, number],
      {
        url: string;
        creation_time: string;
        body: string;
        trigger_url: string | null;
        trigger_name: string | null;
      }
    >(
      `SELECT l.url, l.creation_time, l.body, t.url AS trigger_url, t.name AS trigger_name
         FROM vendor_logs l
         JOIN vendor_resources t
           ON t.vendor_id = l.vendor_id AND t.kind = 'trigger' AND t.url = json_extract(l.body, '$.trigger')
        WHERE l.vendor_id = ? AND json_extract(t.body, '$.measurement') = ?
        ORDER BY l.creation_time DESC, l.rowid DESC LIMIT ?`,
    ),
    historyCount: db.prepare<[number, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM vendor_results WHERE vendor_id = ? AND measurement_url = ?',
    ),
  };
}

export function createWorkspaceReader(db: SqliteDatabase): WorkspaceReader {
  const s = prepareStatements(db);
  const toFinished = (
    row:
      | { id: number; started_at: string; finished_at: string | null; status: SyncStatus }
      | undefined,
  ): FinishedSync | null =>
    row === undefined
      ? null
      : { id: row.id, startedAt: row.started_at, finishedAt: row.finished_at, status: row.status };

  return {
    snapshot: (vendorId) =>
      new Map(
        s.snapshotRows
          .all(vendorId)
          .map((row) => [
            row.url,
            { url: row.url, kind: row.kind, name: row.name, status: claimedStatus(row.status) },
          ]),
      ),
    resultsOfSync: (vendorId, syncId) =>
      s.syncResults.all(vendorId, syncId).map((row) => ({
        measurementUrl: row.measurement_url,
        updateTime: row.update_time === '' ? null : row.update_time,
      })),
    lastFinishedSync: (vendorId) => toFinished(s.lastFinished.get(vendorId)),
    treeRows: (vendorId) =>
      s.treeStatement.all(vendorId).map((row) => ({
        url: row.url,
        kind: row.kind,
        name: row.name,
        parentUrl: row.parent_url,
        body: row.body,
      })),
    metricNames: (vendorId) => new Map(s.metrics.all(vendorId).map((row) => [row.url, row.name])),
    aggregates(vendorId) {
      const objectives = { met: 0, failed: 0, error: 0, unknown: 0, disagreeing: 0 };
      for (const row of s.objectiveCounts.all(vendorId)) {
        if (row.claimed === 'true') objectives.met += row.n;
        else if (row.claimed === 'false') objectives.failed += row.n;
        else if (row.claimed === 'error') objectives.error += row.n;
        else objectives.unknown += row.n;
        if (row.disagrees === 1) objectives.disagreeing += row.n;
      }
      const signatures: Record<SignatureStatus, number> = {
        verified: 0,
        unsigned: 0,
        invalid: 0,
        unknown_authority: 0,
      };
      for (const row of s.signatureCounts.all(vendorId)) signatures[row.status] = row.n;
      return {
        resources: s.resourceCount.get(vendorId)?.n ?? 0,
        objectives,
        signatures,
        lastFinished: toFinished(s.lastFinished.get(vendorId)),
      };
    },
    logsOfMeasurement: (vendorId, measurementUrl, limit) =>
      s.logs.all(vendorId, measurementUrl, limit).map((row) => ({
        url: row.url,
        creationTime: row.creation_time,
        body: row.body,
        triggerUrl: row.trigger_url,
        triggerName: row.trigger_name,
      })),
    historyCount: (vendorId, measurementUrl) =>
      s.historyCount.get(vendorId, measurementUrl)?.n ?? 0,
  };
}
