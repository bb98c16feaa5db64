import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { DEMO_AUTHORITY, demoResourcesDir } from '../../../electron/core/provider/demo';
import { useTempDirs } from '../../helpers/tempDir';
import { addVendor, cli } from './cliHarness';
import { providerDocument, startOurServer, type RunningServer } from './ourServer';

const tempDir = useTempDirs();
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.core.dispose();
});

async function syncedWorkspace(name = 'acme') {
  const server = await startOurServer(
    tempDir(),
    providerDocument({ views: 1, assets: 1, measurements: 2 }),
  );
  servers.push(server);
  const dataDir = tempDir();
  await addVendor(dataDir, server, name);
  expect((await cli(['--data-dir', dataDir, 'vendor', 'sync', name])).code).toBe(0);
  return { server, dataDir };
}

describe('vendor tree | changes | history --csv', () => {
  it('prints the tree with each measurement at a glance, as text and as JSON', async () => {
    const { dataDir } = await syncedWorkspace();
    const text = await cli(['--data-dir', dataDir, 'vendor', 'tree', 'acme']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout.split('\n')).toEqual([
      'view 0  [service view]',
      '  https://api0.example.com  [asset]',
      '    availability  [attribute]',
      '      availability-percentage  activated  vendor: met  ours: met  signature: unsigned',
      '      availability-percentage  activated  vendor: failed  ours: failed  signature: unsigned',
      '  iaas  [dependency]',
      '    dc  [dependency]',
      '',
    ]);
    const json = JSON.parse(
      (await cli(['--data-dir', dataDir, 'vendor', 'tree', 'acme', '--json'])).stdout,
    );
    expect(json).toMatchObject({ vendor: 'acme', nodes: expect.any(Array) });
    expect(json.nodes).toHaveLength(7);
    expect(json.nodes[3]).toMatchObject({ kind: 'measurement', depth: 3 });
  });

  it('says what the last sync changed', async () => {
    const { server, dataDir } = await syncedWorkspace();
    await server.core.provider.publisher.publish(
      'm0-0-1',
      JSON.stringify({ value: [{ percentage: 99.99 }], updateTime: '2026-01-02T00:00:00Z' }),
    );
    expect((await cli(['--data-dir', dataDir, 'vendor', 'sync', 'acme'])).code).toBe(0);
    const text = await cli(['--data-dir', dataDir, 'vendor', 'changes', 'acme']);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^Last sync \S+ \(ok\)\.$/);
    expect(lines.slice(1)).toEqual([
      '1 new result, 1 objective status change, 0 resources added, 0 removed.',
      '  new result  m0-0-1  2026-01-02T00:00:00.000Z',
      '  status      m0-0-1  failed -> met',
      '',
    ]);
    const json = JSON.parse(
      (await cli(['--data-dir', dataDir, 'vendor', 'changes', 'acme', '--json'])).stdout,
    );
    expect(json.changes.counts).toEqual({ newResults: 1, statusChanges: 1, added: 0, removed: 0 });
    const never = tempDir();
    await addVendor(never, server, 'fresh');
    expect((await cli(['--data-dir', never, 'vendor', 'changes', 'fresh'])).stdout).toBe(
      'Never synced: run `vendor sync NAME` first.\n',
    );
  });

  it('exports a measurement history as CSV with our outcome for each result', async () => {
    const { server, dataDir } = await syncedWorkspace();
    await server.core.provider.publisher.publish(
      'm0-0-1',
      JSON.stringify({ value: [{ percentage: 99.99 }], updateTime: '2026-01-02T00:00:00Z' }),
    );
    await cli(['--data-dir', dataDir, 'vendor', 'sync', 'acme']);
    const url = `${server.ctpBase}measurements/m0-0-1`;
    const csv = await cli([
      '--data-dir',
      dataDir,
      'vendor',
      'history',
      'acme',
      '--measurement',
      url,
      '--csv',
    ]);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.split('\r\n').map((line) => line.split(','));
    expect(rows[0]).toEqual([
      'updateTime',
      'firstSeenAt',
      'row',
      'percentage',
      'authorityId',
      'signature',
      'outcome',
    ]);
    expect(rows.slice(1, 3).map((row) => [row[0], row[3], row[5], row[6]])).toEqual([
      ['2026-01-01T00:00:00.000Z', '99', 'unsigned', 'false'],
      ['2026-01-02T00:00:00.000Z', '99.99', 'unsigned', 'true'],
    ]);
    expect(
      await cli([
        '--data-dir',
        dataDir,
        'vendor',
        'history',
        'acme',
        '--measurement',
        url,
        '--csv',
        '--json',
      ]),
    ).toMatchObject({ code: 2, stderr: 'error: Give --json or --csv, not both.\n' });
  });
});

describe('vendor authority add | list | remove', () => {
  it('trusts a public key for an authorityId, lists its fingerprint, refuses a private key, removes it', async () => {
    const dataDir = tempDir();
    const privateFile = join(demoResourcesDir(), 'authority-key.pem');
    const publicFile = join(dataDir, 'monitor.pub.pem');
    writeFileSync(
      publicFile,
      createPublicKey(readFileSync(privateFile, 'utf8')).export({ type: 'spki', format: 'pem' }),
    );
    const base = ['--data-dir', dataDir, 'vendor', 'authority'];
    expect((await cli([...base, 'list'])).stdout).toBe(
      'No authority is trusted yet; add one with `vendor authority add ID FILE`.\n',
    );
    expect(await cli([...base, 'add', DEMO_AUTHORITY, privateFile])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/private key/),
    });
    const added = await cli([...base, 'add', DEMO_AUTHORITY, publicFile]);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toBe(
      `Key for ${DEMO_AUTHORITY} added; 0 kept results verified again with the 1 trusted authorities.\n`,
    );
    const list = await cli([...base, 'list']);
    expect(list.stdout).toMatch(
      new RegExp(
        `^${DEMO_AUTHORITY.replace(/\./g, '\\.')}\\tRSA 2048\\tSHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\\n$`,
      ),
    );
    const json = JSON.parse((await cli([...base, 'list', '--json'])).stdout);
    expect(json).toEqual([expect.objectContaining({ id: DEMO_AUTHORITY, kind: 'key' })]);
    expect(JSON.parse(readFileSync(join(dataDir, 'authorities.json'), 'utf8')).keys).toHaveProperty(
      DEMO_AUTHORITY,
    );
    expect(await cli([...base, 'add', '--ca', publicFile])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/PEM certificate/),
    });
    expect(await cli([...base, 'add', DEMO_AUTHORITY])).toMatchObject({ code: 2 });
    expect((await cli([...base, 'remove', DEMO_AUTHORITY])).code).toBe(0);
    expect(await cli([...base, 'remove', DEMO_AUTHORITY])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/No key is trusted for/),
    });
  });
});
