import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { SyncProgress } from '../../../shared/client';
import { createCrawler, type CrawlLimits } from '../../../electron/core/client/crawler';
import { createHistoryRepository } from '../../../electron/core/client/historyRepository';
import { createVendorHttp } from '../../../electron/core/client/httpClient';
import type { HttpLimits } from '../../../electron/core/client/httpClient';
import { createMemorySecretStore } from '../../../electron/core/client/secretStore';
import { createSyncService } from '../../../electron/core/client/syncService';
import { createVendorService } from '../../../electron/core/client/vendorService';
import { createVendorsRepository } from '../../../electron/core/client/vendorsRepository';
import { openDatabase } from '../../../electron/core/store/database';
import { loadMigrations } from '../../../electron/core/store/loadMigrations';
import { useTempDirs } from '../../helpers/tempDir';
import {
  collection,
  document,
  json,
  serveTree,
  useSpecServers,
  view,
  type SpecServer,
} from './specServer';

const tempDir = useTempDirs();
const specServer = useSpecServers();

const FAST: Partial<HttpLimits> = {
  retries: 2,
  backoffBaseMs: 1,
  backoffMaxMs: 5,
  timeoutMs: 2000,
};

function workspace(
  server: SpecServer,
  http: Partial<HttpLimits> = FAST,
  crawl: Partial<CrawlLimits> = {},
) {
  const db = openDatabase({
    path: join(tempDir(), 'auditor.db'),
    migrations: loadMigrations('auditor'),
  });
  const repository = createVendorsRepository(db);
  const vendors = createVendorService({
    vendors: repository,
    secrets: createMemorySecretStore(),
    clock: () => new Date(),
  });
  vendors.add({ name: 'v', url: server.base, token: 'tok' });
  const sync = createSyncService({
    db,
    vendors,
    repository,
    clock: () => new Date(),
    httpLimits: http,
    crawlLimits: crawl,
  });
  return { db, sync, store: () => sync.workspace('v') };
}

