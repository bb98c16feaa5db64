/**
 * CTP client benchmark: crawl a ~10,000-resource provider served by our own CTP server over
 * HTTPS on loopback (pinned fingerprint), then re-sync with no change.
 * ours: resources/s of a full sync into an empty workspace (fetch, validate, store in
 * auditor.db).
 * baseline: resources/s of bare undici GETs of the same URLs with the same concurrency and
 * TLS settings (no validation, no storage), measured in the same run.
 * Both meet the same server: an untimed warm-up sync first fills the server's response
 * cache and warms both sides' code, so neither pays for the server's first reads alone.
 * Rounds alternate the two; the medians are reported, with CPU time (steadier than wall
 * time on a shared machine). Also: the requests of a no-change re-sync against the bound
 * 2 + 2 × service views.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Agent, buildConnector, request } from 'undici';

import type { SyncReport } from '../shared/client';
import { createCore } from '../electron/core/app';
import { createMemorySecretStore } from '../electron/core/client/secretStore';
import { createSyncService } from '../electron/core/client/syncService';
import { createVendorService } from '../electron/core/client/vendorService';
import { createVendorsRepository } from '../electron/core/client/vendorsRepository';
import { createLogger } from '../electron/core/logger';
import { openDatabase } from '../electron/core/store/database';
import { loadMigrations } from '../electron/core/store/loadMigrations';

const VIEWS = 10;
const ASSETS = 10;
const MEASUREMENTS = 98;
const CONCURRENCY = 8;

function provider() {
  return {
    name: 'Bench Cloud',
    annotation: '',
    provider: 'bench.example',
    metrics: [
      {
        id: 'pct',
        name: 'percentage',
        annotation: '',
        baseMetric: 'https://bench.example/metrics/pct',
        measurementParameters: [],
        resultFormat: [{ name: 'percentage', type: 'number' }],
      },
    ],
    serviceViews: Array.from({ length: VIEWS }, (_, v) => ({
      id: `sv${v}`,
      name: `view ${v}`,
      annotation: '',
      provider: 'bench.example',
      serviceClass: null,
      dependencies: [{ id: `dep${v}`, name: 'iaas', provider: 'iaas.example', dependencies: [] }],
      assets: Array.from({ length: ASSETS }, (_, a) => ({
        id: `a${v}-${a}`,
        name: `asset ${a}`,
        annotation: '',
        assetClass: '',
        attributes: [
          {
            id: `at${v}-${a}`,
            name: 'availability',
            annotation: '',
            measurements: Array.from({ length: MEASUREMENTS }, (_, m) => ({
              id: `m${v}-${a}-${m}`,
              name: '',
              annotation: '',
              metric: 'pct',
              userActivated: false,
              state: 'activated',
              triggersAllowed: false,
              objective: { condition: 'value[0].percentage >= 99' },
              result: {
                value: [{ percentage: 99 + (m % 10) / 10 }],
                updateTime: '2026-01-01T00:00:00Z',
                authorityId: null,
                signature: null,
              },
            })),
          },
        ],
      })),
    })),
    accounts: [
      {
        name: 'bench',
        token: 'bench-token-0123456789',
        serviceViews: Array.from({ length: VIEWS }, (_, v) => `sv${v}`),
      },
    ],
  };
}

const ROUNDS = 3;

const round = (value: number): number => Math.round(value * 100) / 100;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

interface Listening {
  ctpBase: string;
  fingerprint256: string | null;
}

interface Measured<T> {
  value: T;
  ms: number;
  cpuMs: number;
}

async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 };
}

/** An auditor.db of its own following the bench server as vendor `bench`. */
function openWorkspace(path: string, listening: Listening) {
  const db = openDatabase({ path, migrations: loadMigrations('auditor') });
  const repository = createVendorsRepository(db);
  const vendors = createVendorService({
    vendors: repository,
    secrets: createMemorySecretStore(),
    clock: () => new Date(),
  });
  vendors.add({
    name: 'bench',
    url: listening.ctpBase,
    token: 'bench-token-0123456789',
    trust: { kind: 'fingerprint', sha256: listening.fingerprint256 ?? '' },
  });
  const sync = createSyncService({
    db,
    vendors,
    repository,
    clock: () => new Date(),
    crawlLimits: { concurrency: CONCURRENCY },
    httpLimits: { connections: CONCURRENCY },
  });
  return { db, sync };
}

