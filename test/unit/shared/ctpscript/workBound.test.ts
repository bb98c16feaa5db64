import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { ResultColumn } from '../../../../shared/ctp/types';
import {
  checkCondition,
  checkWorkBound,
  compileCondition,
  compileConditionOrThrow,
  evaluateCondition,
  LARGEST_RESULT_ROWS,
} from '../../../../shared/ctpscript/index';
import { AppError } from '../../../../shared/errors';

// The static worst-case check (decisions.md "CTPScript", "The work budget"): refused
// when the work on the largest result of the format (10,000 rows, strings as short as
// can be, every row reached) cannot fit the step budget.

const ROOT = join(__dirname, '../../../..');

/** The columns of the tests' result (helpers.ts), as a metric would declare them. */
const FORMAT: ResultColumn[] = [
  { name: 'date', type: 'string' },
  { name: 'code', type: 'number' },
  { name: 'level', type: 'number' },
  { name: 'country', type: 'string' },
  { name: 'percentage', type: 'number' },
  { name: 'email', type: 'string' },
];

const EMAIL = '^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,255}$';

/** String literals of the CTPScript tests and grammar fixtures that compile as conditions. */
function conditionsOfTheTests(): string[] {
  const found = new Set<string>();
  const dir = join(ROOT, 'test/unit/shared/ctpscript');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.ts'))) {
    if (file === 'workBound.test.ts' || file === 'budget.test.ts') continue;
    const text = readFileSync(join(dir, file), 'utf8');
    // Single-quoted TypeScript strings, and template literals without substitutions.
    for (const m of text.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\$]|\\.)*)`/g)) {
      const literal = m[1] === undefined ? m[2] : unquoteSingle(m[1]);
      if (literal !== undefined && compileCondition(literal).ok) found.add(literal);
    }
  }
  for (const file of readdirSync(join(dir, 'grammar'))) {
    const text = readFileSync(join(dir, 'grammar', file), 'utf8');
    for (const m of text.matchAll(/^#[^\n]*\n+([\s\S]*?)\n+==>/gm)) {
      if (compileCondition(m[1] as string).ok) found.add(m[1] as string);
    }
  }
  return [...found];
}

function unquoteSingle(body: string): string | undefined {
  try {
    return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
  } catch {
    return undefined;
  }
}

/** Conditions in the docs' code: CTPScript examples among code spans and blocks. */
function conditionsOfTheDocs(): string[] {
  const found = new Set<string>();
  for (const file of readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(ROOT, 'docs', file), 'utf8');
    const candidates = [
      ...[...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].flatMap((m) =>
        (m[1] as string).split('\n'),
      ),
      ...[...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string),
      ...[...text.matchAll(/'([^'\n]+)'/g)].map((m) => m[1] as string),
    ];
    for (const candidate of candidates.map((c) => c.trim())) {
      if (/value|updateTime|timeUTC|matchRegexp|select/.test(candidate)) {
        if (compileCondition(candidate).ok) found.add(candidate);
      }
    }
  }
  return [...found];
}

/** Each objective of the demo provider data with its metric's result format. */
function objectivesOfTheDemo(): { condition: string; format: ResultColumn[] }[] {
  const demo = JSON.parse(readFileSync(join(ROOT, 'resources/demo/provider.json'), 'utf8')) as {
    metrics: { id: string; resultFormat: ResultColumn[] }[];
    serviceViews: {
      assets: {
        attributes: { measurements: { metric: string; objective?: { condition: string } }[] }[];
      }[];
    }[];
  };
  const formats = new Map(demo.metrics.map((m) => [m.id, m.resultFormat]));
  return demo.serviceViews.flatMap((view) =>
    view.assets.flatMap((asset) =>
      asset.attributes.flatMap((attribute) =>
        attribute.measurements.flatMap((m) =>
          m.objective === undefined
            ? []
            : [{ condition: m.objective.condition, format: formats.get(m.metric) ?? [] }],
        ),
      ),
    ),
  );
}

describe('the static check accepts the conditions in use', () => {
  // Refused on purpose: rows are objects, which min and max compare pair by pair.
  const REFUSED = new Set(['value.min()']);

  it('every condition of the CTPScript tests and grammar fixtures', () => {
    const conditions = conditionsOfTheTests();
    expect(conditions.length).toBeGreaterThan(300);
    const refused = conditions.filter((c) => !checkWorkBound(c, FORMAT).ok);
    expect(refused).toEqual([...REFUSED]);
  });

  it('every condition of the docs, but those they show refused', () => {
    const conditions = conditionsOfTheDocs();
    expect(conditions.length).toBeGreaterThan(10);
    const refused = conditions.filter((c) => !checkWorkBound(c, FORMAT).ok);
    expect(refused.sort()).toEqual([
      `matchRegexp("${EMAIL}", select("email", value))`,
      'value.min()',
      'value.min() == 0',
    ]);
  });

  it('every objective of the demo provider data, with its metric format', () => {
    const objectives = objectivesOfTheDemo();
    expect(objectives.length).toBeGreaterThan(4);
    for (const { condition, format } of objectives) {
      expect(checkWorkBound(condition, format)).toMatchObject({ ok: true, diagnostics: [] });
    }
  });
});

describe('the static check refuses what cannot fit', () => {
  it('a pattern whose program alone is over the limit, at the pattern', () => {
    const source = `matchRegexp("${'.{0,255}'.repeat(16)}", value[0].country)`;
    const [diagnostic] = checkCondition(source);
    expect(diagnostic).toMatchObject({
      severity: 'error',
      code: 'CTPSCRIPT_LIMIT',
      from: 'matchRegexp('.length,
      to: source.length - ', value[0].country)'.length,
    });
    expect(diagnostic?.message).toMatch(/compiles to up to 8162 instructions, at most 2000/);
    expect(checkWorkBound(source, FORMAT)).toMatchObject({ ok: false, steps: 0 });
  });

  it('patterns over the limit together, at the one that crosses it', () => {
    const first = '.{0,255}.{0,255}';
    const second = 'a{0,255}b{0,255}';
    const source = `matchRegexp("${first}", value[0].country) || matchRegexp("${second}", value[1].country) || matchRegexp("${first}", value[2].country)`;
    const errors = checkCondition(source).filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.from).toBe(source.indexOf(`"${second}"`));
    expect(errors[0]?.message).toMatch(
      /regular expressions of this condition compile to up to \d+ instructions in all/,
    );
    // Each alone fits: a repeated pattern counts once.
    expect(
      checkCondition(
        `matchRegexp("${first}", value[0].country) || matchRegexp("${first}", value[1].country)`,
      ),
    ).toEqual([]);
  });

  it('costly work on every row of the largest result', () => {
    const source = `matchRegexp("${EMAIL}", select("email", value))`;
    const bound = checkWorkBound(source, FORMAT);
    expect(bound.ok).toBe(false);
    expect(bound.steps).toBeGreaterThan(bound.budget);
    expect(bound.message).toMatch(
      /^1:1: on a result of 10000 rows \(the most the server accepts\), this condition needs at least \d+ steps, more than the 1000000 an evaluation may spend; its costliest part, matchRegexp with a pattern of \d+ instructions over 10000 strings, needs \d+/,
    );
    // One row costs little: the same pattern on one field passes.
    expect(checkWorkBound(`matchRegexp("${EMAIL}", value[0].email)`, FORMAT).ok).toBe(true);
  });

  it.each([
    [
      'min over rows compares every pair',
      'value.max() == 0',
      /max\(\) over 10000 elements that are not numbers or strings/,
    ],
    [
      'printing a number column twice',
      'toString(select("percentage", value)) + toString(select("percentage", value)) == ""',
      /its costliest part, toString of 10000 elements, needs/,
    ],
    [
      'many selects',
      Array.from({ length: 2 }, () =>
        Array.from({ length: 30 }, () => 'select("level", value).max() > 0').join(' && '),
      )
        .map((group) => `(${group})`)
        .join(' && '),
      /needs at least 1200000 steps.*its costliest part, select over 10000 elements, needs 10000: select fewer times/,
    ],
  ])('%s', (_what, source, message) => {
    const bound = checkWorkBound(source, FORMAT);
    expect(bound.ok).toBe(false);
    expect(bound.message).toMatch(message);
    expect(bound.diagnostics[0]).toMatchObject({ severity: 'error', code: 'CTPSCRIPT_LIMIT' });
  });

  it('through compileCondition, checkCondition and compileConditionOrThrow given the format', () => {
    const source = `value[0].level > 1 && matchRegexp("${EMAIL}", select("email", value))`;
    const start = source.indexOf('matchRegexp');
    expect(compileCondition(source).ok).toBe(true);
    expect(checkCondition(source)).toEqual([]);
    const compiled = compileCondition(source, { resultFormat: FORMAT });
    expect(compiled.ok).toBe(false);
    const diagnostics = checkCondition(source, { resultFormat: FORMAT });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      from: start,
      to: source.length,
      code: 'CTPSCRIPT_LIMIT',
    });
    let thrown: unknown;
    try {
      compileConditionOrThrow(source, { resultFormat: FORMAT });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'CTPSCRIPT_LIMIT' });
    expect((thrown as AppError).message).toMatch(/^1:23: on a result of 10000 rows/);
  });

  it('a compiled condition is checked like its source', () => {
    const source = `matchRegexp("${EMAIL}", select("email", value))`;
    const compiled = compileCondition(source);
    if (!compiled.ok) throw new Error('does not compile');
    expect(checkWorkBound(compiled.condition, FORMAT)).toEqual(checkWorkBound(source, FORMAT));
  });

  it('a condition that does not compile is refused with its errors', () => {
    const bound = checkWorkBound('matchRegex("a", value)', FORMAT);
    expect(bound).toMatchObject({ ok: false, steps: 0 });
    expect(bound.message).toMatch(/^1:1: unknown function "matchRegex"/);
  });

  it('a smaller budget refuses sooner', () => {
    const source = 'matchRegexp("^(UK|FR|DE)$", select("country", value))';
    const bound = checkWorkBound(source, FORMAT);
    expect(bound.ok).toBe(true);
    expect(checkWorkBound(source, FORMAT, { limits: { maxSteps: bound.steps } }).ok).toBe(true);
    expect(checkWorkBound(source, FORMAT, { limits: { maxSteps: bound.steps - 1 } }).ok).toBe(
      false,
    );
  });
});

describe('the bound is never above what evaluation spends on the largest result', () => {
  // Every row reached: empty strings (the shortest), which "^$" matches.
  const largest = {
    value: Array.from({ length: LARGEST_RESULT_ROWS }, (_, i) => ({
      date: '',
      code: i,
      level: i % 10,
      country: '',
      percentage: 99.5,
      email: '',
    })),
  };

  it.each([
    'matchRegexp("^$", select("country", value))',
    'select("country", value).min() == "" && select("level", value).max() > 0',
    'toString(select("percentage", value)) != ""',
    'toString(value) != "" || value[0].country + value[1].date == ""',
    'select("email", value).length > 0 && timeUTC("2015-07-20T12:34:56Z") > 0',
  ])('%s', (source) => {
    const compiled = compileCondition(source);
    if (!compiled.ok) throw new Error('does not compile');
    const bound = checkWorkBound(compiled.condition, FORMAT);
    const evaluation = evaluateCondition(compiled.condition, largest);
    expect(evaluation.outcome).not.toBe('error');
    expect(bound.steps).toBeGreaterThan(0);
    expect(bound.steps).toBeLessThanOrEqual(evaluation.steps);
  });
});
