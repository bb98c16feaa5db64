import { describe, expect, it } from 'vitest';

import { BIN, useProcesses } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const start = useProcesses();

describe('trust-auditor serve --demo (the built CLI)', () => {
  it('loads the demo once and serves it with the printed tokens', async () => {
    const dataDir = tempDir();
    const args = [
      BIN,
      'serve',
      '--demo',
      '--tls',
      'off',
      '--port',
      '0',
      '--log-level',
      'warn',
      '--data-dir',
      dataDir,
    ];
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
});
