import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createProviderServices } from '../../../electron/core/provider/services';
import { openPostgresStore } from '../../../electron/core/store/postgresStore';
import { serveArgs, useProcesses, type RunningProcess } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';
import { ACME, ADMIN_TOKEN } from '../../fixtures/ctpApps';
import { sampleProvider } from '../../fixtures/provider';
import { createTestDatabase } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
const start = useProcesses();
const BASE = 'https://ctp.example.test/ctp/';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

interface Instance {
  process: RunningProcess;
  origin: string;
}

/**
 * One PostgreSQL database holding sampleProvider() with `triggers` on m1, and two `serve`
 * processes of the built CLI on it (each with its data folder, sharing the admin token
 * and the CtpBase as docs/ctp-server.md "Deployment" says), rate limit off.
 */
async function twoInstances(triggers: Array<{ condition: string; guardTime: number }>) {
  const url = await createTestDatabase();
  const store = await openPostgresStore({ url });
  const services = createProviderServices({ store, clock: () => new Date() });
  await services.importer.importDocument(sampleProvider());
  for (const trigger of triggers) {
    await services.triggers.create('sv1', {
      measurement: 'https://x/ctp/measurements/m1',
      notification: 'xmpp:alerts@example.com',
      ...trigger,
    });
  }
  await store.close();
  const instances: Instance[] = [];
  for (let i = 0; i < 2; i++) {
    const dir = tempDir();
    writeFileSync(join(dir, 'admin-token'), `${ADMIN_TOKEN}\n`, { mode: 0o600 });
    const process = start(
      globalThis.process.execPath,
      // Behind one balancer address, every instance advertises the same CtpBase.
      serveArgs(dir, '--database', url, '--rate-limit', 'off', '--base-url', BASE),
    );
    const [, origin] = await process.waitFor(/Listening\s+(http:\/\/127\.0\.0\.1:\d+)/);
    instances.push({ process, origin: origin! });
  }
  return { url, instances: instances as [Instance, Instance] };
}

