/**
 * Alerts benchmark: a result published on our CTP server → the trigger's alert stored in
 * the auditor's workspace, over a real Prosody on loopback (notifier → XMPP → listener →
 * auditor.db), both apps in this process.
 * - latency: publish → `alerts.onDidReceive` for that log entry, one alert at a time,
 *   p50/p99 (goal p99 < 500 ms);
 * - burst: 1,000 alerts published back to back, delivered none lost and none duplicated,
 *   as alerts/s (ours) against bare @xmpp/client messages of the same size between the
 *   same two accounts in the same run (baseline; goal ratio ≥ 0.5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { client, xml } from '@xmpp/client';

import { createCore } from '../electron/core/app';
import { createLogger } from '../electron/core/logger';
import type { AlertEvent } from '../shared/alerts';
import { manualClock, sampleProvider } from '../test/fixtures/provider';
import { startProsody, type ProsodyServer } from '../test/fixtures/prosody';

const LATENCY_SAMPLES = Number(process.env.BENCH_ALERTS_SAMPLES ?? 100);
const BURST = 1000;
const quiet = () => createLogger({ level: 'silent' });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function setup(prosody: ProsodyServer, dirs: string[]) {
  const dir = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'alerts-bench-'));
    dirs.push(made);
    return made;
  };
  // A clock one second ahead per publish: with guard time 0 every publish fires (CTP 5.3.2).
  const time = manualClock(new Date().toISOString());
  const vendor = await createCore({
    dataDir: dir(),
    mode: 'headless',
    logger: quiet(),
    clock: time.clock,
  });
  await vendor.provider.importer.importDocument(sampleProvider());
  await vendor.alerts.notifier.setAccount({
    jid: prosody.jid('provider'),
    password: 'secret',
    service: prosody.service,
  });
  const listen = (port: number) =>
    vendor.serverHost.listen({ host: '127.0.0.1', port, tls: { mode: 'off' }, uiDir: null });
  const { ctpBase, origin } = await listen(0);
  const port = Number(new URL(origin).port);
  vendor.provider.triggers.create('sv1', {
    measurement: `${ctpBase}measurements/m1`,
    condition: 'value[0].percentage < 99',
    notification: 'xmpp:auditor@localhost',
    guardTime: 0,
  });
  const auditor = await createCore({ dataDir: dir(), mode: 'headless', logger: quiet() });
  auditor.client.vendors.add({ name: 'acme', url: ctpBase, token: 'acme-secret-token' });
  await auditor.client.sync.sync('acme');
  await auditor.alerts.inbox.setAccount({
    jid: prosody.jid('auditor'),
    password: 'secret',
    service: prosody.service,
  });
  const listener = await auditor.alerts.inbox.listener();
  await listener.start();
  await listener.caughtUp();
  const arrived = new Map<string, number>();
  let events = 0;
  auditor.events.subscribe((message) => {
    if (message.name !== 'alerts.onDidReceive') return;
    const { alert } = message.payload as AlertEvent;
    events++;
    if (alert.logUrl !== null && !arrived.has(alert.logUrl))
      arrived.set(alert.logUrl, performance.now());
  });
  let notifierOnline = false;
  const watchNotifier = async (): Promise<void> => {
    notifierOnline = false;
    while (!notifierOnline) {
      notifierOnline = (await vendor.alerts.notifier.status()).state === 'online';
      if (!notifierOnline) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  let step = 0;
  const publish = async (): Promise<string> => {
    time.advance(1000);
    const outcome = await vendor.provider.publisher.publish(
      'm1',
      JSON.stringify({ value: [{ percentage: 90 + (step++ % 9) }] }),
    );
    return `${ctpBase}logs/${outcome.alerts[0]!.logId}`;
  };
  return {
    vendor,
    auditor,
    publish,
    arrived,
    events: () => events,
    // The notifier runs while the server listens: stopping it queues the burst in the outbox.
    stopNotifier: () => vendor.serverHost.close(),
    startNotifier: async () => {
      await listen(port);
      void watchNotifier();
    },
    notifierOnline: () => notifierOnline,
  };
}

async function measureOurs(prosody: ProsodyServer, dirs: string[]) {
  const app = await setup(prosody, dirs);
  const latencies: number[] = [];
  try {
    for (let index = 0; index < LATENCY_SAMPLES; index++) {
      const start = performance.now();
      const url = await app.publish();
      await waitUntil(() => app.arrived.has(url), 10_000, 'an alert');
      latencies.push(app.arrived.get(url)! - start);
    }
    const before = app.arrived.size;
    const eventsBefore = app.events();
    // The burst: 1,000 alerts queued, then delivered (the same work as the baseline's).
    await app.stopNotifier();
    const urls: string[] = [];
    for (let index = 0; index < BURST; index++) urls.push(await app.publish());
    await app.startNotifier();
    // From the moment the notifier is logged in (the baseline's login is not timed either).
    await waitUntil(() => app.notifierOnline(), 30_000, 'the notifier to log in');
    const start = performance.now();
    await waitUntil(() => urls.every((url) => app.arrived.has(url)), 120_000, 'the burst');
    const seconds = (Math.max(...urls.map((url) => app.arrived.get(url)!)) - start) / 1000;
    // Duplicates would be second events for one entry; lost ones would never arrive.
    const duplicates = app.events() - eventsBefore - (app.arrived.size - before);
    const stored = app.auditor.alerts.inbox.repository.list({ limit: 5000 }).total;
    latencies.sort((a, b) => a - b);
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      rate: BURST / seconds,
      lost: BURST - urls.filter((url) => app.arrived.has(url)).length,
      duplicates,
      stored,
    };
  } finally {
    await app.auditor.dispose();
    await app.vendor.dispose();
  }
}

/** Bare xmpp.js: the same accounts, messages of an alert's size, to the listening resource. */
async function measureBaseline(prosody: ProsodyServer, body: string): Promise<number> {
  const account = (user: string, resource: string) =>
    client({
      service: prosody.service,
      domain: 'localhost',
      username: user,
      password: 'secret',
      resource,
    });
  const sender = account('provider', 'bench-sender');
  const receiver = account('auditor', 'bench-receiver');
  for (const entity of [sender, receiver]) entity.on('error', () => undefined);
  let received = 0;
  receiver.on('stanza', (stanza) => {
    if (stanza.is('message') && stanza.getChild('body') !== undefined) received++;
  });
  await Promise.all([sender.start(), receiver.start()]);
  await receiver.send(xml('presence'));
  try {
    const to = 'auditor@localhost/bench-receiver';
    const start = performance.now();
    for (let index = 0; index < BURST; index++) {
      await sender.send(
        xml('message', { to, type: 'chat', id: `b${index}` }, xml('body', {}, body)),
      );
    }
    await waitUntil(() => received >= BURST, 120_000, 'the baseline burst');
    return BURST / ((performance.now() - start) / 1000);
  } finally {
    await Promise.allSettled([sender.stop(), receiver.stop()]);
  }
}

