import { rmSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { describe, expect, it } from 'vitest';

import { attestationKeyPath } from '../../../electron/core/cts/attestationSigner';
import { useCtsPair } from '../../fixtures/cts';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const pair = useCtsPair();

describe("a vendor sync reads the vendor's OpenCTS telemetry", () => {
  it('keeps each distinct document with when it was seen, pins the attestation key, and checks claims', async () => {
    const providerDir = tempDir();
    const { core: provider, listening } = await pair.provider(providerDir);
    const { core: auditor, cts } = await pair.auditor(
      tempDir(),
      listening.ctpBase,
      listening.fingerprint256!,
    );

    const first = await auditor.client.sync.sync('acme');
    expect(first.report.errors).toEqual([]);
    let view = cts.view('acme');
    expect(view.url).toBe(`${new URL(listening.ctpBase).origin}/cts`);
    expect(view.lastRead).toMatchObject({ status: 'ok', message: null });
    expect(view.current).toMatchObject({ valid: true, problems: [] });
    expect(view.current!.reading.frameworks.map((f) => [f.name, f.status, f.score])).toEqual([
      ['SOC2', 'partial', 5 / 6],
      ['ISO27001', 'non_compliant', 0],
    ]);
    expect(view.attestation).toMatchObject({ status: 'pinned_now' });
    expect(view.keys).toEqual([expect.objectContaining({ status: 'pinned' })]);
    // m1 is held and met: CC7.2 agrees; CC7.1 needs scan, which has no objective.
    expect(view.claims.map((c) => [c.framework, c.control, c.verdict])).toEqual([
      ['SOC2', 'CC7.2', 'agrees'],
      ['SOC2', 'CC7.1', 'agrees'],
      ['ISO27001', 'A.8.8', 'agrees'],
      ['SOC2', 'CC1.1', 'declared'],
    ]);

    // The same document again: no new entry in the history, the pinned key verifies.
    await auditor.client.sync.sync('acme');
    view = cts.view('acme');
    expect(view.history).toHaveLength(2);
    expect(view.history.map((h) => h.attestation.status)).toEqual(['pinned_now', 'verified']);
    expect(view.history[0]!.documentId).toBe(view.history[1]!.documentId);

    // A failing result changes the telemetry: a second document, and the claims follow.
    await provider.provider.publisher.publish(
      'm1',
      JSON.stringify({ value: [{ percentage: 90 }] }),
    );
    await auditor.client.sync.sync('acme');
    view = cts.view('acme');
    expect(view.history).toHaveLength(3);
    expect(view.history.at(-1)!.frameworks[0]).toEqual({
      name: 'SOC2',
      status: 'partial',
      score: 1 / 3,
    });
    expect(view.attestation!.status).toBe('verified');
    expect(view.verdicts).toMatchObject({ contradiction: 0, agrees: 3, declared: 1 });
  });

  it('shows a contradiction first when the claimed status does not follow from the results we hold', async () => {
    const providerDir = tempDir();
    const { core: provider, listening } = await pair.provider(providerDir);
    await provider.provider.publisher.publish(
      'm1',
      JSON.stringify({ value: [{ percentage: 90 }] }),
    );
    // A vendor that says its objective holds over a result that fails it (server.db edited
    // behind the server's back, as a dishonest or broken provider would serve it).
    const db = new Database(join(providerDir, 'server.db'));
    db.prepare("UPDATE measurements SET objective_status = 'true' WHERE id = 'm1'").run();
    db.close();
    const { core: auditor, cts } = await pair.auditor(
      tempDir(),
      listening.ctpBase,
      listening.fingerprint256!,
    );
    await auditor.client.sync.sync('acme');
    const view = cts.view('acme');
    expect(view.current!.reading.frameworks[0]!.controls[0]).toMatchObject({
      id: 'CC7.2',
      status: 'compliant',
    });
    expect(view.verdicts).toMatchObject({ contradiction: 2 });
    expect(view.claims[0]).toMatchObject({
      framework: 'SOC2',
      control: 'CC7.2',
      claimed: 'compliant',
      ours: 'non_compliant',
      verdict: 'contradiction',
      explanation: 'The vendor reports m1 as met; our evaluation gives not met.',
      objectives: [
        {
          measurement: 'm1',
          measurementUrl: `${listening.ctpBase}measurements/m1`,
          claimed: 'met',
          ours: 'not_met',
          reason: null,
          message: null,
        },
      ],
    });
    expect(view.claims[1]).toMatchObject({ control: 'CC7.1', verdict: 'contradiction' });
  });

  it('alerts on a changed attestation key until the auditor accepts it', async () => {
    const providerDir = tempDir();
    const first = await pair.provider(providerDir);
    const { core: auditor, cts } = await pair.auditor(
      tempDir(),
      first.listening.ctpBase,
      first.listening.fingerprint256!,
    );
    await auditor.client.sync.sync('acme');
    const pinned = cts.view('acme').keys[0]!;

    // The provider loses its key: a new one is made on the next request.
    await pair.dispose(first.core);
    rmSync(attestationKeyPath(providerDir));
    const port = Number(new URL(first.listening.ctpBase).port);
    const second = await pair.provider(providerDir, {});
    await second.core.serverHost.close();
    await second.core.serverHost.listen({
      host: '127.0.0.1',
      port,
      tls: { mode: 'auto' },
      uiDir: null,
    });
    await auditor.client.sync.sync('acme');
    let view = cts.view('acme');
    expect(view.attestation).toMatchObject({ status: 'key_changed' });
    expect(view.attestation!.kid).not.toBe(pinned.kid);
    expect(view.keys.map((k) => k.status)).toEqual(['pinned', 'offered']);
    // Still an alert at the next sync: nothing was accepted.
    await auditor.client.sync.sync('acme');
    expect(cts.view('acme').attestation!.status).toBe('key_changed');

    const offered = view.keys[1]!;
    expect(() => cts.acceptKey('acme', 'not-a-key')).toThrow(/has offered no attestation key/);
    expect(cts.acceptKey('acme', offered.kid).map((k) => k.status)).toEqual(['replaced', 'pinned']);
    expect(cts.view('acme').attestation).toMatchObject({
      status: 'verified',
      message: expect.stringMatching(/^signed by the key accepted on /),
    });
    await auditor.client.sync.sync('acme');
    view = cts.view('acme');
    expect(view.attestation).toMatchObject({ status: 'verified', kid: offered.kid });
  });
});
