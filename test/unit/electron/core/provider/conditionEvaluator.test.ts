import { describe, expect, it } from 'vitest';

import { createConditionEvaluator } from '../../../../../electron/core/provider/conditionEvaluator';

const result = { value: [{ percentage: 42 }], updateTime: '2026-01-01T00:00:00Z' };
const requests = [
  { source: 'value[0].percentage > 40', result },
  { source: 'value[0].percentage > 50', result },
  { source: 'value[0].missing.deeper > 1', result },
  { source: 'matchRegex("a", "b")', result },
];

describe('the condition evaluator', () => {
  it('gives the same outcomes in slices and at once, errors included', async () => {
    const evaluator = createConditionEvaluator({ sliceMs: 0 });
    const expected = [
      { status: 'true' },
      { status: 'false' },
      { status: 'error', error: expect.stringMatching(/^CTPScript evaluation error: 1:1: /) },
      { status: 'error', error: expect.stringContaining('did you mean matchRegexp?') },
    ];
    expect(await evaluator.evaluate(requests, 0)).toEqual(expected);
    expect(evaluator.evaluateNow(requests, 0)).toEqual(expected);
  });

  it('lets the event loop run between conditions once a slice is used up', async () => {
    const evaluator = createConditionEvaluator({ sliceMs: 0 });
    let turns = 0;
    const count = () => {
      turns++;
      if (turns < 100) setImmediate(count);
    };
    setImmediate(count);
    await evaluator.evaluate(requests, 0);
    // One turn of the loop before each of the 4 conditions.
    expect(turns).toBeGreaterThanOrEqual(4);
  });
});
