import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { createStoreQueue } from '../../../../../electron/core/client/storeQueue';
import { useTempDirs } from '../../../../helpers/tempDir';

const tempDir = useTempDirs();
const opened: Database.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** A table `t`, a writer connection and a reader connection on the same file. */
function databases() {
  const path = join(tempDir(), 'queue.db');
  const writer = new Database(path);
  writer.pragma('journal_mode = WAL');
  writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE)');
  const reader = new Database(path, { readonly: true });
  opened.push(writer, reader);
  const insert = writer.prepare('INSERT INTO t (value) VALUES (?)');
  const count = () => (reader.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  let transactions = 0;
  const inTransaction = writer.transaction((work: () => unknown) => work());
  const transaction = <T>(work: () => T): T => {
    transactions++;
    return inTransaction(work) as T;
  };
  return { insert, count, transaction, transactions: () => transactions };
}

/** The crawl has requests in flight. */
const busy = (): boolean => false;

/** Whether `promise` settled within a few turns of the event loop. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('the store queue of a sync', () => {
  it('runs the calls of one turn in order, in one transaction, and settles them once committed', async () => {
    const { insert, count, transaction, transactions } = databases();
    const queue = createStoreQueue(transaction, { intervalMs: 10, maxBatch: 100, idle: busy });
    const calls = ['a', 'b', 'c'].map((value) =>
      queue.run(() => Number(insert.run(value).lastInsertRowid)),
    );
    expect(count()).toBe(0);
    expect(await Promise.all(calls)).toEqual([1, 2, 3]);
    expect(transactions()).toBe(1);
    // Settled means committed: another connection sees the rows.
    expect(count()).toBe(3);
  });

  it('a call that throws rejects alone; the other calls of its batch are kept', async () => {
    const { insert, count, transaction } = databases();
    const queue = createStoreQueue(transaction, { intervalMs: 10, maxBatch: 100, idle: busy });
    const first = queue.run(() => insert.run('a').changes);
    const duplicate = queue.run(() => insert.run('a').changes);
    const third = queue.run(() => insert.run('b').changes);
    await expect(duplicate).rejects.toThrow(/UNIQUE/);
    expect(await first).toBe(1);
    expect(await third).toBe(1);
    expect(count()).toBe(2);
  });

  it('commits at once when a batch is full', () => {
    const { insert, count, transaction, transactions } = databases();
    const queue = createStoreQueue(transaction, { intervalMs: 10, maxBatch: 3, idle: busy });
    for (const value of ['a', 'b', 'c']) void queue.run(() => insert.run(value));
    expect(transactions()).toBe(1);
    expect(count()).toBe(3);
  });

  it('when a batch cannot be committed, each call is tried in a transaction of its own', async () => {
    const { insert, count, transaction } = databases();
    let failNext = true;
    // The first transaction (the batch) fails as a commit would: after its work ran.
    const failingOnce = <T>(work: () => T): T =>
      transaction(() => {
        const result = work();
        if (failNext) {
          failNext = false;
          throw new Error('disk I/O error');
        }
        return result;
      });
    const queue = createStoreQueue(failingOnce, { intervalMs: 10, maxBatch: 100, idle: busy });
    const calls = ['a', 'b'].map((value) => queue.run(() => insert.run(value).changes));
    expect(await Promise.all(calls)).toEqual([1, 1]);
    expect(count()).toBe(2);
  });

  it('keeps committing after a failure: later calls are not affected', async () => {
    const { insert, count, transaction } = databases();
    const queue = createStoreQueue(transaction, { intervalMs: 0, maxBatch: 100, idle: busy });
    await expect(
      queue.run(() => {
        insert.run('a');
        throw new Error('a bug after a write');
      }),
    ).rejects.toThrow(/a bug/);
    expect(count()).toBe(0);
    await queue.run(() => insert.run('a'));
    expect(count()).toBe(1);
  });

  it('while the crawl is busy, waits for the interval after a commit unless nudged once idle', async () => {
    const { insert, count, transaction } = databases();
    const queue = createStoreQueue(transaction, { intervalMs: 60_000, maxBatch: 100, idle: busy });
    await queue.run(() => insert.run('a'));
    const second = queue.run(() => insert.run('b'));
    expect(await settledSoon(second)).toBe(false);
    expect(count()).toBe(1);
    queue.nudge();
    await second;
    expect(count()).toBe(2);
  });

  it('when the crawl is idle, commits at once', async () => {
    const { insert, count, transaction } = databases();
    const idle = (): boolean => true;
    const queue = createStoreQueue(transaction, { intervalMs: 60_000, maxBatch: 100, idle });
    await queue.run(() => insert.run('a'));
    expect(await settledSoon(queue.run(() => insert.run('b')))).toBe(true);
    expect(count()).toBe(2);
  });
});
