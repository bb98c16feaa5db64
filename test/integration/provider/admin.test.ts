import { describe, expect, it } from 'vitest';

import { useTempDirs } from '../../helpers/tempDir';
import { ACME, ADMIN_TOKEN, useCtpApps } from '../../fixtures/ctpApps';
import { storeProblems } from '../../fixtures/providerStore';
import { sampleProvider } from '../../fixtures/provider';

const tempDir = useTempDirs();
const start = useCtpApps();
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function setup() {
  const ctx = await start(tempDir());
  const admin = (method: string, url: string, payload?: unknown) =>
    ctx.app.inject({
      method: method as 'GET',
      url: `/admin${url}`,
      headers: ADMIN,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const ctp = (url: string) => ctx.app.inject({ url: `/ctp${url}`, headers: ACME });
  return { ...ctx, admin, ctp };
}

describe('admin API (/admin/, admin token)', () => {
  it('refuses without the admin token, and CTP tokens are not admin tokens', async () => {
    const { app } = await setup();
    for (const headers of [{}, ACME, { authorization: `Bearer ${ADMIN_TOKEN}x` }]) {
      const response = await app.inject({ url: '/admin/accounts', headers });
      expect(response.statusCode).toBe(401);
      expect(Object.keys(response.json())).toEqual(['error']);
    }
  });

  it('imports, publishes raw results, sets objectives and reads the history', async () => {
    const { admin, ctp } = await setup();
    const doc = sampleProvider();
    doc.serviceViews[0]!.name = 'renamed';
    expect((await admin('POST', '/import', doc)).json()).toMatchObject({ updated: 1 });
    expect((await ctp('/serviceViews/sv1')).json().name).toBe('renamed');
    const bad = await admin('POST', '/import', { serviceViews: [{ id: '!' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('serviceViews[0].id');

    const published = await admin('POST', '/measurements/m1/results', {
      value: [{ percentage: 99.0 }],
    });
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ measurementId: 'm1', objectiveStatus: 'false' });
    const wrong = await admin('POST', '/measurements/m1/results', { value: [{ nope: 1 }] });
    expect(wrong.statusCode).toBe(400);
    expect((await admin('POST', '/measurements/missing/results', { value: [] })).statusCode).toBe(
      404,
    );

    const objective = await admin('PUT', '/measurements/m1/objective', {
      condition: 'value[0].percentage >= 98',
    });
    expect(objective.json().objective).toMatchObject({
      condition: 'value[0].percentage >= 98',
      status: 'true',
    });
    const misspelt = await admin('PUT', '/measurements/m1/objective', {
      condition: 'matchRegex("a","b")',
    });
    expect(misspelt.statusCode).toBe(400);
    expect(misspelt.json().error).toMatch(/did you mean matchRegexp/);
    expect(
      (await admin('PUT', '/measurements/m1/objective', { condition: null })).json().objective,
    ).toBeNull();

    const history = (await admin('GET', '/measurements/m1/history')).json().results;
    expect(history.map((h: { result: { value: unknown } }) => h.result.value)).toEqual([
      [{ percentage: 99 }],
      [{ percentage: 99.95 }],
    ]);
  });

  it('manages accounts and tokens (create, rotate, revoke, delete)', async () => {
    const { admin, app } = await setup();
    expect((await admin('PUT', '/accounts/initech', { serviceViews: ['sv2'] })).json()).toEqual({
      name: 'initech',
      serviceViews: ['sv2'],
      activeTokens: 0,
    });
    const { token } = (await admin('POST', '/accounts/initech/tokens')).json();
    const as = (t: string) =>
      app.inject({ url: '/ctp/serviceViews/sv2', headers: { authorization: `Bearer ${t}` } });
    expect((await as(token)).statusCode).toBe(200);
    const rotated = (await admin('POST', '/accounts/initech/tokens/rotate')).json().token;
    expect((await as(token)).statusCode).toBe(401);
    expect((await as(rotated)).statusCode).toBe(200);
    expect((await admin('DELETE', '/accounts/initech/tokens')).json()).toEqual({ revoked: 1 });
    expect((await as(rotated)).statusCode).toBe(401);
    expect(
      (await admin('GET', '/accounts')).json().accounts.map((a: { name: string }) => a.name),
    ).toEqual(['acme', 'globex', 'initech']);
    expect(
      (await admin('PUT', '/accounts/initech', { serviceViews: ['missing'] })).statusCode,
    ).toBe(400);
    expect((await admin('DELETE', '/accounts/initech')).statusCode).toBe(204);
    expect((await admin('DELETE', '/accounts/initech')).statusCode).toBe(404);
    expect((await admin('POST', '/accounts/nobody/tokens')).statusCode).toBe(404);
  });

  it('deletes with cascades (triggers and their logs), 409 for a metric in use', async () => {
    const { admin, ctp, app, store } = await setup();
    const created = await app.inject({
      method: 'POST',
      url: '/ctp/serviceViews/sv1/triggers',
      headers: ACME,
      payload: {
        measurement: 'http://x/ctp/measurements/m1',
        condition: 'true',
        notification: 'xmpp:a@b.example',
      },
    });
    const triggerId = created.json().self.split('/').pop();
    expect((await ctp('/serviceViews/sv1/logs')).json().collectionLength).toBe(1);
    expect((await admin('DELETE', '/metrics/uptime-m')).statusCode).toBe(409);
    const viewBefore = Number((await ctp('/serviceViews/sv1')).json().changeId);
    expect((await admin('DELETE', '/attributes/at1')).statusCode).toBe(204);
    expect((await ctp(`/triggers/${triggerId}`)).statusCode).toBe(404);
    expect((await ctp('/serviceViews/sv1/logs')).json().collectionLength).toBe(0);
    expect((await ctp('/measurements/m1')).statusCode).toBe(404);
    expect((await ctp('/assets/a1/attributes')).json().collectionLength).toBe(0);
    expect(Number((await ctp('/serviceViews/sv1')).json().changeId)).toBeGreaterThan(viewBefore);
    expect((await admin('DELETE', '/metrics/uptime-m')).statusCode).toBe(204);
    expect((await admin('DELETE', '/dependencies/dep2')).statusCode).toBe(204);
    expect((await ctp('/dependencies/dep1/dependencies')).json().collectionLength).toBe(0);
    expect((await admin('DELETE', '/serviceViews/dep1')).statusCode).toBe(404);
    expect((await admin('DELETE', '/serviceViews/sv1')).statusCode).toBe(204);
    expect((await ctp('/assets/a1')).statusCode).toBe(404);
    expect((await admin('DELETE', '/assets/bad!id')).statusCode).toBe(400);
    expect(await storeProblems(store)).toEqual([]);
  });

  it('resets a trigger in error and reads and acknowledges the outbox', async () => {
    const { admin, app } = await setup();
    const created = await app.inject({
      method: 'POST',
      url: '/ctp/serviceViews/sv1/triggers',
      headers: ACME,
      payload: {
        measurement: 'http://x/ctp/measurements/m1',
        condition: 'value[5].x',
        notification: 'xmpp:ops@example.com',
      },
    });
    expect(created.json().status).toBe('error');
    const triggerId = created.json().self.split('/').pop();
    const outbox = (await admin('GET', '/outbox?unsent=true')).json().items;
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      notification: 'xmpp:ops@example.com',
      sentAt: null,
      state: 'queued',
      failedAt: null,
      lastError: null,
      logEntry: { trigger: created.json().self, tags: ['error'], error: expect.any(String) },
    });
    expect((await admin('POST', '/outbox/sent', { seqs: [outbox[0].seq] })).json()).toEqual({
      marked: 1,
    });
    expect((await admin('GET', '/outbox?unsent=true')).json().items).toHaveLength(0);
    expect((await admin('GET', '/outbox')).json().items).toMatchObject([{ state: 'sent' }]);
    const reset = await admin('POST', `/triggers/${triggerId}/reset`);
    expect(reset.json()).toMatchObject({ status: 'false' });
    expect((await admin('POST', '/triggers/missing/reset')).statusCode).toBe(404);
  });
});
