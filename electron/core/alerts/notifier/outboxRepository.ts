/**
 * The notification outbox as the XMPP notifier sees it (the provider store, migrations
 * 0001 and 0002): rows are written by the publisher with their log entry (CTP 5.3.2); the
 * notifier claims due rows, and marks them sent, retried or failed. On PostgreSQL the
 * notifiers of several `serve` processes claim with `FOR UPDATE SKIP LOCKED`: none waits
 * for another, and a row is claimed by one of them at a time.
 */
import type { LogRecord } from '../../../../shared/ctp/types';
import type { OutboxEntry, OutboxState, OutboxSummary } from '../../../../shared/alerts';
import { logsOfOutboxRows } from '../../provider/outboxLogs';
import type { SqlQueries, SqlStore, SqlValue } from '../../store/sqlStore';

/** A claimed row: what to send, to whom. */
export interface OutboxRow {
  seq: number;
  logId: string;
  /** The trigger's `notification` URI as it was when the alert fired. */
  notification: string;
  /** The log entry without URLs (encoded with the CtpBase when sent). */
  log: LogRecord;
  /** Send attempts so far, this one included. */
  attempts: number;
}

export interface ClaimRequest {
  /** Who claims (`host:pid:nonce`); a claim by another live owner is never taken. */
  owner: string;
  nowMs: number;
  /** How long the claim holds without news (a crashed notifier's rows come back then). */
  leaseMs: number;
  limit: number;
}

export interface OutboxRepository {
  /**
   * Claims up to `limit` due rows in `seq` order, skipping a row while an earlier row of
   * the same trigger waits for its backoff or is claimed by another notifier (order per
   * trigger). Each claimed row counts one more attempt.
   */
  claim(request: ClaimRequest): Promise<OutboxRow[]>;
  /** The server acknowledged these rows (XEP-0198). */
  markSent(seqs: readonly number[], at: string): Promise<void>;
  /** Refused for good (unknown user, policy, too large): never retried. */
  markFailed(seq: number, reason: string, at: string): Promise<void>;
  /** Not delivered this time: queued again, not before `nextAttemptMs`. */
  retryLater(seq: number, reason: string, nextAttemptMs: number): Promise<void>;
  /** Claims given back unsent (the stream closed before the acknowledgement). */
  release(seqs: readonly number[], reason: string): Promise<void>;
  /** Owners holding live claims, to find those whose process is gone. */
  claimOwners(nowMs: number): Promise<string[]>;
  releaseOwner(owner: string, reason: string): Promise<number>;
  /** The row carrying a log entry (a late refusal names the stanza, which names the entry). */
  findByLog(logId: string): Promise<{ seq: number; attempts: number } | null>;
  /**
   * Queues failed rows again (the operator's retry): these `seqs`, or every failed row when
   * `seqs` is null. Answers the rows that were failed and are now queued, in `seq` order.
   */
  requeueFailed(seqs: readonly number[] | null): Promise<number[]>;
  /** Rows newest first, optionally of one state. */
  list(options: { state?: OutboxState; limit: number }): Promise<OutboxEntry[]>;
  summary(): Promise<OutboxSummary>;
}

interface Row {
  seq: number;
  log_id: string;
  notification: string;
  payload: string | null;
  created_at: string;
  attempts: number;
  sent_at: string | null;
  failed_at: string | null;
  last_error: string | null;
  next_attempt_ms: number;
}

function stateOf(row: Pick<Row, 'sent_at' | 'failed_at'>): OutboxState {
  if (row.failed_at !== null) return 'failed';
  return row.sent_at === null ? 'queued' : 'sent';
}

const STATE_FILTER: Record<OutboxState, string> = {
  queued: 'sent_at IS NULL AND failed_at IS NULL',
  sent: 'sent_at IS NOT NULL AND failed_at IS NULL',
  failed: 'failed_at IS NOT NULL',
};

/**
 * Due rows in `seq` order, skipping a row while an earlier one of its trigger waits for
 * its backoff or is claimed by another live notifier. `$1` owner, `$2` now, `$3` claim
 * end, `$4` limit. Two notifiers claiming at the same instant on PostgreSQL may each take
 * rows of one trigger (the earlier row is locked, not yet marked claimed): its order
 * holds in the normal case, every row is still sent at least once.
 */
const claimSql = (q: SqlQueries) => `
  UPDATE outbox SET claimed_by = $1, claimed_until_ms = $3, attempts = attempts + 1
  WHERE seq IN (
    SELECT o.seq FROM outbox o
    WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_ms <= $2
      AND (o.claimed_until_ms IS NULL OR o.claimed_until_ms < $2)
      AND NOT EXISTS (
        SELECT 1 FROM outbox p
        WHERE p.trigger_id = o.trigger_id AND p.seq < o.seq
          AND p.sent_at IS NULL AND p.failed_at IS NULL
          AND (p.next_attempt_ms > $2
               OR (p.claimed_until_ms >= $2 AND p.claimed_by IS DISTINCT FROM $1)))
    ORDER BY o.seq LIMIT $4 ${q.dialect.skipLocked('o')})
  RETURNING *`;

