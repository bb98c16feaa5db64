import { describe, expect, it } from 'vitest';

import {
  checkCondition,
  compileCondition,
  compileConditionOrThrow,
  evaluateSource,
  formatDiagnostic,
} from '../../../../shared/ctpscript/index';
import { AppError } from '../../../../shared/errors';
import { RESULT, run, valueOf } from './helpers';

// The error rules of CTP 5.4.9 and SPEC-NOTES "CTPScript" 5-6, and the static check.

describe('syntax errors (CTP 5.4.9: "the CTPScript contains a syntax error")', () => {
  it.each([
    ['a missing operand', '1 +', 3],
    ['two expressions side by side', 'value updateTime', 6],
    ['an octal-looking number (SPEC-NOTES 12)', '010', 1],
    ['assignment', 'value = 1', 6],
    ['strict equality', '1 === 1', 4],
    ['a single &', 'true & false', 5],
    ['an unterminated string', '"abc', 0],
    ['an undefined string escape (ES5 7.8.4)', '"\\1"', 0],
    ['an octal escape (ES5 7.8.4)', '"\\01"', 1],
    ['an unclosed bracket', 'value[0', 7],
    ['a trailing comma', 'toString(1,)', 11],
    ['a number glued to a name (ES5 7.8.3)', '3in', 1],
    ['a comment (none in CTPScript)', '1 // one', 3],
    ['an empty condition', '', 0],
    ['white space only', '  \n ', 0],
    ['an invalid identifier character', 'value[0].a\u00d7b', 10],
  ])('%s: %j', (_case, source, from) => {
    const diagnostics = checkCondition(source);
    expect(diagnostics[0]).toMatchObject({ code: 'CTPSCRIPT_SYNTAX', severity: 'error', from });
    const evaluation = evaluateSource(source, RESULT);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.code).toBe('CTPSCRIPT_SYNTAX');
  });

  it('reports a position a person can read', () => {
    const [diagnostic] = checkCondition('value[0].a > 1 &&\n  value[1].b = 2');
    expect(diagnostic).toBeDefined();
    expect(formatDiagnostic('value[0].a > 1 &&\n  value[1].b = 2', diagnostic!)).toMatch(
      /^2:14: unexpected "="/,
    );
  });
});

describe('unknown identifiers (CTP 5.4.8; SPEC-NOTES 5)', () => {
  it.each([
    ['Value', 'value'],
    ['updatetime', 'updateTime'],
    ['update_time', 'updateTime'],
    ['authorityID', 'authorityId'],
    ['signatur', 'signature'],
    ['result', undefined],
    ['undefined', undefined],
    ['NaN', undefined],
    ['Infinity', undefined],
    ['this', undefined],
  ])('%s (suggestion %s)', (name, suggestion) => {
    const source = `${name} == 1`;
    const [diagnostic] = checkCondition(source);
    expect(diagnostic).toMatchObject({
      code: 'CTPSCRIPT_UNKNOWN_IDENTIFIER',
      from: 0,
      to: name.length,
    });
    expect(diagnostic?.suggestion).toBe(suggestion);
    if (suggestion !== undefined)
      expect(diagnostic?.message).toContain(`did you mean ${suggestion}?`);
  });

  it('the 4 identifiers of CTP 5.4.8 exist', () => {
    expect(checkCondition('[value, updateTime, authorityId, signature]')).toEqual([]);
    expect(valueOf('[value.length, updateTime, authorityId, signature]')).toEqual([
      3,
      '2015-07-20T12:34:56Z',
      'authority.example',
      null,
    ]);
  });

  it('Array.min(...) explains that min is a method', () => {
    const [diagnostic] = checkCondition('Array.min(value)');
    expect(diagnostic?.message).toMatch(/min and max are methods of arrays/);
  });
});

