/**
 * Scale-out (docs/ctp-server.md "Deployment"): GET a measurement at 50 connections from
 * `serve` processes of the built CLI, one on PostgreSQL against one on SQLite, and two on
 * one PostgreSQL against one (the connections shared between them), in alternating rounds
 * (httpLoad.ts); and publishing one result to a measurement with 1,000 triggers on each
 * store (goal: PostgreSQL <= 2x SQLite). PostgreSQL is Debian's, a throwaway cluster on
 * 127.0.0.1 (test/helpers/postgresServer.ts), fsync off as in the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createProviderServices } from '../electron/core/provider/services';
import { openDatabase } from '../electron/core/store/database';
import { loadMigrations } from '../electron/core/store/loadMigrations';
import { openPostgresStore } from '../electron/core/store/postgresStore';
import { createSqliteStore } from '../electron/core/store/sqliteStore';
import type { SqlStore } from '../electron/core/store/sqlStore';
import { startPostgresServer, TEST_PASSWORD } from '../test/helpers/postgresServer';
import { BENCH_MEASUREMENTS, BENCH_TOKEN, benchProvider } from './benchProvider';
import { compare, CONNECTIONS, round } from './httpLoad';

const BIN = fileURLToPath(new URL('../bin/trust-auditor.js', import.meta.url));

const DOCUMENT = benchProvider([
  { id: 'at1', name: 'availability', measurements: BENCH_MEASUREMENTS },
]);

/** `serve` of the built CLI, quiet, rate limit off; resolves with its CTP base. */
function serve(dataDir: string, extra: string[]): Promise<{ child: ChildProcess; base: string }> {
  const args = [BIN, 'serve', '--tls', 'off', '--port', '0', '--rate-limit', 'off'];
  const child = spawn(
    process.execPath,
    [...args, '--log-level', 'warn', '--data-dir', dataDir, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /CTP API\s+(http:\/\/127\.0\.0\.1:\d+\/ctp\/)/.exec(output);
      if (match) resolve({ child, base: match[1]! });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${output}`)));
  });
}

/** Median milliseconds (wall) of publishing to a measurement with 1,000 triggers. */
async function publishWithTriggers(store: SqlStore): Promise<number> {
  const services = createProviderServices({ store, clock: () => new Date() });
  for (let i = 0; i < 1000; i++) {
    await services.triggers.create('sv', {
      measurement: 'https://bench/ctp/measurements/m2',
      condition: 'value[0].percentage < 50',
      notification: 'xmpp:bench@example.com',
      tags: ['bench'],
    });
  }
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = process.hrtime.bigint();
    // Half of the results alert on all 1,000 triggers (log entries and outbox rows).
    await services.publisher.publish(
      'm2',
      JSON.stringify({ value: [{ percentage: i % 2 === 0 ? 40 : 60 }] }),
    );
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b)[times.length >> 1]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'scale-bench-'));
  const postgres = await startPostgresServer();
  process.env.PGPASSWORD = TEST_PASSWORD;
  const children: ChildProcess[] = [];
  try {
    postgres.sql('CREATE DATABASE bench');
    const url = postgres.url('bench');
    const db = openDatabase({
      path: join(dir, 'sqlite', 'server.db'),
      migrations: loadMigrations('server'),
    });
    const sqlite = createSqliteStore(db);
    const pg = await openPostgresStore({ url });
    for (const store of [sqlite, pg]) {
      await createProviderServices({ store, clock: () => new Date() }).importer.importDocument(
        DOCUMENT,
      );
    }

    const started = await Promise.all([
      serve(join(dir, 'sqlite'), []),
      serve(join(dir, 'pg-a'), ['--database', url]),
      serve(join(dir, 'pg-b'), ['--database', url]),
    ]);
    children.push(...started.map((s) => s.child));
    const [onSqlite, pgA, pgB] = started.map((s) => `${s.base}measurements/m1`) as [
      string,
      string,
      string,
    ];
    const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
    const engines = await compare(pgA, onSqlite, headers);
    const instances = await compare([pgA, pgB], pgA, headers);
    for (const child of children.splice(0)) child.kill('SIGTERM');

    const publishSqliteMs = await publishWithTriggers(sqlite);
    const publishPostgresMs = await publishWithTriggers(pg);
    await pg.close();
    await sqlite.close();
    db.close();

    const line = {
      name: 'scale',
      ours: engines.ours.requestsPerSecond,
      baseline: engines.bare.requestsPerSecond,
      unit: 'req/s',
      ratio: round(engines.ratio),
      connections: CONNECTIONS,
      postgresP99Ms: engines.ours.p99Ms,
      sqliteP99Ms: engines.bare.p99Ms,
      twoInstances: instances.ours.requestsPerSecond,
      oneInstance: instances.bare.requestsPerSecond,
      twoInstancesRatio: round(instances.ratio),
      publish1000TriggersPostgresMs: round(publishPostgresMs),
      publish1000TriggersSqliteMs: round(publishSqliteMs),
      publishRatio: round(publishPostgresMs / publishSqliteMs),
      errors:
        engines.ours.errors + engines.bare.errors + instances.ours.errors + instances.bare.errors,
    };
    console.log(
      `GET measurement at ${CONNECTIONS} connections: PostgreSQL ${line.ours} req/s, SQLite ${line.baseline} req/s (×${line.ratio}); ` +
        `two instances on PostgreSQL ${line.twoInstances} req/s, one ${line.oneInstance} req/s (×${line.twoInstancesRatio}); ` +
        `publish with 1,000 triggers: PostgreSQL ${line.publish1000TriggersPostgresMs} ms, SQLite ${line.publish1000TriggersSqliteMs} ms (×${line.publishRatio}, goal <= 2)`,
    );
    console.log(
      'Note: this machine has 2 cores, shared by the load generator (a worker thread per ' +
        'instance), PostgreSQL and the instances. One instance uses one core (Node runs its ' +
        'requests on one thread); the second takes what the others leave of the other core, so ' +
        'the gain here is a floor: on machines of their own, instances add up until PostgreSQL ' +
        'or the network is the limit.',
    );
    console.log(`BENCH ${JSON.stringify(line)}`);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await postgres.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
