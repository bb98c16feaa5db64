import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { useTempDirs } from '../../helpers/tempDir';
import { ACME, ADMIN_TOKEN, useCtpApps } from '../../fixtures/ctpApps';
import { storeProblems } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
const start = useCtpApps();

const SEGMENTS = [
  'serviceViews',
  'assets',
  'attributes',
  'measurements',
  'measurement',
  'metrics',
  'triggers',
  'logs',
  'dependencies',
  'sv1',
  'a1',
  'at1',
  'm1',
  'scan',
  'dep1',
  '',
  '..',
  '%00',
  '%2F',
  'x'.repeat(100),
  '🙂',
  '?x=state',
  '?page=1&items=1',
  '?tags=a,b&oldest=2026-01-01T00:00:00Z',
];

describe('bad input never crashes the server or corrupts the database', () => {
  it('answers random requests with a JSON status below 500', async () => {
    const { app, store } = await start(tempDir());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
        fc.array(fc.constantFrom(...SEGMENTS), { minLength: 0, maxLength: 4 }),
        fc.oneof(
          fc.constant(undefined),
          fc.json(),
          fc.string(),
          fc.constant(
            '{"measurement":"http://x/ctp/measurements/m1","condition":"value[0].percentage > 1"}',
          ),
        ),
        fc.constantFrom(ACME, {}, { authorization: `Bearer ${ADMIN_TOKEN}` }),
        fc.constantFrom('/ctp/', '/admin/'),
        async (method, segments, body, headers, prefix) => {
          const response = await app.inject({
            method: method as 'GET',
            url: prefix + segments.join('/'),
            headers: {
              ...headers,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined || method === 'GET' || method === 'HEAD'
              ? {}
              : { payload: body }),
          });
          expect(response.statusCode).toBeLessThan(500);
          if (method !== 'HEAD' && response.statusCode !== 204) {
            expect(response.headers['content-type']).toMatch(/^application\/json/);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(await storeProblems(store)).toEqual([]);
  });

  it('refuses bodies over the limit with 413 and bounds plain collections', async () => {
    const { app } = await start(tempDir());
    const huge = await app.inject({
      method: 'POST',
      url: '/ctp/serviceViews/sv1/triggers',
      headers: ACME,
      payload: {
        measurement: 'http://x/ctp/measurements/m1',
        condition: 'true',
        name: 'x'.repeat(100_000),
      },
    });
    expect(huge.statusCode).toBe(413);
    expect(Object.keys(huge.json())).toEqual(['error']);
  });
});
