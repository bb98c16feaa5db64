import { describe, expect, it } from 'vitest';

import { useTempDirs } from '../../helpers/tempDir';
import { ACME, GLOBEX, useCtpApps } from '../../fixtures/ctpApps';

const tempDir = useTempDirs();
const start = useCtpApps();
const BASE = 'http://localhost:80/ctp/';

describe('CTP API reads (CTP 5.2) with app.inject()', () => {
  it('serves the entry point, views, assets, attributes, measurements and metrics', async () => {
    const { app } = await start(tempDir());
    const get = async (url: string, headers = ACME) => {
      const response = await app.inject({ method: 'GET', url, headers });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      return { status: response.statusCode, body: response.json() };
    };
    expect(await get('/ctp/')).toEqual({
      status: 200,
      body: {
        self: BASE,
        name: 'Example Cloud CTP',
        annotation: 'test server',
        version: '1.0',
        provider: 'example.com',
        serviceViews: `${BASE}serviceViews`,
        metrics: `${BASE}metrics`,
      },
    });
    expect((await get('/ctp/serviceViews')).body).toEqual({
      self: `${BASE}serviceViews`,
      scope: BASE,
      collectionLength: 1,
      returnedLength: 1,
      collectionType: 'serviceViews',
      collection: [{ link: `${BASE}serviceViews/sv1`, name: 'main' }],
    });
    const view = (await get('/ctp/serviceViews/sv1')).body;
    expect(view).toEqual({
      self: `${BASE}serviceViews/sv1`,
      scope: BASE,
      changeId: expect.stringMatching(/^\d+$/),
      name: 'main',
      annotation: '',
      provider: 'example.com',
      dependencies: `${BASE}serviceViews/sv1/dependencies`,
      assets: `${BASE}serviceViews/sv1/assets`,
      serviceClass: null,
      logs: `${BASE}serviceViews/sv1/logs`,
      triggers: `${BASE}serviceViews/sv1/triggers`,
    });
    expect((await get('/ctp/serviceViews/sv1/dependencies')).body).toMatchObject({
      scope: `${BASE}serviceViews/sv1`,
      collectionType: 'serviceViews',
      collection: [{ link: `${BASE}dependencies/dep1`, name: 'iaas' }],
    });
    expect((await get('/ctp/dependencies/dep1')).body).toMatchObject({
      self: `${BASE}dependencies/dep1`,
      scope: `${BASE}serviceViews/sv1`,
      provider: 'bigcloud.example',
      dependencies: `${BASE}dependencies/dep1/dependencies`,
    });
    expect((await get('/ctp/dependencies/dep2')).body.scope).toBe(`${BASE}dependencies/dep1`);
    expect((await get('/ctp/dependencies/dep1/dependencies')).body.collection).toEqual([
      { link: `${BASE}dependencies/dep2`, name: 'power' },
    ]);
    for (const word of ['assets', 'logs', 'triggers']) {
      expect((await get(`/ctp/dependencies/dep1/${word}`)).body).toMatchObject({
        collectionLength: 0,
        collectionType: word,
        collection: [],
      });
    }
    expect((await get('/ctp/serviceViews/sv1/assets')).body.collection).toEqual([
      { link: `${BASE}assets/a1`, name: 'https://api.example.com' },
      { link: `${BASE}assets/a2`, name: 'storage' },
    ]);
    expect((await get('/ctp/assets/a2')).body).toMatchObject({
      scope: `${BASE}serviceViews/sv1`,
      attributes: `${BASE}assets/a2/attributes`,
      assetClass: '',
    });
    expect((await get('/ctp/assets/a1/attributes')).body.collection).toEqual([
      { link: `${BASE}attributes/at1`, name: 'availability' },
    ]);
    expect((await get('/ctp/attributes/at1')).body).toMatchObject({
      scope: `${BASE}assets/a1`,
      measurements: `${BASE}attributes/at1/measurements`,
    });
    // Measurements without a name have no `name` in the collection (CTP 4.1.6).
    expect((await get('/ctp/attributes/at1/measurements')).body.collection).toEqual([
      { link: `${BASE}measurements/m1` },
      { link: `${BASE}measurements/scan` },
    ]);
    expect((await get('/ctp/measurements/m1')).body).toEqual({
      self: `${BASE}measurements/m1`,
      scope: `${BASE}attributes/at1`,
      changeId: expect.stringMatching(/^\d+$/),
      name: '',
      annotation: '',
      metric: `${BASE}metrics/uptime-m`,
      result: {
        value: [{ percentage: 99.95 }],
        updateTime: '2026-01-01T00:00:00.000Z',
        authorityId: null,
        signature: null,
      },
      objective: {
        condition: 'value[0].percentage >= 99.9',
        status: 'true',
        statusUpdateTime: '2026-01-01T00:00:00.000Z',
      },
      createTrigger: `${BASE}serviceViews/sv1/triggers`,
      userInitiated: false,
      userActivated: false,
      state: 'activated',
    });
    expect((await get('/ctp/measurements/scan')).body).toMatchObject({
      result: null,
      objective: null,
      createTrigger: null,
      userInitiated: true,
      userActivated: true,
      state: 'deactivated',
    });
    expect((await get('/ctp/metrics')).body).toMatchObject({
      scope: BASE,
      collectionType: 'metrics',
      collectionLength: 2,
    });
    expect((await get('/ctp/metrics/uptime-m')).body).toEqual({
      self: `${BASE}metrics/uptime-m`,
      scope: BASE,
      changeId: expect.stringMatching(/^\d+$/),
      name: 'availability-percentage',
      annotation: '',
      baseMetric: 'https://example.com/metrics/availability',
      measurementParameters: [{ name: 'period', type: 'string', value: 'month' }],
      resultFormat: [{ name: 'percentage', type: 'number' }],
    });
  });

  it('uses the configured CtpBase in every link', async () => {
    const { app } = await start(tempDir(), { baseUrl: 'https://ctp.example.com/api/ctp/' });
    const response = await app.inject({ url: '/ctp/serviceViews?page=0&items=1', headers: ACME });
    expect(response.json()).toMatchObject({
      self: 'https://ctp.example.com/api/ctp/serviceViews?page=0&items=1',
      collection: [{ link: 'https://ctp.example.com/api/ctp/serviceViews/sv1' }],
    });
  });

  it('paginates as in examples 4.4, 4.5 and 4.6, and filters by name', async () => {
    const provider = {
      serviceViews: [
        {
          id: 'v1',
          name: 'main',
          assets: [1, 2, 3, 4, 5].map((n) => ({ id: String(n), name: `asset ${n}` })),
        },
      ],
      accounts: [{ name: 'acme', token: 'acme-secret-token', serviceViews: ['v1'] }],
    };
    const { app } = await start(tempDir(), { provider });
    const page = async (query: string) =>
      (await app.inject({ url: `/ctp/serviceViews/v1/assets${query}`, headers: ACME })).json();
    expect(await page('?page=0&items=3')).toEqual({
      self: `${BASE}serviceViews/v1/assets?page=0&items=3`,
      scope: `${BASE}serviceViews/v1`,
      collectionLength: 5,
      returnedLength: 3,
      collectionType: 'assets',
      collection: [1, 2, 3].map((n) => ({ link: `${BASE}assets/${n}`, name: `asset ${n}` })),
    });
    expect(await page('?page=1&items=3')).toMatchObject({
      collectionLength: 5,
      returnedLength: 2,
      collection: [4, 5].map((n) => ({ link: `${BASE}assets/${n}`, name: `asset ${n}` })),
    });
    expect(await page('?page=2&items=3')).toMatchObject({
      self: `${BASE}serviceViews/v1/assets?page=2&items=3`,
      collectionLength: 5,
      returnedLength: 0,
      collection: [],
    });
    expect(await page('')).toMatchObject({ collectionLength: 5, returnedLength: 5 });
    expect(await page('?name=asset%204')).toMatchObject({
      collectionLength: 1,
      collection: [{ link: `${BASE}assets/4`, name: 'asset 4' }],
    });
  });

  it.each([
    ['GET', '/ctp/serviceViews/sv1/assets?page=0', 400],
    ['GET', '/ctp/serviceViews/sv1/assets?items=2', 400],
    ['GET', '/ctp/serviceViews/sv1/assets?page=-1&items=2', 400],
    ['GET', '/ctp/serviceViews/sv1/assets?page=0&items=0', 400],
    ['GET', '/ctp/serviceViews/sv1/assets?page=x&items=2', 400],
    ['GET', '/ctp/serviceViews/sv1/logs?oldest=yesterday', 400],
    ['GET', '/ctp/serviceViews/sv1/logs?newest=2015-02-30T00:00:00Z', 400],
    ['GET', '/ctp/assets/bad.id', 400],
    ['GET', `/ctp/assets/${'a'.repeat(97)}`, 400],
    ['GET', '/ctp/assets/missing', 404],
    ['GET', '/ctp/serviceViews/dep1', 404],
    ['GET', '/ctp/dependencies/sv1', 404],
    ['GET', '/ctp/serviceViews/', 404],
    ['GET', '/ctp/serviceViews/sv1/', 404],
    ['GET', '/ctp/nothing', 404],
    ['GET', '/ctp/measurements/m1?x=state', 400],
    ['GET', '/ctp/serviceViews/sv2', 403],
    ['GET', '/ctp/serviceViews/sv2/assets', 403],
    ['POST', '/ctp/serviceViews', 405],
    ['DELETE', '/ctp/measurements/m1', 405],
    ['PATCH', '/ctp/triggers/t', 405],
    ['GET', '/ctp/measurement/m1', 405],
    ['PUT', '/ctp/', 405],
    ['PUT', '/ctp/measurements/m1?x=state', 409],
    ['PUT', '/ctp/measurements/scan?x=explode', 400],
    ['PUT', '/ctp/measurements/scan', 400],
  ])('%s %s → %i with an {"error"} body', async (method, url, status) => {
    const { app } = await start(tempDir());
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: ACME,
      ...(method === 'PUT' ? { payload: { state: 'activated' } } : {}),
    });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(typeof body.error).toBe('string');
    if (status === 405) expect(response.headers.allow).toMatch(/GET|PUT/);
  });

  it('answers 401 with the CTP 6.3 challenge, and 403 across accounts', async () => {
    const { app } = await start(tempDir());
    const none = await app.inject({ url: '/ctp/serviceViews' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="CTP", scope="CTP_API_1.0"');
    expect(none.json()).toEqual({ error: expect.any(String) });
    for (const authorization of ['Bearer wrong-token-wrong-token', 'Basic abc', 'Bearer ']) {
      const bad = await app.inject({ url: '/ctp/', headers: { authorization } });
      expect(bad.statusCode).toBe(401);
      expect(bad.headers['www-authenticate']).toBe(
        'Bearer realm="CTP", scope="CTP_API_1.0", error="invalid_token"',
      );
    }
    // The auth matrix: each account sees its own view and nothing of the other's.
    const matrix: Array<[Record<string, string>, string, number]> = [
      [ACME, '/ctp/serviceViews/sv1', 200],
      [ACME, '/ctp/serviceViews/sv2', 403],
      [ACME, '/ctp/assets/a1', 200],
      [ACME, '/ctp/measurements/m1', 200],
      [ACME, '/ctp/dependencies/dep2', 200],
      [ACME, '/ctp/metrics/uptime-m', 200],
      [GLOBEX, '/ctp/serviceViews/sv1', 403],
      [GLOBEX, '/ctp/serviceViews/sv2', 200],
      [GLOBEX, '/ctp/assets/a1', 403],
      [GLOBEX, '/ctp/attributes/at1', 403],
      [GLOBEX, '/ctp/measurements/m1', 403],
      [GLOBEX, '/ctp/dependencies/dep2', 403],
      [GLOBEX, '/ctp/serviceViews/sv1/logs', 403],
      [GLOBEX, '/ctp/metrics/uptime-m', 200],
    ];
    for (const [headers, url, status] of matrix) {
      expect([url, (await app.inject({ url, headers })).statusCode]).toEqual([url, status]);
    }
    const globexViews = (await app.inject({ url: '/ctp/serviceViews', headers: GLOBEX })).json();
    expect(globexViews.collection).toEqual([
      { link: `${BASE}serviceViews/sv2`, name: 'other customer' },
    ]);
  });

  it('can make the entry point and metrics public', async () => {
    const { app } = await start(tempDir(), { publicEntryPoint: true, publicMetrics: true });
    expect((await app.inject({ url: '/ctp/' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/ctp/metrics' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/ctp/metrics/vulns-m' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/ctp/serviceViews' })).statusCode).toBe(401);
  });

  it('limits the request rate per account with 429 and Retry-After', async () => {
    const { app } = await start(tempDir(), { rateLimit: { perSecond: 0.001, burst: 3 } });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await app.inject({ url: '/ctp/', headers: ACME })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await app.inject({ url: '/ctp/', headers: ACME });
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect((await app.inject({ url: '/ctp/', headers: GLOBEX })).statusCode).toBe(200);
  });
});
