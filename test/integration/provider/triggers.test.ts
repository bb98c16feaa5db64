import { describe, expect, it } from 'vitest';

import { logsOfOutboxRows, type OutboxLogSource } from '../../../electron/core/provider/outboxLogs';
import { useTempDirs } from '../../helpers/tempDir';
import { ACME, GLOBEX, useCtpApps } from '../../fixtures/ctpApps';

const tempDir = useTempDirs();
const start = useCtpApps();
const BASE = 'http://localhost:80/ctp/';
const M1 = `${BASE}measurements/m1`;

async function setup(options: Parameters<typeof start>[1] = {}) {
  const ctx = await start(tempDir(), options);
  const { app, services, time } = ctx;
  const post = (body: Record<string, unknown>, headers = ACME, view = 'sv1') =>
    app.inject({
      method: 'POST',
      url: `/ctp/serviceViews/${view}/triggers`,
      headers,
      payload: body,
    });
  const get = async (url: string) => (await app.inject({ url, headers: ACME })).json();
  const publish = (percentage: number) =>
    services.publisher.publish('m1', JSON.stringify({ value: [{ percentage }] }));
  const logs = async (query = '') =>
    (await get(`/ctp/serviceViews/sv1/logs${query}`)).collection as Array<{ link: string }>;
  return { ...ctx, post, get, publish, logs, time };
}

