import { describe, expect, it } from 'vitest';

import { checkObjective } from '../../../../../electron/core/client/objectiveCheck';
import { parseMeasurement } from '../../../../../electron/core/client/responseShapes';

const clock = () => new Date('2026-06-01T00:00:00Z');

function measurement(
  objective: unknown,
  result: unknown = { value: [{ p: 99.5 }], updateTime: '2026-01-01T00:00:00Z' },
) {
  const parsed = parseMeasurement(
    JSON.stringify({ self: 'https://v.example/ctp/measurements/m', result, objective }),
  );
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('objective re-evaluation (CTP 5.4 with shared/ctpscript)', () => {
  it.each([
    ['agrees on true', { condition: 'value[0].p >= 99', status: 'true' }, 'true', false],
    ['agrees on false', { condition: 'value[0].p >= 99.9', status: false }, 'false', false],
    [
      'vendor claims true, we get false',
      { condition: 'value[0].p >= 99.9', status: 'true' },
      'false',
      true,
    ],
    [
      'vendor claims false, we get true',
      { condition: 'value[0].p > 0', status: 'false' },
      'true',
      true,
    ],
    [
      'a runtime error the vendor also reports',
      { condition: 'value[5].p > 0', status: 'error' },
      'error',
      false,
    ],
    [
      'a runtime error the vendor hides',
      { condition: 'value[5].p > 0', status: 'true' },
      'error',
      true,
    ],
    ['an unknown function', { condition: 'matchRegex("a", "a")', status: 'true' }, 'error', true],
    ['no claimed status', { condition: 'true' }, 'true', false],
    [
      'updateTime is readable',
      { condition: 'updateTime == "2026-01-01T00:00:00Z"', status: 'true' },
      'true',
      false,
    ],
  ])('%s', (_label, objective, ours, disagrees) => {
    expect(checkObjective(measurement(objective), clock)).toMatchObject({ ours, disagrees });
  });

  it('evaluates "now" at the vendor\'s statusUpdateTime', () => {
    const condition = 'timeUTC("now") - timeUTC(updateTime) < 86400';
    const atVendorTime = measurement({
      condition,
      status: 'true',
      statusUpdateTime: '2026-01-01T01:00:00Z',
    });
    expect(checkObjective(atVendorTime, clock)).toMatchObject({ ours: 'true', disagrees: false });
    const noTime = measurement({ condition, status: 'true' });
    expect(checkObjective(noTime, clock)).toMatchObject({ ours: 'false', disagrees: true });
  });

  it('no objective: nothing to check; no result: not evaluated', () => {
    expect(checkObjective(measurement(null), clock)).toBeNull();
    expect(
      checkObjective(measurement({ condition: 'true', status: 'false' }, null), clock),
    ).toMatchObject({
      ours: 'no_result',
      disagrees: false,
    });
  });
});
