import { describe, expect, it } from 'vitest';

import { createOutboxRepository } from '../../../electron/core/alerts/notifier/outboxRepository';
import { createNotifierService } from '../../../electron/core/alerts/notifier/notifierService';
import { createAccountSettings } from '../../../electron/core/alerts/xmpp/accountSettings';
import { createFileSecretStore } from '../../../electron/core/client/secretStore';
import { createProviderServices } from '../../../electron/core/provider/services';
import type { SqlStore } from '../../../electron/core/store/sqlStore';
import { cliInProcess } from '../../fixtures/cli';
import { manualClock, sampleProvider } from '../../fixtures/provider';
import { storeOptions, useTestStores } from '../../fixtures/providerStore';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const openStore = useTestStores();

/**
 * The provider store (server.db, or PostgreSQL in the integration-postgres project) with
 * three outbox rows from three triggers, and the notifier service the app and the CLI use.
 */
async function outboxWithThreeRows() {
  const dir = tempDir();
  const store: SqlStore = await openStore(dir);
  const time = manualClock();
  const provider = createProviderServices({ store, clock: time.clock });
  await provider.importer.importDocument(sampleProvider());
  for (const user of ['a', 'b', 'c']) {
    await provider.triggers.create('sv1', {
      measurement: 'https://x/ctp/measurements/m1',
      condition: 'value[0].percentage < 99',
      notification: `xmpp:${user}@example.com`,
      guardTime: 0,
    });
  }
  time.advance(1000);
  await provider.publisher.publish('m1', JSON.stringify({ value: [{ percentage: 98 }] }));
  const outbox = createOutboxRepository(store);
  const changes: string[] = [];
  const service = createNotifierService({
    outbox,
    settings: createAccountSettings(store, 'notifier_settings'),
    secrets: createFileSecretStore(`${dir}/secrets.json`),
    clock: time.clock,
    log: { warn: () => undefined, info: () => undefined },
    connect: () => Promise.reject(new Error('no XMPP in this test')),
    onChange: () => changes.push('changed'),
  });
  const rows = async () =>
    Object.fromEntries(
      (await service.outbox({ limit: 10 })).map((row) => [row.notification.slice(5, 6), row]),
    );
  const seqOf = async (user: string) => (await rows())[user]!.seq;
  return { dir, store, provider, outbox, service, rows, seqOf, changes, time };
}

/** Claims the due rows as a notifier does, then fails `seq` for good with `reason`. */
async function failed(
  outbox: ReturnType<typeof createOutboxRepository>,
  seq: number,
  reason: string,
) {
  await outbox.claim({ owner: 'h:1:x', nowMs: Date.now(), leaseMs: 60_000, limit: 10 });
  await outbox.markFailed(seq, reason, '2026-01-01T00:00:02.000Z');
}

