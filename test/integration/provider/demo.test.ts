import { describe, expect, it } from 'vitest';

import { demoPlan, seedDemo } from '../../../electron/core/provider/demo';
import { readsOn } from '../../../electron/core/provider/repositories';
import { useTempDirs } from '../../helpers/tempDir';
import { useTestStores } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
const openStore = useTestStores();

describe('the demo provider (serve --demo)', () => {
  it('plans 90 days of results that tell the same story every time', () => {
    const plan = demoPlan();
    expect(plan).toEqual(demoPlan());
    expect(plan.filter((p) => p.measurement === 'eu-api-uptime')).toHaveLength(90);
    expect(plan.filter((p) => p.measurement === 'eu-idp-response')).toHaveLength(12);
  });

  it('seeds an empty provider store once, with signed results, failing objectives, triggers and logs', async () => {
    const store = await openStore(tempDir());
    const now = () => new Date('2026-04-01T12:00:00Z');
    const seed = await seedDemo({ store, now });
    expect(seed.seeded).toBe(true);
    expect(seed.results).toBe(90 * 4 + 12);
    expect(seed.alerts).toBeGreaterThan(3);
    const repos = readsOn(store);
    const uptime = (await repos.measurement('eu-api-uptime'))!;
    expect(JSON.parse(uptime.resultText!)).toMatchObject({
      authorityId: 'monitor.trustlab.example',
      signature: expect.stringMatching(/^ey/),
    });
    expect(uptime.objective!.status).toBe('true');
    expect((await repos.measurement('eu-idp-response'))!.objective!.status).toBe('false');
    expect((await repos.measurement('eu-attachments-countries'))!.objective!.status).toBe('true');
    expect(await repos.measurement('eu-db-scan')).toMatchObject({
      state: 'deactivated',
      resultText: null,
    });
    const history = await store.get(
      "SELECT count(*) AS n FROM result_history WHERE measurement_id = 'eu-api-uptime'",
    );
    expect(history).toEqual({ n: 90 });
    const all = { offset: 0, limit: 1000, name: null, oldestMs: null, newestMs: null };
    expect((await repos.logs('notes-eu', { ...all, tags: ['gdpr'] })).total).toBe(2);
    expect((await repos.logs('notes-eu', { ...all, tags: ['crypto'] })).total).toBe(3);
    expect((await repos.logs('notes-eu', { ...all, tags: ['sla'] })).total).toBeGreaterThanOrEqual(
      3,
    );
    expect((await repos.logs('notes-us', { ...all, tags: ['error'] })).total).toBe(1);
    expect(await repos.serviceView('colo-fra')).toMatchObject({
      parentId: 'bigcloud-fra',
      parentIsDependency: true,
    });
    expect(await seedDemo({ store, now })).toMatchObject({ seeded: false, results: 0 });
  });
});
