import { describe, expect, it } from 'vitest';

import {
  compileCondition,
  DEFAULT_LIMITS,
  evaluateCondition,
  evaluateSource,
} from '../../../../shared/ctpscript/index';
import type { EvaluationResult } from '../../../../shared/ctpscript/index';
import { RESULT, run } from './helpers';

// The step budget (decisions.md "CTPScript", "The work budget"): every evaluation charges
// what the engine does before doing it, and stops with CTPSCRIPT_LIMIT where the next
// piece of work would cross the budget. Assertions are on outcomes and step counts,
// never on time.

const BUDGET = DEFAULT_LIMITS.maxSteps;

/** The evaluation ended with the budget error, its counter where the next work would cross. */
function expectStoppedAtBudget(evaluation: EvaluationResult, budget = BUDGET): void {
  expect(evaluation.outcome).toBe('error');
  expect(evaluation.error?.code).toBe('CTPSCRIPT_LIMIT');
  expect(evaluation.error?.message).toContain(`more than ${budget} steps`);
  const asked = /asks for (\d+) after (\d+)\)/.exec(evaluation.error?.message ?? '');
  expect(asked).not.toBeNull();
  const [, part, before] = asked as RegExpExecArray;
  expect(Number(before)).toBe(evaluation.steps);
  expect(evaluation.steps).toBeLessThanOrEqual(budget);
  expect(evaluation.steps + Number(part)).toBeGreaterThan(budget);
}

function programSize(pattern: string): number {
  const compiled = compileCondition(`matchRegexp(${JSON.stringify(pattern)}, "")`);
  if (!compiled.ok) throw new Error(`${pattern} does not compile`);
  const regexp = compiled.condition.patterns.get(pattern);
  if (regexp === undefined) throw new Error(`${pattern} was not compiled`);
  return regexp.programSize;
}

const subject = (length: number): string => 'ab'.repeat(length).slice(0, length);

/** Distinct 3-letter words with few common prefixes (so that RE2 cannot factor them). */
function words(count: number): string[] {
  let x = 7;
  const letter = (): string => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return String.fromCharCode(97 + (x % 26));
  };
  const out = new Set<string>();
  while (out.size < count) out.add(letter() + letter() + letter());
  return [...out];
}

