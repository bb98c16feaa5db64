import { request } from 'undici';
import { describe, expect, it } from 'vitest';

import { createCore } from '../../../electron/core/app';
import { createLogger } from '../../../electron/core/logger';
import { useTempDirs } from '../../helpers/tempDir';
import { openServerDb, sampleProvider } from '../../fixtures/provider';

const tempDir = useTempDirs();

describe('graceful shutdown', () => {
  it('finishes the writes it acknowledged before closing the database', async () => {
    const dataDir = tempDir();
    const core = await createCore({
      dataDir,
      mode: 'headless',
      logger: createLogger({ level: 'silent' }),
    });
    await core.provider.importer.importDocument(sampleProvider());
    const listening = await core.serverHost.listen({
      host: '127.0.0.1',
      port: 0,
      tls: { mode: 'off' },
      uiDir: null,
    });
    const publish = async (percentage: number) => {
      try {
        const response = await request(`${listening.origin}/admin/measurements/m1/results`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${listening.adminToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ value: [{ percentage }] }),
        });
        await response.body.text();
        return response.statusCode === 200 ? percentage : null;
      } catch {
        return null;
      }
    };
    // Four clients publishing in a loop; the close starts once a write is acknowledged, so
    // that writes are in flight while it runs (and the check below is never vacuous).
    let closing: Promise<void> | null = null;
    let firstAcknowledged: () => void = () => {};
    const started = new Promise<void>((resolve) => (firstAcknowledged = resolve));
    const client = async (offset: number): Promise<number[]> => {
      const acked: number[] = [];
      for (let i = offset; i < 40_000; i += 4) {
        const result = await publish(i);
        if (result === null) break;
        acked.push(result);
        firstAcknowledged();
      }
      return acked;
    };
    const clients = [0, 1, 2, 3].map(client);
    await started;
    closing = core.dispose();
    const acknowledged = (await Promise.all(clients)).flat();
    await closing;
    expect(acknowledged.length).toBeGreaterThan(0);
    const db = openServerDb(dataDir);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set(
        (
          db
            .prepare(
              "SELECT json_extract(result, '$.value[0].percentage') AS p FROM result_history",
            )
            .all() as Array<{ p: number }>
        ).map((r) => r.p),
      );
      for (const percentage of acknowledged) expect(stored.has(percentage)).toBe(true);
    } finally {
      db.close();
    }
  });
});
