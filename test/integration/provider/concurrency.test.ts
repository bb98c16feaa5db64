import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createProviderServices } from '../../../electron/core/provider/services';
import { ROOT, useProcesses } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';
import { openServerDb, openServerStore, sampleProvider } from '../../fixtures/provider';

const tempDir = useTempDirs();
const start = useProcesses();
const LOOP = join(ROOT, 'test', 'integration', 'provider', 'publishLoop.ts');

async function prepare(dir: string) {
  const store = openServerStore(dir);
  const services = createProviderServices({ store, clock: () => new Date() });
  await services.importer.importDocument(sampleProvider());
  // Odd percentages alert; guard time 0, so every evaluation from "true" may alert again.
  await services.triggers.create('sv1', {
    measurement: 'https://x/ctp/measurements/m1',
    condition: 'value[0].percentage % 2 == 1',
    notification: 'xmpp:alerts@example.com',
  });
  await store.close();
}

function acks(output: string): Array<{ percentage: number; logs: string[] }> {
  return [...output.matchAll(/^ACK (\d+) ([\w,-]*)$/gm)].map((m) => ({
    percentage: Number(m[1]),
    logs: m[2] === '' ? [] : m[2]!.split(','),
  }));
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOOP, ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`)),
    );
  });
}

describe('publishing from several processes at once', () => {
  it('loses no result and no alert, and duplicates none', async () => {
    const dir = tempDir();
    await prepare(dir);
    const outputs = await Promise.all(
      [0, 1, 2, 3].map((p) => run([dir, 'm1', String(10_000 * (p + 1)), '40'])),
    );
    const acked = outputs.flatMap(acks);
    expect(acked).toHaveLength(160);
    const db = openServerDb(dir);
    try {
      const history = db
        .prepare("SELECT json_extract(result, '$.value[0].percentage') AS p FROM result_history")
        .all() as Array<{ p: number }>;
      const published = history.map((h) => h.p).filter((p) => p >= 10_000);
      expect(published.sort()).toEqual(acked.map((a) => a.percentage).sort());
      const logs = db.prepare('SELECT id, result FROM logs').all() as Array<{
        id: string;
        result: string;
      }>;
      // Every acknowledged alert is stored, nothing else is, and no result alerted twice.
      expect(logs.map((l) => l.id).sort()).toEqual(acked.flatMap((a) => a.logs).sort());
      expect(new Set(logs.map((l) => l.result)).size).toBe(logs.length);
      for (const log of logs) expect(JSON.parse(log.result).value[0].percentage % 2).toBe(1);
      const outbox = db.prepare('SELECT log_id FROM outbox').all() as Array<{ log_id: string }>;
      expect(outbox.map((o) => o.log_id).sort()).toEqual(logs.map((l) => l.id).sort());
    } finally {
      db.close();
    }
  });

  it('keeps every acknowledged result after kill -9, and the database stays intact', async () => {
    const dir = tempDir();
    await prepare(dir);
    const loop = start(process.execPath, ['--import', 'tsx', LOOP, dir, 'm1', '1000', '1000000']);
    // The 50th acknowledgement (percentages count up from 1000).
    await loop.waitFor(/^ACK 1049 /m, 30_000);
    await loop.stop('SIGKILL');
    const acked = acks(loop.output());
    expect(acked.length).toBeGreaterThanOrEqual(50);
    const db = openServerDb(dir);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set(
        (
          db
            .prepare(
              "SELECT json_extract(result, '$.value[0].percentage') AS p FROM result_history",
            )
            .all() as Array<{ p: number }>
        ).map((h) => h.p),
      );
      for (const ack of acked) expect(stored.has(ack.percentage)).toBe(true);
      const logIds = new Set(
        (db.prepare('SELECT id FROM logs').all() as Array<{ id: string }>).map((l) => l.id),
      );
      for (const id of acked.flatMap((a) => a.logs)) expect(logIds.has(id)).toBe(true);
    } finally {
      db.close();
    }
  });
});
