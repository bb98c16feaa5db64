import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { createLogger } from '../../../electron/core/logger';
import { AppError } from '../../../shared/errors';
import { manualClock, sampleProvider } from '../../fixtures/provider';
import { startProsody, type ProsodyServer } from '../../fixtures/prosody';
import { startPeer, type XmppPeer } from '../../fixtures/xmppPeers';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
let prosody: ProsodyServer;
const open: Array<Core | XmppPeer> = [];

beforeAll(async () => {
  prosody = await startProsody(['provider:secret']);
});
afterAll(async () => {
  await prosody?.stop();
});
afterEach(async () => {
  for (const item of open.splice(0).reverse()) {
    await ('dispose' in item ? item.dispose() : item.stop());
  }
});

/** Our server with the sample provider, a notifier account, listening (so the notifier runs). */
async function providerServer() {
  const time = manualClock(new Date().toISOString());
  const core = await createCore({
    dataDir: tempDir(),
    mode: 'headless',
    logger: createLogger({ level: 'silent' }),
    clock: time.clock,
  });
  open.push(core);
  await core.provider.importer.importDocument(sampleProvider());
  await core.alerts.notifier.setAccount({
    jid: prosody.jid('provider'),
    password: 'secret\n',
    service: prosody.service,
    caPem: prosody.caPem,
  });
  const listening = await core.serverHost.listen({
    host: '127.0.0.1',
    port: 0,
    tls: { mode: 'off' },
    uiDir: null,
  });
  const trigger = async (notification: string, condition = 'value[0].percentage < 99') =>
    (
      await core.provider.triggers.create('sv1', {
        measurement: `${listening.ctpBase}measurements/m1`,
        condition,
        notification,
        guardTime: 0,
      })
    ).trigger;
  const publish = async (percentage: number) => {
    time.advance(1000);
    return core.provider.publisher.publish('m1', JSON.stringify({ value: [{ percentage }] }));
  };
  const outbox = () => core.alerts.notifier.outbox({ limit: 1000 });
  return { core, listening, trigger, publish, outbox };
}

describe('the notifier following the server', () => {
  it('stays stopped when stopped while its code still loads (the app closing as the server starts)', async () => {
    const core = await createCore({
      dataDir: tempDir(),
      mode: 'headless',
      logger: createLogger({ level: 'silent' }),
    });
    open.push(core);
    const starting = core.alerts.notifier.start('http://127.0.0.1:1/ctp/');
    await core.alerts.notifier.stop();
    await starting;
    expect(core.alerts.notifier.running).toBe(false);
  });
});

let users = 0;
/** A new account, so that no test receives what an earlier one left in offline storage. */
async function freshUser(): Promise<string> {
  const user = `user${++users}`;
  await prosody.register(user, 'secret');
  return user;
}

async function peer(user: string): Promise<XmppPeer> {
  const started = await startPeer(prosody, user);
  open.push(started);
  return started;
}

