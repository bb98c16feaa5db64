import { afterEach, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { createLogger } from '../../../electron/core/logger';
import { sampleProvider } from '../../fixtures/provider';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const open: Core[] = [];
afterEach(async () => {
  for (const core of open.splice(0).reverse()) await core.dispose();
});

async function core(): Promise<Core> {
  const opened = await createCore({
    dataDir: tempDir(),
    mode: 'headless',
    logger: createLogger({ level: 'silent' }),
  });
  open.push(opened);
  return opened;
}

/** Our server as the vendor, and an auditor's workspace that follows it (synced). */
async function setup() {
  const vendor = await core();
  await vendor.provider.importer.importDocument(sampleProvider());
  const { ctpBase } = await vendor.serverHost.listen({
    host: '127.0.0.1',
    port: 0,
    tls: { mode: 'off' },
    uiDir: null,
  });
  const auditor = await core();
  auditor.client.vendors.add({ name: 'acme', url: ctpBase, token: 'acme-secret-token' });
  await auditor.client.sync.sync('acme');
  // The history the workspace keeps (one result per sync): 99.95 (import), then these.
  for (const percentage of [98, 99.5, 97, 96, 99.99]) {
    await vendor.provider.publisher.publish('m1', JSON.stringify({ value: [{ percentage }] }));
    await auditor.client.sync.sync('acme');
  }
  await auditor.alerts.inbox.account.set({
    jid: 'me@xmpp.example',
    service: null,
    caPem: null,
    updatedAt: new Date().toISOString(),
  });
  return { vendor, auditor, ctpBase, triggers: await auditor.alerts.triggers() };
}

describe('triggers on a vendor (CTP 5.2.14-5.2.17, auditor side)', () => {
  it('lists the measurements a trigger may watch, with their result fields', async () => {
    const { triggers, ctpBase } = await setup();
    const targets = triggers.targets('acme');
    expect(
      targets.find((target) => target.measurementUrl === `${ctpBase}measurements/m1`),
    ).toMatchObject({
      name: 'availability',
      path: 'https://api.example.com › availability',
      resultFields: [{ name: 'percentage', type: 'number' }],
      objective: 'value[0].percentage >= 99.9',
      triggersAllowed: true,
      historyLength: 6,
    });
    expect(targets.find((target) => target.measurementUrl.endsWith('/scan'))?.triggersAllowed).toBe(
      false,
    );
  });

  it('previews a condition over the kept history with the guard time (CTP 5.3.2)', async () => {
    const { triggers, ctpBase } = await setup();
    const measurement = `${ctpBase}measurements/m1`;
    const preview = (condition: string, guardTime = 0) =>
      triggers.preview({ vendor: 'acme', measurement, condition, guardTime });
    // 99.95, 98, 99.5, 97, 96, 99.99: below 99 three times (98, 97, 96).
    expect(preview('value[0].percentage < 99')).toMatchObject({
      latest: { outcome: 'false', error: null },
      wouldHaveFired: 3,
      errors: 0,
      evaluated: 6,
    });
    // A guard time longer than the whole history: once true, the trigger is not evaluated
    // again within it (it does not even go back to false), so one alert.
    expect(preview('value[0].percentage < 99', 3600)).toMatchObject({
      wouldHaveFired: 1,
      evaluated: 2,
    });
    expect(preview('value[3].x > 1')).toMatchObject({
      latest: { outcome: 'error' },
      wouldHaveFired: 1,
      errors: 1,
      evaluated: 1,
    });
  });

  it('creates a trigger notifying the alerts account by default, lists it and deletes it', async () => {
    const { triggers, ctpBase, vendor } = await setup();
    const created = await triggers.create({
      vendor: 'acme',
      measurement: `${ctpBase}measurements/m1`,
      condition: 'value[0].percentage < 99.9',
      name: 'uptime',
      guardTime: 60,
      tags: ['sla'],
    });
    expect(created).toMatchObject({
      url: expect.stringMatching(new RegExp(`^${ctpBase}triggers/`)),
      notification: 'xmpp:me@xmpp.example',
      guardTime: 60,
      tags: ['sla'],
      status: 'false',
    });
    expect(await vendor.provider.repositories.trigger(created.url.split('/').pop()!)).toMatchObject(
      {
        condition: 'value[0].percentage < 99.9',
      },
    );
    const { triggers: listed } = await triggers.list('acme');
    expect(listed.map((item) => item.url)).toContain(created.url);
    await triggers.remove('acme', created.url);
    expect((await triggers.list('acme')).triggers).toEqual([]);
    await expect(triggers.remove('acme', created.url)).rejects.toMatchObject({
      code: 'TRIGGER_REFUSED',
      message: expect.stringMatching(/HTTP 404/),
    });
  });

  it('checks a draft before anything is sent', async () => {
    const { triggers, ctpBase, vendor } = await setup();
    const draft = { vendor: 'acme', measurement: `${ctpBase}measurements/m1`, condition: 'true' };
    await expect(
      triggers.create({ ...draft, condition: 'matchRegex(value[0].x, "a")' }),
    ).rejects.toMatchObject({
      code: 'TRIGGER_INVALID',
      message: expect.stringMatching(/1:1: .*did you mean matchRegexp\?/),
    });
    await expect(
      triggers.create({ ...draft, measurement: `${ctpBase}measurements/scan` }),
    ).rejects.toMatchObject({
      code: 'TRIGGER_INVALID',
      message: expect.stringMatching(/allows no triggers/),
    });
    await expect(
      triggers.create({ ...draft, notification: 'xmpp:server.only' }),
    ).rejects.toMatchObject({
      code: 'TRIGGER_INVALID',
    });
    await expect(
      triggers.create({ ...draft, measurement: 'https://elsewhere.example/ctp/measurements/m1' }),
    ).rejects.toMatchObject({
      code: 'TRIGGER_INVALID',
      message: expect.stringMatching(/vendor sync acme/),
    });
    expect((await vendor.provider.counts.counts()).triggers).toBe(0);
  });
});