describe('retrying failed notifications (the outbox, on the provider store)', () => {
  it('queues one failed row again, due at once with a fresh attempt count, keeping its reason', async () => {
    const { outbox, service, rows, seqOf, changes } = await outboxWithThreeRows();
    const a = await seqOf('a');
    await failed(outbox, a, 'service-unavailable: no such user');
    await outbox.markSent([await seqOf('b')], '2026-01-01T00:00:03.000Z');
    expect((await rows()).a).toMatchObject({ state: 'failed', attempts: 1 });

    expect(await service.retry([a])).toEqual([a]);
    expect(changes).toEqual(['changed']);
    expect((await rows()).a).toMatchObject({
      state: 'queued',
      attempts: 0,
      failedAt: null,
      sentAt: null,
      lastError: 'service-unavailable: no such user',
      nextAttemptAt: null,
    });
    // The other rows are untouched: b stays sent, c queued.
    expect((await rows()).b!.state).toBe('sent');
    expect((await rows()).c!.state).toBe('queued');
    // The notifier claims it like any due row (this counts its first new attempt).
    const claimed = await outbox.claim({
      owner: 'h:2:y',
      nowMs: Date.now(),
      leaseMs: 60_000,
      limit: 10,
    });
    expect(claimed.map((row) => [row.seq, row.attempts])).toContainEqual([a, 1]);
  });

  it('leaves rows that are not failed alone and says which were queued again', async () => {
    const { outbox, service, rows, seqOf, changes } = await outboxWithThreeRows();
    const [a, b, c] = [await seqOf('a'), await seqOf('b'), await seqOf('c')];
    await failed(outbox, b, 'not-allowed');
    await outbox.markSent([a], '2026-01-01T00:00:03.000Z');
    expect(await service.retry([a, b, c, b, 999_999])).toEqual([b]);
    expect((await rows()).a!.state).toBe('sent');
    expect(await service.retry([a, c])).toEqual([]);
    // Nothing changed the second time: no change event.
    expect(changes).toEqual(['changed']);
  });

  it('retries every failed row at once, also one refused after it was acknowledged', async () => {
    const { outbox, service, rows, seqOf } = await outboxWithThreeRows();
    const [a, b] = [await seqOf('a'), await seqOf('b')];
    await failed(outbox, a, 'item-not-found');
    await outbox.markSent([b], '2026-01-01T00:00:03.000Z');
    // A bounce after the acknowledgement fails a sent row (docs/decisions.md "Alerts").
    await outbox.markFailed(b, 'recipient-unavailable', '2026-01-01T00:00:04.000Z');
    expect(await service.retry(null)).toEqual([a, b].sort((x, y) => x - y));
    const after = await rows();
    expect([after.a!.state, after.b!.state, after.c!.state]).toEqual([
      'queued',
      'queued',
      'queued',
    ]);
    expect(after.b!.sentAt).toBeNull();
    expect((await service.status()).outbox).toMatchObject({ queued: 3, failed: 0 });
  });

  it('`server outbox retry` queues them through the same service, and refuses bad input', async () => {
    const { dir, store, outbox, rows, seqOf } = await outboxWithThreeRows();
    const [a, b] = [await seqOf('a'), await seqOf('b')];
    await failed(outbox, a, 'item-not-found');
    await failed(outbox, b, 'item-not-found');
    const cli = (args: string[]) => cliInProcess([...args, ...storeOptions(dir, store)]);

    const one = await cli(['server', 'outbox', 'retry', String(a), String(a + 1000)]);
    expect(one.stdout).toBe(`Queued 1 notification(s) again: ${a}.\n`);
    expect(one.stderr).toBe(`Not failed, so not retried: ${a + 1000}.\n`);
    expect(one.code).toBe(1);
    expect((await rows()).a!.state).toBe('queued');
    expect((await rows()).b!.state).toBe('failed');

    const all = await cli(['server', 'outbox', 'retry', '--all']);
    expect(all).toEqual({ code: 0, stdout: `Queued 1 notification(s) again: ${b}.\n`, stderr: '' });
    expect(await cli(['server', 'outbox', 'retry', '--all'])).toMatchObject({
      code: 0,
      stdout: 'No failed notification to retry.\n',
    });

    for (const args of [[], ['--all', String(a)], ['0'], ['1e3'], ['-5']]) {
      const refused = await cli(['server', 'outbox', 'retry', ...args]);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
    }
    // The listing still answers beside the new subcommand.
    const listed = await cli(['server', 'outbox', '--state', 'queued', '--json']);
    expect(JSON.parse(listed.stdout)).toHaveLength(3);
  });
});

describe('outbox rows name their log entry (migration 0005)', () => {
  it.each([
    ['measurements', 'm1'],
    ['serviceViews', 'sv1'],
  ] as const)(
    'delivers a queued notification with its entry after the entry is deleted with its %s',
    async (kind, id) => {
      const { store, provider, outbox, seqOf } = await outboxWithThreeRows();
      const a = await seqOf('a');
      // The publisher wrote each entry once, in logs: the rows only name it.
      const rows = await store.all<{ log_id: string; payload: string | null }>(
        'SELECT log_id, payload FROM outbox ORDER BY seq',
      );
      expect(rows.map((row) => row.payload)).toEqual([null, null, null]);
      const entries = await Promise.all(rows.map((row) => provider.repositories.log(row.log_id)));
      expect(entries.every((entry) => entry?.tags !== undefined)).toBe(true);
      await outbox.markSent([a], '2026-01-01T00:00:03.000Z');

      await provider.admin.delete(kind, id);
      expect(await store.get('SELECT count(*) AS n FROM logs')).toEqual({ n: 0 });
      const claimed = await outbox.claim({
        owner: 'h:1:x',
        nowMs: Date.now(),
        leaseMs: 60_000,
        limit: 10,
      });
      expect(claimed.map((row) => row.log)).toEqual(entries.slice(1));
    },
  );
});
