import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import type { SyncReport } from '../../../shared/client';
import { useTempDirs } from '../../helpers/tempDir';
import { addVendor, cli } from './cliHarness';
import { providerDocument, startOurServer, type RunningServer } from './ourServer';

const tempDir = useTempDirs();
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.core.dispose();
});

async function sync(dataDir: string, name = 'acme'): Promise<{ code: number; report: SyncReport }> {
  const result = await cli(['--data-dir', dataDir, 'vendor', 'sync', name, '--json']);
  return { code: result.code, report: JSON.parse(result.stdout) as SyncReport };
}

describe('vendor sync against our own CTP server (HTTPS, pinned fingerprint)', () => {
  it('takes in everything imported, then re-syncs for 2 + 2 × views requests', async () => {
    const server = await startOurServer(
      tempDir(),
      providerDocument({ views: 2, assets: 2, measurements: 2 }),
    );
    servers.push(server);
    const dataDir = tempDir();
    await addVendor(dataDir, server);

    const first = await sync(dataDir);
    expect(first.report.errors).toEqual([]);
    expect(first.code).toBe(0);
    // Per view: view, 2 dependencies, 2 assets, 2 attributes, 4 measurements; 1 metric.
    expect(first.report).toMatchObject({
      resources: 2 * 11 + 1,
      newResults: 8,
      skippedUnchanged: 0,
      status: 'ok',
    });
    expect(Object.keys(first.report).sort()).toEqual(
      [
        'durationMs',
        'errors',
        'newLogs',
        'newResults',
        'requests',
        'resources',
        'skippedUnchanged',
        'status',
        'vendor',
      ].sort(),
    );

    const db = new Database(join(dataDir, 'auditor.db'), { readonly: true });
    const kinds = db
      .prepare('SELECT kind, COUNT(*) AS n FROM vendor_resources GROUP BY kind ORDER BY kind')
      .all();
    const measurement = db
      .prepare('SELECT body FROM vendor_resources WHERE url = ?')
      .get(`${server.ctpBase}measurements/m1-1-1`) as { body: string };
    db.close();
    expect(kinds).toEqual([
      { kind: 'asset', n: 4 },
      { kind: 'attribute', n: 4 },
      { kind: 'dependency', n: 4 },
      { kind: 'entryPoint', n: 1 },
      { kind: 'measurement', n: 8 },
      { kind: 'metric', n: 1 },
      { kind: 'serviceView', n: 2 },
    ]);
    expect(JSON.parse(measurement.body)).toMatchObject({
      result: { value: [{ percentage: 99 }], updateTime: '2026-01-01T00:00:00.000Z' },
      objective: { condition: 'value[0].percentage >= 99.9', status: 'false' },
    });

    const again = await sync(dataDir);
    expect(again.report).toMatchObject({
      errors: [],
      newResults: 0,
      skippedUnchanged: 2,
      resources: 2,
    });
    expect(again.report.requests).toBeLessThanOrEqual(2 + 2 * 2);

    const show = await cli(['--data-dir', dataDir, 'vendor', 'show', 'acme', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({
      provider: 'example.com',
      lastSync: { status: 'ok', errors: 0 },
      workspace: { results: 8, syncs: 2, measurement: 8 },
    });
  });

  it('a published result appears in the history, oldest first, without duplicates', async () => {
    const server = await startOurServer(
      tempDir(),
      providerDocument({ views: 1, assets: 1, measurements: 1 }),
    );
    servers.push(server);
    const dataDir = tempDir();
    await addVendor(dataDir, server);
    expect((await sync(dataDir)).report.newResults).toBe(1);

    await server.core.provider.publisher.publish(
      'm0-0-0',
      JSON.stringify({
        value: [{ percentage: 99.99 }],
        updateTime: '2026-02-01T00:00:00.000Z',
        authorityId: null,
        signature: null,
      }),
    );
    const after = await sync(dataDir);
    // The view changed; its dependency did not (CTP 4.1.5.5), so that subtree is skipped.
    expect(after.report).toMatchObject({ errors: [], newResults: 1, skippedUnchanged: 1 });
    expect((await sync(dataDir)).report).toMatchObject({ newResults: 0, skippedUnchanged: 1 });

    const url = `${server.ctpBase}measurements/m0-0-0`;
    const history = await cli([
      '--data-dir',
      dataDir,
      'vendor',
      'history',
      'acme',
      '--measurement',
      url,
      '--json',
    ]);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({
        updateTime: '2026-01-01T00:00:00.000Z',
        result: expect.objectContaining({ value: [{ percentage: 99.95 }] }),
      }),
      expect.objectContaining({
        updateTime: '2026-02-01T00:00:00.000Z',
        result: expect.objectContaining({ value: [{ percentage: 99.99 }] }),
      }),
    ]);
  });

  it('refuses a server whose certificate is not the pinned one, and a wrong token', async () => {
    const server = await startOurServer(
      tempDir(),
      providerDocument({ views: 1, assets: 1, measurements: 1 }),
    );
    servers.push(server);
    const dataDir = tempDir();
    const wrongPin = server.fingerprint.replace(
      /^../,
      server.fingerprint.startsWith('00') ? '11' : '00',
    );
    const added = await cli([
      '--data-dir',
      dataDir,
      'vendor',
      'add',
      'acme',
      server.ctpBase,
      '--fingerprint',
      wrongPin,
    ]);
    expect(added.code).toBe(0);
    const refused = await sync(dataDir);
    expect(refused.code).toBe(1);
    expect(refused.report.status).toBe('failed');
    expect(refused.report.errors).toEqual([
      expect.objectContaining({ code: 'CLIENT_TLS_PIN_MISMATCH', url: server.ctpBase }),
    ]);
    expect(refused.report.requests).toBe(1);

    const other = tempDir();
    const tokenFile = join(other, 't');
    writeFileSync(tokenFile, 'not-the-token');
    await cli([
      '--data-dir',
      other,
      'vendor',
      'add',
      'acme',
      server.ctpBase,
      '--token-file',
      tokenFile,
      '--fingerprint',
      server.fingerprint,
    ]);
    const unauthorized = await sync(other);
    expect(unauthorized.report.errors).toEqual([
      expect.objectContaining({ code: 'CLIENT_HTTP_STATUS', status: 401 }),
    ]);
  });

  it('links two followed vendors in one supply-chain graph', async () => {
    const saas = await startOurServer(
      tempDir(),
      providerDocument({ views: 1, assets: 1, measurements: 2 }),
    );
    servers.push(saas);
    const iaasDocument = {
      ...providerDocument({ views: 1, assets: 1, measurements: 1 }),
      provider: 'bigcloud.example',
    };
    iaasDocument.serviceViews[0]!.provider = 'bigcloud.example';
    const iaas = await startOurServer(tempDir(), iaasDocument);
    servers.push(iaas);
    const dataDir = tempDir();
    await addVendor(dataDir, saas, 'saas');
    await addVendor(dataDir, iaas, 'iaas');
    const synced = await cli(['--data-dir', dataDir, 'vendor', 'sync', '--json']);
    expect(synced.code).toBe(0);
    expect((JSON.parse(synced.stdout) as SyncReport[]).map((report) => report.vendor)).toEqual([
      'iaas',
      'saas',
    ]);

    const graph = JSON.parse(
      (await cli(['--data-dir', dataDir, 'vendor', 'graph', '--json'])).stdout,
    ) as {
      nodes: Array<{
        id: string;
        provider: string;
        thirdParty: boolean;
        status: Record<string, number>;
      }>;
      edges: Array<{ from: string; to: string; kind: string }>;
    };
    const dependency = `${saas.ctpBase}dependencies/dep0`;
    expect(graph.nodes.find((node) => node.id === dependency)).toMatchObject({
      provider: 'bigcloud.example',
      thirdParty: true,
    });
    expect(graph.nodes.find((node) => node.id === `${saas.ctpBase}serviceViews/sv0`)).toMatchObject(
      {
        status: { true: 1, false: 1, error: 0 },
      },
    );
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { from: 'vendor:saas', to: `${saas.ctpBase}serviceViews/sv0`, kind: 'offers' },
        { from: `${saas.ctpBase}serviceViews/sv0`, to: dependency, kind: 'dependsOn' },
        { from: dependency, to: `${saas.ctpBase}dependencies/dep0x`, kind: 'dependsOn' },
        { from: dependency, to: 'vendor:iaas', kind: 'sameProvider' },
        { from: 'vendor:iaas', to: `${iaas.ctpBase}serviceViews/sv0`, kind: 'offers' },
      ]),
    );
  });

  it('keeps every result as imported, and the log entries of a trigger, fetched incrementally', async () => {
    const document = providerDocument({ views: 1, assets: 2, measurements: 3 });
    const server = await startOurServer(tempDir(), document);
    servers.push(server);
    await server.core.provider.triggers.create('sv0', {
      name: 'low',
      measurement: `${server.ctpBase}measurements/m0-0-0`,
      condition: 'value[0].percentage < 99.97',
      tags: ['sla'],
    });
    const dataDir = tempDir();
    await addVendor(dataDir, server);
    const first = await sync(dataDir);
    expect(first.report).toMatchObject({ errors: [], newLogs: 1, newResults: 6 });

    const db = new Database(join(dataDir, 'auditor.db'), { readonly: true });
    const kept = db
      .prepare(
        'SELECT measurement_url AS url, result_text AS text FROM vendor_results ORDER BY url',
      )
      .all() as Array<{ url: string; text: string }>;
    const triggers = db
      .prepare("SELECT COUNT(*) AS n FROM vendor_resources WHERE kind = 'trigger'")
      .get();
    db.close();
    const imported = document.serviceViews.flatMap((view) =>
      view.assets.flatMap((asset) =>
        asset.attributes.flatMap((attribute) =>
          attribute.measurements.map((measurement) => ({
            url: `${server.ctpBase}measurements/${measurement.id}`,
            value: measurement.result.value,
          })),
        ),
      ),
    );
    expect(
      kept.map((row) => ({
        url: row.url,
        value: (JSON.parse(row.text) as { value: unknown }).value,
      })),
    ).toEqual(imported.sort((a, b) => a.url.localeCompare(b.url)));
    expect(triggers).toEqual({ n: 1 });

    await server.core.provider.publisher.publish(
      'm0-0-0',
      JSON.stringify({
        value: [{ percentage: 99.9 }],
        updateTime: '2026-03-01T00:00:00Z',
        authorityId: null,
        signature: null,
      }),
    );
    const second = await sync(dataDir);
    expect(second.report).toMatchObject({ errors: [], newLogs: 1, newResults: 1 });
    const third = await sync(dataDir);
    expect(third.report).toMatchObject({ errors: [], newLogs: 0, newResults: 0, requests: 4 });
  });

  it('refuses the vendor once its certificate changes, keeping the workspace; draws progress on a terminal', async () => {
    const first = await startOurServer(
      tempDir(),
      providerDocument({ views: 1, assets: 1, measurements: 1 }),
    );
    servers.push(first);
    const dataDir = tempDir();
    await addVendor(dataDir, first);
    const drawn = await cli(['--data-dir', dataDir, 'vendor', 'sync', 'acme'], {}, { tty: true });
    expect(drawn.code).toBe(0);
    expect(drawn.stdout).toMatch(/^acme: ok, 7 resources, 1 new results/);
    expect(drawn.stderr).toMatch(/acme \[#*\.*\] \d+\/\d+/);

    // The same address, another server with a new self-signed certificate.
    const port = new URL(first.ctpBase).port;
    await first.core.dispose();
    servers.splice(servers.indexOf(first), 1);
    const second = await startOurServer(
      tempDir(),
      providerDocument({ views: 1, assets: 1, measurements: 1 }),
      {
        port: Number(port),
      },
    );
    servers.push(second);
    expect(second.ctpBase).toBe(first.ctpBase);
    expect(second.fingerprint).not.toBe(first.fingerprint);
    const refused = await sync(dataDir);
    expect(refused.code).toBe(1);
    expect(refused.report.errors).toEqual([
      expect.objectContaining({ code: 'CLIENT_TLS_PIN_MISMATCH' }),
    ]);
    const show = JSON.parse(
      (await cli(['--data-dir', dataDir, 'vendor', 'show', 'acme', '--json'])).stdout,
    ) as {
      workspace: Record<string, number>;
    };
    expect(show.workspace).toMatchObject({ results: 1, measurement: 1, syncs: 2 });
  });

  it('trusts a vendor through --ca, and refuses a self-signed one with the system CAs without retrying', async () => {
    const serverDir = tempDir();
    const server = await startOurServer(
      serverDir,
      providerDocument({ views: 1, assets: 1, measurements: 1 }),
    );
    servers.push(server);
    const dataDir = tempDir();
    const tokenFile = join(dataDir, 't');
    writeFileSync(tokenFile, server.token);
    const base = ['--data-dir', dataDir, 'vendor', 'add'];
    const caFile = join(serverDir, 'tls', 'server-cert.pem');
    expect(
      (await cli([...base, 'viaca', server.ctpBase, '--token-file', tokenFile, '--ca', caFile]))
        .code,
    ).toBe(0);
    expect((await cli([...base, 'system', server.ctpBase, '--token-file', tokenFile])).code).toBe(
      0,
    );
    expect((await sync(dataDir, 'viaca')).report).toMatchObject({
      errors: [],
      status: 'ok',
      newResults: 1,
    });
    const refused = await sync(dataDir, 'system');
    expect(refused.report).toMatchObject({ status: 'failed', requests: 1 });
    expect(refused.report.errors).toEqual([
      expect.objectContaining({
        code: 'CLIENT_NETWORK',
        message: expect.stringMatching(/SELF_SIGNED|CERT/),
      }),
    ]);
  });
});