async function getJson(instance: Instance, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${instance.origin}/ctp/${path}`, { headers: ACME });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function publish(instance: Instance, percentage: number): Promise<Response> {
  return fetch(`${instance.origin}/admin/measurements/m1/results`, {
    method: 'POST',
    headers: ADMIN,
    body: JSON.stringify({ value: [{ percentage }] }),
  });
}

/** The rows of `sql` in the shared database. */
async function rows<T>(url: string, sql: string): Promise<T[]> {
  const store = await openPostgresStore({ url });
  try {
    return await store.all<T>(sql);
  } finally {
    await store.close();
  }
}

describe('two serve processes on one PostgreSQL', () => {
  it('give one view of the data: a publish on one is seen on the other with a new changeId', async () => {
    const { instances } = await twoInstances([]);
    const [a, b] = instances;
    const before = await getJson(b, 'measurements/m1');
    expect(await getJson(a, 'measurements/m1')).toEqual(before);
    // Read twice on b: the second answer comes from b's response cache.
    expect(await getJson(b, 'measurements/m1')).toEqual(before);

    expect((await publish(a, 42.5)).status).toBe(200);
    await waitFor(async () => {
      const seen = await getJson(b, 'measurements/m1');
      return (
        (seen.result as { value: unknown[] }).value[0] !== undefined &&
        JSON.stringify(seen.result).includes('42.5')
      );
    });
    const after = await getJson(b, 'measurements/m1');
    expect(Number(after.changeId)).toBeGreaterThan(Number(before.changeId));
    expect(await getJson(a, 'measurements/m1')).toEqual(after);
    expect(await getJson(a, 'serviceViews/sv1')).toEqual(await getJson(b, 'serviceViews/sv1'));
    // The health check the balancer reads.
    for (const instance of instances) {
      const health = await fetch(`${instance.origin}/health`);
      expect({ status: health.status, body: await health.json() }).toEqual({
        status: 200,
        body: { status: 'ok' },
      });
    }
  });

  it('evaluate each trigger once per result under concurrent publishes (CTP 5.3.2)', async () => {
    // `every`: guard time 0, so every odd result alerts; `once`: true after the first odd
    // result and then within its guard time, so it alerts exactly once in all.
    const { url, instances } = await twoInstances([
      { condition: 'value[0].percentage % 2 == 1', guardTime: 0 },
      { condition: 'value[0].percentage % 2 == 1', guardTime: 3600 },
    ]);
    const results = Array.from({ length: 40 }, (_, i) => i + 1);
    const responses = await Promise.all(results.map((p) => publish(instances[p % 2]!, p)));
    const outcomes = await Promise.all(
      responses.map(async (response) => {
        expect(response.status).toBe(200);
        return (await response.json()) as { alerts: Array<{ triggerId: string }> };
      }),
    );
    const triggerIds = (
      await rows<{ id: string; guard_time: number }>(
        url,
        'SELECT id, guard_time FROM triggers ORDER BY rowid',
      )
    ).map((t) => t.id);
    const [every, once] = triggerIds;
    const alerted = (id: string | undefined) =>
      outcomes.flatMap((o) => o.alerts).filter((alert) => alert.triggerId === id).length;
    expect(alerted(every)).toBe(20);
    expect(alerted(once)).toBe(1);
    const logs = await rows<{ trigger_id: string; result: string }>(
      url,
      'SELECT trigger_id, result FROM logs ORDER BY seq',
    );
    const odd = logs
      .filter((log) => log.trigger_id === every)
      .map(
        (log) =>
          (JSON.parse(log.result) as { value: Array<{ percentage: number }> }).value[0]!.percentage,
      )
      .sort((x, y) => x - y);
    expect(odd).toEqual(results.filter((p) => p % 2 === 1));
    expect(logs.filter((log) => log.trigger_id === once)).toHaveLength(1);
    expect(await rows(url, 'SELECT count(*) AS n FROM outbox')).toEqual([{ n: 21 }]);
    expect(await rows(url, 'SELECT count(*) AS n FROM result_history')).toEqual([{ n: 41 }]);
    // changeIds were handed out one at a time, in commit order: the measurement holds the
    // counter's last value.
    const [counter] = await rows<{ value: number }>(url, 'SELECT value FROM change_counter');
    const [m1] = await rows<{ change_id: number }>(
      url,
      "SELECT change_id FROM measurements WHERE id = 'm1'",
    );
    expect(m1!.change_id).toBeLessThanOrEqual(counter!.value);
  });

  it('lose no acknowledged write when one is killed (-9) during a publish loop; the other serves on', async () => {
    const { url, instances } = await twoInstances([]);
    const [a, b] = instances;
    const acknowledged: number[] = [];
    const loop = (async () => {
      for (let p = 1000; ; p++) {
        let response: Response;
        try {
          response = await publish(a, p);
        } catch {
          return; // the connection died with the process: not acknowledged
        }
        if (response.status !== 200) return;
        acknowledged.push(p);
      }
    })();
    await waitFor(() => acknowledged.length >= 25, 20_000);
    a.process.child.kill('SIGKILL');
    await loop;
    const stored = new Set(
      (await rows<{ result: string }>(url, 'SELECT result FROM result_history')).map(
        (row) =>
          (JSON.parse(row.result) as { value: Array<{ percentage: number }> }).value[0]!.percentage,
      ),
    );
    expect(acknowledged.filter((p) => !stored.has(p))).toEqual([]);
    // The survivor answers, reads the last write and takes new ones.
    const last = acknowledged.at(-1)!;
    const latest = await getJson(b, 'measurements/m1');
    expect(JSON.stringify(latest.result)).toMatch(/"percentage":\d+/);
    expect(stored.has(last)).toBe(true);
    expect((await publish(b, 7)).status).toBe(200);
  });
});
