/**
 * The embedded CTP server under load: GET a measurement and a 500-item collection page at
 * 50 connections, against a bare Fastify route returning the same bytes, in the same run
 * (goal: ours >= 0.5x its requests/s; p99 latency reported); and publishing one result to
 * a measurement with 1,000 triggers (goal <= 50 ms), the conditions evaluated before the
 * write lock is taken (decisions.md "CTP server"). autocannon generates the load from a
 * worker thread (this machine has two cores: one for the server under test, one for the
 * load).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createProviderServices } from '../electron/core/provider/services';
import { createDispatcher, type ApiHandlers } from '../electron/core/dispatcher';
import { createEventBus } from '../electron/core/events';
import { createLogger } from '../electron/core/logger';
import { buildServer } from '../electron/core/http/buildServer';
import { openDatabase } from '../electron/core/store/database';
import { loadMigrations } from '../electron/core/store/loadMigrations';
import { createSqliteStore } from '../electron/core/store/sqliteStore';
import { BENCH_MEASUREMENTS, BENCH_TOKEN, benchProvider } from './benchProvider';
import { bare, compare, CONNECTIONS, originOf, round } from './httpLoad';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ctp-bench-'));
  const db = openDatabase({ path: join(dir, 'server.db'), migrations: loadMigrations('server') });
  try {
    const services = createProviderServices({
      store: createSqliteStore(db),
      clock: () => new Date(),
    });
    await services.importer.importDocument(
      benchProvider(
        Array.from({ length: 500 }, (_, i) => ({
          id: `at${i}`,
          name: `attribute ${i}`,
          measurements: i === 0 ? BENCH_MEASUREMENTS : [],
        })),
      ),
    );
    const app = await buildServer({
      dispatcher: createDispatcher({} as ApiHandlers, () => false),
      events: createEventBus(() => undefined),
      logger: createLogger({ level: 'silent' }),
      adminToken: 'bench-admin-token-0123456789abcdef',
      uiDir: null,
      https: null,
      ctp: { services, rateLimit: null },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const origin = originOf(app);
    const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
    const paths = {
      measurement: '/ctp/measurements/m1',
      page: '/ctp/assets/a1/attributes?page=0&items=500',
    };
    const bodies: Record<string, string> = {};
    for (const [key, path] of Object.entries(paths)) {
      const response = await fetch(origin + path, { headers });
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      bodies[key] = await response.text();
    }
    const baseline = await bare({ '/measurement': bodies.measurement!, '/page': bodies.page! });
    const baseOrigin = originOf(baseline);

    const measurement = await compare(
      origin + paths.measurement,
      baseOrigin + '/measurement',
      headers,
    );
    const page = await compare(origin + paths.page, baseOrigin + '/page', headers);
    await app.close();
    await baseline.close();

    // Publishing to a measurement with 1,000 triggers (half of the results alert on all).
    for (let i = 0; i < 1000; i++) {
      await services.triggers.create('sv', {
        measurement: 'https://bench/ctp/measurements/m2',
        condition: 'value[0].percentage < 50',
        notification: 'xmpp:bench@example.com',
        tags: ['bench'],
      });
    }
    const publishMs: number[] = [];
    // CPU time too: on a shared machine, wall time measures the neighbours as well.
    const publishCpuMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      await services.publisher.publish(
        'm2',
        JSON.stringify({ value: [{ percentage: i % 2 === 0 ? 40 : 60 }] }),
      );
      const used = process.cpuUsage(cpu);
      publishCpuMs.push((used.user + used.system) / 1000);
      publishMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    publishMs.sort((a, b) => a - b);
    publishCpuMs.sort((a, b) => a - b);
    const line = {
      name: 'ctp-server',
      ours: measurement.ours.requestsPerSecond,
      baseline: measurement.bare.requestsPerSecond,
      unit: 'req/s',
      ratio: round(measurement.ratio),
      connections: CONNECTIONS,
      measurementP99Ms: measurement.ours.p99Ms,
      baselineP99Ms: measurement.bare.p99Ms,
      pageOurs: page.ours.requestsPerSecond,
      pageBaseline: page.bare.requestsPerSecond,
      pageRatio: round(page.ratio),
      pageP99Ms: page.ours.p99Ms,
      pageBaselineP99Ms: page.bare.p99Ms,
      publish1000TriggersMedianMs: round(publishMs[Math.floor(publishMs.length / 2)]!),
      publish1000TriggersMaxMs: round(publishMs.at(-1)!),
      publish1000TriggersCpuMedianMs: round(publishCpuMs[Math.floor(publishCpuMs.length / 2)]!),
      errors:
        measurement.ours.errors + page.ours.errors + measurement.bare.errors + page.bare.errors,
    };
    console.log(
      `GET measurement: ours ${line.ours} req/s (p99 ${line.measurementP99Ms} ms), bare Fastify ${line.baseline} req/s (×${line.ratio}); ` +
        `500-item page: ours ${line.pageOurs} req/s, bare ${line.pageBaseline} req/s (×${line.pageRatio}); ` +
        `publish with 1,000 triggers: median ${line.publish1000TriggersMedianMs} ms (CPU ${line.publish1000TriggersCpuMedianMs} ms)`,
    );
    console.log(`BENCH ${JSON.stringify(line)}`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
