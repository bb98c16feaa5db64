import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  checkCondition,
  compileCondition,
  evaluateCondition,
  evaluateSource,
} from '../../../../shared/ctpscript/index';
import type { EvaluationResult } from '../../../../shared/ctpscript/index';
import { RESULT, run } from './helpers';

// Conditions come from untrusted clients (SPEC-NOTES "CTPScript" 13): whatever the input,
// compiling and evaluating return true, false or error within the limits, and never throw.

const OUTCOMES = ['true', 'false', 'error'];

function expectWellFormed(evaluation: EvaluationResult): void {
  expect(OUTCOMES).toContain(evaluation.outcome);
  if (evaluation.outcome === 'error') {
    expect(typeof evaluation.error?.message).toBe('string');
  }
}

// Pieces of CTPScript that combine into plausible (and implausible) conditions.
const token = fc.constantFrom(
  'value',
  'updateTime',
  'authorityId',
  'signature',
  '[0]',
  '[1]',
  '.percentage',
  '.country',
  '.length',
  '.min()',
  '.max()',
  'toString(',
  'toNumber(',
  'toBoolean(',
  'matchRegexp(',
  'select(',
  'timeUTC(',
  '"now"',
  '"UK"',
  '"^(a+)+$"',
  '"[[:digit:]]"',
  "'x'",
  '"\\u00e9"',
  '0',
  '1',
  '-0',
  '0x1F',
  '.5',
  '1e308',
  '99.9',
  'true',
  'false',
  'null',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ',',
  ':',
  '.',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  ' ',
  '\n',
  '"',
  'a:',
  'matchRegex(',
  '__proto__',
  'constructor',
);

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const results = fc.oneof(
  fc.constant(RESULT),
  fc.record({
    value: fc.array(
      fc.dictionary(fc.constantFrom('percentage', 'country', 'x', '__proto__'), jsonValue),
      {
        maxLength: 5,
      },
    ),
    updateTime: fc.oneof(fc.constant('2015-07-20T12:34:56Z'), fc.string(), fc.constant(null)),
    authorityId: fc.oneof(fc.string(), fc.constant(null)),
    signature: fc.oneof(fc.string(), fc.constant(null)),
  }),
  jsonValue,
);

