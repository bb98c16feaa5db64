/**
 * OpenCTS on the provider side: `GET /cts` and `GET /cts/metrics` for 10 frameworks × 200
 * controls mapped to 2,000 measurements, against a bare Fastify route serving the same
 * bytes (goal: ours ≥ 0.5× its requests/s), and the recomputation after a publish that
 * changes a status (goal ≤ 10 ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createCtsProviderServices } from '../electron/core/cts/ctsModule';
import { createDispatcher, type ApiHandlers } from '../electron/core/dispatcher';
import { createEventBus } from '../electron/core/events';
import { buildServer } from '../electron/core/http/buildServer';
import { createLogger } from '../electron/core/logger';
import { createProviderServices } from '../electron/core/provider/services';
import { openDatabase } from '../electron/core/store/database';
import { loadMigrations } from '../electron/core/store/loadMigrations';
import { createSqliteStore } from '../electron/core/store/sqliteStore';
import { BENCH_TOKEN, benchProvider } from './benchProvider';
import { bare, compare, CONNECTIONS, originOf, round } from './httpLoad';

const FRAMEWORKS = 10;
const CONTROLS = 200;
const MEASUREMENTS = 2_000;

/** 2,000 measurements (every third fails its objective) and the mapping over them. */
function providerDocument() {
  const measurement = (i: number) => ({
    id: `m${i}`,
    metric: 'pct',
    objective: { condition: 'value[0].percentage >= 99.9' },
    result: {
      value: [{ percentage: i % 3 === 0 ? 99.5 : 99.95 }],
      updateTime: '2026-01-01T00:00:00Z',
    },
  });
  return {
    ...benchProvider(
      Array.from({ length: 20 }, (_, a) => ({
        id: `at${a}`,
        name: `attribute ${a}`,
        measurements: Array.from({ length: MEASUREMENTS / 20 }, (_, m) =>
          measurement(a * (MEASUREMENTS / 20) + m),
        ),
      })),
    ),
    compliance: {
      frameworks: Array.from({ length: FRAMEWORKS }, (_, f) => ({
        name: `Framework ${f}`,
        controls: Array.from({ length: CONTROLS }, (_, c) => {
          const k = f * CONTROLS + c;
          return {
            id: `F${f}.C${c}`,
            title: `Control ${c} of framework ${f}`,
            measurements: [`m${k % MEASUREMENTS}`, `m${(k + 1) % MEASUREMENTS}`],
            evidence_ref: `https://trust.example.com/evidence/${k}.pdf`,
          };
        }),
      })),
      evidence_refs: ['https://trust.example.com/reports/soc2.pdf'],
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cts-bench-'));
  const db = openDatabase({ path: join(dir, 'server.db'), migrations: loadMigrations('server') });
  try {
    const store = createSqliteStore(db);
    const services = createProviderServices({ store, clock: () => new Date() });
    await services.importer.importDocument(providerDocument());
    const cts = createCtsProviderServices({ dataDir: dir, clock: () => new Date(), store });
    const app = await buildServer({
      dispatcher: createDispatcher({} as ApiHandlers, () => false),
      events: createEventBus(() => undefined),
      logger: createLogger({ level: 'silent' }),
      adminToken: 'bench-admin-token-0123456789abcdef',
      uiDir: null,
      https: null,
      ctp: { services, rateLimit: null },
      cts: { ...cts, authenticate: services.accounts.authenticate, rateLimit: null },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const origin = originOf(app);
    const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
    const bodies: Record<string, string> = {};
    for (const path of ['/cts', '/cts/metrics']) {
      const response = await fetch(origin + path, { headers });
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      bodies[path] = await response.text();
    }
    const baseline = await bare(bodies);
    const baseOrigin = originOf(baseline);
    const telemetry = await compare(`${origin}/cts`, `${baseOrigin}/cts`, headers);
    const metrics = await compare(`${origin}/cts/metrics`, `${baseOrigin}/cts/metrics`, headers);
    await app.close();
    await baseline.close();

    // Recomputation after a publish that flips an objective (and so the content). Wall time
    // and this thread's CPU time: the machine is shared, CPU time is what the work costs.
    const recomputeMs: number[] = [];
    const recomputeCpuMs: number[] = [];
    for (let i = 0; i < 100; i++) {
      const before = (await cts.telemetry.snapshot()).etag;
      await services.publisher.publish(
        `m${i}`,
        JSON.stringify({ value: [{ percentage: i % 3 === 0 ? 99.99 : 90 }] }),
      );
      (globalThis as { gc?: () => void }).gc?.();
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      const after = await cts.telemetry.refresh();
      recomputeMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      const used = process.cpuUsage(cpu);
      recomputeCpuMs.push((used.user + used.system) / 1000);
      if (after.etag === before) throw new Error('the publish did not change the telemetry');
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    const line = {
      name: 'cts',
      ours: telemetry.ours.requestsPerSecond,
      baseline: telemetry.bare.requestsPerSecond,
      unit: 'req/s',
      ratio: round(telemetry.ratio),
      connections: CONNECTIONS,
      ctsBytes: Buffer.byteLength(bodies['/cts']!),
      ctsP99Ms: telemetry.ours.p99Ms,
      metricsOurs: metrics.ours.requestsPerSecond,
      metricsBaseline: metrics.bare.requestsPerSecond,
      metricsRatio: round(metrics.ratio),
      metricsBytes: Buffer.byteLength(bodies['/cts/metrics']!),
      recomputeMedianMs: round(median(recomputeMs)),
      recomputeCpuMedianMs: round(median(recomputeCpuMs)),
      recomputeMaxMs: round(Math.max(...recomputeMs)),
      errors:
        telemetry.ours.errors + telemetry.bare.errors + metrics.ours.errors + metrics.bare.errors,
    };
    console.log(
      `GET /cts (${line.ctsBytes} bytes): ours ${line.ours} req/s, bare Fastify ${line.baseline} req/s (×${line.ratio}); ` +
        `/cts/metrics (${line.metricsBytes} bytes): ours ${line.metricsOurs} req/s, bare ${line.metricsBaseline} req/s (×${line.metricsRatio}); ` +
        `recomputation after a publish: median ${line.recomputeMedianMs} ms (CPU ${line.recomputeCpuMedianMs} ms), max ${line.recomputeMaxMs} ms`,
    );
    console.log(`BENCH ${JSON.stringify(line)}`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
