import { describe, expect, it } from 'vitest';

import { createAccounts } from '../../../electron/core/provider/accounts';
import { readsOn } from '../../../electron/core/provider/repositories';
import { createServerCountsRepository } from '../../../electron/core/provider/serverCountsRepository';
import { createProviderServices } from '../../../electron/core/provider/services';
import { AppError } from '../../../shared/errors';
import { useTempDirs } from '../../helpers/tempDir';
import { manualClock, sampleProvider } from '../../fixtures/provider';
import { useTestStores } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
const openStore = useTestStores();

async function setup() {
  const store = await openStore(tempDir());
  const time = manualClock();
  const { importer } = createProviderServices({ store, clock: time.clock });
  return { store, time, importer, repos: readsOn(store) };
}

async function importError(importer: Awaited<ReturnType<typeof setup>>['importer'], doc: unknown) {
  try {
    await importer.importDocument(doc);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the import to fail');
}

describe('server import (DESIGN.md "Provider data")', () => {
  it('creates the tree, evaluates the objective, and is idempotent', async () => {
    const { store, importer, repos } = await setup();
    const first = await importer.importDocument(sampleProvider());
    expect(first).toMatchObject({ updated: 0, unchanged: 0, results: 1 });
    expect(first.created).toBeGreaterThan(8);
    expect(await repos.serverInfo()).toEqual({
      name: 'Example Cloud CTP',
      annotation: 'test server',
      provider: 'example.com',
    });
    const m1 = (await repos.measurement('m1'))!;
    expect(m1.objective).toEqual({
      condition: 'value[0].percentage >= 99.9',
      status: 'true',
      statusUpdateTime: '2026-01-01T00:00:00.000Z',
    });
    expect(JSON.parse(m1.resultText!)).toEqual({
      value: [{ percentage: 99.95 }],
      updateTime: '2026-01-01T00:00:00.000Z',
      authorityId: null,
      signature: null,
    });
    const scan = (await repos.measurement('scan'))!;
    expect(scan).toMatchObject({
      userActivated: true,
      state: 'deactivated',
      triggersAllowed: false,
    });
    expect(await repos.serviceView('dep2')).toMatchObject({
      parentId: 'dep1',
      parentIsDependency: true,
    });
    expect(await repos.rootViewOf('dependency', 'dep2')).toBe('sv1');
    expect(await repos.rootViewOf('serviceView', 'dep2')).toBeUndefined();
    expect(await repos.rootViewOf('measurement', 'm1')).toBe('sv1');
    expect(await createServerCountsRepository(store).counts()).toEqual({
      serviceViews: 2,
      assets: 2,
      measurements: 2,
      triggers: 0,
      accounts: 2,
    });

    const changeIds = () =>
      store.all(
        'SELECT id, change_id FROM service_views UNION ALL SELECT id, change_id FROM measurements ORDER BY id',
      );
    const before = await changeIds();
    const second = await importer.importDocument(sampleProvider());
    expect(second).toMatchObject({ created: 0, updated: 0, results: 0 });
    expect(await changeIds()).toEqual(before);
    expect(await store.get('SELECT count(*) AS n FROM result_history')).toEqual({ n: 1 });
  });

  it('gives new changeIds up to the service view when a measurement changes (CTP 4.1.5.5)', async () => {
    const { importer, repos } = await setup();
    await importer.importDocument(sampleProvider());
    const ids = async () => ({
      sv1: (await repos.serviceView('sv1'))!.changeId,
      sv2: (await repos.serviceView('sv2'))!.changeId,
      a1: (await repos.asset('a1'))!.changeId,
      a2: (await repos.asset('a2'))!.changeId,
      at1: (await repos.attribute('at1'))!.changeId,
      m1: (await repos.measurement('m1'))!.changeId,
      scan: (await repos.measurement('scan'))!.changeId,
      dep1: (await repos.serviceView('dep1'))!.changeId,
    });
    const before = await ids();
    const doc = sampleProvider();
    doc.serviceViews[0]!.assets![0]!.attributes![0]!.measurements[0]!.result!.value = [
      { percentage: 98 },
    ];
    await importer.importDocument(doc);
    const after = await ids();
    for (const changed of ['sv1', 'a1', 'at1', 'm1'] as const)
      expect(after[changed]).toBeGreaterThan(before[changed]);
    for (const same of ['sv2', 'a2', 'scan', 'dep1'] as const)
      expect(after[same]).toBe(before[same]);
    expect((await repos.measurement('m1'))!.objective!.status).toBe('false');

    // A dependency's change reaches its parent dependency and the view, not siblings.
    const deeper = doc;
    deeper.serviceViews[0]!.dependencies![0]!.dependencies[0]!.name = 'renamed';
    const beforeDep = {
      dep1: (await repos.serviceView('dep1'))!.changeId,
      sv1: (await repos.serviceView('sv1'))!.changeId,
      a1: (await repos.asset('a1'))!.changeId,
    };
    await importer.importDocument(deeper);
    expect((await repos.serviceView('dep1'))!.changeId).toBeGreaterThan(beforeDep.dep1);
    expect((await repos.serviceView('sv1'))!.changeId).toBeGreaterThan(beforeDep.sv1);
    expect((await repos.asset('a1'))!.changeId).toBe(beforeDep.a1);
  });

  it('matches resources without an id by name, so a re-import creates nothing', async () => {
    const { importer, repos } = await setup();
    const doc = {
      metrics: [{ name: 'm', resultFormat: [{ name: 'n', type: 'number' }] }],
      serviceViews: [{ name: 'v', assets: [{ name: 'x' }, { name: 'y' }] }],
    };
    await importer.importDocument(doc);
    const again = await importer.importDocument(doc);
    expect(again.created).toBe(0);
    expect((await repos.serviceViews(null, { offset: 0, limit: 1000, name: null })).total).toBe(1);
  });

  it('stores tokens hashed and authenticates them per account', async () => {
    const { store, importer } = await setup();
    await importer.importDocument(sampleProvider());
    const accounts = createAccounts(store);
    expect(await accounts.authenticate('acme-secret-token')).toMatchObject({
      account: 'acme',
      serviceViews: ['sv1'],
    });
    expect(await accounts.authenticate('globex-secret-token')).toMatchObject({
      serviceViews: ['sv2'],
    });
    expect(await accounts.authenticate('acme-secret-tokeN')).toBeNull();
    expect(await accounts.authenticate('')).toBeNull();
    const stored = await store.all<{ token_hash: string }>('SELECT token_hash FROM tokens');
    expect(stored.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true);
    const rotated = await accounts.rotateTokens('acme');
    expect(await accounts.authenticate('acme-secret-token')).toBeNull();
    expect(await accounts.authenticate(rotated)).toMatchObject({ account: 'acme' });
  });

  it.each([
    [{ serviceViews: {} }, '$.serviceViews: must be an array'],
    [{ serviceViews: [{ id: 'bad id' }] }, 'serviceViews[0].id: must be a CTP identifier'],
    [
      { serviceViews: [{ assets: [{ annotation: 'x' }] }] },
      'serviceViews[0].assets[0].name: is required',
    ],
    [
      { metrics: [{ name: 'm', resultFormat: [{ name: 'c', type: 'int' }] }] },
      'metrics[0].resultFormat[0].type',
    ],
    [{ metrics: [{ name: 'm' }] }, 'metrics[0].resultFormat: is required'],
    [{ surprise: 1 }, '$.surprise: is not a known property'],
    [
      {
        metrics: [{ id: 'k', name: 'm', resultFormat: [{ name: 'n', type: 'number' }] }],
        serviceViews: [
          {
            assets: [
              {
                name: 'a',
                attributes: [
                  {
                    measurements: [
                      { metric: 'k', objective: { condition: 'matchRegex("a", "b")' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      'serviceViews[0].assets[0].attributes[0].measurements[0].objective.condition: 1:1: unknown function',
    ],
    [
      {
        metrics: [{ id: 'k', name: 'm', resultFormat: [{ name: 'n', type: 'number' }] }],
        serviceViews: [
          {
            assets: [
              {
                name: 'a',
                attributes: [{ measurements: [{ metric: 'k', result: { value: [{ n: 'x' }] } }] }],
              },
            ],
          },
        ],
      },
      'serviceViews[0].assets[0].attributes[0].measurements[0].result.value[0].n: must be a number',
    ],
    [
      {
        serviceViews: [
          { assets: [{ name: 'a', attributes: [{ measurements: [{ metric: 'nope' }] }] }] },
        ],
      },
      'measurements[0].metric: there is no metric "nope"',
    ],
    [
      { accounts: [{ name: 'a', token: 'short', serviceViews: [] }] },
      'accounts[0].token: must be at least 16',
    ],
    [
      { accounts: [{ name: 'a', token: 'a-long-enough-token', tokens: ['short'] }] },
      'accounts[0].tokens[0]: must be at least 16',
    ],
    [{ accounts: [{ name: 'a', serviceViews: ['missing'] }] }, 'no service view "missing"'],
    [{ serviceViews: [{ id: 'x' }, { id: 'x' }] }, 'serviceViews[1].id: "x" is used twice'],
  ])('rejects %j naming the path', async (doc, message) => {
    const { importer, store } = await setup();
    const error = await importError(importer, doc);
    expect(error.code).toBe('CTP_PROVIDER_INVALID');
    expect(error.message).toContain(message);
    // Nothing was written.
    expect(await store.get('SELECT count(*) AS n FROM service_views')).toEqual({ n: 0 });
  });

  it('refuses an objective whose worst case on the largest result cannot fit the budget', async () => {
    const { importer, store } = await setup();
    const costly =
      'matchRegexp("^[a-z]{0,60}(critical|high)[a-z]{0,60}$", select("severity", value))';
    const doc = sampleProvider();
    const scan = doc.serviceViews[0]!.assets![0]!.attributes![0]!.measurements[1]!;
    Object.assign(scan, { objective: { condition: costly } });
    const inDocument = await importError(importer, doc);
    expect(inDocument.message).toMatch(
      /measurements\[1\]\.objective\.condition: .*on a result of 10000 rows .* needs at least \d+ steps/,
    );
    expect(await store.get('SELECT count(*) AS n FROM service_views')).toEqual({ n: 0 });

    // The same objective on a metric already on the server is checked with its format too.
    await importer.importDocument(sampleProvider());
    const later = {
      serviceViews: [
        {
          id: 'sv1',
          name: 'main',
          assets: [
            {
              id: 'a1',
              name: 'https://api.example.com',
              attributes: [
                {
                  id: 'at1',
                  name: 'availability',
                  measurements: [
                    { id: 'scan', metric: 'vulns-m', objective: { condition: costly } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const onServer = await importError(importer, later);
    expect(onServer.message).toMatch(/objective\.condition: .*needs at least \d+ steps/);
  });

  it('suggests the right function name for a misspelt objective', async () => {
    const { importer } = await setup();
    const doc = sampleProvider();
    doc.serviceViews[0]!.assets![0]!.attributes![0]!.measurements[0]!.objective = {
      condition: 'matchRegex("a", "b")',
    };
    const error = await importError(importer, doc);
    expect(error.message).toMatch(/did you mean matchRegexp/);
  });
});
