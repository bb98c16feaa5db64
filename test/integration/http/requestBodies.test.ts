import { describe, expect, it } from 'vitest';

import { useTempDirs } from '../../helpers/tempDir';
import { ACME, ADMIN_TOKEN, useCtpApps } from '../../fixtures/ctpApps';
import { storeFingerprint } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
const start = useCtpApps();
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const M1 = 'https://x/ctp/measurements/m1';

type Case = [
  method: 'POST' | 'PUT',
  url: string,
  headers: Record<string, string>,
  body: unknown,
  field: RegExp,
];
const named = (cases: Case[]) =>
  cases.map(([method, url, headers, body, field]) => ({ method, url, headers, body, field }));

// Every request body schema, each with a value of the wrong type that a coercing
// validator would turn into the right one (a number for a string, a string for a number
// or a boolean, a scalar for an array, ...).
const WRONG_TYPES: Case[] = [
  [
    'POST',
    '/ctp/serviceViews/sv1/triggers',
    ACME,
    { measurement: M1, condition: 42 },
    /condition must be string/,
  ],
  [
    'POST',
    '/ctp/serviceViews/sv1/triggers',
    ACME,
    { measurement: M1, condition: 'true', guardTime: '10' },
    /guardTime must be number/,
  ],
  [
    'POST',
    '/ctp/serviceViews/sv1/triggers',
    ACME,
    { measurement: M1, condition: 'true', tags: 'sla' },
    /tags must be array/,
  ],
  [
    'POST',
    '/ctp/serviceViews/sv1/triggers',
    ACME,
    { measurement: M1, condition: 'true', name: 7 },
    /name must be string/,
  ],
  [
    'POST',
    '/ctp/serviceViews/sv1/triggers',
    ACME,
    { measurement: M1, condition: 'true', notification: false },
    /notification must be string,null/,
  ],
  ['PUT', '/ctp/measurements/scan?x=state', ACME, { state: ['activated'] }, /state must be string/],
  [
    'PUT',
    '/admin/measurements/m1/objective',
    ADMIN,
    { condition: 42 },
    /condition must be string,null/,
  ],
  ['PUT', '/admin/accounts/acme', ADMIN, { serviceViews: 'sv1' }, /serviceViews must be array/],
  ['POST', '/admin/outbox/sent', ADMIN, { seqs: ['1'] }, /seqs\.0 must be integer/],
  ['POST', '/admin/outbox/sent', ADMIN, { seqs: 1 }, /seqs must be array/],
  ['POST', '/admin/import', ADMIN, [{ serviceViews: [] }], /must be object/],
  ['POST', '/admin/measurements/m1/results', ADMIN, [1], /must be object/],
  ['POST', '/app/rpc/app.info', ADMIN, { argument: {}, extra: 1 }, /extra is not a known property/],
  ['POST', '/app/rpc/app.info', ADMIN, ['argument'], /must be object/],
];

describe('request bodies', () => {
  it.each(named(WRONG_TYPES))(
    '$method $url: 400 naming the field ($field)',
    async ({ method, url, headers, body, field }) => {
      const { app, store } = await start(tempDir());
      const before = await storeFingerprint(store);
      const response = await app.inject({ method, url, headers, payload: body as object });
      expect(response.statusCode).toBe(400);
      const error = response.json().error;
      expect(typeof error === 'string' ? error : error.message).toMatch(field);
      // Nothing was written.
      expect(await storeFingerprint(store)).toEqual(before);
    },
  );

  it('keeps the documented parsing of query strings', async () => {
    const { app, services } = await start(tempDir());
    await services.publisher.publish('m1', JSON.stringify({ value: [{ percentage: 50 }] }));
    const history = await app.inject({
      url: '/admin/measurements/m1/history?limit=1',
      headers: ADMIN,
    });
    expect(history.json().results).toHaveLength(1);
    for (const query of ['limit=0', 'limit=100001', 'limit=ten', 'limit=1&limit=2']) {
      const bad = await app.inject({
        url: `/admin/measurements/m1/history?${query}`,
        headers: ADMIN,
      });
      expect([query, bad.statusCode]).toEqual([query, 400]);
    }
    expect(
      (await app.inject({ url: '/admin/outbox?unsent=true&limit=5', headers: ADMIN })).statusCode,
    ).toBe(200);
    expect((await app.inject({ url: '/admin/outbox?unsent=yes', headers: ADMIN })).statusCode).toBe(
      400,
    );
    const page = await app.inject({
      url: '/ctp/serviceViews/sv1/assets?page=0&items=1',
      headers: ACME,
    });
    expect(page.json()).toMatchObject({ returnedLength: 1, collectionLength: 2 });
  });

  it('answers 413 for a body over the limit, on the RPC transport as on the CTP API', async () => {
    const { app } = await start(tempDir());
    const big = { argument: { text: 'x'.repeat(2 * 1024 * 1024) } };
    const rpc = await app.inject({
      method: 'POST',
      url: '/app/rpc/app.info',
      headers: ADMIN,
      payload: big,
    });
    expect(rpc.statusCode).toBe(413);
    expect(rpc.json().error).toMatchObject({
      name: 'AppError',
      code: 'APP_BODY_TOO_LARGE',
      message: expect.stringMatching(/too large/i),
    });
    const ctp = await app.inject({
      method: 'POST',
      url: '/ctp/serviceViews/sv1/triggers',
      headers: ACME,
      payload: { measurement: M1, condition: 'true', name: 'x'.repeat(100_000) },
    });
    expect(ctp.statusCode).toBe(413);
  });
});