async function fullSync(workspace: ReturnType<typeof openWorkspace>) {
  const outcome = await workspace.sync.sync('bench');
  if (outcome.report.errors.length > 0)
    throw new Error(`sync errors: ${JSON.stringify(outcome.report.errors.slice(0, 3))}`);
  return outcome.report;
}

/** The baseline: the same URLs fetched bare with the same concurrency and TLS. */
async function bareGets(urls: string[]): Promise<void> {
  const agent = new Agent({
    connections: CONCURRENCY,
    connect: buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 }),
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < urls.length) {
        const url = urls[next++]!;
        const response = await request(url, {
          dispatcher: agent,
          headers: { authorization: 'Bearer bench-token-0123456789', accept: 'application/json' },
        });
        await response.body.text();
      }
    }),
  );
  await agent.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'client-bench-'));
  const core = await createCore({
    dataDir: join(dir, 'server'),
    mode: 'headless',
    logger: createLogger({ level: 'silent' }),
  });
  const workspaces: Array<ReturnType<typeof openWorkspace>> = [];
  const open = (): ReturnType<typeof openWorkspace> => {
    const workspace = openWorkspace(join(dir, `auditor-${workspaces.length}.db`), listening);
    workspaces.push(workspace);
    return workspace;
  };
  let listening: Listening = { ctpBase: '', fingerprint256: null };
  try {
    await core.provider.importer.importDocument(provider());
    listening = await core.serverHost.listen({
      host: '127.0.0.1',
      port: 0,
      tls: { mode: 'auto' },
      uiDir: null,
      ctpOptions: { rateLimit: null },
    });

    const warmUp = open();
    await fullSync(warmUp);
    const urls = warmUp.sync
      .workspace('bench')
      .resources()
      .filter((resource) => resource.kind !== 'entryPoint')
      .map((resource) => resource.url);

    const syncs: Array<Measured<SyncReport>> = [];
    const bares: Array<Measured<void>> = [];
    let resync: SyncReport | null = null;
    for (let index = 0; index < ROUNDS; index++) {
      const workspace = open();
      syncs.push(await measure(() => fullSync(workspace)));
      resync ??= (await workspace.sync.sync('bench')).report;
      bares.push(await measure(() => bareGets(urls)));
    }

    const first = syncs[0]!.value;
    const rates = syncs.map((item) => first.resources / (item.ms / 1000));
    const bareRates = bares.map((item) => urls.length / (item.ms / 1000));
    const ours = median(rates);
    const baseline = median(bareRates);
    // CPU per resource (server and client share this process): steadier on a busy machine.
    const cpuPerResource = median(syncs.map((item) => item.cpuMs)) / first.resources;
    const bareCpuPerResource = median(bares.map((item) => item.cpuMs)) / urls.length;
    const line = {
      name: 'client',
      ours: round(ours),
      baseline: round(baseline),
      unit: 'resources/s',
      ratio: round(ours / baseline),
      rounds: ROUNDS,
      oursRange: [round(Math.min(...rates)), round(Math.max(...rates))],
      baselineRange: [round(Math.min(...bareRates)), round(Math.max(...bareRates))],
      cpuRatio: round(bareCpuPerResource / cpuPerResource),
      cpuMsPerResource: round(cpuPerResource * 1000) / 1000,
      bareCpuMsPerResource: round(bareCpuPerResource * 1000) / 1000,
      resources: first.resources,
      requests: first.requests,
      fullSyncMs: round(median(syncs.map((item) => item.ms))),
      concurrency: CONCURRENCY,
      resyncRequests: resync?.requests,
      resyncBound: 2 + 2 * VIEWS,
      resyncMs: resync?.durationMs,
      goal: 500,
    };
    console.log(
      `full sync: ${line.resources} resources in ${line.fullSyncMs} ms = ${line.ours} resources/s (bare GETs ${line.baseline}/s, ×${line.ratio}; CPU ×${line.cpuRatio}); ` +
        `no-change re-sync: ${line.resyncRequests} requests (bound ${line.resyncBound})`,
    );
    console.log(`BENCH ${JSON.stringify(line)}`);
  } finally {
    for (const workspace of workspaces) workspace.db.close();
    await core.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