describe('the crawler against a spec-shaped server', () => {
  it('reads the whole tree with the SPEC-NOTES variants, sends the token, reports progress', async () => {
    const server = await specServer();
    serveTree(server);
    let authorization: string | undefined;
    const entry = server.routes.get('/ctp/')!;
    server.routes.set('/ctp/', (request, response, url) => {
      authorization = request.headers.authorization;
      entry(request, response, url);
    });
    const { sync, store, db } = workspace(server);
    const progress: SyncProgress[] = [];
    const { report } = await sync.sync('v', { onProgress: (value) => progress.push(value) });
    expect(report).toMatchObject({ errors: [], status: 'ok', resources: 5, newResults: 1 });
    expect(authorization).toBe('Bearer tok');
    expect(progress.at(-1)).toMatchObject({ vendor: 'v', done: report.requests });
    expect(progress.every((item) => item.done <= item.total)).toBe(true);
    expect(store().history(`${server.base}measurements/m1`)).toEqual([
      expect.objectContaining({
        updateTime: '2026-01-01T00:00:00Z',
        resultText:
          '{"value":[{"p":1}],"dateTime":"2026-01-01T00:00:00Z","authorityId":null,"signature":null}',
      }),
    ]);
    db.close();
  });

  it('retries 500s and then succeeds; a resource that keeps failing is a recorded error and the crawl goes on', async () => {
    const server = await specServer();
    serveTree(server);
    let failures = 0;
    const asset = server.routes.get('/ctp/assets/a1')!;
    server.routes.set('/ctp/assets/a1', (request, response, url) => {
      if (failures++ < 2) json(response, { error: 'busy' }, 503);
      else asset(request, response, url);
    });
    server.routes.set('/ctp/serviceViews/sv1/triggers', (_request, response) =>
      json(response, { error: 'x' }, 500),
    );
    const { sync, db } = workspace(server);
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'CLIENT_HTTP_STATUS',
        status: 500,
        url: `${server.base}serviceViews/sv1/triggers?page=0&items=500`,
      }),
    ]);
    expect(report).toMatchObject({ status: 'partial', newResults: 1 });
    expect(
      server.requests.filter((path) => path.startsWith('/ctp/serviceViews/sv1/triggers')),
    ).toHaveLength(3);
    expect(server.requests.filter((path) => path === '/ctp/assets/a1')).toHaveLength(3);
    db.close();
  });

  it('a server that never answers: timeouts, retries, then a recorded error', async () => {
    const server = await specServer();
    serveTree(server);
    server.routes.set('/ctp/measurements/m1', () => undefined);
    const { sync, db } = workspace(server, { ...FAST, timeoutMs: 200, retries: 1 });
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'CLIENT_TIMEOUT', url: `${server.base}measurements/m1` }),
    ]);
    expect(server.requests.filter((path) => path === '/ctp/measurements/m1')).toHaveLength(2);
    db.close();
  });

  it('honours 429 with Retry-After', async () => {
    const server = await specServer();
    serveTree(server);
    let limited = false;
    const entry = server.routes.get('/ctp/')!;
    server.routes.set('/ctp/', (request, response, url) => {
      if (!limited) {
        limited = true;
        response.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' });
        response.end('{"error":"slow down"}');
        return;
      }
      entry(request, response, url);
    });
    const { sync, db } = workspace(server);
    expect((await sync.sync('v')).report).toMatchObject({ errors: [], status: 'ok' });
    db.close();
  });

  it('refuses a Retry-After longer than the client waits', async () => {
    const server = await specServer();
    server.routes.set('/ctp/', (_request, response) => {
      response.writeHead(429, { 'retry-after': '3600' });
      response.end();
    });
    const { sync, db } = workspace(server);
    const { report } = await sync.sync('v');
    expect(report).toMatchObject({
      status: 'failed',
      errors: [expect.objectContaining({ code: 'CLIENT_RATE_LIMITED' })],
    });
    expect(server.requests).toHaveLength(1);
    db.close();
  });

  it.each([
    ['malformed JSON', '{"self": "x", ', /malformed JSON/],
    ['wrong types', JSON.stringify({ self: 5, name: [] }), /self: expected a string, got a number/],
    ['an array', '[1,2]', /expected a JSON object/],
    ['an empty body', '', /malformed JSON/],
  ])('an asset with %s is an error; the rest is stored', async (_label, body, message) => {
    const server = await specServer();
    serveTree(server);
    server.routes.set(
      '/ctp/serviceViews/sv1/assets',
      collection([`${server.base}assets/bad`, `${server.base}assets/a1`]),
    );
    server.routes.set('/ctp/assets/bad', (_request, response) => json(response, body));
    const { sync, store, db } = workspace(server);
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'CLIENT_RESPONSE_INVALID',
        url: `${server.base}assets/bad`,
        message: expect.stringMatching(message),
      }),
    ]);
    expect(report.newResults).toBe(1);
    expect(store().resource(`${server.base}assets/bad`)).toBeNull();
    expect(store().resource(`${server.base}measurements/m1`)).not.toBeNull();
    db.close();
  });

  it('a wrongly typed measurement does not corrupt the history kept from an earlier sync', async () => {
    const server = await specServer();
    serveTree(server);
    const { sync, store, db } = workspace(server);
    await sync.sync('v');
    server.routes.set('/ctp/serviceViews/sv1', document(view(server.base, 'sv1', '2')));
    server.routes.set(
      '/ctp/assets/a1',
      document({
        self: `${server.base}assets/a1`,
        changeId: '2',
        attributes: `${server.base}assets/a1/attributes`,
      }),
    );
    server.routes.set(
      '/ctp/attributes/at1',
      document({
        self: `${server.base}attributes/at1`,
        changeId: '2',
        measurements: `${server.base}attributes/at1/measurements`,
      }),
    );
    server.routes.set(
      '/ctp/measurements/m1',
      document({ self: `${server.base}measurements/m1`, result: { value: 'all good' } }),
    );
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'CLIENT_RESPONSE_INVALID',
        message: expect.stringMatching(/result\.value: expected an array/),
      }),
    ]);
    expect(store().history(`${server.base}measurements/m1`)).toHaveLength(1);
    expect(store().resource(`${server.base}measurements/m1`)?.body).toMatch(/"dateTime"/);
    db.close();
  });

  it('cuts off a 50 MB response', async () => {
    const server = await specServer();
    serveTree(server);
    server.routes.set('/ctp/assets/a1', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const push = (): void => {
        while (sent < 50 && !response.destroyed) {
          sent++;
          if (!response.write(chunk)) {
            response.once('drain', push);
            return;
          }
        }
        if (!response.destroyed) response.end('{}');
      };
      response.write('{"self":"');
      push();
    });
    const { sync, db } = workspace(server, { ...FAST, maxBytes: 4 * 1024 * 1024 });
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'CLIENT_RESPONSE_TOO_LARGE',
        url: `${server.base}assets/a1`,
      }),
    ]);
    db.close();
  });

  it('refuses a declared Content-Length over the limit without reading it', async () => {
    const server = await specServer();
    serveTree(server);
    server.routes.set('/ctp/assets/a1', (_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(50 * 1024 * 1024),
      });
      response.write('{');
    });
    const { sync, db } = workspace(server, { ...FAST, maxBytes: 1024 * 1024 });
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([expect.objectContaining({ code: 'CLIENT_RESPONSE_TOO_LARGE' })]);
    db.close();
  });

  it('bounds endless pagination', async () => {
    const server = await specServer();
    serveTree(server);
    server.routes.set('/ctp/serviceViews/sv1/assets', (_request, response, url) => {
      json(response, {
        collectionLength: 1e12,
        returnedLength: 5,
        collection: Array.from({ length: 5 }, () => ({ link: `${server.base}assets/a1` })),
        self: url.href,
      });
    });
    const { sync, db } = workspace(server, FAST, { pageSize: 5, maxCollectionItems: 40 });
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'CLIENT_LIMIT',
        url: `${server.base}serviceViews/sv1/assets`,
      }),
    ]);
    expect(
      server.requests.filter((path) => path.startsWith('/ctp/serviceViews/sv1/assets')),
    ).toHaveLength(8);
    db.close();
  });

  it('follows a redirect on the same origin, refuses one to another host and never calls it', async () => {
    const server = await specServer();
    const elsewhere = await specServer('127.0.0.2');
    serveTree(server);
    serveTree(elsewhere);
    server.routes.set('/ctp/serviceViews/sv1/triggers', (_request, response) => {
      response.writeHead(302, { location: `${elsewhere.base}serviceViews/sv1/triggers` });
      response.end();
    });
    const metric = server.routes.get('/ctp/metrics/x')!;
    server.routes.set('/ctp/metrics/x', (_request, response) => {
      response.writeHead(301, { location: '/ctp/metrics/x-moved' });
      response.end();
    });
    server.routes.set('/ctp/metrics/x-moved', metric);
    const { sync, db } = workspace(server);
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'CLIENT_REDIRECT_REFUSED',
        url: `${server.base}serviceViews/sv1/triggers?page=0&items=500`,
      }),
    ]);
    expect(elsewhere.requests).toEqual([]);
    expect(server.requests).toContain('/ctp/metrics/x-moved');
    db.close();
  });

  it('does not follow links to another origin (the token stays with the vendor)', async () => {
    const server = await specServer();
    const elsewhere = await specServer('127.0.0.2');
    serveTree(server);
    serveTree(elsewhere);
    server.routes.set(
      '/ctp/serviceViews/sv1/assets',
      collection([`${elsewhere.base}assets/a1`, `${server.base}assets/a1`]),
    );
    const { sync, db } = workspace(server);
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'CLIENT_LINK_REFUSED', url: `${elsewhere.base}assets/a1` }),
    ]);
    expect(report.newResults).toBe(1);
    expect(elsewhere.requests).toEqual([]);
    db.close();
  });

  it('terminates on a dependency cycle and keeps its edges', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    server.routes.set(
      '/ctp/serviceViews/sv1/dependencies',
      collection([`${b}dependencies/d1`], 'serviceViews'),
    );
    server.routes.set(
      '/ctp/dependencies/d1',
      document({ ...view(b, 'd1', '1', 'dependencies/d1'), provider: 'other.example' }),
    );
    server.routes.set(
      '/ctp/dependencies/d1/dependencies',
      collection([`${b}dependencies/d2`], 'views'),
    );
    server.routes.set('/ctp/dependencies/d2', document(view(b, 'd2', '1', 'dependencies/d2')));
    // d2 depends on d1 and on the top view: a cycle both ways.
    server.routes.set(
      '/ctp/dependencies/d2/dependencies',
      collection([`${b}dependencies/d1`, `${b}serviceViews/sv1`], 'serviceViews'),
    );
    for (const id of ['d1', 'd2']) {
      for (const part of ['assets', 'triggers', 'logs'])
        server.routes.set(`/ctp/dependencies/${id}/${part}`, collection([]));
    }
    const { sync, store, db } = workspace(server);
    const { report } = await sync.sync('v');
    expect(report.errors).toEqual([]);
    expect(store().edges()).toEqual([
      { from: `${b}dependencies/d1`, to: `${b}dependencies/d2` },
      { from: `${b}dependencies/d2`, to: `${b}dependencies/d1` },
      { from: `${b}dependencies/d2`, to: `${b}serviceViews/sv1` },
      { from: `${b}serviceViews/sv1`, to: `${b}dependencies/d1` },
    ]);
    expect(server.requests.filter((path) => path === '/ctp/dependencies/d1')).toHaveLength(1);
    db.close();
  });

  it('reads logs from the newest one kept (oldest=) and fetches each entry once', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    const entries = [`${b}logs/l1`];
    server.routes.set('/ctp/serviceViews/sv1/logs', (request, response, url) =>
      collection(entries, 'logs')(request, response, url),
    );
    const log = (id: string, time: string) =>
      document({
        self: `${b}logs/${id}`,
        scope: `${b}serviceViews/sv1`,
        trigger: `${b}triggers/t1`,
        creationTime: time,
        result: { value: [{ p: 1 }], updateTime: time },
        tags: ['x'],
      });
    server.routes.set('/ctp/logs/l1', log('l1', '2026-01-01T00:00:00.000Z'));
    server.routes.set('/ctp/logs/l2', log('l2', '2026-01-02T00:00:00.000Z'));
    const { sync, store, db } = workspace(server);
    expect((await sync.sync('v')).report).toMatchObject({ newLogs: 1, errors: [] });
    entries.push(`${b}logs/l2`);
    const second = await sync.sync('v');
    expect(second.report).toMatchObject({ newLogs: 1, errors: [], skippedUnchanged: 1 });
    expect(server.requests).toContain(
      '/ctp/serviceViews/sv1/logs?oldest=2026-01-01T00%3A00%3A00.000Z&page=0&items=500',
    );
    expect(server.requests.filter((path) => path === '/ctp/logs/l1')).toHaveLength(1);
    expect(
      store()
        .logs()
        .map((item) => item.url),
    ).toEqual([`${b}logs/l1`, `${b}logs/l2`]);
    // A no-change re-sync: entry point, views collection, the view, its logs.
    // The CTP requests only: the sync reads the vendor's /cts after them (docs/opencts.md).
    const ctp = () => server.requests.filter((path) => path.startsWith('/ctp/')).length;
    const before = ctp();
    expect((await sync.sync('v')).report).toMatchObject({ requests: 4, newLogs: 0 });
    expect(ctp() - before).toBe(4);
    db.close();
  });

  it('drops what a re-crawled view no longer holds and views no longer listed, keeping the history', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    const { sync, store, db } = workspace(server);
    await sync.sync('v');
    server.routes.set('/ctp/serviceViews/sv1', document(view(b, 'sv1', '2')));
    server.routes.set('/ctp/serviceViews/sv1/assets', collection([]));
    expect((await sync.sync('v')).report.errors).toEqual([]);
    expect(store().resource(`${b}measurements/m1`)).toBeNull();
    expect(store().resource(`${b}assets/a1`)).toBeNull();
    expect(store().history(`${b}measurements/m1`)).toHaveLength(1);
    server.routes.set('/ctp/serviceViews', collection([], 'serviceViews'));
    await sync.sync('v');
    expect(store().resource(`${b}serviceViews/sv1`)).toBeNull();
    expect(store().history(`${b}measurements/m1`)).toHaveLength(1);
    db.close();
  });

  it('can be cancelled: the sync stops, says so once, and keeps what it stored', async () => {
    const server = await specServer();
    serveTree(server);
    const controller = new AbortController();
    server.routes.set('/ctp/measurements/m1', () => controller.abort());
    const { sync, store, db } = workspace(server);
    const { report } = await sync.sync('v', { signal: controller.signal });
    expect(report.errors).toEqual([expect.objectContaining({ code: 'CLIENT_CANCELLED' })]);
    expect(report.status).toBe('partial');
    expect(store().resource(`${server.base}attributes/at1`)).not.toBeNull();
    expect(store().syncs().at(-1)).toMatchObject({ status: 'partial' });
    db.close();
  });

  it.each([
    ['resources per sync', { maxResources: 2 }, /More than 2 resources/],
    ['dependency depth', { maxDependencyDepth: 1 }, /dependencies deeper than 1/],
  ])('bounds the %s', async (_label, limits, message) => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    // An endless chain of dependencies: dN depends on dN+1.
    server.routes.set(
      '/ctp/serviceViews/sv1/dependencies',
      collection([`${b}dependencies/d0`], 'serviceViews'),
    );
    for (let index = 0; index < 5; index++) {
      server.routes.set(
        `/ctp/dependencies/d${index}`,
        document(view(b, `d${index}`, '1', `dependencies/d${index}`)),
      );
      server.routes.set(
        `/ctp/dependencies/d${index}/dependencies`,
        collection([`${b}dependencies/d${index + 1}`], 'serviceViews'),
      );
      for (const part of ['assets', 'triggers', 'logs'])
        server.routes.set(`/ctp/dependencies/d${index}/${part}`, collection([]));
    }
    const { sync, db } = workspace(server, FAST, limits);
    const { report } = await sync.sync('v');
    expect(report.errors.filter((error) => error.code === 'CLIENT_LIMIT')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(message) }),
    ]);
    db.close();
  });

  it('a local failure (the store throws) is recorded as APP_INTERNAL and the sync still ends', async () => {
    const server = await specServer();
    serveTree(server);
    const { db } = workspace(server);
    const store = createHistoryRepository(db, 1);
    const failing = {
      ...store,
      addResult: () => {
        throw new Error('disk full');
      },
    };
    const http = createVendorHttp({
      baseUrl: server.base,
      token: null,
      trust: { kind: 'system' },
      limits: FAST,
    });
    const crawler = createCrawler({
      http,
      store: failing,
      clock: () => new Date(),
      vendor: { name: 'v', baseUrl: server.base },
    });
    const { report } = await crawler.sync();
    await http.close();
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'APP_INTERNAL',
        message: expect.stringMatching(/disk full/),
      }),
    ]);
    expect(report.status).toBe('partial');
    expect(store.syncs().at(-1)).toMatchObject({
      status: 'partial',
      finishedAt: expect.any(String),
    });
    db.close();
  });
});
