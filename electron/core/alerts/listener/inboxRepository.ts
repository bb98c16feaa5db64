/**
 * The auditor's alerts (auditor.db, migration 0005_alerts.sql): one row per log entry,
 * whichever way it came (XMPP, the server's archive, a logs sync), plus the messages that
 * are not log entries of a followed vendor. Prepared statements only; plain data out.
 */
import type { AlertChannel, AlertItem, AlertsFilter, AlertsPage } from '../../../../shared/alerts';
import { parseLogEntry } from '../../client/responseShapes';
import type { SqliteDatabase } from '../../store/database';
import type { ClassifiedMessage } from './alertMessage';

/** Messages that are not alerts of a followed vendor are kept up to this many (oldest go first). */
export const MAX_STRAY_MESSAGES = 10_000;

export interface IncomingMessage {
  classified: ClassifiedMessage;
  sender: string | null;
  channel: AlertChannel;
  /** XEP-0359 stanza-id, else the message's id attribute; null without one. */
  messageId: string | null;
  receivedAt: string;
}

/** A log entry the vendor's own logs hold (a row of vendor_logs). */
export interface SyncedLog {
  vendorId: number;
  url: string;
  body: string;
  /** Entries older than the time the vendor was followed are history, stored read. */
  vendorSince: string;
}

export interface InboxRepository {
  /** Stores messages in one transaction; the ids of the new alerts (duplicates add none). */
  add(messages: readonly IncomingMessage[]): number[];
  /**
   * Turns vendor_logs rows written since the last call into alerts (a logs sync); an
   * alert that came over XMPP first gets the vendor's copy and is marked confirmed.
   * Answers the ids of the alerts it created.
   */
  importSyncedLogs(now: string): number[];
  list(filter: AlertsFilter): AlertsPage;
  get(id: number): AlertItem | null;
  /** Several alerts at once, in id order (the announcement of a burst). */
  getMany(ids: readonly number[]): AlertItem[];
  setRead(ids: readonly number[], read: boolean, now: string): number;
  markAllRead(now: string): number;
  unreadCount(): number;
  /** The workspace holds this URL for the vendor (ties between vendors on one server). */
  holds(vendorId: number, url: string): boolean;
  vendors(): Array<{ id: number; baseUrl: string; name: string }>;
  /** Where the archive catch-up resumes (XEP-0313), and when it last finished. */
  catchUpState(): CatchUpState;
  saveCatchUp(state: CatchUpState): void;
}

export interface CatchUpState {
  /** The archive id of the last archived message read. */
  archiveAfter: string | null;
  /** Its time, to start from when that id has expired from the archive. */
  archiveSince: string | null;
  caughtUpAt: string | null;
}

interface AlertRow {
  id: number;
  log_url: string | null;
  origin: AlertItem['origin'];
  vendor_name: string | null;
  kind: AlertItem['kind'];
  trigger_url: string | null;
  creation_time: string | null;
  body: string;
  problem: string | null;
  sender: string | null;
  channel: AlertChannel;
  confirmed: 0 | 1;
  received_at: string;
  read_at: string | null;
  trigger_name: unknown;
  condition: unknown;
  measurement_url: unknown;
  measurement_name: unknown;
  attribute_name: unknown;
}

const SELECT_ALERTS = `
  SELECT a.*, v.name AS vendor_name,
    json_extract(t.body, '$.name') AS trigger_name,
    json_extract(t.body, '$.condition') AS condition,
    json_extract(t.body, '$.measurement') AS measurement_url,
    json_extract(m.body, '$.name') AS measurement_name,
    json_extract(at.body, '$.name') AS attribute_name
  FROM alerts a
  LEFT JOIN vendors v ON v.id = a.vendor_id
  LEFT JOIN vendor_resources t ON t.vendor_id = a.vendor_id AND t.url = a.trigger_url AND t.kind = 'trigger'
  LEFT JOIN vendor_resources m ON m.vendor_id = a.vendor_id AND m.url = json_extract(t.body, '$.measurement')
  LEFT JOIN vendor_resources at ON at.vendor_id = a.vendor_id AND at.url = m.parent_url`;

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The alert as the UI and `alerts list --json` show it; the body is parsed again (bounded). */
function toItem(row: AlertRow): AlertItem {
  const entry = row.log_url === null ? null : parseLogEntry(row.body);
  const value = entry?.ok === true ? entry.value : null;
  return {
    id: row.id,
    origin: row.origin,
    vendor: row.vendor_name,
    kind: row.kind,
    logUrl: row.log_url,
    triggerUrl: row.trigger_url,
    triggerName: stringOrNull(row.trigger_name),
    condition: stringOrNull(row.condition),
    measurementUrl: stringOrNull(row.measurement_url),
    measurementName: stringOrNull(row.measurement_name) ?? stringOrNull(row.attribute_name),
    creationTime: row.creation_time,
    result:
      value?.result == null
        ? null
        : { value: value.result.value, updateTime: value.result.updateTime },
    error: value?.error ?? null,
    tags: value?.tags ?? [],
    sender: row.sender,
    channel: row.channel,
    confirmed: row.confirmed === 1,
    receivedAt: row.received_at,
    read: row.read_at !== null,
    problem: row.problem,
    body: row.body,
  };
}