describe('unknown functions and arity (CTP 5.4.4, 5.4.9; SPEC-NOTES 5)', () => {
  it.each([
    ['matchRegex("UK", "UK")', 0, 10, 'matchRegexp'],
    ['(timeUTC("now")-toTimeUTC(updateTime)<3600)', 16, 25, 'timeUTC'],
    ['typeOf(value)', 0, 6, undefined],
    ['getField(value, 0)', 0, 8, undefined],
    ['tostring(1)', 0, 8, 'toString'],
    ['toNumbr("1")', 0, 7, 'toNumber'],
    ['selct("a", value)', 0, 5, 'select'],
    ['value.mn()', 6, 8, 'min'],
    ['value.sort()', 6, 10, undefined],
    ['parseInt("1")', 0, 8, undefined],
  ])('%s', (source, from, to, suggestion) => {
    const [diagnostic] = checkCondition(source);
    expect(diagnostic).toMatchObject({ code: 'CTPSCRIPT_UNKNOWN_FUNCTION', from, to });
    expect(diagnostic?.suggestion).toBe(suggestion);
    expect(evaluateSource(source, RESULT).outcome).toBe('error');
  });

  it('matchRegex says "did you mean matchRegexp?" (SPEC-NOTES, CTP triggers)', () => {
    const [diagnostic] = checkCondition('matchRegex("UK", select(value, "country"))');
    expect(diagnostic?.message).toBe('unknown function "matchRegex"; did you mean matchRegexp?');
  });

  it.each([
    ['toString()', 'toString takes 1 argument, not 0'],
    ['toBoolean(1, 2)', 'toBoolean takes 1 argument, not 2'],
    ['toNumber()', 'toNumber takes 1 argument, not 0'],
    ['matchRegexp("a")', 'matchRegexp takes 2 arguments, not 1'],
    ['select("a", value, 1)', 'select takes 2 arguments, not 3'],
    ['timeUTC()', 'timeUTC takes 1 argument, not 0'],
    ['value.min(1)', 'min takes no arguments, not 1'],
    ['value.max(1, 2)', 'max takes no arguments, not 2'],
  ])('wrong number of arguments: %s', (source, message) => {
    const [diagnostic] = checkCondition(source);
    expect(diagnostic).toMatchObject({
      code: 'CTPSCRIPT_ARITY',
      message,
      from: 0,
      to: source.length,
    });
  });

  it.each([
    ['min as a global function', 'min(value)', /min is a method of arrays/],
    ['toString as a method', 'value.toString()', /toString is a function, not a method/],
  ])('%s is explained', (_case, source, message) => {
    const [diagnostic] = checkCondition(source);
    expect(diagnostic?.code).toBe('CTPSCRIPT_UNKNOWN_FUNCTION');
    expect(diagnostic?.message).toMatch(message);
  });

  it('calling something that is not a function is a run-time error', () => {
    expect(run('value[0](1)').error?.message).toMatch(
      /an array is not a function|an object is not a function/,
    );
    expect(run('(1)(2)').error?.message).toMatch(/a number is not a function/);
    expect(run('(toString)(1, 2)').error).toMatchObject({ code: 'CTPSCRIPT_ARITY' });
    expect(valueOf('(toString)(2)')).toBe('2.000000e+00');
  });

  it('reports every problem, in source order', () => {
    const diagnostics = checkCondition('foo(1) && Value > toString()');
    expect(diagnostics.map((d) => d.code)).toEqual([
      'CTPSCRIPT_UNKNOWN_FUNCTION',
      'CTPSCRIPT_UNKNOWN_IDENTIFIER',
      'CTPSCRIPT_ARITY',
    ]);
  });

  it('a malformed regular expression literal is a warning, and an error at run time', () => {
    const source = 'matchRegexp("a(", "a")';
    expect(checkCondition(source)).toEqual([expect.objectContaining({ severity: 'warning' })]);
    const compiled = compileCondition(source);
    expect(compiled.ok && compiled.condition.warnings.length).toBe(1);
    expect(run(source).outcome).toBe('error');
  });

  it('compileConditionOrThrow throws an AppError with the position', () => {
    expect(() => compileConditionOrThrow('matchRegex("a", "a")')).toThrow(AppError);
    expect(() => compileConditionOrThrow('matchRegex("a", "a")')).toThrow(
      '1:1: unknown function "matchRegex"; did you mean matchRegexp?',
    );
    expect(compileConditionOrThrow('1 < 2').source).toBe('1 < 2');
  });
});

