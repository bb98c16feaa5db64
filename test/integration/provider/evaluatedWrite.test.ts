import { describe, expect, it } from 'vitest';

import { createProviderServices } from '../../../electron/core/provider/services';
import { useTempDirs } from '../../helpers/tempDir';
import { interleavingEvaluator, manualClock, sampleProvider } from '../../fixtures/provider';
import { useTestStores } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
const openStore = useTestStores();

const M1 = 'https://x/ctp/measurements/m1';
const result = (percentage: number) => JSON.stringify({ value: [{ percentage }] });

/**
 * Two connections to one provider database, as the server and a `server publish` (or two
 * `serve` processes) have: ours evaluates through an evaluator the test can pause; the
 * other one's lock timeout is 0, so any write lock held by ours makes its writes fail at
 * once (SERVER_BUSY).
 */
async function setup() {
  const dir = tempDir();
  const interleave = interleavingEvaluator();
  const store = await openStore(dir);
  const otherStore = await openStore(dir, { busyTimeoutMs: 0, sharing: store });
  const time = manualClock();
  const ours = createProviderServices({
    store,
    clock: time.clock,
    conditions: interleave.evaluator,
  });
  const other = createProviderServices({ store: otherStore, clock: time.clock });
  await ours.importer.importDocument(sampleProvider());
  const low = await ours.triggers.create('sv1', {
    measurement: M1,
    condition: 'value[0].percentage < 99',
  });
  const percentage = (text: string) => JSON.parse(text).value[0].percentage as number;
  const logs = async () =>
    (
      await store.all<{ result: string | null; trigger_id: string }>(
        'SELECT result, trigger_id FROM logs ORDER BY seq',
      )
    ).map((l) => [l.trigger_id, l.result === null ? null : percentage(l.result)]);
  const history = async () =>
    (await store.all<{ result: string }>('SELECT result FROM result_history ORDER BY seq')).map(
      (h) => percentage(h.result),
    );
  return { store, ours, other, interleave, time, low: low.trigger.id, logs, history };
}

describe('writes that evaluate conditions (evaluatedWrite.ts)', () => {
  it('hold no lock while they evaluate: another connection publishes meanwhile, without waiting', async () => {
    const { ours, other, interleave, time, low, logs, history } = await setup();
    const before = interleave.counts.evaluate;
    const held = interleave.hold();
    const publishing = ours.publisher.publish('m1', result(90));
    await held.reached;
    // Our conditions are evaluated and waiting; the other connection writes at once.
    time.advance(1000);
    const theirs = await other.publisher.publish('m1', result(80));
    expect(theirs.alerts.map((a) => a.triggerId)).toEqual([low]);
    await other.admin.setObjective('m1', 'value[0].percentage > 50');
    time.advance(1000);
    held.release();
    const outcome = await publishing;
    // Ours is written after theirs and decided on the states theirs left: the trigger,
    // true since their result, is evaluated again (guard time 0) and alerts once more.
    expect(await history()).toEqual([99.95, 80, 90]);
    expect(outcome).toMatchObject({ objectiveStatus: 'true', evaluated: 1 });
    expect(await logs()).toEqual([
      [low, 80],
      [low, 90],
    ]);
    // The objective set in between was not predicted: evaluated on a second attempt.
    expect(interleave.counts.evaluate - before).toBe(2);
    expect(interleave.counts.evaluateNow).toBe(0);
  });

  it('evaluate a trigger created between their evaluation and their write (a new attempt)', async () => {
    const { ours, other, interleave, low, logs } = await setup();
    const before = interleave.counts.evaluate;
    const held = interleave.hold();
    const publishing = ours.publisher.publish('m1', result(40));
    await held.reached;
    const created = await other.triggers.create('sv1', {
      measurement: M1,
      condition: 'value[0].percentage < 50',
    });
    expect(created.trigger.status).toBe('false');
    held.release();
    const outcome = await publishing;
    expect(outcome.alerts.map((a) => a.triggerId).sort()).toEqual([low, created.trigger.id].sort());
    expect(await logs()).toEqual(
      expect.arrayContaining([
        [low, 40],
        [created.trigger.id, 40],
      ]),
    );
    expect(interleave.counts.evaluate - before).toBe(2);
    expect(interleave.counts.evaluateNow).toBe(0);
  });

  it('evaluate under the lock after three attempts the data changed under', async () => {
    const { ours, other, interleave, logs } = await setup();
    const created: string[] = [];
    interleave.between(async () => {
      const { trigger } = await other.triggers.create('sv1', {
        measurement: M1,
        condition: `value[0].percentage < ${60 + created.length}`,
      });
      created.push(trigger.id);
    });
    const before = interleave.counts.evaluate;
    const outcome = await ours.publisher.publish('m1', result(10));
    interleave.between(null);
    expect(interleave.counts.evaluate - before).toBe(3);
    expect(interleave.counts.evaluateNow).toBeGreaterThan(0);
    expect(created).toHaveLength(3);
    // Every trigger, the three created in between included, saw the result once.
    expect(outcome.evaluated).toBe(4);
    expect((await logs()).filter(([, p]) => p === 10)).toHaveLength(4);
  });

  it('evaluate a new trigger against the result current when it is written', async () => {
    const { ours, other, interleave, logs } = await setup();
    const held = interleave.hold();
    const creating = ours.triggers.create('sv1', {
      measurement: M1,
      condition: 'value[0].percentage < 70',
    });
    await held.reached;
    await other.publisher.publish('m1', result(65));
    held.release();
    const { trigger, alerts } = await creating;
    // Predicted against 99.95, written after 65 became current: evaluated against 65.
    expect(trigger.status).toBe('true');
    expect(alerts).toHaveLength(1);
    expect(await logs()).toContainEqual([trigger.id, 65]);
  });
});