describe('pathological conditions stop at the budget', () => {
  it('a 4 KiB condition of bounded repetitions is refused before compiling its pattern', () => {
    const pattern = '.{0,255}'.repeat(500);
    const source = `matchRegexp("${pattern}", value[0].s)`;
    expect(source.length).toBeLessThanOrEqual(4096);
    const evaluation = evaluateSource(source, { value: [{ s: subject(2000) }] });
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.code).toBe('CTPSCRIPT_LIMIT');
    expect(evaluation.error?.message).toMatch(/compiles to up to \d+ instructions, at most 2000/);
    expect(evaluation.steps).toBe(0);
  });

  it('the same pattern from the result is refused before compiling too', () => {
    const result = { value: [{ p: '.{0,255}'.repeat(500), s: subject(2000) }] };
    const evaluation = run('matchRegexp(value[0].p, value[0].s)', result);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.code).toBe('CTPSCRIPT_LIMIT');
    expect(evaluation.steps).toBe(0);
  });

  it.each([
    ['bounded repetitions', '.{0,255}.{0,255}.{0,255}'],
    ['nested bounded repetitions', '(a{0,30}b?){0,20}c'],
    ['a long alternation', `(${words(450).join('|')})`],
  ])('%s against 2,000 characters: pattern size × subject length', (_kind, pattern) => {
    const size = programSize(pattern);
    expect(size * 2001).toBeGreaterThan(BUDGET);
    const result = { value: [{ s: subject(2000) }] };
    const evaluation = run(`matchRegexp(${JSON.stringify(pattern)}, value[0].s)`, result);
    expectStoppedAtBudget(evaluation);
    expect(evaluation.error?.message).toContain(`asks for ${size * 2001} after 0`);
    // The same subject, 10 times shorter, fits.
    const short = run(`matchRegexp(${JSON.stringify(pattern)}, value[0].s)`, {
      value: [{ s: subject(200) }],
    });
    expect(short.outcome).not.toBe('error');
    expect(short.steps).toBe(size * 201);
  });

  it('a pattern from the result pays for its compilation at every evaluation', () => {
    const pattern = '.{0,255}.{0,255}.{0,255}';
    const result = { value: [{ p: pattern, s: subject(2000) }] };
    const condition = 'matchRegexp(value[0].p, value[0].s)';
    const first = run(condition, result);
    expectStoppedAtBudget(first);
    // Compiled once, charged twice: the same counts and outcome both times.
    const compiled = compileCondition(condition);
    if (!compiled.ok) throw new Error('does not compile');
    const again = [0, 1].map(() => evaluateCondition(compiled.condition, result));
    expect(again[1]).toEqual(again[0]);
    expect(again[0]?.steps).toBe(first.steps);
    expect(first.steps).toBeGreaterThan(0);
  });

  it('selects over a long result array', () => {
    const value = Array.from({ length: 100_000 }, (_, i) => ({ x: i }));
    const source = Array.from({ length: 11 }, () => 'select("x", value).length').join(' + ');
    const evaluation = run(source, { value });
    expectStoppedAtBudget(evaluation);
    expect(evaluation.steps).toBe(1_000_000);
    expect(run(source.split(' + ').slice(0, 10).join(' + '), { value }).value).toBe(1_000_000);
  });

  it('building and comparing long strings', () => {
    const value = Array.from({ length: 10_000 }, (_, i) => ({ s: `${i}`.padStart(20, 'x') }));
    const text = 'toString(select("s", value))';
    const source = Array.from({ length: 6 }, () => `${text} != ${text}`).join(' || ');
    expectStoppedAtBudget(run(source, { value }));
  });

  it('reading a number from a long string', () => {
    const evaluation = run('toNumber(value[0].s) > 0', { value: [{ s: '1'.repeat(1_500_000) }] });
    expectStoppedAtBudget(evaluation);
    expect(evaluation.error?.message).toContain('asks for 1500000 after 0');
  });

  it('printing many numbers', () => {
    const value = Array.from({ length: 10_000 }, (_, i) => ({ n: i + 0.5 }));
    const source = 'toString(select("n", value)) + toString(select("n", value)) == ""';
    expectStoppedAtBudget(run(source, { value }));
  });

  it('a huge key or value in an error message is cut short', () => {
    const result = { value: [{ s: 'k'.repeat(500_000) }] };
    const evaluation = run('(1)[value[0].s]', result);
    expect(evaluation.error?.code).toBe('CTPSCRIPT_RUNTIME');
    expect(evaluation.error?.message.length).toBeLessThan(120);
  });
});

describe('what evaluations are charged', () => {
  const condition = 'matchRegexp("^(UK|FR|DE)$", select("country", value))';

  it('select, the elements matched and pattern size × (length + 1) per subject', () => {
    const size = programSize('^(UK|FR|DE)$');
    // 3 rows selected, 3 elements visited, 3 subjects of 2 characters.
    const expected = 3 + 3 + 3 * size * 3;
    expect(run(condition).steps).toBe(expected);
    expect(run(condition, RESULT, { limits: { maxSteps: expected } }).outcome).toBe('true');
    const short = run(condition, RESULT, { limits: { maxSteps: expected - 1 } });
    expectStoppedAtBudget(short, expected - 1);
  });

  it('a remembered answer is charged like a computed one', () => {
    const compiled = compileCondition(condition);
    if (!compiled.ok) throw new Error('does not compile');
    const steps = [0, 1, 2].map(() => evaluateCondition(compiled.condition, RESULT).steps);
    expect(new Set(steps).size).toBe(1);
    expect(steps[0]).toBe(run(condition).steps);
  });

  it('plain field reads and comparisons of numbers cost nothing', () => {
    expect(run('value[0].percentage >= 99.9 && value[1].level < 3').steps).toBe(0);
  });
});