const SQL = {
  sent: 'UPDATE outbox SET sent_at = $1, claimed_by = NULL, claimed_until_ms = NULL WHERE seq = $2 AND sent_at IS NULL AND failed_at IS NULL',
  failed:
    'UPDATE outbox SET failed_at = $1, last_error = $2, claimed_by = NULL, claimed_until_ms = NULL WHERE seq = $3 AND failed_at IS NULL',
  retry:
    'UPDATE outbox SET sent_at = NULL, next_attempt_ms = $1, last_error = $2, claimed_by = NULL, claimed_until_ms = NULL WHERE seq = $3 AND failed_at IS NULL',
  release:
    'UPDATE outbox SET last_error = $1, claimed_by = NULL, claimed_until_ms = NULL WHERE seq = $2 AND sent_at IS NULL',
  owners:
    'SELECT DISTINCT claimed_by AS owner FROM outbox WHERE claimed_by IS NOT NULL AND claimed_until_ms >= $1 AND sent_at IS NULL AND failed_at IS NULL',
  releaseOwner:
    'UPDATE outbox SET last_error = coalesce(last_error, $1), claimed_by = NULL, claimed_until_ms = NULL WHERE claimed_by = $2',
  /**
   * Back to queued, due at once, as a fresh delivery: `attempts` restarts at 0 (the backoff
   * of a later `wait` starts from its base) and `sent_at` goes too (a refusal after the
   * acknowledgement failed a sent row); `last_error` stays, the reason of the failure
   * being retried (docs/decisions.md "Alerts").
   */
  requeue: (where: string) =>
    `UPDATE outbox SET failed_at = NULL, sent_at = NULL, attempts = 0, next_attempt_ms = 0,
       claimed_by = NULL, claimed_until_ms = NULL
     WHERE ${STATE_FILTER.failed}${where} RETURNING seq`,
  findByLog: 'SELECT seq, attempts FROM outbox WHERE log_id = $1 ORDER BY seq DESC LIMIT 1',
  listAll: 'SELECT * FROM outbox ORDER BY seq DESC LIMIT $1',
  list: (state: OutboxState) =>
    `SELECT * FROM outbox WHERE ${STATE_FILTER[state]} ORDER BY seq DESC LIMIT $1`,
  summary: `
    SELECT
      count(*) FILTER (WHERE ${STATE_FILTER.queued}) AS queued,
      count(*) FILTER (WHERE ${STATE_FILTER.sent}) AS sent,
      count(*) FILTER (WHERE ${STATE_FILTER.failed}) AS failed,
      min(created_at) FILTER (WHERE ${STATE_FILTER.queued}) AS oldest
    FROM outbox`,
};

const LOG_MISSING = 'Its log entry no longer exists.';

/** A write of outbox rows alone: no changeId, so it never waits for a publish. */
const OUTBOX_WRITE = { tree: false } as const;

export function createOutboxRepository(store: SqlStore): OutboxRepository {
  const each = (sql: string, seqs: readonly number[], first: SqlValue) =>
    store.write(async (tx) => {
      for (const seq of seqs) await tx.run(sql, [first, seq]);
    }, OUTBOX_WRITE);

  return {
    claim: (request) =>
      store.write(async (tx) => {
        const rows = await tx.all<Row>(claimSql(tx), [
          request.owner,
          request.nowMs,
          request.nowMs + request.leaseMs,
          request.limit,
        ]);
        const logs = await logsOfOutboxRows(tx, rows);
        const claimed: OutboxRow[] = [];
        for (const row of rows.sort((a, b) => a.seq - b.seq)) {
          const log = logs.get(row.log_id);
          // Its entry deleted by hand (a deleted entry is otherwise copied into the row,
          // migration 0005): nothing to send, for good.
          if (log === undefined) {
            const at = new Date(request.nowMs).toISOString();
            await tx.run(SQL.failed, [at, LOG_MISSING, row.seq]);
          } else {
            const { seq, notification, attempts } = row;
            claimed.push({ seq, logId: row.log_id, notification, log, attempts });
          }
        }
        return claimed;
      }, OUTBOX_WRITE),
    async markSent(seqs, at) {
      if (seqs.length > 0) await each(SQL.sent, seqs, at);
    },
    async markFailed(seq, reason, at) {
      await store.run(SQL.failed, [at, reason, seq]);
    },
    async retryLater(seq, reason, nextAttemptMs) {
      await store.run(SQL.retry, [nextAttemptMs, reason, seq]);
    },
    async release(seqs, reason) {
      if (seqs.length > 0) await each(SQL.release, seqs, reason);
    },
    async claimOwners(nowMs) {
      return (await store.all<{ owner: string }>(SQL.owners, [nowMs])).map((row) => row.owner);
    },
    releaseOwner: (owner, reason) => store.run(SQL.releaseOwner, [reason, owner]),
    async findByLog(logId) {
      return (await store.get<{ seq: number; attempts: number }>(SQL.findByLog, [logId])) ?? null;
    },
    async requeueFailed(seqs) {
      const requeued = await store.write(async (tx) => {
        if (seqs === null) return tx.all<{ seq: number }>(SQL.requeue(''));
        const rows: { seq: number }[] = [];
        for (const seq of new Set(seqs))
          rows.push(...(await tx.all<{ seq: number }>(SQL.requeue(' AND seq = $1'), [seq])));
        return rows;
      }, OUTBOX_WRITE);
      return requeued.map((row) => Number(row.seq)).sort((a, b) => a - b);
    },
    async list({ state, limit }) {
      const rows = await store.all<Row>(state === undefined ? SQL.listAll : SQL.list(state), [
        limit,
      ]);
      return rows.map((row) => ({
        seq: row.seq,
        logId: row.log_id,
        notification: row.notification,
        state: stateOf(row),
        createdAt: row.created_at,
        attempts: row.attempts,
        sentAt: row.sent_at,
        failedAt: row.failed_at,
        lastError: row.last_error,
        nextAttemptAt: row.next_attempt_ms > 0 ? new Date(row.next_attempt_ms).toISOString() : null,
      }));
    },
    async summary() {
      const row = (await store.get<{
        queued: number;
        sent: number;
        failed: number;
        oldest: string | null;
      }>(SQL.summary))!;
      return {
        queued: row.queued,
        sent: row.sent,
        failed: row.failed,
        oldestQueuedAt: row.oldest,
      };
    },
  };
}
