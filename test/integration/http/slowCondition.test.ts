import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { BIN, ROOT } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';
import { ACME, ADMIN_TOKEN, GLOBEX, useCtpApps } from '../../fixtures/ctpApps';
import { interleavingEvaluator, sampleProvider } from '../../fixtures/provider';
import { storeOptions, storeProblems } from '../../fixtures/providerStore';
import type { SqlStore } from '../../../electron/core/store/sqlStore';

const tempDir = useTempDirs();
const start = useCtpApps();

/** Every host of an inventory follows the naming rule: a regular expression over 10,000 names. */
const SLOW_CONDITION = 'matchRegexp("^host-[0-9]+[.]example[.]com$", select("host", value))';
const inventory = (hosts: number) =>
  JSON.stringify({
    value: Array.from({ length: hosts }, (_, i) => ({ host: `host-${i}.example.com` })),
  });

/** sampleProvider() with an inventory of hosts (no result yet) in acme's service view. */
function provider() {
  const doc = sampleProvider();
  doc.metrics.push({
    id: 'hosts-m',
    name: 'hosts',
    resultFormat: [{ name: 'host', type: 'string' }],
  });
  const view = doc.serviceViews[0] as {
    assets: Array<{ attributes: Array<{ measurements: unknown[] }> }>;
  };
  view.assets[0]!.attributes[0]!.measurements.push({ id: 'inventory', metric: 'hosts-m' });
  return doc;
}

/** The real server on 127.0.0.1 over a real server.db, its evaluations held at will. */
async function serve(dir: string) {
  const interleave = interleavingEvaluator();
  const options = { provider: provider(), conditions: interleave.evaluator, realTime: true };
  const { app, store } = await start(dir, options);
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  return { store, interleave, origin };
}

/** `trust-auditor server publish ID FILE --json` in a process of its own (the built CLI). */
function cliPublish(dir: string, store: SqlStore, measurementId: string, text: string) {
  const file = join(dir, `${measurementId}-result.json`);
  writeFileSync(file, text);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [BIN, 'server', 'publish', measurementId, file, '--json', ...storeOptions(dir, store)],
      { cwd: ROOT },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a slow trigger condition (real server, real store, another process)', () => {
  it('holds up neither other accounts nor other publishers while it evaluates', async () => {
    const dir = tempDir();
    const { store, interleave, origin } = await serve(dir);
    const created = await fetch(`${origin}/ctp/serviceViews/sv1/triggers`, {
      method: 'POST',
      headers: { ...ACME, 'content-type': 'application/json' },
      body: JSON.stringify({
        measurement: `${origin}/ctp/measurements/inventory`,
        condition: SLOW_CONDITION,
      }),
    });
    expect(created.status).toBe(201);
    const triggerId = new URL(((await created.json()) as { self: string }).self).pathname
      .split('/')
      .pop()!;

    // The provider publishes an inventory through the admin API: the server evaluates the
    // slow condition against 10,000 host names, then its write waits until released.
    const held = interleave.hold();
    let settled = false;
    const publishing = fetch(`${origin}/admin/measurements/inventory/results`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: inventory(10_000),
    }).finally(() => (settled = true));
    await held.reached;

    // Meanwhile: another account reads, and `server publish` runs in other processes, on
    // another measurement and on this very one (where it evaluates the slow condition too).
    const read = await fetch(`${origin}/ctp/serviceViews/sv2`, { headers: GLOBEX });
    expect(read.status).toBe(200);
    const [elsewhere, here] = await Promise.all([
      cliPublish(dir, store, 'm1', JSON.stringify({ value: [{ percentage: 97 }] })),
      cliPublish(dir, store, 'inventory', inventory(9_999)),
    ]);
    for (const run of [elsewhere, here]) {
      expect(run.stderr).not.toMatch(/locked|busy/i);
      const outcome = JSON.parse(run.stdout) as { alerts: Array<{ kind: string }> };
      // Exit 1 only when a trigger went to error (docs/ctp-server.md "Publishing results").
      expect(run.code).toBe(outcome.alerts.some((alert) => alert.kind === 'error') ? 1 : 0);
    }
    expect(settled).toBe(false);

    held.release();
    const response = await publishing;
    expect(response.status).toBe(200);
    const ours = (await response.json()) as {
      evaluated: number;
      alerts: Array<{ triggerId: string }>;
    };
    // Each result was evaluated once, in the order written: the other process's first.
    const rows = (result: string | null) =>
      result === null ? null : JSON.parse(result).value.length;
    const history = await store.all<{ result: string }>(
      "SELECT result FROM result_history WHERE measurement_id = 'inventory' ORDER BY seq",
    );
    expect(history.map((r) => rows(r.result))).toEqual([9_999, 10_000]);
    const logs = (
      await store.all<{ result: string | null }>(
        'SELECT result FROM logs WHERE trigger_id = $1 ORDER BY seq',
        [triggerId],
      )
    ).map((l) => ({ n: rows(l.result) }));
    const { status } = (await store.get<{ status: string }>(
      'SELECT status FROM triggers WHERE id = $1',
      [triggerId],
    ))!;
    if (status === 'true') {
      // True after the first result, so evaluated again on ours (guard time 0).
      expect(ours.evaluated).toBe(1);
      expect(logs.map((l) => l.n)).toEqual([9_999, 10_000]);
    } else {
      // An evaluation error is alerted once, and never evaluated again (CTP 5.3.2).
      expect(status).toBe('error');
      expect(ours.evaluated).toBe(0);
      expect(logs).toHaveLength(1);
    }
    expect(await storeProblems(store)).toEqual([]);
  });
});
