import type { LogRecord } from '../../../shared/ctp/types';
import type { SqliteDatabase } from '../store/database';

export interface OutboxItem {
  seq: number;
  notification: string;
  createdAt: string;
  attempts: number;
  sentAt: string | null;
  /** `queued`, `sent`, or `failed` for good (the XMPP notifier, migration 0002). */
  state: 'queued' | 'sent' | 'failed';
  failedAt: string | null;
  lastError: string | null;
  log: LogRecord;
}

/**
 * The notification outbox: a row per alert of a trigger with a notification URI, written
 * with the alert (triggerEvaluation.ts), read and acknowledged by the XMPP notifier.
 */
export interface Outbox {
  outbox(options: { unsentOnly: boolean; limit: number }): OutboxItem[];
  /** Marks outbox rows sent (the XMPP notifier's acknowledgement). */
  markSent(seqs: readonly number[]): number;
}

export function createOutbox(db: SqliteDatabase, clock: () => Date): Outbox {
  const statements = {
    outbox: db.prepare<
      [number, number],
      {
        seq: number;
        notification: string;
        payload: string;
        created_at: string;
        attempts: number;
        sent_at: string | null;
        failed_at: string | null;
        last_error: string | null;
      }
    >('SELECT * FROM outbox WHERE (? = 0 OR sent_at IS NULL) ORDER BY seq LIMIT ?'),
    markSent: db.prepare<[string, number]>(
      'UPDATE outbox SET sent_at = ? WHERE seq = ? AND sent_at IS NULL',
    ),
  };
  return {
    outbox({ unsentOnly, limit }) {
      // The payload is the log entry as written with the alert (triggerEvaluation.ts).
      return statements.outbox.all(unsentOnly ? 1 : 0, limit).map((row) => ({
        seq: row.seq,
        notification: row.notification,
        createdAt: row.created_at,
        attempts: row.attempts,
        sentAt: row.sent_at,
        state: row.failed_at !== null ? 'failed' : row.sent_at !== null ? 'sent' : 'queued',
        failedAt: row.failed_at,
        lastError: row.last_error,
        log: JSON.parse(row.payload) as LogRecord,
      }));
    },
    markSent: db.transaction((seqs: readonly number[]) => {
      const now = clock().toISOString();
      return seqs.reduce((n, seq) => n + statements.markSent.run(now, seq).changes, 0);
    }),
  };
}