describe('robustness', () => {
  it('random token sequences compile or fail with diagnostics, and evaluate to an outcome', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), results, (tokens, result) => {
        const source = tokens.join('');
        const diagnostics = checkCondition(source);
        for (const d of diagnostics) {
          expect(d.from).toBeGreaterThanOrEqual(0);
          expect(d.to).toBeLessThanOrEqual(source.length);
          expect(d.from).toBeLessThanOrEqual(d.to);
        }
        const compiled = compileCondition(source);
        expect(compiled.ok).toBe(!diagnostics.some((d) => d.severity === 'error'));
        expectWellFormed(evaluateSource(source, result));
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('mutations of valid conditions never throw', () => {
    const valid = [
      'value[0].tls_symmetric_key_length >= 128',
      'value[0].business_hours_uptime > 99.5 && value[0].other_hours_uptime > 98.0',
      'matchRegexp("^(UK|FR)$", select("country", value))',
      'timeUTC("now") - timeUTC(updateTime) < 3600',
      'toString([1, {a: "b"}, null]) == "x" || select("level", value).max() <= 2',
    ];
    const mutation = fc.tuple(
      fc.constantFrom(...valid),
      fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { maxLength: 4 }),
    );
    fc.assert(
      fc.property(mutation, results, ([base, edits], result) => {
        let source = base;
        for (const [at, remove, insert] of edits) {
          const i = at % (source.length + 1);
          source = source.slice(0, i) + insert + source.slice(i + remove);
        }
        expectWellFormed(evaluateSource(source, result));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('arbitrary strings (any code point) never throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (source) => {
        expectWellFormed(evaluateSource(source, RESULT));
      }),
      { numRuns: 1000, seed: 3 },
    );
  });

  it('a compiled condition gives the same outcome for the same result (no state leaks)', () => {
    const compiled = compileCondition(
      'select("x", value).max() >= 1 && matchRegexp("a", toString(value))',
    );
    if (!compiled.ok) throw new Error('does not compile');
    fc.assert(
      fc.property(results, (result) => {
        const first = evaluateCondition(compiled.condition, result);
        expectWellFormed(first);
        expect(evaluateCondition(compiled.condition, result).outcome).toBe(first.outcome);
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('evaluation inside a clock that evaluates the same condition is independent', () => {
    const compiled = compileCondition('timeUTC("now") > 0 && value[0] == 1');
    if (!compiled.ok) throw new Error('does not compile');
    const inner: string[] = [];
    const outer = evaluateCondition(
      compiled.condition,
      { value: [1] },
      {
        now: () => {
          inner.push(
            evaluateCondition(compiled.condition, { value: [2] }, { now: () => 1000 }).outcome,
          );
          return 1000;
        },
      },
    );
    expect(inner).toEqual(['false']);
    expect(outer.outcome).toBe('true');
  });
});

describe('pathological regular expressions finish (linear-time engine, SPEC-NOTES 11)', () => {
  const long = 'a'.repeat(100_000);
  it.each([
    ['(a+)+$', `${long}!`, false],
    ['(a+)+!', `${long}!`, true],
    ['^(a+)+$', `${long}!`, false],
    ['^(a|a)*$', `${long}b`, false],
    ['^(a*)*b$', long, false],
    ['(a|aa)+c', long, false],
    ['^(a?){50}a{50}$', 'a'.repeat(50), true],
  ])('%s on a long subject', (pattern, subject, expected) => {
    const result = { value: [{ s: subject }], updateTime: null };
    expect(run(`matchRegexp(${JSON.stringify(pattern)}, value[0].s)`, result).value).toBe(expected);
  });
});

describe('limits (SPEC-NOTES "CTPScript" 13)', () => {
  it('source: 4 KiB pass, more is an error', () => {
    const fits = `1${' '.repeat(4095)}`;
    expect(checkCondition(fits)).toEqual([]);
    const [diagnostic] = checkCondition(`1${' '.repeat(4096)}`);
    expect(diagnostic).toMatchObject({ code: 'CTPSCRIPT_LIMIT' });
    expect(diagnostic?.message).toMatch(/4097 bytes long; at most 4096/);
  });

  it('source size counts UTF-8 bytes', () => {
    expect(checkCondition(`"${'é'.repeat(2047)}"`)).toEqual([]);
    expect(checkCondition(`"${'é'.repeat(2048)}"`)[0]?.code).toBe('CTPSCRIPT_LIMIT');
  });

  it.each([
    ['parentheses', (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`],
    ['unary operators', (n: number) => `${'!'.repeat(n)}1`],
    ['arrays', (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`],
    ['calls', (n: number) => `${'toNumber('.repeat(n)}1${')'.repeat(n)}`],
  ])('nesting of %s: 64 levels pass, 65 fail', (_kind, build) => {
    // The outermost expression is level 1: n wrappers around a literal make n + 1 levels.
    expect(checkCondition(build(63))).toEqual([]);
    expect(checkCondition(build(64))[0]?.code).toBe('CTPSCRIPT_LIMIT');
  });

  it('deep nesting within 4 KiB is refused, not a stack overflow', () => {
    const evaluation = evaluateSource(`${'-'.repeat(4000)}1`, RESULT);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.code).toBe('CTPSCRIPT_LIMIT');
  });

  it('strings: doubling stops at the string limit', () => {
    // Strings built from the result, which the constant folder cannot see.
    const doubling = 'toString(select("s", value)) + toString(select("s", value))';
    const result = { value: Array.from({ length: 1000 }, () => ({ s: 'x'.repeat(600) })) };
    const evaluation = run(doubling, result);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.code).toBe('CTPSCRIPT_LIMIT');
    expect(
      run('toString(select("s", value))', result, { limits: { maxStringLength: 10_000_000 } })
        .outcome,
    ).toBe('true');
  });

  it('arrays: select beyond the array limit is an error', () => {
    const result = { value: Array.from({ length: 11 }, (_, i) => ({ x: i })) };
    expect(
      run('select("x", value).length', result, { limits: { maxArrayLength: 10 } }).error?.code,
    ).toBe('CTPSCRIPT_LIMIT');
    expect(run('select("x", value).length', result).value).toBe(11);
  });

  it('steps: min over a large mixed array is bounded', () => {
    // Mixed types need pairwise comparisons: quadratic, so the budget stops it (the
    // object at the end fails every comparison, so no element qualifies early).
    const value = [...Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? `${i}` : i)), {}];
    const evaluation = run('value.min()', { value });
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.message).toMatch(/more than 1000000 steps/);
    // Homogeneous arrays are ordered in one pass.
    expect(
      run('value.min()', { value: Array.from({ length: 50_000 }, (_, i) => 50_000 - i) }).value,
    ).toBe(1);
  });

  it('toString and matchRegexp refuse arrays nested beyond the value depth', () => {
    let deep: unknown = 'a';
    for (let i = 0; i < 200; i++) deep = [deep];
    const result = { value: deep };
    expect(run('toString(value)', result).error?.code).toBe('CTPSCRIPT_LIMIT');
    expect(run('matchRegexp("a", value)', result).error?.code).toBe('CTPSCRIPT_LIMIT');
  });

  it('cyclic host data cannot hang an evaluation', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const result = { value: cyclic };
    expect(run('toString(value)', result).error?.code).toBe('CTPSCRIPT_LIMIT');
    expect(run('matchRegexp("a", value)', result).error?.code).toBe('CTPSCRIPT_LIMIT');
    expect(run('value[0][0][0].length', result).value).toBe(1);
  });

  it('a regular expression longer than the pattern limit is an error', () => {
    const result = { value: [{ p: 'a'.repeat(5000) }] };
    expect(run('matchRegexp(value[0].p, "a")', result).error?.message).toMatch(/longer than 4096/);
  });
});
