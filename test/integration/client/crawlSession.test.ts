import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { DEFAULT_CRAWL_LIMITS } from '../../../electron/core/client/crawler';
import { CrawlSession } from '../../../electron/core/client/crawlSession';
import { createHistoryRepository } from '../../../electron/core/client/historyRepository';
import { createVendorHttp } from '../../../electron/core/client/httpClient';
import type { VendorHttp } from '../../../electron/core/client/httpClient';
import { createVendorsRepository } from '../../../electron/core/client/vendorsRepository';
import { openDatabase } from '../../../electron/core/store/database';
import type { SqliteDatabase } from '../../../electron/core/store/database';
import { loadMigrations } from '../../../electron/core/store/loadMigrations';
import { useTempDirs } from '../../helpers/tempDir';
import { collection, document, measurement, serveTree, useSpecServers, view } from './specServer';
import type { SpecServer } from './specServer';

const tempDir = useTempDirs();
const specServer = useSpecServers();

const opened: Array<{ db: SqliteDatabase; http: VendorHttp }> = [];
afterEach(async () => {
  for (const { db, http } of opened.splice(0)) {
    await http.close();
    db.close();
  }
});

/** A workspace following `server` as vendor `v`; `session()` starts one more sync of it. */
function workspace(server: SpecServer) {
  const db = openDatabase({
    path: join(tempDir(), 'auditor.db'),
    migrations: loadMigrations('auditor'),
  });
  const http = createVendorHttp({ baseUrl: server.base, token: null, trust: { kind: 'system' } });
  opened.push({ db, http });
  const vendor = createVendorsRepository(db).add(
    { name: 'v', baseUrl: server.base, trust: { kind: 'system' }, tokenRef: null },
    new Date().toISOString(),
  );
  const store = createHistoryRepository(db, vendor.id);
  const session = () =>
    new CrawlSession({
      http,
      store,
      clock: () => new Date(),
      vendor: { name: 'v', baseUrl: server.base },
      limits: DEFAULT_CRAWL_LIMITS,
      syncId: store.startSync(new Date().toISOString()),
    });
  return { store, session };
}

