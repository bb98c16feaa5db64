import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { useCtsApps } from '../../fixtures/cts';
import { useProcesses } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const ctsApp = useCtsApps();
const start = useProcesses();

/** A port nobody listens on now (the kernel's pick, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Asks again until `read` gives a value `accept` takes (Prometheus scrapes every second). */
async function poll<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not there: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Target {
  labels: { job: string };
  health: string;
  lastError: string;
}

describe('a real Prometheus server scraping /cts/metrics', () => {
  it('scrapes with a bearer token and answers a query with our score; without a token the target is down', async () => {
    const dir = tempDir();
    const { app } = await ctsApp(dir);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('not listening');
    const target = `127.0.0.1:${address.port}`;
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: opencts',
        '    metrics_path: /cts/metrics',
        '    authorization:',
        '      type: Bearer',
        '      credentials: acme-secret-token',
        `    static_configs: [{ targets: ['${target}'] }]`,
        '  - job_name: anonymous',
        '    metrics_path: /cts/metrics',
        `    static_configs: [{ targets: ['${target}'] }]`,
        '',
      ].join('\n'),
    );
    const storage = join(dir, 'tsdb');
    mkdirSync(storage);
    const port = await freePort();
    const prometheus = start('prometheus', [
      `--config.file=${config}`,
      `--storage.tsdb.path=${storage}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    const api = `http://127.0.0.1:${port}/api/v1`;
    const get = async <T>(path: string): Promise<T | null> => {
      try {
        const response = await fetch(api + path);
        return response.ok ? ((await response.json()) as { data: T }).data : null;
      } catch {
        return null;
      }
    };

    const targets = await poll(
      async () => (await get<{ activeTargets: Target[] }>('/targets'))?.activeTargets ?? [],
      (list) => list.length === 2 && list.every((t) => t.health !== 'unknown'),
    );
    const byJob = new Map(targets.map((t) => [t.labels.job, t]));
    expect(byJob.get('opencts')).toMatchObject({ health: 'up', lastError: '' });
    expect(byJob.get('anonymous')!.health).toBe('down');
    expect(byJob.get('anonymous')!.lastError).toMatch(/401/);

    const query = encodeURIComponent('opencts_compliance_score{framework="SOC2"}');
    const result = await poll(
      async () =>
        (await get<{ result: Array<{ value: [number, string] }> }>(`/query?query=${query}`))
          ?.result ?? [],
      (list) => list.length > 0,
    );
    expect(Number(result[0]!.value[1])).toBe(5 / 6);
    const posture = encodeURIComponent('opencts_posture{job="opencts"} == 1');
    const state = await get<{ result: Array<{ metric: { state: string } }> }>(
      `/query?query=${posture}`,
    );
    expect(state!.result.map((r) => r.metric.state)).toEqual(['partially_compliant']);
    expect(await prometheus.stop()).toBe(0);
  });
});
