import { createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { createSelfSignedCertificate } from '../../../electron/core/http/tls';
import { createLogger } from '../../../electron/core/logger';
import { DEMO_AUTHORITY, demoResourcesDir } from '../../../electron/core/provider/demo';
import type { EventMessage, VendorsChangeEvent } from '../../../shared/api';
import type {
  AuthoritiesChange,
  CertificateProbe,
  MeasurementDetail,
  MeasurementHistory,
  SyncProgress,
  SyncReport,
  VendorChanges,
  VendorOverview,
  VendorTree,
} from '../../../shared/client';
import { useTempDirs } from '../../helpers/tempDir';
import { providerDocument, startOurServer, type RunningServer } from './ourServer';

const tempDir = useTempDirs();
const running: Array<{ dispose(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of running.splice(0)) await item.dispose();
});

async function workspace(): Promise<Core> {
  const core = await createCore({
    dataDir: tempDir(),
    mode: 'headless',
    logger: createLogger({ level: 'silent' }),
  });
  running.push(core);
  return core;
}

async function ourServer(options: Parameters<typeof providerDocument>[0] = {}) {
  const server = await startOurServer(tempDir(), providerDocument(options));
  running.push(server.core);
  return server;
}

const call = <T>(core: Core, name: string, argument?: unknown) =>
  core.dispatcher.dispatch(name, argument) as Promise<T>;

function addRequest(server: RunningServer, overrides: Record<string, unknown> = {}) {
  return {
    name: 'acme',
    url: server.ctpBase,
    token: server.token,
    trust: { kind: 'fingerprint', sha256: server.fingerprint },
    ...overrides,
  };
}

