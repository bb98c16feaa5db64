/**
 * The embedded CTP server under load (issue 4): GET a measurement and a 500-item
 * collection page at 50 connections, against a bare Fastify route returning the same
 * bytes, in the same run (goal: ours >= 0.5x its requests/s; p99 latency reported); and
 * publishing one result to a measurement with 1,000 triggers (goal <= 50 ms).
 * autocannon is not installed: a small closed-loop generator on undici stands in for it
 * (50 connections, each sending its next request when the previous answer arrived).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Fastify, { type FastifyInstance } from 'fastify';
import { Pool } from 'undici';

import { createCtpServices } from '../electron/core/ctp/services';
import { createDispatcher, type ApiHandlers } from '../electron/core/dispatcher';
import { createEventBus } from '../electron/core/events';
import { createLogger } from '../electron/core/logger';
import { buildServer } from '../electron/core/server/buildServer';
import { openDatabase } from '../electron/core/store/database';
import { loadMigrations } from '../electron/core/store/loadMigrations';

const CONNECTIONS = 50;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const TOKEN = 'bench-token-0123456789abcdef';

interface Load {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
}

async function load(origin: string, path: string, headers: Record<string, string>): Promise<Load> {
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const run = async (until: number, record: boolean) => {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < until) {
          const started = process.hrtime.bigint();
          const response = await pool.request({ method: 'GET', path, headers });
          await response.body.arrayBuffer();
          if (response.statusCode !== 200) errors++;
          if (record) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
  };
  await run(Date.now() + 500, false);
  const start = Date.now();
  await run(start + DURATION_MS, true);
  const elapsed = (Date.now() - start) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p99Ms: round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
    errors,
  };
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

async function bare(bodies: Record<string, string>): Promise<FastifyInstance> {
  const app = Fastify();
  for (const [path, body] of Object.entries(bodies)) {
    app.get(path, (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}

function originOf(app: FastifyInstance): string {
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return `http://127.0.0.1:${address.port}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ctp-bench-'));
  const db = openDatabase({ path: join(dir, 'server.db'), migrations: loadMigrations('server') });
  try {
    const services = createCtpServices({ db, clock: () => new Date() });
    await services.importer.importDocument({
      metrics: [
        { id: 'pct', name: 'percentage', resultFormat: [{ name: 'percentage', type: 'number' }] },
      ],
      serviceViews: [
        {
          id: 'sv',
          name: 'bench',
          assets: [
            {
              id: 'a1',
              name: 'api',
              attributes: Array.from({ length: 500 }, (_, i) => ({
                id: `at${i}`,
                name: `attribute ${i}`,
                measurements:
                  i === 0
                    ? [
                        {
                          id: 'm1',
                          metric: 'pct',
                          objective: { condition: 'value[0].percentage >= 99.9' },
                          result: {
                            value: [{ percentage: 99.95 }],
                            updateTime: '2026-01-01T00:00:00Z',
                          },
                        },
                        { id: 'm2', metric: 'pct' },
                      ]
                    : [],
              })),
            },
          ],
        },
      ],
      accounts: [{ name: 'bench', token: TOKEN, serviceViews: ['sv'] }],
    });
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
    const headers = { authorization: `Bearer ${TOKEN}` };
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

    const oursMeasurement = await load(origin, paths.measurement, headers);
    const bareMeasurement = await load(baseOrigin, '/measurement', headers);
    const oursPage = await load(origin, paths.page, headers);
    const barePage = await load(baseOrigin, '/page', headers);
    await app.close();
    await baseline.close();

    // Publishing to a measurement with 1,000 triggers (half of the results alert on all).
    for (let i = 0; i < 1000; i++) {
      services.triggers.create('sv', {
        measurement: 'https://bench/ctp/measurements/m2',
        condition: 'value[0].percentage < 50',
        notification: 'xmpp:bench@example.com',
        tags: ['bench'],
      });
    }
    const publishMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = process.hrtime.bigint();
      await services.publisher.publish(
        'm2',
        JSON.stringify({ value: [{ percentage: i % 2 === 0 ? 40 : 60 }] }),
      );
      publishMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    publishMs.sort((a, b) => a - b);
    const line = {
      name: 'ctp-server',
      ours: oursMeasurement.requestsPerSecond,
      baseline: bareMeasurement.requestsPerSecond,
      unit: 'req/s',
      ratio: round(oursMeasurement.requestsPerSecond / bareMeasurement.requestsPerSecond),
      connections: CONNECTIONS,
      measurementP99Ms: oursMeasurement.p99Ms,
      baselineP99Ms: bareMeasurement.p99Ms,
      pageOurs: oursPage.requestsPerSecond,
      pageBaseline: barePage.requestsPerSecond,
      pageRatio: round(oursPage.requestsPerSecond / barePage.requestsPerSecond),
      pageP99Ms: oursPage.p99Ms,
      pageBaselineP99Ms: barePage.p99Ms,
      publish1000TriggersMedianMs: round(publishMs[Math.floor(publishMs.length / 2)]!),
      publish1000TriggersMaxMs: round(publishMs.at(-1)!),
      errors: oursMeasurement.errors + oursPage.errors + bareMeasurement.errors + barePage.errors,
    };
    console.log(
      `GET measurement: ours ${line.ours} req/s (p99 ${line.measurementP99Ms} ms), bare Fastify ${line.baseline} req/s (×${line.ratio}); ` +
        `500-item page: ours ${line.pageOurs} req/s, bare ${line.pageBaseline} req/s (×${line.pageRatio}); ` +
        `publish with 1,000 triggers: median ${line.publish1000TriggersMedianMs} ms`,
    );
    console.log(`BENCH ${JSON.stringify(line)}`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