describe('the notifier (provider side, CTP 4.2.7.1, XEP-0198)', () => {
  it("sends one chat message per alert to the trigger's JID, whose body is the log entry as GET returns it", async () => {
    const user = await freshUser();
    const alice = await peer(user);
    const { trigger, publish, listening, outbox } = await providerServer();
    await trigger(`xmpp:${user}@localhost`);
    const outcome = await publish(98.5);
    const [alert] = outcome.alerts;
    const [message] = await alice.waitForMessages(1);
    expect(message!.attrs).toMatchObject({ type: 'chat', id: `ctp-log-${alert!.logId}` });
    expect(message!.attrs.from).toMatch(/^provider@localhost\//);
    const self = `${listening.ctpBase}logs/${alert!.logId}`;
    const answer = await fetch(self, { headers: { authorization: 'Bearer acme-secret-token' } });
    expect(message!.getChildText('body')).toBe(await answer.text());
    expect(JSON.parse(message!.getChildText('body')!)).toMatchObject({
      self,
      result: { value: [{ percentage: 98.5 }] },
    });
    // Marked sent once the server acknowledged the stanza.
    await expect.poll(async () => (await outbox())[0]?.state, { timeout: 10_000 }).toBe('sent');
    const [row] = await outbox();
    expect(row).toMatchObject({
      logId: alert!.logId,
      attempts: 1,
      failedAt: null,
      lastError: null,
    });
  });

  it('marks a message the server refuses for good as failed with the reason, without retrying it', async () => {
    const user = await freshUser();
    const alice = await peer(user);
    const { core, trigger, publish, outbox } = await providerServer();
    await trigger('xmpp:nobody@localhost');
    await trigger('xmpp:someone@remote.example');
    await trigger(`xmpp:${user}@localhost`);
    await publish(97);
    await alice.waitForMessages(1);
    await expect
      .poll(async () => (await outbox()).map((row) => row.state).sort(), { timeout: 10_000 })
      .toEqual(['failed', 'failed', 'sent']);
    const rows = await outbox();
    const byTarget = Object.fromEntries(rows.map((row) => [row.notification, row]));
    expect(byTarget['xmpp:nobody@localhost']!.lastError).toMatch(/service-unavailable/);
    expect(byTarget['xmpp:someone@remote.example']!.lastError).toMatch(
      /not-allowed.*remote domains/,
    );
    expect(byTarget[`xmpp:${user}@localhost`]!.state).toBe('sent');
    for (const row of rows) expect(row.attempts).toBe(1);
    const status = await core.alerts.notifier.status();
    expect(status).toMatchObject({
      jid: 'provider@localhost',
      state: 'online',
      outbox: { queued: 0, sent: 1, failed: 2 },
    });
    expect(status.recentFailures).toHaveLength(2);
  });

  it('sends a failed notification once retried, after its recipient exists', async () => {
    const user = `late${++users}`;
    const { core, trigger, publish, outbox } = await providerServer();
    await trigger(`xmpp:${user}@localhost`);
    await publish(97);
    await expect.poll(async () => (await outbox())[0]?.state, { timeout: 10_000 }).toBe('failed');
    const [row] = await outbox();
    expect(row!.lastError).toMatch(/service-unavailable/);

    await prosody.register(user, 'secret');
    const recipient = await peer(user);
    expect(await core.alerts.notifier.retry([row!.seq])).toEqual([row!.seq]);
    const [message] = await recipient.waitForMessages(1);
    expect(message!.attrs.id).toBe(`ctp-log-${row!.logId}`);
    await expect.poll(async () => (await outbox())[0]?.state, { timeout: 10_000 }).toBe('sent');
    expect((await outbox())[0]).toMatchObject({ seq: row!.seq, attempts: 1 });
  });

  it('keeps the order of each trigger across a burst', async () => {
    const user = await freshUser();
    const bob = await peer(user);
    const { trigger, publish, outbox } = await providerServer();
    await trigger(`xmpp:${user}@localhost`);
    const logIds: string[] = [];
    for (let index = 0; index < 40; index++) {
      const outcome = await publish(90 + (index % 5));
      logIds.push(outcome.alerts[0]!.logId);
    }
    const messages = await bob.waitForMessages(40);
    expect(messages.map((message) => message.attrs.id)).toEqual(
      logIds.map((id) => `ctp-log-${id}`),
    );
    await expect
      .poll(async () => (await outbox()).every((row) => row.state === 'sent'), { timeout: 10_000 })
      .toBe(true);
  });

  it('queues while the XMPP server is down and sends everything once it is back', async () => {
    const user = await freshUser();
    const { core, trigger, publish, outbox } = await providerServer();
    await trigger(`xmpp:${user}@localhost`);
    await expect
      .poll(async () => (await core.alerts.notifier.status()).state, { timeout: 20_000 })
      .toBe('online');
    await prosody.pause();
    try {
      for (const percentage of [91, 92, 93]) await publish(percentage);
      expect((await core.alerts.notifier.status()).outbox.queued).toBe(3);
    } finally {
      await prosody.resume();
    }
    await expect
      .poll(async () => (await outbox()).filter((row) => row.state === 'sent').length, {
        timeout: 45_000,
        interval: 200,
      })
      .toBe(3);
    const alice = await peer(user);
    const bodies = (await alice.waitForMessages(3)).map(
      (message) => JSON.parse(message.getChildText('body')!).result.value[0].percentage,
    );
    expect(bodies).toEqual([91, 92, 93]);
  }, 90_000);

  it('sends a test message: acknowledged for a known account, refused for an unknown one', async () => {
    const user = await freshUser();
    const alice = await peer(user);
    const { core } = await providerServer();
    await expect(core.alerts.notifier.test(`${user}@localhost`)).resolves.toEqual({
      from: 'provider@localhost',
      to: `${user}@localhost`,
      acknowledged: true,
    });
    const [message] = await alice.waitForMessages(1);
    expect(message!.getChildText('body')).toMatch(
      /^Trust Auditor notifier test from provider@localhost/,
    );
    const refused = await core.alerts.notifier
      .test('nobody@localhost')
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'ALERTS_NOTIFICATION_REFUSED' });
    const wrong = await core.alerts.notifier
      .setAccount({
        jid: 'provider@localhost',
        password: 'wrong',
        service: prosody.service,
        caPem: prosody.caPem,
      })
      .then(() => core.alerts.notifier.test(`${user}@localhost`))
      .catch((error: unknown) => error);
    expect(wrong).toMatchObject({
      code: 'ALERTS_XMPP_FAILED',
      message: expect.stringMatching(/not-authorized/),
    });
  });
});