describe('adding a vendor in the app: trust on first use and clear errors', () => {
  it('reads the certificate without sending a single byte, and says whether the system trusts it', async () => {
    const { cert, key } = createSelfSignedCertificate(['127.0.0.1']);
    const received: Buffer[] = [];
    const server: Server = createTlsServer({ cert, key }, (socket) => {
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    running.push({ dispose: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const port = (server.address() as { port: number }).port;
    const core = await workspace();

    const probe = await call<CertificateProbe>(core, 'vendors.probe', {
      url: `https://127.0.0.1:${port}/ctp`,
    });
    expect(probe).toMatchObject({
      url: `https://127.0.0.1:${port}/ctp/`,
      tls: true,
      systemTrusted: false,
      certificate: {
        subject: expect.stringContaining('CN=Trust Auditor embedded CTP server'),
        selfSigned: true,
      },
    });
    expect(probe.systemError).toMatch(/SELF_SIGNED/);
    expect(probe.certificate!.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(Date.parse(probe.certificate!.validTo)).toBeGreaterThan(Date.now());
    expect(Buffer.concat(received).length).toBe(0);
  });

  it('refuses with the error people need, and stores nothing', async () => {
    const server = await ourServer();
    const core = await workspace();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ trust: { kind: 'system' } }, 'VENDOR_TLS_UNTRUSTED', /not trusted with the system CAs/],
      [{ token: 'wrong-token-0123456789' }, 'VENDOR_TOKEN_REFUSED', /refused the access token/],
      [
        { url: server.ctpBase.replace('/ctp/', '/admin/') },
        'VENDOR_NOT_CTP',
        /does not answer as a CTP server/,
      ],
      [{ url: 'https://127.0.0.1:1/ctp/' }, 'VENDOR_UNREACHABLE', /Cannot reach 127\.0\.0\.1:1/],
      [
        { trust: { kind: 'fingerprint', sha256: 'AB:'.repeat(31) + 'AB' } },
        'CLIENT_TLS_PIN_MISMATCH',
        /not the pinned one/,
      ],
    ];
    for (const [overrides, code, message] of cases) {
      await expect(call(core, 'vendors.add', addRequest(server, overrides))).rejects.toMatchObject({
        code,
        message: expect.stringMatching(message),
      });
    }
    expect(await call<VendorOverview[]>(core, 'vendors.list')).toEqual([]);
    await expect(
      call(core, 'vendors.probe', { url: 'https://127.0.0.1:1/ctp/' }),
    ).rejects.toMatchObject({ code: 'VENDOR_UNREACHABLE' });
  });
});

describe('the workspace through the calls the app makes', () => {
  it('adds, syncs, lists the portfolio, browses the tree and a measurement, and says what changed', async () => {
    const server = await ourServer({ views: 2, assets: 2, measurements: 2 });
    const core = await workspace();
    const changes: VendorsChangeEvent[] = [];
    const progress: SyncProgress[] = [];
    core.events.subscribe((message: EventMessage) => {
      if (message.name === 'vendors.onDidChange')
        changes.push(message.payload as VendorsChangeEvent);
      if (message.name === 'vendors.onDidSyncProgress')
        progress.push(message.payload as SyncProgress);
    });

    const name = '<b>Acme</b> ספק';
    const added = await call<VendorOverview>(core, 'vendors.add', addRequest(server, { name }));
    expect(added).toMatchObject({
      name,
      demo: false,
      syncing: false,
      lastSync: null,
      hasToken: true,
    });
    expect(JSON.stringify(added)).not.toContain(server.token);

    const report = await call<SyncReport>(core, 'vendors.sync', { name });
    expect(report).toMatchObject({ status: 'ok', newResults: 8, errors: [] });
    expect(progress.at(-1)).toMatchObject({ vendor: name, errors: 0 });
    expect(progress.at(-1)!.requests).toBeGreaterThan(0);
    expect(changes.map((change) => change.reason)).toEqual(['added', 'syncing', 'synced']);

    const [row] = await call<VendorOverview[]>(core, 'vendors.list');
    expect(row).toMatchObject({
      name,
      provider: 'example.com',
      syncing: false,
      openAlerts: 0,
      // measurements m%2==0 claim 99.95 (met), the others 99.0 (failed); none disputed.
      objectives: { met: 4, failed: 4, error: 0, unknown: 0, disagreeing: 0 },
      signatures: { verified: 0, unsigned: 8, invalid: 0, unknown_authority: 0 },
    });
    expect(row!.lastFinishedAt).not.toBeNull();
    expect(row!.resources).toBeGreaterThan(20);

    const tree = await call<VendorTree>(core, 'vendors.tree', { name });
    expect(tree.nodes.filter((node) => node.depth === 0).map((node) => node.name)).toEqual([
      'view 0',
      'view 1',
    ]);
    const view0 = tree.nodes.slice(
      0,
      tree.nodes.findIndex((node, i) => i > 0 && node.depth === 0),
    );
    expect(view0.map((node) => `${'  '.repeat(node.depth)}${node.kind}`)).toEqual([
      'serviceView',
      '  asset',
      '    attribute',
      '      measurement',
      '      measurement',
      '  asset',
      '    attribute',
      '      measurement',
      '      measurement',
      '  dependency',
      '    dependency',
    ]);
    const measurement = tree.nodes.find((node) => node.url.endsWith('/m0-0-1'))!;
    expect(measurement).toMatchObject({
      name: 'availability-percentage',
      measurement: {
        metric: 'availability-percentage',
        state: 'activated',
        claimed: 'false',
        ours: 'false',
        disagrees: false,
        signature: 'unsigned',
        updateTime: '2026-01-01T00:00:00.000Z',
      },
    });

    const first = await call<VendorChanges>(core, 'vendors.changes', { name });
    expect(first.changes!.counts).toMatchObject({ newResults: 8, removed: 0, statusChanges: 0 });
    expect(first.changes!.counts.added).toBe(tree.nodes.length);

    // The vendor publishes a better result: the objective now holds.
    await server.core.provider.publisher.publish(
      'm0-0-1',
      JSON.stringify({ value: [{ percentage: 99.99 }], updateTime: '2026-01-02T00:00:00Z' }),
    );
    await call(core, 'vendors.sync', { name });
    const second = await call<VendorChanges>(core, 'vendors.changes', { name });
    expect(second.changes).toMatchObject({
      counts: { newResults: 1, statusChanges: 1, added: 0, removed: 0 },
      newResults: [{ measurementUrl: measurement.url, name: 'm0-0-1' }],
      statusChanges: [{ measurementUrl: measurement.url, before: 'false', after: 'true' }],
    });

    const detail = await call<MeasurementDetail>(core, 'vendors.measurement', {
      name,
      url: measurement.url,
    });
    expect(detail).toMatchObject({
      name: 'availability-percentage',
      state: 'activated',
      path: [
        { kind: 'serviceView', name: 'view 0' },
        { kind: 'asset', name: 'https://api0.example.com' },
        { kind: 'attribute', name: 'availability' },
      ],
      metric: {
        name: 'availability-percentage',
        resultFormat: [{ name: 'percentage', type: 'number' }],
      },
      result: { value: [{ percentage: 99.99 }] },
      objective: { condition: 'value[0].percentage >= 99.9', claimed: 'true', ours: 'true' },
      signature: { status: 'unsigned', algorithm: null },
      historyCount: 2,
    });
    const history = await call<MeasurementHistory>(core, 'vendors.history', {
      name,
      url: measurement.url,
    });
    expect(history.points.map((point) => [point.value, point.outcome, point.signature])).toEqual([
      [[{ percentage: 99 }], 'false', 'unsigned'],
      [[{ percentage: 99.99 }], 'true', 'unsigned'],
    ]);
    await expect(
      call(core, 'vendors.measurement', { name, url: `${server.ctpBase}measurements/nope` }),
    ).rejects.toMatchObject({ code: 'VENDOR_RESOURCE_NOT_FOUND' });

    await call(core, 'vendors.remove', { name });
    expect(await call<VendorOverview[]>(core, 'vendors.list')).toEqual([]);
    expect(changes.at(-1)).toEqual({ vendor: name, reason: 'removed' });
  });
});

describe('cancelling a sync', () => {
  it('stops the crawl, keeps what the workspace held, and the next sync completes it', async () => {
    const server = await ourServer({ views: 4, assets: 5, measurements: 20 });
    const core = await workspace();
    await call(core, 'vendors.add', addRequest(server));
    const full = await call<SyncReport>(core, 'vendors.sync', { name: 'acme' });
    expect(full.status).toBe('ok');
    const before = core.client.sync
      .workspace('acme')
      .resources()
      .map((item) => item.url)
      .sort();

    // Every measurement gets a new result, so the next sync walks every subtree again.
    for (let v = 0; v < 4; v++)
      for (let a = 0; a < 5; a++)
        for (let m = 0; m < 20; m++)
          await server.core.provider.publisher.publish(
            `m${v}-${a}-${m}`,
            JSON.stringify({ value: [{ percentage: 99.5 }], updateTime: '2026-02-01T00:00:00Z' }),
          );
    let cancelled: boolean | null = null;
    const unsubscribe = core.events.subscribe((message) => {
      if (message.name === 'vendors.onDidSyncProgress' && cancelled === null) {
        cancelled = false;
        void call<boolean>(core, 'vendors.cancelSync', { name: 'acme' }).then(
          (answer) => (cancelled = answer),
        );
      }
    });
    const report = await call<SyncReport>(core, 'vendors.sync', { name: 'acme' });
    unsubscribe();
    expect(cancelled).toBe(true);
    expect(report.status).toBe('partial');
    expect(report.errors.filter((error) => error.code === 'CLIENT_CANCELLED')).toHaveLength(1);
    expect(report.newResults).toBeLessThan(400);
    // Nothing was pruned: every resource kept before is still there.
    const after = core.client.sync
      .workspace('acme')
      .resources()
      .map((item) => item.url)
      .sort();
    expect(after).toEqual(before);
    expect(await call(core, 'vendors.cancelSync', { name: 'acme' })).toBe(false);

    const resumed = await call<SyncReport>(core, 'vendors.sync', { name: 'acme' });
    expect(resumed).toMatchObject({ status: 'ok', errors: [] });
    expect(report.newResults + resumed.newResults).toBe(400);
    const [row] = await call<VendorOverview[]>(core, 'vendors.list');
    expect(row!.objectives).toMatchObject({ met: 0, failed: 400, disagreeing: 0 });
    expect(
      core.client.sync
        .workspace('acme')
        .resources()
        .map((item) => item.url)
        .sort(),
    ).toEqual(before);
  });
});

describe('the first run: the demo provider as a vendor', () => {
  it('publishes the demo on its own loopback server, follows it as a demo vendor, and trusts its authority once added', async () => {
    const core = await workspace();
    const demo = await call<VendorOverview>(core, 'vendors.addDemo');
    expect(demo).toMatchObject({ name: 'Demo: Nimbus Notes', demo: true, trust: 'fingerprint' });
    expect(demo.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/ctp\/$/);
    expect(await call<VendorOverview>(core, 'vendors.addDemo')).toMatchObject({ name: demo.name });

    const report = await call<SyncReport>(core, 'vendors.sync', { name: demo.name });
    expect(report).toMatchObject({ status: 'ok', errors: [] });
    // CTP serves current results only: the demo's first sync takes in its 90 days as well.
    expect(report.newResults).toBeGreaterThan(300);
    const changes = await call<VendorChanges>(core, 'vendors.changes', { name: demo.name });
    expect(changes.changes!.counts.newResults).toBe(report.newResults);
    const uptime = `${demo.baseUrl}measurements/eu-api-uptime`;
    const history = await call<MeasurementHistory>(core, 'vendors.history', {
      name: demo.name,
      url: uptime,
    });
    expect(history.points).toHaveLength(90);
    expect(history.points.filter((point) => point.outcome === 'false')).toHaveLength(30);
    expect(new Set(history.points.map((point) => point.signature))).toEqual(
      new Set(['unknown_authority']),
    );
    const again = await call<SyncReport>(core, 'vendors.sync', { name: demo.name });
    expect(again).toMatchObject({ status: 'ok', newResults: 0 });
    // The workspace's own server.db publishes nothing: the demo has its own folder.
    expect((await core.provider.counts.counts()).serviceViews).toBe(0);
    expect(existsSync(join(core.config.dataDir, 'demo-provider', 'server.db'))).toBe(true);

    const [row] = await call<VendorOverview[]>(core, 'vendors.list');
    expect(row!.provider).toBe('nimbus-notes.example');
    expect(row!.signatures.unknown_authority).toBeGreaterThan(0);
    expect(row!.signatures.verified).toBe(0);
    expect(row!.objectives.failed).toBeGreaterThan(0);

    const graph = await call<{ nodes: Array<{ provider: string }> }>(core, 'vendors.supplyChain');
    expect(graph.nodes.map((node) => node.provider)).toEqual(
      expect.arrayContaining(['bigcloud.example', 'postbox.example', 'colo-datacenters.example']),
    );

    // Trusting the demo's monitoring authority verifies its signed results at once.
    const privatePem = readFileSync(join(demoResourcesDir(), 'authority-key.pem'), 'utf8');
    const publicPem = createPublicKey(privatePem)
      .export({ type: 'spki', format: 'pem' })
      .toString();
    await expect(
      call(core, 'vendors.addAuthority', { kind: 'key', id: DEMO_AUTHORITY, material: privatePem }),
    ).rejects.toMatchObject({ code: 'VENDOR_AUTHORITY_INVALID', message: /private key/ });
    const change = await call<AuthoritiesChange>(core, 'vendors.addAuthority', {
      kind: 'key',
      id: DEMO_AUTHORITY,
      material: publicPem,
    });
    expect(change.authorities).toEqual([
      expect.objectContaining({ id: DEMO_AUTHORITY, kind: 'key', keyType: 'RSA 2048' }),
    ]);
    expect(change.rechecked).toBeGreaterThan(300);
    const trusted = await call<VendorOverview[]>(core, 'vendors.list');
    expect(trusted[0]!.signatures).toMatchObject({ unknown_authority: 0, invalid: 0 });
    expect(trusted[0]!.signatures.verified).toBeGreaterThan(0);
    const verified = await call<MeasurementHistory>(core, 'vendors.history', {
      name: demo.name,
      url: uptime,
    });
    expect(new Set(verified.points.map((point) => point.signature))).toEqual(new Set(['verified']));
    const detail = await call<MeasurementDetail>(core, 'vendors.measurement', {
      name: demo.name,
      url: uptime,
    });
    expect(detail.signature).toEqual({
      status: 'verified',
      algorithm: 'RS256',
      authorityId: DEMO_AUTHORITY,
      message: null,
    });
    await expect(
      call(core, 'vendors.addAuthority', { kind: 'key', id: DEMO_AUTHORITY, material: publicPem }),
    ).rejects.toMatchObject({ code: 'VENDOR_AUTHORITY_EXISTS' });
    await call(core, 'vendors.removeAuthority', { kind: 'key', id: DEMO_AUTHORITY });
    expect((await call<VendorOverview[]>(core, 'vendors.list'))[0]!.signatures.verified).toBe(0);
    await expect(
      call(core, 'vendors.removeAuthority', { kind: 'key', id: DEMO_AUTHORITY }),
    ).rejects.toMatchObject({ code: 'VENDOR_AUTHORITY_NOT_FOUND' });

    await call(core, 'vendors.remove', { name: demo.name });
    expect(await call<VendorOverview[]>(core, 'vendors.list')).toEqual([]);
  });
});

describe('result-signing authorities', () => {
  it('trusts a CA certificate for x5c chains, lists it by fingerprint and removes it', async () => {
    const core = await workspace();
    const { cert } = createSelfSignedCertificate(['ca.example']);
    const change = await call<AuthoritiesChange>(core, 'vendors.addAuthority', {
      kind: 'ca',
      material: cert,
    });
    const [entry] = change.authorities;
    expect(entry).toMatchObject({
      kind: 'ca',
      keyType: 'RSA 2048',
      subject: 'CN=Trust Auditor embedded CTP server, O=Trust Auditor',
    });
    expect(entry!.id).toBe(new X509Certificate(cert).fingerprint256);
    await expect(
      call(core, 'vendors.addAuthority', { kind: 'ca', material: cert }),
    ).rejects.toMatchObject({ code: 'VENDOR_AUTHORITY_EXISTS' });
    await expect(
      call(core, 'vendors.addAuthority', { kind: 'key', id: 'x', material: 'not a key' }),
    ).rejects.toMatchObject({ code: 'VENDOR_AUTHORITY_INVALID' });
    await expect(
      call(core, 'vendors.addAuthority', { kind: 'key', material: cert }),
    ).rejects.toMatchObject({ code: 'VENDOR_AUTHORITY_INVALID', message: /authorityId/ });
    const removed = await call<AuthoritiesChange>(core, 'vendors.removeAuthority', {
      kind: 'ca',
      id: entry!.id.replace(/:/g, '').toLowerCase(),
    });
    expect(removed.authorities).toEqual([]);
  });
});
