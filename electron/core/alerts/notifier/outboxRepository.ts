/**
 * The notification outbox as the XMPP notifier sees it (server.db, migrations 0001 and
 * 0002): rows are written by the publisher with their log entry (CTP 5.3.2); the notifier
 * claims due rows, and marks them sent, retried or failed. The interface is asynchronous so
 * that a PostgreSQL store can implement it (claims there: `FOR UPDATE SKIP LOCKED`).
 */
import type { LogRecord } from '../../../../shared/ctp/types';
import type { OutboxEntry, OutboxState, OutboxSummary } from '../../../../shared/alerts';
import type { SqliteDatabase } from '../../store/database';

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
  /** Rows newest first, optionally of one state. */
  list(options: { state?: OutboxState; limit: number }): Promise<OutboxEntry[]>;
  summary(): Promise<OutboxSummary>;
}

interface Row {
  seq: number;
  log_id: string;
  notification: string;
  payload: string;
  created_at: string;
  attempts: number;
  sent_at: string | null;
  failed_at: string | null;
  last_error: string | null;
  next_attempt_ms: number;
}

/** The payload the publisher writes (publisher.ts): the log entry's fields by id. */
export function payloadToLog(payload: string): LogRecord {
  const parsed = JSON.parse(payload) as Partial<LogRecord> & { id: string };
  return {
    id: parsed.id,
    serviceViewId: String(parsed.serviceViewId),
    triggerId: String(parsed.triggerId),
    creationTime: String(parsed.creationTime),
    resultText: parsed.resultText ?? null,
    error: parsed.error ?? null,
    tags: Array.isArray(parsed.tags) ? parsed.tags.map(String) : [],
  };
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

export function createSqliteOutboxRepository(db: SqliteDatabase): OutboxRepository {
  const claimStatement = db.prepare<
    { owner: string; now: number; until: number; limit: number },
    Row
  >(`
    UPDATE outbox SET claimed_by = @owner, claimed_until_ms = @until, attempts = attempts + 1
    WHERE seq IN (
      SELECT o.seq FROM outbox o
      WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_ms <= @now
        AND (o.claimed_until_ms IS NULL OR o.claimed_until_ms < @now)
        AND NOT EXISTS (
          SELECT 1 FROM outbox p
          WHERE p.trigger_id = o.trigger_id AND p.seq < o.seq
            AND p.sent_at IS NULL AND p.failed_at IS NULL
            AND (p.next_attempt_ms > @now
                 OR (p.claimed_until_ms >= @now AND p.claimed_by IS NOT @owner)))
      ORDER BY o.seq LIMIT @limit)
    RETURNING *`);
  const sentStatement = db.prepare<[string, number]>(
    'UPDATE outbox SET sent_at = ?, claimed_by = NULL, claimed_until_ms = NULL WHERE seq = ? AND sent_at IS NULL AND failed_at IS NULL',
  );
  const failedStatement = db.prepare<[string, string, number]>(
    'UPDATE outbox SET failed_at = ?, last_error = ?, claimed_by = NULL, claimed_until_ms = NULL WHERE seq = ? AND failed_at IS NULL',
  );
  const retryStatement = db.prepare<[number, string, number]>(
    'UPDATE outbox SET sent_at = NULL, next_attempt_ms = ?, last_error = ?, claimed_by = NULL, claimed_until_ms = NULL WHERE seq = ? AND failed_at IS NULL',
  );
  const releaseStatement = db.prepare<[string, number]>(
    'UPDATE outbox SET last_error = ?, claimed_by = NULL, claimed_until_ms = NULL WHERE seq = ? AND sent_at IS NULL',
  );
  const ownersStatement = db.prepare<[number], { owner: string }>(
    'SELECT DISTINCT claimed_by AS owner FROM outbox WHERE claimed_by IS NOT NULL AND claimed_until_ms >= ? AND sent_at IS NULL AND failed_at IS NULL',
  );
  const releaseOwnerStatement = db.prepare<[string, string]>(
    'UPDATE outbox SET last_error = coalesce(last_error, ?), claimed_by = NULL, claimed_until_ms = NULL WHERE claimed_by = ?',
  );
  const findByLogStatement = db.prepare<[string], { seq: number; attempts: number }>(
    'SELECT seq, attempts FROM outbox WHERE log_id = ? ORDER BY seq DESC LIMIT 1',
  );
  const listStatements = Object.fromEntries(
    (['queued', 'sent', 'failed'] as const).map((state) => [
      state,
      db.prepare<[number], Row>(
        `SELECT * FROM outbox WHERE ${STATE_FILTER[state]} ORDER BY seq DESC LIMIT ?`,
      ),
    ]),
  ) as Record<OutboxState, ReturnType<typeof db.prepare<[number], Row>>>;
  const listAll = db.prepare<[number], Row>('SELECT * FROM outbox ORDER BY seq DESC LIMIT ?');
  const summaryStatement = db.prepare<
    [],
    { queued: number; sent: number; failed: number; oldest: string | null }
  >(`
    SELECT
      count(*) FILTER (WHERE ${STATE_FILTER.queued}) AS queued,
      count(*) FILTER (WHERE ${STATE_FILTER.sent}) AS sent,
      count(*) FILTER (WHERE ${STATE_FILTER.failed}) AS failed,
      min(created_at) FILTER (WHERE ${STATE_FILTER.queued}) AS oldest
    FROM outbox`);

  const claim = db.transaction((request: ClaimRequest) =>
    claimStatement
      .all({
        owner: request.owner,
        now: request.nowMs,
        until: request.nowMs + request.leaseMs,
        limit: request.limit,
      })
      .sort((a, b) => a.seq - b.seq),
  );
  const markSent = db.transaction((seqs: readonly number[], at: string) => {
    for (const seq of seqs) sentStatement.run(at, seq);
  });
  const release = db.transaction((seqs: readonly number[], reason: string) => {
    for (const seq of seqs) releaseStatement.run(reason, seq);
  });

  return {
    async claim(request) {
      return claim.immediate(request).map((row) => ({
        seq: row.seq,
        logId: row.log_id,
        notification: row.notification,
        log: payloadToLog(row.payload),
        attempts: row.attempts,
      }));
    },
    async markSent(seqs, at) {
      if (seqs.length > 0) markSent(seqs, at);
    },
    async markFailed(seq, reason, at) {
      failedStatement.run(at, reason, seq);
    },
    async retryLater(seq, reason, nextAttemptMs) {
      retryStatement.run(nextAttemptMs, reason, seq);
    },
    async release(seqs, reason) {
      if (seqs.length > 0) release(seqs, reason);
    },
    async claimOwners(nowMs) {
      return ownersStatement.all(nowMs).map((row) => row.owner);
    },
    async releaseOwner(owner, reason) {
      return releaseOwnerStatement.run(reason, owner).changes;
    },
    async findByLog(logId) {
      return findByLogStatement.get(logId) ?? null;
    },
    async list({ state, limit }) {
      const rows = state === undefined ? listAll.all(limit) : listStatements[state].all(limit);
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
      const row = summaryStatement.get()!;
      return {
        queued: row.queued,
        sent: row.sent,
        failed: row.failed,
        oldestQueuedAt: row.oldest,
      };
    },
  };
}
