import { describe, expect, it } from 'vitest';

import { previewTrigger } from '../../../../../electron/core/alerts/triggers/triggerPreview';

const history = (...points: Array<[number, number]>) =>
  points.map(([seconds, percentage]) => ({
    result: { value: [{ percentage }], updateTime: new Date(seconds * 1000).toISOString() },
    atMs: seconds * 1000,
    updateTime: new Date(seconds * 1000).toISOString(),
  }));

describe('would have fired N times (CTP 5.3.2 over the kept history)', () => {
  it.each([
    // From false every result is evaluated; from true only after the guard time.
    [0, history([0, 98], [10, 97], [20, 99.5], [30, 96]), 3, 4],
    [15, history([0, 98], [10, 97], [20, 99.5], [30, 96]), 2, 3],
    [15, history([0, 98], [15, 97], [31, 96]), 2, 2],
    [0, [], 0, 0],
  ])('guard %s s: fired %s times, %s evaluations', (guard, points, fired, evaluated) => {
    const preview = previewTrigger('value[0].percentage < 99', guard, points);
    expect(preview).toMatchObject({ wouldHaveFired: fired, evaluated, errors: 0 });
  });

  it('counts an error alert once: the trigger then stays in error', () => {
    const preview = previewTrigger('value[1].percentage < 99', 0, history([0, 98], [10, 97]));
    expect(preview).toMatchObject({
      wouldHaveFired: 1,
      errors: 1,
      evaluated: 1,
      latest: { outcome: 'error' },
    });
    expect(preview.latest?.error).toMatch(/^1:\d+: /);
  });

  it('gives the outcome against the latest result; a condition that does not compile is an error', () => {
    expect(previewTrigger('value[0].percentage < 99', 0, history([0, 99.5])).latest).toEqual({
      outcome: 'false',
      error: null,
      updateTime: '1970-01-01T00:00:00.000Z',
    });
    expect(previewTrigger('matchRegex(1)', 0, history([0, 1])).latest?.error).toMatch(
      /did you mean matchRegexp/,
    );
  });
});
