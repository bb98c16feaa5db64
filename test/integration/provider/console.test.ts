import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { createLogger } from '../../../electron/core/logger';
import type { EventMessage } from '../../../shared/api';
import type {
  AccountDetail,
  ConsoleTrigger,
  IssuedToken,
  MeasurementConsole,
  ProviderImportProgress,
  ProviderImportReport,
  PublishedTree,
  PublishReport,
} from '../../../shared/serverConsole';
import { useTempDirs } from '../../helpers/tempDir';
import { manualClock, sampleProvider } from '../../fixtures/provider';
import { createTestDatabase, TEST_ENGINE } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
let core: Core | null = null;
afterEach(async () => {
  await core?.dispose();
  core = null;
});

/**
 * A headless core over a fresh data folder (and a fresh PostgreSQL database when that is
 * the store under test), and its dispatcher as the page calls it.
 */
async function openConsole() {
  const dataDir = tempDir();
  const time = manualClock();
  core = await createCore({
    dataDir,
    ...(TEST_ENGINE === 'postgres' ? { database: { url: await createTestDatabase() } } : {}),
    mode: 'headless',
    clock: time.clock,
    logger: createLogger({ level: 'silent' }),
  });
  const opened = core;
  const call = <T>(name: string, argument?: unknown) =>
    opened.dispatcher.dispatch(name as never, argument) as Promise<T>;
  const file = (name: string, content: unknown) => {
    const path = join(dataDir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  return { core: opened, call, file, time, dataDir };
}

describe(`the provider console through the dispatcher both transports use (${TEST_ENGINE})`, () => {
  it('dry-runs an import without writing, then imports, with progress at each step', async () => {
    const { core, call, file } = await openConsole();
    const path = file('provider.json', sampleProvider());
    const progress: ProviderImportProgress[] = [];
    core.events.subscribe((message: EventMessage) => {
      if (message.name === 'server.onDidImportProgress')
        progress.push(message.payload as ProviderImportProgress);
    });

    const preview = await call<ProviderImportReport>('server.previewImport', {
      source: { path },
    });
    expect(preview).toMatchObject({ applied: false, source: path, problems: [] });
    expect(preview.counts).toMatchObject({ created: 13, updated: 0, unchanged: 0 });
    expect(preview.resources.map((r) => [r.kind, r.id, r.outcome])).toContainEqual([
      'measurement',
      'm1',
      'created',
    ]);
    expect(preview.resources.find((r) => r.id === 'm1')).toMatchObject({
      path: 'serviceViews[0].assets[0].attributes[0].measurements[0]',
      newResult: true,
    });
    // Rolled back: nothing is published yet.
    expect((await call<PublishedTree>('server.tree')).nodes).toEqual([]);
    expect(progress.map((p) => p.phase)).toEqual([
      'read',
      'validate',
      'results',
      'evaluate',
      'write',
    ]);
    expect(progress.every((p) => p.dryRun && p.steps === 5)).toBe(true);

    const applied = await call<ProviderImportReport>('server.importProvider', {
      source: { path },
    });
    expect(applied.applied).toBe(true);
    expect(applied.counts).toEqual(preview.counts);
    const again = await call<ProviderImportReport>('server.previewImport', { source: { path } });
    expect(again.counts).toMatchObject({ created: 0, updated: 0 });
    expect(again.resources.every((r) => r.outcome === 'unchanged')).toBe(true);
  });

  it('lists every problem of an invalid document with its JSON path, and writes nothing', async () => {
    const { call, file } = await openConsole();
    const broken = sampleProvider();
    (broken.serviceViews[0]!.assets![0] as Record<string, unknown>).name = 42;
    (broken.metrics[0] as Record<string, unknown>).resultFormat = 'percentage';
    const report = await call<ProviderImportReport>('server.importProvider', {
      source: { path: file('broken.json', broken) },
    });
    expect(report).toMatchObject({ applied: false, counts: null, resources: [] });
    expect(report.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['metrics[0].resultFormat', 'serviceViews[0].assets[0].name']),
    );
    const notJson = await call<ProviderImportReport>('server.previewImport', {
      source: { path: file('text.json', '{"name": ') },
    });
    expect(notJson.problems).toEqual([
      { path: '', message: expect.stringMatching(/^not valid JSON/) },
    ]);
    await expect(
      call('server.previewImport', { source: { path: join(tempDir(), 'missing.json') } }),
    ).rejects.toMatchObject({ code: 'APP_FILE_UNREADABLE' });
    expect((await call<PublishedTree>('server.tree')).nodes).toEqual([]);
  });

  it('imports an uploaded file the same way', async () => {
    const { call } = await openConsole();
    const base64 = Buffer.from(JSON.stringify(sampleProvider())).toString('base64');
    const report = await call<ProviderImportReport>('server.importProvider', {
      source: { upload: { name: 'provider.json', base64 } },
    });
    expect(report).toMatchObject({ applied: true, source: 'provider.json' });
  });

  it('shows the tree, publishes, and reports the objective and the triggers that fired', async () => {
    const { core, call, file, time } = await openConsole();
    await call('server.importProvider', { source: { path: file('p.json', sampleProvider()) } });
    const tree = await call<PublishedTree>('server.tree');
    expect(tree.nodes.map((n) => [n.kind, n.id, n.depth])).toEqual([
      ['serviceView', 'sv1', 0],
      ['dependency', 'dep1', 1],
      ['dependency', 'dep2', 2],
      ['asset', 'a1', 1],
      ['attribute', 'at1', 2],
      ['measurement', 'm1', 3],
      ['measurement', 'scan', 3],
      ['asset', 'a2', 1],
      ['serviceView', 'sv2', 0],
    ]);
    expect(tree.nodes[5]!.measurement).toMatchObject({
      metricName: 'availability-percentage',
      result: { value: [{ percentage: 99.95 }] },
      objective: { condition: 'value[0].percentage >= 99.9', status: 'true' },
      triggers: 0,
    });

    // A customer's trigger, created as the CTP API creates it.
    const { trigger } = await core.provider.triggers.create('sv1', {
      name: 'below SLA',
      measurement: 'https://x/serviceViews/sv1/measurements/m1',
      condition: 'value[0].percentage < 99.9',
      notification: 'xmpp:ops@example.com',
    });
    time.advance(60_000);
    const report = await call<PublishReport>('server.publish', {
      measurementId: 'm1',
      resultText: JSON.stringify({ value: [{ percentage: 98.5 }] }),
    });
    expect(report).toMatchObject({ measurementId: 'm1', objectiveStatus: 'false', evaluated: 1 });
    expect(report.alerts).toEqual([
      {
        triggerId: trigger.id,
        triggerName: 'below SLA',
        logId: expect.any(String),
        kind: 'normal',
        notification: 'xmpp:ops@example.com',
      },
    ]);

    const detail = await call<MeasurementConsole>('server.measurement', { id: 'm1' });
    expect(detail.location.serviceView).toEqual({ id: 'sv1', name: 'main' });
    expect(detail.metric.resultFormat).toEqual([{ name: 'percentage', type: 'number' }]);
    expect(detail.result).toMatchObject({ value: [{ percentage: 98.5 }], signed: false });
    expect(detail.triggers).toMatchObject([{ id: trigger.id, status: 'true', accounts: ['acme'] }]);
    expect(detail.logs).toMatchObject([{ triggerId: trigger.id, kind: 'alert' }]);
    expect(detail.history.map((h) => h.value)).toEqual([
      [{ percentage: 98.5 }],
      [{ percentage: 99.95 }],
    ]);

    await expect(
      call('server.publish', {
        measurementId: 'm1',
        resultText: '{"value": [{"percentage": "x"}]}',
      }),
    ).rejects.toMatchObject({ code: 'CTP_RESULT_INVALID' });
    await expect(call('server.measurement', { id: 'nope' })).rejects.toMatchObject({
      code: 'CTP_NOT_FOUND',
    });
  });

  it('resets a trigger stuck in error', async () => {
    const { core, call, file } = await openConsole();
    await call('server.importProvider', { source: { path: file('p.json', sampleProvider()) } });
    const { trigger } = await core.provider.triggers.create('sv1', {
      measurement: 'https://x/serviceViews/sv1/measurements/m1',
      condition: 'value[0].missing.deeper > 1',
    });
    expect(trigger.status).toBe('error');
    const listed = await call<ConsoleTrigger[]>('server.triggers');
    expect(listed).toMatchObject([{ id: trigger.id, status: 'error', serviceViewName: 'main' }]);
    const reset = await call<ConsoleTrigger>('server.resetTrigger', { id: trigger.id });
    expect(reset.status).toBe('false');
    await expect(call('server.resetTrigger', { id: 'nope' })).rejects.toMatchObject({
      code: 'CTP_NOT_FOUND',
    });
  });

  it('creates accounts and tokens shown once, notes their last use, rotates and revokes', async () => {
    const { core, call, file, time } = await openConsole();
    await call('server.importProvider', { source: { path: file('p.json', sampleProvider()) } });
    await expect(call('server.createToken', { account: 'initech' })).rejects.toMatchObject({
      code: 'CTP_BAD_REQUEST',
    });
    const issued = await call<IssuedToken>('server.createToken', {
      account: 'initech',
      serviceViews: ['sv2'],
    });
    expect(issued.token.length).toBeGreaterThanOrEqual(16);
    const accounts = core.provider.accounts;
    expect(await accounts.authenticate(issued.token)).toMatchObject({ account: 'initech' });
    expect(await accounts.flushUses()).toBe(1);
    const listed = await call<AccountDetail[]>('server.accounts');
    const initech = listed.find((a) => a.name === 'initech')!;
    expect(initech).toMatchObject({ serviceViews: ['sv2'], triggers: 0 });
    expect(initech.tokens).toEqual([
      {
        id: expect.any(Number),
        createdAt: time.clock().toISOString(),
        revokedAt: null,
        lastUsedAt: time.clock().toISOString(),
      },
    ]);
    // Never the token itself: only its digest is stored.
    expect(JSON.stringify(listed)).not.toContain(issued.token);

    const rotated = await call<IssuedToken>('server.rotateTokens', { account: 'initech' });
    expect(await accounts.authenticate(issued.token)).toBeNull();
    expect(await accounts.authenticate(rotated.token)).toMatchObject({ account: 'initech' });
    const [active] = (await call<AccountDetail[]>('server.accounts')).find(
      (a) => a.name === 'initech',
    )!.tokens;
    await expect(
      call('server.revokeTokens', { account: 'initech', tokenId: active!.id }),
    ).resolves.toEqual({ revoked: 1 });
    expect(await accounts.authenticate(rotated.token)).toBeNull();
    await expect(
      call('server.revokeTokens', { account: 'initech', tokenId: 999_999 }),
    ).rejects.toMatchObject({ code: 'CTP_NOT_FOUND' });

    const saved = await call<AccountDetail>('server.saveAccount', {
      name: 'initech',
      serviceViews: ['sv1', 'sv2'],
    });
    expect(saved.serviceViews).toEqual(['sv1', 'sv2']);
    await call('server.deleteAccount', { name: 'initech' });
    await expect(call('server.deleteAccount', { name: 'initech' })).rejects.toMatchObject({
      code: 'CTP_NOT_FOUND',
    });
  });

  it('refuses malformed arguments before any work', async () => {
    const { call } = await openConsole();
    for (const [name, argument] of [
      ['server.publish', { measurementId: 'm1' }],
      ['server.publish', { measurementId: 'a b', resultText: '{}' }],
      ['server.saveAccount', { name: 'x\ny', serviceViews: [] }],
      ['server.revokeTokens', { account: 'a', tokenId: 1.5 }],
      ['server.importProvider', { source: { upload: { name: 'p.json', base64: '***' } } }],
      ['server.importProvider', { source: { path: '' } }],
      ['server.tree', { extra: true }],
    ] as const) {
      await expect(call(name, argument)).rejects.toMatchObject({ code: 'APP_INVALID_ARGUMENT' });
    }
  });

  it('has no file picker in headless mode', async () => {
    const { call } = await openConsole();
    await expect(call('app.chooseFile', { purpose: 'bundle' })).rejects.toMatchObject({
      code: 'APP_NOT_AVAILABLE',
    });
  });
});
