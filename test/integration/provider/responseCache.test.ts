import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';

import { createResponseCache } from '../../../electron/core/http/ctp/responseCache';
import { oncePerLoopTurn } from '../../../electron/core/store/sqliteStore';
import type { SqlStore } from '../../../electron/core/store/sqlStore';
import { useTempDirs } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';
import { ACME, GLOBEX, useCtpApps } from '../../fixtures/ctpApps';
import { openTestStore } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
const start = useCtpApps();
const run = promisify(execFile);
const port = (app: FastifyInstance) => (app.server.address() as { port: number }).port;
const json = (body: string) => ({ body, contentType: 'application/json' });

/**
 * Runs `sql` as another process would: server.db opened by a child process, or another
 * connection to the PostgreSQL database (another `serve` instance).
 */
async function writeElsewhere(dir: string, store: SqlStore, sql: string): Promise<void> {
  if (store.engine === 'sqlite') {
    await run(process.execPath, [
      '-e',
      `const Database = require('better-sqlite3');
       const db = new Database(process.argv[1]);
       db.prepare(process.argv[2]).run();
       db.close();`,
      join(dir, 'server.db'),
      sql,
    ]);
    return;
  }
  const other = await openTestStore(dir, { sharing: store });
  await other.run(sql);
  await other.close();
}

describe('createResponseCache', () => {
  it('keeps responses until the data version moves, then forgets them all', () => {
    let data = 1;
    const cache = createResponseCache({ dataVersion: () => String(data), maxBytes: 1 << 20 });
    const seen = cache.version();
    cache.set('a', seen, json('{"a":1}'));
    cache.set('b', seen, json('{"b":1}'));
    expect(cache.get('a')?.body).toBe('{"a":1}');
    data = 2;
    expect(cache.version()).toBe('2');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeUndefined();
  });

  it('refuses a response read before a write that happened in between', () => {
    let data = 1;
    const cache = createResponseCache({ dataVersion: () => String(data), maxBytes: 1 << 20 });
    const seen = cache.version();
    data = 2;
    cache.set('a', seen, json('stale'));
    expect(cache.get('a')).toBeUndefined();
  });

  it('stays within its byte bound by dropping the least recently used', () => {
    const cache = createResponseCache({ dataVersion: () => 'v', maxBytes: 1600 });
    const seen = cache.version();
    const key = (i: number) => `k${String(i).padStart(4, '0')}`;
    const body = 'x'.repeat(95); // 100 bytes with its 5-character key: 16 fit
    for (let i = 1; i <= 16; i++) cache.set(key(i), seen, json(body));
    expect(cache.get(key(1))).toBeDefined(); // now the most recently used
    cache.set(key(17), seen, json(body));
    expect(cache.get(key(2))).toBeUndefined();
    for (const i of [1, 3, 16, 17]) expect(cache.get(key(i))).toBeDefined();
    // A single response over a sixteenth of the bound is not kept at all.
    cache.set('big', seen, json('x'.repeat(98)));
    expect(cache.get('big')).toBeUndefined();
  });
});

describe('oncePerLoopTurn', () => {
  it('reads once per turn of the event loop', async () => {
    let reads = 0;
    const version = oncePerLoopTurn(() => ++reads);
    expect([version(), version(), version()]).toEqual([1, 1, 1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect([version(), version()]).toEqual([2, 2]);
  });
});

describe('cached CTP reads', () => {
  const page = '/ctp/attributes/at1/measurements';

  it('answer a write made through the server at once', async () => {
    const { app, services } = await start(tempDir());
    const read = async () =>
      (await app.inject({ method: 'GET', url: '/ctp/measurements/m1', headers: ACME })).json();
    const before = await read();
    expect(await read()).toEqual(before);
    await services.publisher.publish('m1', JSON.stringify({ value: [{ percentage: 12.5 }] }));
    const after = await read();
    expect(after.result.value).toEqual([{ percentage: 12.5 }]);
    expect(Number(after.changeId)).toBeGreaterThan(Number(before.changeId));
  });

  it('answer a write committed by another process on the same database', async () => {
    const dir = tempDir();
    const { app, store } = await start(dir);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const names = async () => {
      const response = await fetch(`http://127.0.0.1:${port(app)}${page}`, { headers: ACME });
      const body = (await response.json()) as { collection: Array<{ name: string }> };
      return body.collection.map((item) => item.name);
    };
    const before = await names();
    expect(before).not.toContain('renamed elsewhere');
    await writeElsewhere(
      dir,
      store,
      "UPDATE measurements SET name = 'renamed elsewhere' WHERE id = 'm1'",
    );
    // SQLite: at once (its data version is read per event-loop turn); PostgreSQL: once the
    // change notification arrives.
    await waitFor(async () => (await names()).includes('renamed elsewhere'));
  });

  it('are kept apart per visible views, Host and URL', async () => {
    const { app } = await start(tempDir());
    const views = async (headers: Record<string, string>) =>
      (await app.inject({ method: 'GET', url: '/ctp/serviceViews', headers })).json();
    const acme = await views(ACME);
    const globex = await views(GLOBEX);
    expect(acme.collection.map((item: { link: string }) => item.link)).not.toEqual(
      globex.collection.map((item: { link: string }) => item.link),
    );
    expect(await views(ACME)).toEqual(acme);
    expect((await views({ ...ACME, host: 'ctp.example.com' })).self).toBe(
      'http://ctp.example.com/ctp/serviceViews',
    );
    expect((await views(ACME)).self).toBe('http://localhost:80/ctp/serviceViews');
    // Visibility is still checked on a cached resource: 403 for the other account.
    expect((await app.inject({ method: 'GET', url: page, headers: ACME })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: page, headers: GLOBEX })).statusCode).toBe(403);
    const paged = await app.inject({ method: 'GET', url: `${page}?page=0&items=1`, headers: ACME });
    expect(paged.json().returnedLength).toBe(1);
  });
});