describe('triggers (CTP 5.2.14-5.2.17, 5.3.2)', () => {
  it('creates a trigger (201, Location), evaluates it at once, lists, reads and deletes it', async () => {
    const { app, post, get, logs, store } = await setup();
    const viewBefore = (await get('/ctp/serviceViews/sv1')).changeId;
    const created = await post({
      name: 'uptime',
      annotation: 'tell me',
      measurement: 'https://elsewhere.example/ctp/measurements/m1',
      condition: 'value[0].percentage > 99',
      notification: 'xmpp:alerts@example.com',
      guardTime: 30.5,
      tags: ['sla', 'high'],
      status: 'error',
      changeId: 'mine',
      self: 'ignored',
    });
    expect(created.statusCode).toBe(201);
    const trigger = created.json();
    expect(created.headers.location).toBe(trigger.self);
    expect(trigger).toEqual({
      self: expect.stringMatching(new RegExp(`^${BASE}triggers/[A-Za-z0-9_-]{22}$`)),
      scope: `${BASE}serviceViews/sv1`,
      changeId: expect.stringMatching(/^\d+$/),
      name: 'uptime',
      annotation: 'tell me',
      measurement: M1,
      condition: 'value[0].percentage > 99',
      notification: 'xmpp:alerts@example.com',
      guardTime: 30.5,
      tags: ['sla', 'high'],
      // Evaluated at creation against 99.95 (SPEC-NOTES "Triggers").
      status: 'true',
      statusUpdateTime: '2026-01-01T00:00:00.000Z',
    });
    expect(Number((await get('/ctp/serviceViews/sv1')).changeId)).toBeGreaterThan(
      Number(viewBefore),
    );
    const path = new URL(trigger.self).pathname;
    expect(await get(path)).toEqual(trigger);
    expect((await get('/ctp/serviceViews/sv1/triggers')).collection).toEqual([
      { link: trigger.self, name: 'uptime' },
    ]);
    const [entry] = await logs();
    const log = await get(new URL(entry!.link).pathname);
    expect(log).toEqual({
      self: entry!.link,
      scope: `${BASE}serviceViews/sv1`,
      trigger: trigger.self,
      creationTime: '2026-01-01T00:00:00.000Z',
      result: {
        value: [{ percentage: 99.95 }],
        updateTime: '2026-01-01T00:00:00.000Z',
        authorityId: null,
        signature: null,
      },
      tags: ['sla', 'high'],
    });
    // The alert queued an XMPP notification naming the log entry, in the same transaction.
    const outbox = await store.all<OutboxLogSource & { notification: string; trigger_id: string }>(
      'SELECT log_id, trigger_id, notification, payload FROM outbox',
    );
    expect(outbox).toEqual([
      {
        log_id: log.self.split('/').pop(),
        trigger_id: path.split('/').pop(),
        notification: 'xmpp:alerts@example.com',
        payload: null,
      },
    ]);
    expect((await logsOfOutboxRows(store, outbox)).get(outbox[0]!.log_id)).toMatchObject({
      tags: ['sla', 'high'],
      resultText: expect.stringContaining('{"value":[{"percentage":99.95}]'),
    });

    expect((await app.inject({ method: 'DELETE', url: path, headers: GLOBEX })).statusCode).toBe(
      403,
    );
    const deleted = await app.inject({ method: 'DELETE', url: path, headers: ACME });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await app.inject({ url: path, headers: ACME })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: path, headers: ACME })).statusCode).toBe(404);
    // Its log entries stay readable.
    expect(await logs()).toHaveLength(1);
  });

  it.each([
    [{ condition: 'true' }, 'measurement'],
    [{ measurement: M1 }, 'condition'],
    [{ measurement: 'not a url', condition: 'true' }, 'URL of a measurement'],
    [{ measurement: `${BASE}measurements/scan`, condition: 'true' }, 'does not allow triggers'],
    [
      { measurement: `${BASE}measurements/nope`, condition: 'true' },
      'is not a measurement of service view',
    ],
    [{ measurement: M1, condition: 'matchRegex("a", "b")' }, 'did you mean matchRegexp?'],
    [{ measurement: M1, condition: 'value[0].percentage >' }, 'condition:'],
    [{ measurement: M1, condition: 'valeu[0] > 1' }, 'valeu'],
    [{ measurement: M1, condition: 'true', notification: 'mailto:a@b.c' }, 'XMPP URI'],
    [{ measurement: M1, condition: 'true', guardTime: -1 }, 'guardTime'],
    [{ measurement: M1, condition: 'true', guardTime: 'ten' }, 'guardTime'],
    [{ measurement: M1, condition: 'true', tags: { a: 1 } }, 'tags'],
    [{ measurement: M1, condition: 'true', colour: 'red' }, 'colour'],
  ])('rejects %j with 400 (%s)', async (body, message) => {
    const { post } = await setup();
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toContain(message);
  });

  it('rejects a body that is not JSON, and triggers on views the account may not see', async () => {
    const { app, post } = await setup();
    const text = await app.inject({
      method: 'POST',
      url: '/ctp/serviceViews/sv1/triggers',
      headers: { ...ACME, 'content-type': 'application/json' },
      payload: '{"measurement": ',
    });
    expect(text.statusCode).toBe(400);
    expect(Object.keys(text.json())).toEqual(['error']);
    expect((await post({ measurement: M1, condition: 'true' }, GLOBEX)).statusCode).toBe(403);
    expect((await post({ measurement: M1, condition: 'true' }, ACME, 'sv2')).statusCode).toBe(403);
    expect((await post({ measurement: M1, condition: 'true' }, ACME, 'missing')).statusCode).toBe(
      404,
    );
  });

  it('follows the 5.3.2 state machine with its guard time (timeline)', async () => {
    const { post, get, publish, logs, time } = await setup();
    const trigger = (
      await post({ measurement: M1, condition: 'value[0].percentage < 99', guardTime: 60 })
    ).json();
    const path = new URL(trigger.self).pathname;
    const status = async () => {
      const t = await get(path);
      return [t.status, t.statusUpdateTime];
    };
    expect(await status()).toEqual(['false', '2026-01-01T00:00:00.000Z']);
    const at = (seconds: number) =>
      time.set(new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString());
    const steps: Array<[number, number, string, string, number]> = [
      // [seconds, percentage, status, statusUpdateTime, logs]
      [10, 98, 'true', '00:00:10', 1], // false → evaluate → true: alert
      [20, 97, 'true', '00:00:10', 1], // true, 10 s < guard: nothing
      [70, 96, 'true', '00:00:10', 1], // exactly 60 s: not strictly more: nothing
      [71, 95, 'true', '00:01:11', 2], // 61 s > 60: evaluate → true: alert
      [80, 99.5, 'true', '00:01:11', 2], // within guard: the false condition is not even seen
      [200, 99.5, 'false', '00:03:20', 2], // evaluate → false, no alert
      [201, 99.6, 'false', '00:03:21', 2], // false → evaluate → false
      [202, 90, 'true', '00:03:22', 3], // false → true: alert at once (no guard from false)
    ];
    for (const [seconds, percentage, expected, when, count] of steps) {
      at(seconds);
      await publish(percentage);
      expect([seconds, ...(await status()), (await logs()).length]).toEqual([
        seconds,
        expected,
        `2026-01-01T${when}.000Z`,
        count,
      ]);
    }
  });

  it('sends the error alert once, then does nothing until DELETE or an admin reset', async () => {
    const { post, get, publish, logs, time, services } = await setup();
    const trigger = (
      await post({ measurement: M1, condition: 'value[0].missing.deeper > 1', tags: ['x'] })
    ).json();
    expect(trigger.status).toBe('error');
    const [first] = await logs();
    const entry = await get(new URL(first!.link).pathname);
    expect(entry).toEqual({
      self: first!.link,
      scope: `${BASE}serviceViews/sv1`,
      trigger: trigger.self,
      creationTime: '2026-01-01T00:00:00.000Z',
      error: expect.stringMatching(/^CTPScript evaluation error: 1:1: .*"deeper"/),
      tags: ['error'],
    });
    for (let i = 1; i <= 3; i++) {
      time.advance(3600_000);
      await publish(90 + i);
    }
    const after = await get(new URL(trigger.self).pathname);
    expect([after.status, after.statusUpdateTime]).toEqual(['error', '2026-01-01T00:00:00.000Z']);
    expect(await logs()).toHaveLength(1);
    const reset = await services.triggers.reset(new URL(trigger.self).pathname.split('/').pop()!);
    expect(reset.status).toBe('false');
    time.advance(1000);
    await publish(50);
    expect(await logs()).toHaveLength(2);
  });

  it('filters logs by oldest (inclusive), newest (exclusive) and tags, then paginates', async () => {
    const { post, publish, logs, time } = await setup();
    await post({ measurement: M1, condition: 'value[0].percentage < 50', tags: ['low', 'sla'] });
    await post({
      measurement: M1,
      condition: 'value[0].percentage < 20',
      tags: ['critical', 'sla'],
    });
    for (const [minute, percentage] of [
      [1, 40],
      [2, 60],
      [3, 10],
      [4, 60],
      [5, 30],
    ] as const) {
      time.set(`2026-01-01T00:0${minute}:00.000Z`);
      await publish(percentage);
    }
    // Alerts: 00:01 low; 00:03 low + critical; 00:05 low.
    expect(await logs()).toHaveLength(4);
    expect(await logs('?tags=sla')).toHaveLength(4);
    expect(await logs('?tags=critical')).toHaveLength(1);
    expect(await logs('?tags=low,critical')).toHaveLength(0);
    expect(await logs('?tags=low,sla')).toHaveLength(3);
    expect(await logs('?oldest=2026-01-01T00:03:00Z')).toHaveLength(3);
    expect(await logs('?newest=2026-01-01T00:03:00Z')).toHaveLength(1);
    expect(await logs('?oldest=2026-01-01T00:03:00Z&newest=2026-01-01T00:05:00Z')).toHaveLength(2);
    expect(
      await logs('?oldest=2026-01-01T01:03:00%2B01:00&newest=2026-01-01T00:03:00.001Z'),
    ).toHaveLength(2);
    const all = await logs();
    expect(await logs('?tags=low&page=1&items=2')).toEqual([all[3]]);
  });

  it('gives changeIds to the trigger and its view on status changes, not to logs or assets', async () => {
    const { post, get, publish, time } = await setup();
    const trigger = (await post({ measurement: M1, condition: 'value[0].percentage < 99' })).json();
    const path = new URL(trigger.self).pathname;
    const snapshot = async () => ({
      trigger: Number((await get(path)).changeId),
      view: Number((await get('/ctp/serviceViews/sv1')).changeId),
      other: Number((await get('/ctp/assets/a2')).changeId),
      dep: Number((await get('/ctp/dependencies/dep1')).changeId),
    });
    const before = await snapshot();
    time.advance(1000);
    await publish(50);
    const after = await snapshot();
    expect(after.trigger).toBeGreaterThan(before.trigger);
    expect(after.view).toBeGreaterThan(before.view);
    expect(after.other).toBe(before.other);
    expect(after.dep).toBe(before.dep);
  });

  it('activates a user-activated measurement with the state PUT (CTP 5.2.11)', async () => {
    const { app, services, get } = await setup();
    const put = (url: string, state: string, headers = ACME) =>
      app.inject({ method: 'PUT', url, headers, payload: { state } });
    const before = await get('/ctp/measurements/scan');
    const activated = await put('/ctp/measurements/scan?x=state', 'activated');
    expect(activated.statusCode).toBe(200);
    // No result yet: pending until the provider publishes one.
    expect(activated.json()).toMatchObject({ state: 'pending', result: null });
    expect(Number(activated.json().changeId)).toBeGreaterThan(Number(before.changeId));
    await services.publisher.publish('scan', '{"value":[{"severity":"high","count":2}]}');
    expect((await get('/ctp/measurements/scan')).state).toBe('activated');
    expect((await get('/ctp/measurements/scan')).result.value).toEqual([
      { severity: 'high', count: 2 },
    ]);
    const off = await put('/ctp/measurement/scan?x=initiate', 'deactivated');
    expect(off.json()).toMatchObject({ state: 'deactivated', result: null });
    expect((await put('/ctp/measurements/scan?x=state', 'activated')).json().state).toBe(
      'activated',
    );
    expect((await put('/ctp/measurements/scan?x=state', 'paused')).statusCode).toBe(400);
    expect((await put('/ctp/measurements/scan?x=state', 'activated', GLOBEX)).statusCode).toBe(403);
    expect((await put('/ctp/measurements/m1?x=state', 'deactivated')).statusCode).toBe(409);
  });

  it('refuses (409) a trigger beyond the limit of the account, and frees a place on delete', async () => {
    const { app, post } = await setup({ maxTriggersPerAccount: 2 });
    const first = await post({ measurement: M1, condition: 'true' });
    expect((await post({ measurement: M1, condition: 'false' })).statusCode).toBe(201);
    const refused = await post({ measurement: M1, condition: 'true', name: 'third' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe(
      'This account already holds 2 triggers, the most this server allows (2); delete one before creating another.',
    );
    const path = new URL(first.json().self).pathname;
    expect((await app.inject({ method: 'DELETE', url: path, headers: ACME })).statusCode).toBe(204);
    expect((await post({ measurement: M1, condition: 'true' })).statusCode).toBe(201);
  });

  it('refuses (400) a condition whose worst case cannot fit the evaluation budget, saying why', async () => {
    const { post } = await setup();
    const pattern = '[a-z]{0,200}'.repeat(12);
    const refused = await post({
      measurement: M1,
      condition: `matchRegexp("^${pattern}$", "x" + value[0].percentage)`,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatch(
      /regular expression too large: it compiles to up to \d+ instructions, at most 2000/,
    );
  });

  it('holds at most 100 triggers per account by default', async () => {
    const { post } = await setup();
    for (let i = 0; i < 100; i++) {
      expect(
        (await post({ measurement: M1, condition: `value[0].percentage > ${i}` })).statusCode,
      ).toBe(201);
    }
    expect((await post({ measurement: M1, condition: 'true' })).statusCode).toBe(409);
  });
});
