import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../../electron/core/app';
import type { AlertEvent } from '../../../shared/alerts';
import { alertsApps } from '../../fixtures/alertsApps';
import { startProsody, type ProsodyServer } from '../../fixtures/prosody';
import { startPeer, xml, type XmppPeer } from '../../fixtures/xmppPeers';
import { useTempDirs } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';

const tempDir = useTempDirs();
let prosody: ProsodyServer;
const open: Array<Core | XmppPeer> = [];

beforeAll(async () => {
  // The archive on (XEP-0313): the catch-up reads it besides offline storage.
  prosody = await startProsody(['provider:secret', 'mallory:secret'], { mam: true });
});
afterAll(async () => {
  await prosody?.stop();
});
afterEach(async () => {
  for (const item of open.splice(0).reverse()) {
    await ('dispose' in item ? item.dispose() : item.stop());
  }
});

const { vendorServer, auditor, freshUser } = alertsApps(() => prosody, tempDir, open);

async function mallory(): Promise<XmppPeer> {
  const peer = await startPeer(prosody, 'mallory');
  open.push(peer);
  return peer;
}

describe('the listener and the inbox (auditor side)', () => {
  it('stores an alert per log entry, matched to the vendor, whatever way it comes', async () => {
    const vendor = await vendorServer();
    const user = await freshUser();
    vendor.trigger(`xmpp:${user}@localhost`, { name: 'uptime' });
    const workspace = await auditor(tempDir(), vendor.ctpBase, user);
    const outcome = await vendor.publish(97.5);
    await waitFor(() => workspace.received.length === 1, 20_000);
    const [{ alert, unread }] = workspace.received as [AlertEvent];
    const self = `${vendor.ctpBase}logs/${outcome.alerts[0]!.logId}`;
    const answer = await fetch(self, { headers: { authorization: 'Bearer acme-secret-token' } });
    expect(alert.body).toBe(await answer.text());
    expect(alert).toMatchObject({
      origin: 'vendor',
      vendor: 'acme',
      kind: 'normal',
      logUrl: self,
      channel: 'xmpp',
      sender: 'provider@localhost',
      read: false,
      confirmed: false,
      result: { value: [{ percentage: 97.5 }] },
    });
    expect(unread).toBe(1);
    // The vendor's own logs hold the same entry: a sync confirms it, no second alert.
    await workspace.core.client.sync.sync('acme');
    workspace.core.alerts.inbox.importSynced();
    const page = workspace.list();
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      confirmed: true,
      triggerName: 'uptime',
      condition: 'value[0].percentage < 99',
    });
  });

  it('keeps one alert for duplicate deliveries and keeps hostile stanzas apart, nothing lost', async () => {
    const vendor = await vendorServer();
    const user = await freshUser();
    const workspace = await auditor(tempDir(), vendor.ctpBase, user);
    const sender = await mallory();
    const to = `${user}@localhost`;
    const send = (body: string, id?: string) =>
      sender.send(
        xml('message', { to, type: 'chat', ...(id ? { id } : {}) }, xml('body', {}, body)),
      );
    const entry = (self: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        self,
        scope: `${vendor.ctpBase}serviceViews/sv1`,
        trigger: `${vendor.ctpBase}triggers/t1`,
        creationTime: '2026-05-01T00:00:00Z',
        result: { value: [{ percentage: 1 }], updateTime: '2026-05-01T00:00:00Z' },
        tags: [],
        ...extra,
      });
    const logUrl = `${vendor.ctpBase}logs/forged1`;
    await send(entry(logUrl), 'dup-1');
    await send(entry(logUrl), 'dup-2');
    await send('not json at all <b>', 'bad-1');
    await send('x'.repeat(150 * 1024), 'huge-1');
    await send(JSON.stringify({ self: 12, tags: 'no' }), 'shape-1');
    await send(
      entry('https://evil.example/ctp/logs/x', {
        scope: 'https://evil.example/ctp/serviceViews/v',
        trigger: 'https://evil.example/ctp/triggers/t',
        tags: ['<img src=x onerror=alert(1)>'],
      }),
      'foreign-1',
    );
    await send(entry(`${vendor.ctpBase}logs/both`, { error: 'and a result' }), 'both-1');
    await send(entry(`${vendor.ctpBase}logs/after`), 'after-1');
    await waitFor(
      () => workspace.list().items.some((item) => item.logUrl === `${vendor.ctpBase}logs/after`),
      20_000,
    );
    const items = workspace.list().items;
    expect(items.filter((item) => item.logUrl === logUrl)).toHaveLength(1);
    const byOrigin = (origin: string) => items.filter((item) => item.origin === origin);
    expect(
      byOrigin('vendor')
        .map((item) => item.logUrl)
        .sort(),
    ).toEqual([logUrl, `${vendor.ctpBase}logs/after`].sort());
    expect(byOrigin('unknown')).toHaveLength(1);
    expect(byOrigin('unknown')[0]).toMatchObject({
      sender: 'mallory@localhost',
      tags: ['<img src=x onerror=alert(1)>'],
      problem: expect.stringMatching(/no followed vendor serves https:\/\/evil\.example/),
    });
    const problems = byOrigin('malformed').map((item) => item.problem);
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/not a CTP log entry: malformed JSON/),
        expect.stringMatching(/more than 131072/),
        expect.stringMatching(/not a CTP log entry/),
        expect.stringMatching(/not both or neither/),
      ]),
    );
    const huge = byOrigin('malformed').find((item) => /more than/.test(item.problem ?? ''));
    expect(huge!.body).toHaveLength(4096);
    // Every stored message is announced (the app's live list and notifications).
    await waitFor(() => workspace.received.length === items.length);
  });

  it('catches up after being offline: offline storage, the archive and a logs sync', async () => {
    const vendor = await vendorServer();
    const user = await freshUser();
    vendor.trigger(`xmpp:${user}@localhost`);
    // A trigger without notification: its alerts reach the auditor through the logs only.
    vendor.trigger('', { condition: 'value[0].percentage < 97.5' });
    const dataDir = tempDir();
    const first = await auditor(dataDir, vendor.ctpBase, user);
    await first.core.dispose();
    open.splice(open.indexOf(first.core), 1);
    // While the app is closed: one alert is delivered to another client of the same account
    // (only the archive has it for us)…
    const phone = await startPeer(prosody, user);
    open.push(phone);
    await vendor.publish(97);
    await phone.waitForMessages(1);
    await phone.stop();
    // …and one goes to offline storage.
    await vendor.publish(98);
    await expect
      .poll(async () => (await vendor.core.alerts.notifier.status()).outbox.sent, {
        timeout: 10_000,
      })
      .toBe(2);
    const again = await auditor(dataDir, null, user);
    const items = again.list().items.filter((item) => item.origin === 'vendor');
    const seen = items.map((item) => [item.result?.value, item.channel]);
    expect(seen).toEqual(
      expect.arrayContaining([
        [[{ percentage: 98 }], 'xmpp'],
        [[{ percentage: 97 }], 'archive'],
        [[{ percentage: 97 }], 'sync'],
      ]),
    );
    expect(items).toHaveLength(3);
    expect(items.every((item) => item.confirmed)).toBe(true);
    expect(again.list().unread).toBe(3);
    const status = await again.core.alerts.inbox.listenerStatus();
    expect(status).toMatchObject({ state: 'online', archive: true });
    expect(status.caughtUpAt).not.toBeNull();
  });
});