async function main(): Promise<void> {
  // Plain XMPP on loopback for both runs: the baseline's client() cannot be given a CA.
  const prosody = await startProsody(['provider:secret', 'auditor:secret'], { plain: true });
  const dirs: string[] = [];
  try {
    const ours = await measureOurs(prosody, dirs);
    const sample = JSON.stringify({
      self: 'http://127.0.0.1:40000/ctp/logs/AAAAAAAAAAAAAAAAAAAAAA',
      scope: 'http://127.0.0.1:40000/ctp/serviceViews/sv1',
      trigger: 'http://127.0.0.1:40000/ctp/triggers/AAAAAAAAAAAAAAAAAAAAAA',
      creationTime: new Date().toISOString(),
      result: {
        value: [{ percentage: 91 }],
        updateTime: new Date().toISOString(),
        authorityId: null,
        signature: null,
      },
      tags: [],
    });
    const baseline = await measureBaseline(prosody, sample);
    console.log(
      `latency p50 ${ours.p50.toFixed(1)} ms, p99 ${ours.p99.toFixed(1)} ms over ${LATENCY_SAMPLES} alerts (goal p99 < 500 ms)`,
    );
    console.log(
      `burst of ${BURST}: ${ours.rate.toFixed(0)} alerts/s stored (lost ${ours.lost}, duplicated ${ours.duplicates}, ${ours.stored} in the inbox); bare @xmpp/client ${baseline.toFixed(0)} messages/s`,
    );
    const line = {
      name: 'alerts',
      ours: Math.round(ours.rate),
      baseline: Math.round(baseline),
      unit: 'alerts/s',
      ratio: Number((ours.rate / baseline).toFixed(3)),
      p50Ms: Number(ours.p50.toFixed(1)),
      p99Ms: Number(ours.p99.toFixed(1)),
      lost: ours.lost,
      duplicates: ours.duplicates,
    };
    console.log(`BENCH ${JSON.stringify(line)}`);
    if (ours.lost > 0 || ours.duplicates > 0) process.exitCode = 1;
  } finally {
    await prosody.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