describe('field access (CTP 5.4.3.3, 5.4.9; SPEC-NOTES 5-6)', () => {
  it.each([
    ['on null is an error (5.4.9)', 'value[0].nope.x', /cannot read field "x" of null/, 0, 15],
    [
      'on a string is an error',
      'updateTime.length',
      /cannot read field "length" of a string/,
      0,
      17,
    ],
    ['on a number is an error', '(1).x', /of a number/, 0, 5],
    ['on a boolean is an error', 'true[0]', /of a boolean/, 0, 7],
    ['on a function is an error', 'toString.name', /of a function/, 0, 13],
    ['on null signature', 'signature.x', /of null/, 0, 11],
  ])('%s: %s', (_case, source, message, from, to) => {
    const evaluation = run(source);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error).toMatchObject({ code: 'CTPSCRIPT_RUNTIME', from, to });
    expect(evaluation.error?.message).toMatch(message);
  });

  it.each([
    ['an integral index', 'value[2].code', 7],
    ['-0 is the index 0', 'value[-0].code', 1],
    ['an index past the end is null', 'value[3]', null],
    ['a negative index is null', 'value[-1]', null],
    ['a fractional index is null', 'value[0.5]', null],
    ['an index beyond 2^31 is null', '[1][4294967296]', null],
    ['a canonical numeric string', 'value["1"].code', 1],
    ['a non-canonical numeric string is null', 'value["01"]', null],
    ['"1.0" is not canonical', 'value["1.0"]', null],
    ['length', 'value.length', 3],
    ['["length"]', 'value["length"]', 3],
    ['an array has no other fields', 'value.min', null],
    ['no prototype on arrays', 'value.constructor', null],
    ['no __proto__ on arrays', 'value.__proto__', null],
    ['a boolean index is null', 'value[true]', null],
    ['an own field', 'value[0].country', 'UK'],
    ['a missing field is null', 'value[0].nope', null],
    ['no constructor on objects', 'value[0].constructor', null],
    ['no __proto__ on objects', 'value[0].__proto__', null],
    ['no toString on objects', 'value[0]["toString"]', null],
    ['no hasOwnProperty on objects', 'value[0].hasOwnProperty', null],
    ['a literal __proto__ key is an own field', '{"__proto__": 1}.__proto__', 1],
    ['a literal constructor key is an own field', '{constructor: 2}.constructor', 2],
    ['an object with an integral key', '{"1": "one"}[1]', 'one'],
    ['an object with a fractional key is null', '{"1.5": "x"}[1.5]', null],
  ])('%s: %s', (_case, source, expected) => {
    expect(valueOf(source)).toEqual(expected);
  });

  it('inherited fields of host objects are never visible', () => {
    const row = Object.create({ inherited: 1, nested: { x: 1 } }) as Record<string, unknown>;
    row.own = 2;
    const result = { value: [row], updateTime: null, authorityId: null, signature: null };
    expect(valueOf('[value[0].inherited, value[0].nested, value[0].own]', result)).toEqual([
      null,
      null,
      2,
    ]);
    expect(valueOf('select("inherited", value)', result)).toEqual([null]);
  });

  it('host values that are not JSON count as null', () => {
    const result = { value: [{ f: () => 1, u: undefined, b: 1n }], updateTime: undefined };
    expect(valueOf('[value[0].f, value[0].u, value[0].b, updateTime]', result)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('reads dateTime when updateTime is absent (SPEC-NOTES CTP: accepted on input)', () => {
    expect(valueOf('updateTime', { value: [], dateTime: '2015-07-20T12:34:56Z' })).toBe(
      '2015-07-20T12:34:56Z',
    );
  });

  it('a result that is not an object leaves every identifier null', () => {
    expect(valueOf('[value, updateTime, authorityId, signature]', 'nonsense')).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(run('value[0]', null).outcome).toBe('error');
  });
});
