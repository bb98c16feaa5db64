/**
 * CTP client benchmark (issue 6): crawl a ~10,000-resource provider served by our own CTP
 * server over HTTPS on loopback (pinned fingerprint), then re-sync with no change.
 * ours: resources/s of a full sync (fetch, validate, store in auditor.db).
 * baseline: resources/s of bare undici GETs of the same URLs with the same concurrency and
 * TLS settings (no validation, no storage), measured in the same run.
 * Also: the requests of a no-change re-sync against the bound 2 + 2 × service views.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Agent, buildConnector, request } from 'undici';

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

const round = (value: number): number => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'client-bench-'));
  const core = await createCore({
    dataDir: join(dir, 'server'),
    mode: 'headless',
    logger: createLogger({ level: 'silent' }),
  });
  const db = openDatabase({
    path: join(dir, 'auditor', 'auditor.db'),
    migrations: loadMigrations('auditor'),
  });
  try {
    await core.provider.importer.importDocument(provider());
    const listening = await core.serverHost.listen({
      host: '127.0.0.1',
      port: 0,
      tls: { mode: 'auto' },
      uiDir: null,
      ctpOptions: { rateLimit: null },
    });
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

    const started = process.hrtime.bigint();
    const first = await sync.sync('bench');
    const fullMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (first.report.errors.length > 0)
      throw new Error(`sync errors: ${JSON.stringify(first.report.errors.slice(0, 3))}`);
    const ours = first.report.resources / (fullMs / 1000);

    const resync = await sync.sync('bench');

    // Baseline: the same resource URLs, fetched bare with the same concurrency and TLS.
    const urls = sync
      .workspace('bench')
      .resources()
      .filter((resource) => resource.kind !== 'entryPoint')
      .map((resource) => resource.url);
    const agent = new Agent({
      connections: CONCURRENCY,
      connect: buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 }),
    });
    const baselineStarted = process.hrtime.bigint();
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
    const baselineMs = Number(process.hrtime.bigint() - baselineStarted) / 1e6;
    await agent.close();
    const baseline = urls.length / (baselineMs / 1000);

    const line = {
      name: 'client',
      ours: round(ours),
      baseline: round(baseline),
      unit: 'resources/s',
      ratio: round(ours / baseline),
      resources: first.report.resources,
      requests: first.report.requests,
      fullSyncMs: round(fullMs),
      concurrency: CONCURRENCY,
      resyncRequests: resync.report.requests,
      resyncBound: 2 + 2 * VIEWS,
      resyncMs: resync.report.durationMs,
      goal: 500,
    };
    console.log(
      `full sync: ${line.resources} resources in ${line.fullSyncMs} ms = ${line.ours} resources/s (bare GETs ${line.baseline}/s, ×${line.ratio}); ` +
        `no-change re-sync: ${line.resyncRequests} requests (bound ${line.resyncBound})`,
    );
    console.log(`BENCH ${JSON.stringify(line)}`);
  } finally {
    db.close();
    await core.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
