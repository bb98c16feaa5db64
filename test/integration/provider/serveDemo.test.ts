import { describe, expect, it } from 'vitest';

import { runBin, serveArgs, useProcesses } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const start = useProcesses();

describe('trust-auditor serve --demo (the built CLI)', () => {
  it('loads the demo once and serves it with the printed tokens', async () => {
    const args = serveArgs(tempDir(), '--demo');
    const server = start(process.execPath, args);
    const [, base] = await server.waitFor(/CTP API\s+(http:\/\/127\.0\.0\.1:\d+\/ctp\/)/);
    const [, token] = await server.waitFor(/Token\s+acme-corp \(notes-eu\): (\S+)/);
    expect(server.output()).toMatch(/Demo\s+loaded: 372 results over 90 days/);
    const get = async (path: string, auth = token!) =>
      fetch(`${base}${path}`, { headers: { authorization: `Bearer ${auth}` } });
    const views = (await (await get('serviceViews')).json()) as { collection: unknown[] };
    expect(views.collection).toEqual([
      { link: `${base}serviceViews/notes-eu`, name: 'Nimbus Notes (EU)' },
    ]);
    const measurement = (await (await get('measurements/eu-idp-response')).json()) as {
      objective: { status: string };
    };
    expect(measurement.objective.status).toBe('false');
    const logs = (await (await get('serviceViews/notes-eu/logs?tags=gdpr')).json()) as {
      collectionLength: number;
    };
    expect(logs.collectionLength).toBe(2);
    expect((await get('serviceViews/notes-us')).status).toBe(403);
    expect((await get('serviceViews', 'nope')).status).toBe(401);
    await server.stop('SIGTERM');

    // A second start keeps what is there.
    const again = start(process.execPath, args);
    await again.waitFor(/Demo\s+server\.db already holds data/);
  });

  it('serves the entry point and metrics without a token when told to, and nothing else', async () => {
    const server = start(
      process.execPath,
      serveArgs(
        tempDir(),
        '--demo',
        '--public-entry-point',
        '--public-metrics',
        '--rate-limit',
        '1,2',
      ),
    );
    const [, base] = await server.waitFor(/CTP API\s+(http:\/\/127\.0\.0\.1:\d+\/ctp\/)/);
    const [, token] = await server.waitFor(/Token\s+acme-corp \(notes-eu\): (\S+)/);
    const anonymous = async (path: string) => (await fetch(`${base}${path}`)).status;
    expect(await anonymous('')).toBe(200);
    expect(await anonymous('metrics')).toBe(200);
    expect(await anonymous('serviceViews')).toBe(401);
    // A burst of 2, then 429 for that account.
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${base}serviceViews`, {
        headers: { authorization: `Bearer ${token!}` },
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.at(-1)).toBe(429);
  });

  it('refuses a malformed --rate-limit with a usage error', () => {
    const run = runBin(['serve', '--rate-limit', 'fast', '--data-dir', tempDir()]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--rate-limit must be PER_SECOND\[,BURST\]/);
  });

  it('bounds the triggers an account holds with --max-triggers-per-account', async () => {
    // The demo gives Acme 3 triggers: a limit of 3 leaves it none to create.
    const server = start(
      process.execPath,
      serveArgs(tempDir(), '--demo', '--max-triggers-per-account', '3'),
    );
    const [, base] = await server.waitFor(/CTP API\s+(http:\/\/127\.0\.0\.1:\d+\/ctp\/)/);
    const [, token] = await server.waitFor(/Token\s+acme-corp \(notes-eu\): (\S+)/);
    const response = await fetch(`${base}serviceViews/notes-eu/triggers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token!}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        measurement: `${base}measurements/eu-api-uptime`,
        condition: 'value[0].percentage < 99',
      }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /already holds 3 triggers, the most this server allows \(3\)/,
    );
    const bad = runBin(['serve', '--max-triggers-per-account', 'lots', '--data-dir', tempDir()]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--max-triggers-per-account must be a whole number/);
  });
});
