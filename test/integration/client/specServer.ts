import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach } from 'vitest';

export type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => void;

export interface SpecServer {
  /** `http://127.0.0.1:PORT/ctp/` */
  base: string;
  origin: string;
  /** Every path+query requested, in order. */
  requests: string[];
  /** Routes by path (no query); a missing route answers 404. */
  routes: Map<string, Handler>;
}

/** Small CTP servers on 127.0.0.1 serving spec-shaped (or hostile) JSON; closed after each test. */
export function useSpecServers(): (host?: string) => Promise<SpecServer> {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  return async (host = '127.0.0.1') => {
    const routes = new Map<string, Handler>();
    const requests: string[] = [];
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      requests.push(url.pathname + url.search);
      const handler = routes.get(url.pathname);
      if (handler === undefined) {
        json(response, { error: 'not found' }, 404);
        return;
      }
      handler(request, response, url);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    const origin = `http://${host}:${port}`;
    return { base: `${origin}/ctp/`, origin, requests, routes };
  };
}

export function json(response: ServerResponse, body: unknown, status = 200): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(text);
}

/** A CTP 4.1.6 collection answering `page`/`items` like a conforming server. */
export function collection(links: string[], type = 'assets'): Handler {
  return (_request, response, url) => {
    const page = url.searchParams.get('page');
    const items = url.searchParams.get('items');
    const selected =
      page === null || items === null
        ? links
        : links.slice(Number(page) * Number(items), (Number(page) + 1) * Number(items));
    json(response, {
      self: url.href,
      scope: '',
      collectionLength: links.length,
      returnedLength: selected.length,
      collectionType: type,
      collection: selected.map((link) => ({ link })),
    });
  };
}

/** Serves a fixed JSON document (text is sent as is). */
export function document(body: unknown): Handler {
  return (_request, response) => json(response, body);
}

/**
 * A small spec-shaped tree at `base`: one view `sv1` with one asset, attribute and
 * measurement, a metric and an empty dependencies/triggers/logs collection.
 */
export function serveTree(server: SpecServer, options: { result?: unknown } = {}): void {
  const b = server.base;
  const r = server.routes;
  r.set(
    '/ctp/',
    document({
      self: b,
      name: 'Spec',
      version: '1.0',
      provider: 'spec.example',
      serviceViews: `${b}serviceViews`,
      metrics: `${b}metrics`,
    }),
  );
  r.set('/ctp/serviceViews', collection([`${b}serviceViews/sv1`], 'serviceViews'));
  r.set('/ctp/serviceViews/sv1', document(view(b, 'sv1', '1')));
  r.set('/ctp/serviceViews/sv1/dependencies', collection([], 'serviceViews'));
  r.set('/ctp/serviceViews/sv1/assets', collection([`${b}assets/a1`]));
  r.set('/ctp/serviceViews/sv1/triggers', collection([], 'triggers'));
  r.set('/ctp/serviceViews/sv1/logs', collection([], 'logs'));
  r.set(
    '/ctp/assets/a1',
    document({
      self: `${b}assets/a1`,
      scope: `${b}serviceViews/sv1`,
      changeId: '1',
      name: 'a1',
      annotation: '',
      assetClass: '',
      attributes: `${b}assets/a1/attributes`,
    }),
  );
  r.set('/ctp/assets/a1/attributes', collection([`${b}attributes/at1`], 'attributes'));
  r.set(
    '/ctp/attributes/at1',
    document({
      self: `${b}attributes/at1`,
      changeId: '1',
      name: 'availability',
      annotation: '',
      measurements: `${b}attributes/at1/measurements`,
    }),
  );
  r.set('/ctp/attributes/at1/measurements', collection([`${b}measurements/m1`], 'measurements'));
  r.set('/ctp/measurements/m1', document(measurement(b, 'm1', options.result)));
  r.set(
    '/ctp/metrics/x',
    document({
      self: `${b}metrics/x`,
      scope: b,
      changeId: '1',
      name: 'pct',
      annotation: '',
      referenceMetric: 'https://m.example/pct',
      measurementParameters: [],
      resultFormat: [{ name: 'p', type: 'number' }],
    }),
  );
}

export function view(b: string, id: string, changeId: string, path = `serviceViews/${id}`) {
  return {
    self: `${b}${path}`,
    scope: b,
    changeId,
    name: id,
    annotation: '',
    provider: 'spec.example',
    dependencies: `${b}${path}/dependencies`,
    assets: `${b}${path}/assets`,
    serviceClass: '',
    logs: `${b}${path}/logs`,
    triggers: `${b}${path}/triggers`,
  };
}

export function measurement(b: string, id: string, result?: unknown) {
  return {
    self: `${b}measurements/${id}`,
    scope: `${b}attributes/at1`,
    changeId: '1',
    name: '',
    annotation: '',
    metric: `${b}metrics/x`,
    result: result ?? {
      value: [{ p: 1 }],
      dateTime: '2026-01-01T00:00:00Z',
      authorityId: null,
      signature: null,
    },
    objective: { condition: 'value[0].p > 0', status: true },
    createTrigger: '',
    userInitiated: 'false',
    state: 'activated',
  };
}
