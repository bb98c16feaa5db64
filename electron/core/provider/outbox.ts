import type { LogRecord } from '../../../shared/ctp/types';
import type { SqlStore } from '../store/sqlStore';
import { logsOfOutboxRows } from './outboxLogs';

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
  outbox(options: { unsentOnly: boolean; limit: number }): Promise<OutboxItem[]>;
  /** Marks outbox rows sent (the XMPP notifier's acknowledgement). */
  markSent(seqs: readonly number[]): Promise<number>;
}

interface OutboxRow {
  seq: number;
  log_id: string;
  notification: string;
  payload: string | null;
  created_at: string;
  attempts: number;
  sent_at: string | null;
  failed_at: string | null;
  last_error: string | null;
}

export function createOutbox(store: SqlStore, clock: () => Date): Outbox {
  return {
    async outbox({ unsentOnly, limit }) {
      const rows = await store.all<OutboxRow>(
        'SELECT * FROM outbox WHERE (CAST($1 AS integer) = 0 OR sent_at IS NULL) ORDER BY seq LIMIT $2',
        [unsentOnly ? 1 : 0, limit],
      );
      const logs = await logsOfOutboxRows(store, rows);
      // A row whose log entry is gone (deleted by hand) has nothing left to show.
      return rows.flatMap((row): OutboxItem[] => {
        const log = logs.get(row.log_id);
        if (log === undefined) return [];
        const state = row.failed_at !== null ? 'failed' : row.sent_at !== null ? 'sent' : 'queued';
        return [
          {
            seq: row.seq,
            notification: row.notification,
            createdAt: row.created_at,
            attempts: row.attempts,
            sentAt: row.sent_at,
            state,
            failedAt: row.failed_at,
            lastError: row.last_error,
            log,
          },
        ];
      });
    },
    markSent: (seqs) =>
      store.write(async (tx) => {
        const now = clock().toISOString();
        let n = 0;
        for (const seq of seqs)
          n += await tx.run('UPDATE outbox SET sent_at = $1 WHERE seq = $2 AND sent_at IS NULL', [
            now,
            seq,
          ]);
        return n;
      }),
  };
}