describe('a crawl session, one walker at a time', () => {
  it('walkAssets stores the subtree under its view and marks each parent complete', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    const { store, session } = workspace(server);
    const crawl = session();
    const below = { parentUrl: `${b}serviceViews/sv1`, rootUrl: `${b}serviceViews/sv1` };
    expect(await crawl.walkAssets(`${b}serviceViews/sv1/assets`, below)).toBe(true);
    expect(server.requests).toEqual([
      '/ctp/serviceViews/sv1/assets?page=0&items=500',
      '/ctp/assets/a1',
      '/ctp/assets/a1/attributes?page=0&items=500',
      '/ctp/attributes/at1',
      '/ctp/attributes/at1/measurements?page=0&items=500',
      '/ctp/measurements/m1',
      '/ctp/metrics/x',
    ]);
    expect(store.resource(`${b}assets/a1`)).toMatchObject({ ...below, complete: true });
    expect(store.resource(`${b}attributes/at1`)).toMatchObject({
      parentUrl: `${b}assets/a1`,
      rootUrl: below.rootUrl,
      complete: true,
    });
    expect(store.resource(`${b}measurements/m1`)).toMatchObject({
      parentUrl: `${b}attributes/at1`,
      complete: true,
    });
    expect(store.history(`${b}measurements/m1`)).toHaveLength(1);
    expect(crawl).toMatchObject({ newResults: 1, skippedUnchanged: 0 });
    expect(crawl.fetcher.resources).toBe(4);
  });

  it('walkAttribute: a failed measurement leaves its attribute incomplete, the others are kept', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    server.routes.set(
      '/ctp/attributes/at1/measurements',
      collection([`${b}measurements/m1`, `${b}measurements/gone`], 'measurements'),
    );
    const { store, session } = workspace(server);
    const crawl = session();
    const where = { parentUrl: `${b}assets/a1`, rootUrl: `${b}serviceViews/sv1` };
    expect(await crawl.walkAttribute(`${b}attributes/at1`, where)).toBe(false);
    expect(crawl.errors.list).toEqual([
      expect.objectContaining({ url: `${b}measurements/gone`, code: 'CLIENT_HTTP_STATUS' }),
    ]);
    expect(store.resource(`${b}attributes/at1`)).toMatchObject({ complete: false });
    expect(store.resource(`${b}measurements/m1`)).toMatchObject({ complete: true });
  });

  it('walkMeasurement reads a metric shared by two measurements once, and keeps one history entry per result', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    server.routes.set('/ctp/measurements/m2', document(measurement(b, 'm2')));
    const { store, session } = workspace(server);
    const crawl = session();
    const where = { parentUrl: `${b}attributes/at1`, rootUrl: `${b}serviceViews/sv1` };
    const walked = await Promise.all([
      crawl.walkMeasurement(`${b}measurements/m1`, where),
      crawl.walkMeasurement(`${b}measurements/m2`, where),
    ]);
    expect(walked).toEqual([true, true]);
    expect(server.requests.filter((path) => path === '/ctp/metrics/x')).toHaveLength(1);
    expect(store.resource(`${b}metrics/x`)).toMatchObject({ kind: 'metric', complete: true });
    expect(crawl.newResults).toBe(2);
    // The same results again: nothing new in the history.
    const again = session();
    await again.walkMeasurement(`${b}measurements/m1`, where);
    expect(again.newResults).toBe(0);
    expect(store.history(`${b}measurements/m1`)).toHaveLength(1);
  });

  it('walkServiceView skips a subtree whose changeId is unchanged since a complete copy', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    const { store, session } = workspace(server);
    const root = { parentUrl: b, rootUrl: `${b}serviceViews/sv1` };
    expect(await session().walkServiceView(`${b}serviceViews/sv1`, 'serviceView', root, 0)).toBe(
      true,
    );
    const before = server.requests.length;
    const second = session();
    expect(await second.walkServiceView(`${b}serviceViews/sv1`, 'serviceView', root, 0)).toBe(true);
    expect(server.requests.slice(before)).toEqual(['/ctp/serviceViews/sv1']);
    expect(second.skippedUnchanged).toBe(1);
    expect(store.resource(`${b}serviceViews/sv1`)).toMatchObject({ complete: true });
  });

  it('walkDependencies keeps an edge to each dependency and stops at the depth bound', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    server.routes.set(
      '/ctp/serviceViews/sv1/dependencies',
      collection([`${b}dependencies/d1`], 'serviceViews'),
    );
    const { store, session } = workspace(server);
    const crawl = session();
    const below = { parentUrl: `${b}serviceViews/sv1`, rootUrl: `${b}serviceViews/sv1` };
    const deepest = DEFAULT_CRAWL_LIMITS.maxDependencyDepth;
    expect(await crawl.walkDependencies(`${b}serviceViews/sv1/dependencies`, below, deepest)).toBe(
      false,
    );
    expect(store.edges()).toEqual([{ from: `${b}serviceViews/sv1`, to: `${b}dependencies/d1` }]);
    expect(crawl.errors.list).toEqual([
      expect.objectContaining({ code: 'CLIENT_LIMIT', url: `${b}dependencies/d1` }),
    ]);
    expect(server.requests).not.toContain('/ctp/dependencies/d1');
  });

  it('walkTriggers stores each trigger under its view', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    server.routes.set(
      '/ctp/serviceViews/sv1/triggers',
      collection([`${b}triggers/t1`], 'triggers'),
    );
    server.routes.set(
      '/ctp/triggers/t1',
      document({
        self: `${b}triggers/t1`,
        scope: `${b}serviceViews/sv1`,
        changeId: '7',
        name: 'low',
        annotation: '',
        measurement: `${b}measurements/m1`,
        condition: 'value[0].p < 1',
        notification: 'log',
        guardTime: 0,
        tags: [],
        status: false,
      }),
    );
    const { store, session } = workspace(server);
    const below = { parentUrl: `${b}serviceViews/sv1`, rootUrl: `${b}serviceViews/sv1` };
    expect(await session().walkTriggers(`${b}serviceViews/sv1/triggers`, below)).toBe(true);
    expect(store.resource(`${b}triggers/t1`)).toMatchObject({
      kind: 'trigger',
      changeId: '7',
      name: 'low',
      ...below,
      complete: true,
    });
  });

  it('walkLogs reads the logs of the view kept in the workspace, each new entry once', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    server.routes.set('/ctp/serviceViews/sv1/logs', collection([`${b}logs/l1`], 'logs'));
    server.routes.set(
      '/ctp/logs/l1',
      document({
        self: `${b}logs/l1`,
        scope: `${b}serviceViews/sv1`,
        creationTime: '2026-01-01T00:00:00Z',
        result: null,
        tags: [],
      }),
    );
    const { store, session } = workspace(server);
    const crawl = session();
    // No copy of the view yet: nothing to read the logs from.
    await crawl.walkLogs(`${b}serviceViews/sv1`);
    expect(server.requests).toEqual([]);
    await crawl.walkServiceView(
      `${b}serviceViews/sv1`,
      'serviceView',
      { parentUrl: b, rootUrl: `${b}serviceViews/sv1` },
      0,
    );
    await crawl.walkLogs(`${b}serviceViews/sv1`);
    await crawl.walkLogs(`${b}serviceViews/sv1`);
    expect(crawl.newLogs).toBe(1);
    expect(server.requests.filter((path) => path === '/ctp/logs/l1')).toHaveLength(1);
    expect(server.requests).toContain(
      '/ctp/serviceViews/sv1/logs?oldest=2026-01-01T00%3A00%3A00Z&page=0&items=500',
    );
    expect(store.logs()).toEqual([
      expect.objectContaining({ url: `${b}logs/l1`, serviceViewUrl: `${b}serviceViews/sv1` }),
    ]);
  });

  it('walkEntryPoint drops the views no longer listed, only after a whole list', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    server.routes.set(
      '/ctp/serviceViews',
      collection([`${b}serviceViews/sv1`, `${b}serviceViews/sv2`], 'serviceViews'),
    );
    server.routes.set('/ctp/serviceViews/sv2', document(view(b, 'sv2', '1')));
    for (const part of ['dependencies', 'assets', 'triggers', 'logs'])
      server.routes.set(`/ctp/serviceViews/sv2/${part}`, collection([]));
    const { store, session } = workspace(server);
    expect(await session().walkEntryPoint()).toMatchObject({ provider: 'spec.example' });
    expect(store.resource(`${b}serviceViews/sv2`)).not.toBeNull();
    // The list cannot be read: sv2 stays.
    server.routes.delete('/ctp/serviceViews');
    const failed = session();
    await failed.walkEntryPoint();
    expect(failed.errors.list).toHaveLength(1);
    expect(store.resource(`${b}serviceViews/sv2`)).not.toBeNull();
    // A whole list without sv2: it goes.
    server.routes.set('/ctp/serviceViews', collection([`${b}serviceViews/sv1`], 'serviceViews'));
    await session().walkEntryPoint();
    expect(store.resource(`${b}serviceViews/sv2`)).toBeNull();
    expect(store.resource(`${b}serviceViews/sv1`)).not.toBeNull();
  });
});