function normalizedUrl(url: string): string {
  return new URL(url).href;
}

/** Every statement the inbox runs, prepared once. */
function prepareStatements(db: SqliteDatabase) {
  return {
    insertEntry: db.prepare(`
      INSERT INTO alerts (log_url, origin, vendor_id, kind, trigger_url, scope_url, creation_time,
        body, problem, sender, channel, message_id, confirmed, received_at, read_at)
      VALUES (@logUrl, @origin, @vendorId, @kind, @triggerUrl, @scopeUrl, @creationTime,
        @body, @problem, @sender, @channel, @messageId, @confirmed, @receivedAt, @readAt)
      ON CONFLICT DO NOTHING`),
    confirmEntry: db.prepare(`
      UPDATE alerts SET origin = 'vendor', vendor_id = @vendorId, kind = @kind, trigger_url = @triggerUrl,
        scope_url = @scopeUrl, creation_time = @creationTime, body = @body, problem = NULL, confirmed = 1
      WHERE log_url = @logUrl AND confirmed = 0`),
    trimStray: db.prepare(`
      DELETE FROM alerts WHERE id IN (
        SELECT id FROM alerts WHERE origin <> 'vendor' ORDER BY id DESC LIMIT -1 OFFSET ?)`),
    stateRow: db.prepare<[], { logs_imported: number }>(
      'SELECT logs_imported FROM alerts_state WHERE id = 1',
    ),
    maxLogRow: db.prepare<[], { max: number | null }>('SELECT max(rowid) AS max FROM vendor_logs'),
    logsAfter: db.prepare<
      [number],
      { rowid: number; vendor_id: number; url: string; body: string; created_at: string }
    >(`
      SELECT l.rowid, l.vendor_id, l.url, l.body, v.created_at FROM vendor_logs l
      JOIN vendors v ON v.id = l.vendor_id WHERE l.rowid > ? ORDER BY l.rowid LIMIT 1000`),
    setImported: db.prepare<[number]>('UPDATE alerts_state SET logs_imported = ? WHERE id = 1'),
    byId: db.prepare<[number], AlertRow>(`${SELECT_ALERTS} WHERE a.id = ?`),
    byIds: db.prepare<[string], AlertRow>(
      `${SELECT_ALERTS} WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.id`,
    ),
    unread: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM alerts WHERE read_at IS NULL'),
    setReadStatement: db.prepare<[string | null, number]>(
      'UPDATE alerts SET read_at = ? WHERE id = ?',
    ),
    markAll: db.prepare<[string]>('UPDATE alerts SET read_at = ? WHERE read_at IS NULL'),
    holdsStatement: db.prepare<[number, string], { one: number }>(
      'SELECT 1 AS one FROM vendor_resources WHERE vendor_id = ? AND url = ?',
    ),
    catchUpRow: db.prepare<
      [],
      { archive_after: string | null; archive_since: string | null; caught_up_at: string | null }
    >('SELECT archive_after, archive_since, caught_up_at FROM alerts_state WHERE id = 1'),
    saveCatchUpStatement: db.prepare<[string | null, string | null, string | null]>(
      'UPDATE alerts_state SET archive_after = ?, archive_since = ?, caught_up_at = ? WHERE id = 1',
    ),
    vendorsStatement: db.prepare<[], { id: number; base_url: string; name: string }>(
      'SELECT id, base_url, name FROM vendors ORDER BY id',
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** Stores one received message; null when the same log entry or message is already there. */
function insertMessage(s: Statements, message: IncomingMessage): number | null {
  const { classified } = message;
  const entry = classified.origin === 'malformed' ? null : classified.entry;
  const info = s.insertEntry.run({
    logUrl: entry === null ? null : normalizedUrl(entry.self),
    origin: classified.origin,
    vendorId: classified.origin === 'vendor' ? classified.vendorId : null,
    kind: classified.origin === 'malformed' ? null : classified.kind,
    triggerUrl: entry?.trigger ?? null,
    scopeUrl: entry?.scope ?? null,
    creationTime: entry?.creationTime ?? null,
    body: classified.body,
    problem: classified.origin === 'vendor' ? null : classified.problem,
    sender: message.sender,
    channel: message.channel,
    messageId: message.messageId,
    confirmed: 0,
    receivedAt: message.receivedAt,
    readAt: null,
  });
  if (info.changes === 0) return null;
  if (classified.origin !== 'vendor') s.trimStray.run(MAX_STRAY_MESSAGES);
  return Number(info.lastInsertRowid);
}

/** Copies up to 1000 synced log entries into the inbox, confirming those that came by XMPP. */
function importLogBatch(s: Statements, now: string): { created: number[]; more: boolean } {
  let after = s.stateRow.get()?.logs_imported ?? 0;
  // A removed vendor may take the newest rows with it: rowids would then be reused.
  const max = s.maxLogRow.get()?.max ?? 0;
  if (max < after) after = max;
  const rows = s.logsAfter.all(after);
  const created: number[] = [];
  for (const row of rows) {
    const parsed = parseLogEntry(row.body);
    after = row.rowid;
    if (!parsed.ok) continue;
    const entry = parsed.value;
    const kind = entry.error !== null ? 'error' : 'normal';
    const fields = {
      logUrl: normalizedUrl(row.url),
      vendorId: row.vendor_id,
      kind,
      triggerUrl: entry.trigger,
      scopeUrl: entry.scope,
      creationTime: entry.creationTime,
      body: row.body,
    };
    if (s.confirmEntry.run(fields).changes > 0) continue;
    const info = s.insertEntry.run({
      ...fields,
      origin: 'vendor',
      problem: null,
      sender: null,
      channel: 'sync',
      messageId: null,
      confirmed: 1,
      receivedAt: now,
      readAt: Date.parse(entry.creationTime) < Date.parse(row.created_at) ? now : null,
    });
    if (info.changes > 0) created.push(Number(info.lastInsertRowid));
  }
  s.setImported.run(after);
  return { created, more: rows.length === 1000 };
}

/** One page of the inbox, unread first, with the filter's total. */
function listAlerts(db: SqliteDatabase, s: Statements, filter: AlertsFilter): AlertsPage {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.vendor !== undefined) {
    where.push('v.name = ?');
    values.push(filter.vendor);
  }
  if (filter.unread === true) where.push('a.read_at IS NULL');
  if (filter.origin !== undefined) {
    where.push('a.origin = ?');
    values.push(filter.origin);
  }
  if (filter.kind !== undefined) {
    where.push('a.kind = ?');
    values.push(filter.kind);
  }
  const condition = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const rows = db
    .prepare<unknown[], AlertRow>(
      `${SELECT_ALERTS}${condition} ORDER BY (a.read_at IS NOT NULL), a.id DESC LIMIT ?`,
    )
    .all(...values, filter.limit ?? 500);
  const total = db
    .prepare<unknown[], { n: number }>(
      `SELECT count(*) AS n FROM alerts a LEFT JOIN vendors v ON v.id = a.vendor_id${condition}`,
    )
    .get(...values)!.n;
  return { items: rows.map(toItem), unread: s.unread.get()!.n, total };
}

export function createInboxRepository(db: SqliteDatabase): InboxRepository {
  const s = prepareStatements(db);
  const add = db.transaction((messages: readonly IncomingMessage[]): number[] =>
    messages.map((message) => insertMessage(s, message)).filter((id): id is number => id !== null),
  );

  const importBatch = db.transaction((now: string) => importLogBatch(s, now));

  return {
    add,
    importSyncedLogs(now) {
      const created: number[] = [];
      for (;;) {
        const batch = importBatch.immediate(now);
        created.push(...batch.created);
        if (!batch.more) return created;
      }
    },
    list: (filter) => listAlerts(db, s, filter),
    get(id) {
      const row = s.byId.get(id);
      return row === undefined ? null : toItem(row);
    },
    getMany: (ids) => s.byIds.all(JSON.stringify(ids)).map(toItem),
    setRead: db.transaction((ids: readonly number[], read: boolean, now: string) =>
      ids.reduce(
        (changed, id) => changed + s.setReadStatement.run(read ? now : null, id).changes,
        0,
      ),
    ),
    markAllRead: (now) => s.markAll.run(now).changes,
    unreadCount: () => s.unread.get()!.n,
    holds: (vendorId, url) => s.holdsStatement.get(vendorId, url) !== undefined,
    catchUpState() {
      const row = s.catchUpRow.get()!;
      return {
        archiveAfter: row.archive_after,
        archiveSince: row.archive_since,
        caughtUpAt: row.caught_up_at,
      };
    },
    saveCatchUp(state) {
      s.saveCatchUpStatement.run(state.archiveAfter, state.archiveSince, state.caughtUpAt);
    },
    vendors: () =>
      s.vendorsStatement
        .all()
        .map((row) => ({ id: row.id, baseUrl: row.base_url, name: row.name })),
  };
}

/** Unread alerts of one vendor: the portfolio's "open alerts" (vendorPortfolio.ts). */
export function createUnreadAlertCounts(db: SqliteDatabase): (vendorId: number) => number {
  const unread = db
    .prepare<[number], number>(
      'SELECT count(*) FROM alerts WHERE vendor_id = ? AND read_at IS NULL',
    )
    .pluck();
  return (vendorId) => unread.get(vendorId) ?? 0;
}
