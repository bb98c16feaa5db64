import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createProviderServices } from '../../../electron/core/provider/services';
import { openPostgresStore } from '../../../electron/core/store/postgresStore';
import { serveArgs, useProcesses } from '../../helpers/processes';
import {
  startPostgresServer,
  TEST_PASSWORD,
  type PostgresServer,
} from '../../helpers/postgresServer';
import { useTempDirs } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';
import { ACME, ADMIN_TOKEN } from '../../fixtures/ctpApps';
import { sampleProvider } from '../../fixtures/provider';

const tempDir = useTempDirs();
const start = useProcesses();
let server: PostgresServer | null = null;
afterEach(async () => {
  await server?.destroy();
  server = null;
});

/** A request that must be answered, one way or the other, well within 10 s. */
async function status(url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return response.status;
}

describe('PostgreSQL restarted under load', () => {
  it('makes requests fail cleanly (503, no hang) while it is down, then serves again', async () => {
    // A cluster of its own: the other test files keep theirs running.
    server = await startPostgresServer();
    process.env.PGPASSWORD = TEST_PASSWORD;
    server.sql('CREATE DATABASE ctp');
    const url = server.url('ctp');
    const store = await openPostgresStore({ url });
    await createProviderServices({ store, clock: () => new Date() }).importer.importDocument(
      sampleProvider(),
    );
    await store.close();
    const dir = tempDir();
    writeFileSync(join(dir, 'admin-token'), `${ADMIN_TOKEN}\n`, { mode: 0o600 });
    const serve = start(process.execPath, serveArgs(dir, '--database', url, '--rate-limit', 'off'));
    const [, base] = await serve.waitFor(/CTP API\s+(http:\/\/127\.0\.0\.1:\d+\/ctp\/)/);
    const origin = new URL(base!).origin;
    const read = () => status(`${base}measurements/m1`, { headers: ACME });
    const publish = (percentage: number) =>
      status(`${origin}/admin/measurements/m1/results`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ value: [{ percentage }] }),
      });
    expect([await read(), await publish(1), await status(`${origin}/health`)]).toEqual([
      200, 200, 200,
    ]);

    // Load while PostgreSQL stops: every answer is a 200 or a 503, none hangs.
    const seen = new Set<number>();
    let loading = true;
    const load = (async () => {
      for (let p = 2; loading; p++) {
        seen.add(await read());
        seen.add(await publish(p));
      }
    })();
    await server.stop('fast');
    await waitFor(async () => (await status(`${origin}/health`)) === 503, 15_000);
    expect(await read()).toBe(503);
    expect(await publish(0)).toBe(503);
    await server.start();
    await waitFor(async () => (await status(`${origin}/health`)) === 200, 15_000);
    await waitFor(async () => (await read()) === 200, 15_000);
    loading = false;
    await load;
    expect([...seen].every((code) => code === 200 || code === 503)).toBe(true);
    expect(seen.has(503)).toBe(true);
    expect(await publish(99)).toBe(200);
    expect(serve.child.exitCode).toBeNull();
  });
});
