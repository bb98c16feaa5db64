import { expect } from 'vitest';

import { createOutboxRepository } from '../../../electron/core/alerts/notifier/outboxRepository';
import type { SqlStore } from '../../../electron/core/store/sqlStore';

/** The log entry an outbox row carried before migration 0005, as the publisher wrote it. */
const entry = (id: string, triggerId: string) => ({
  id,
  serviceViewId: 'sv1',
  triggerId,
  creationTime: '2026-01-01T00:00:00.000Z',
  resultText: '{"value":[{"percentage":40}]}',
  error: null,
  tags: ['sla'],
});

const OLD_ROW = `INSERT INTO outbox (log_id, notification, payload, created_at, next_attempt_ms, sent_at)
  VALUES ($1, 'xmpp:ops@example.com', $2, '2026-01-01T00:00:00.000Z', $3, $4)`;

/**
 * Outbox rows queued before migration 0005 (each carrying a copy of its log entry, no log
 * row needed), written on a store at schema version 4: a sent one, one of trigger t1 waiting
 * for its backoff, a later one of t1, and one of t2.
 */
export async function queueOldRows(store: SqlStore, nowMs: number): Promise<void> {
  const rows: [string, string, number, string | null][] = [
    ['log-sent', 't1', 0, '2026-01-01T00:00:01.000Z'],
    ['log-waiting', 't1', nowMs + 60_000, null],
    ['log-after', 't1', 0, null],
    ['log-other', 't2', 0, null],
  ];
  for (const [logId, triggerId, next, sent] of rows) {
    await store.run(OLD_ROW, [logId, JSON.stringify(entry(logId, triggerId)), next, sent]);
  }
}

/**
 * After the upgrade, the queued rows are delivered with their copied entry, and the order
 * per trigger (their trigger_id, read from the copy before) still holds: t1's later row
 * waits behind its earlier one.
 */
export async function expectOldRowsDeliverable(store: SqlStore, nowMs: number): Promise<void> {
  const outbox = createOutboxRepository(store);
  const claim = (at: number) => outbox.claim({ owner: 'me', nowMs: at, leaseMs: 1000, limit: 10 });
  const first = await claim(nowMs);
  expect(first.map((row) => row.logId)).toEqual(['log-other']);
  expect(first[0]!.log).toEqual(entry('log-other', 't2'));
  await outbox.markSent([first[0]!.seq], '2026-01-01T00:00:02.000Z');
  const later = await claim(nowMs + 61_000);
  expect(later.map((row) => [row.logId, row.log])).toEqual([
    ['log-waiting', entry('log-waiting', 't1')],
    ['log-after', entry('log-after', 't1')],
  ]);
  expect((await outbox.summary()).queued).toBe(2);
}
