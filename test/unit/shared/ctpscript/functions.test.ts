import { describe, expect, it } from 'vitest';

import { run, valueOf } from './helpers';

// Table tests of the 8 functions of CTP 5.4.4, clause by clause.

describe('toString(a) (CTP 5.4.4.1)', () => {
  it.each([
    ['step 1: a string is returned as is', 'toString("abc")', 'abc'],
    ['step 1: the empty string', 'toString("")', ''],
    ['step 2: a number as %e', 'toString(1)', '1.000000e+00'],
    ['step 2: %e rounds to 6 decimals', 'toString(1/3)', '3.333333e-01'],
    ['step 2: negative numbers', 'toString(-1234.5)', '-1.234500e+03'],
    ['step 2: large exponents have 3 digits', 'toString(1e300)', '1.000000e+300'],
    ['step 2: exact ties round to even (SPEC-NOTES 8)', 'toString(1234568.5)', '1.234568e+06'],
    ['step 2: exact ties round to even, odd case', 'toString(1234567.5)', '1.234568e+06'],
    [
      'step 2: an exact tie with the largest exponent ties have',
      'toString(10000005e12)',
      '1.000000e+19',
    ],
    ['step 2: the same, rounding up to even', 'toString(10000015e12)', '1.000002e+19'],
    [
      'step 2: an exact tie with the smallest exponent ties have',
      'toString(0.00048828125)',
      '4.882812e-04',
    ],
    ['step 2: negative zero (SPEC-NOTES 8)', 'toString(-0)', '-0.000000e+00'],
    ['step 2: zero', 'toString(0)', '0.000000e+00'],
    ['step 2: infinity (SPEC-NOTES 8)', 'toString(1/0)', 'inf'],
    ['step 2: minus infinity', 'toString(-1/0)', '-inf'],
    ['step 2: NaN', 'toString(0/0)', 'nan'],
    ['step 2: subnormal', 'toString(5e-324)', '4.940656e-324'],
    ['step 3: true', 'toString(true)', 'true'],
    ['step 3: false', 'toString(false)', 'false'],
    ['step 4: null', 'toString(null)', ''],
    ['step 4: the empty array', 'toString([])', ''],
    ['step 5: an object', 'toString({a: 1})', '[Object Undefined]'],
    ['step 6: an array joined by ","', 'toString([1, "a", true])', '1.000000e+00,a,true'],
    [
      'step 6: nested arrays and null elements',
      'toString([[1, 2], null, "x"])',
      '1.000000e+00,2.000000e+00,,x',
    ],
    ['step 7: a function', 'toString(toString)', 'function toString() { [Native code] }'],
    ['step 7: another function', 'toString(timeUTC)', 'function timeUTC() { [Native code] }'],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });
});

describe('toBoolean(a) (CTP 5.4.4.2)', () => {
  it.each([
    ['step 1: the empty string is false', 'toBoolean("")', false],
    ['step 1: a non-empty string is true', 'toBoolean("false")', true],
    ['step 2: +0 is false', 'toBoolean(0)', false],
    ['step 2: -0 is false', 'toBoolean(-0)', false],
    ['step 2: NaN is false', 'toBoolean(0/0)', false],
    ['step 2: other numbers are true', 'toBoolean(-0.5)', true],
    ['step 2: infinity is true', 'toBoolean(1/0)', true],
    ['step 3: a boolean is itself', 'toBoolean(false)', false],
    ['step 3: true', 'toBoolean(true)', true],
    ['step 4: null is false', 'toBoolean(null)', false],
    ['step 5: an object is true', 'toBoolean({})', true],
    ['step 5: an empty array is true', 'toBoolean([])', true],
    ['step 6: a function is true', 'toBoolean(select)', true],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });
});

describe('toNumber(a) (CTP 5.4.4.3)', () => {
  it.each([
    ['step 1: atof of a decimal string', 'toNumber("12.5")', 12.5],
    ['step 1: atof skips leading white space', 'toNumber(" \\t\\n42")', 42],
    ['step 1: atof takes the longest prefix', 'toNumber("12abc")', 12],
    ['step 1: atof with exponent', 'toNumber("1.5e3xyz")', 1500],
    ['step 1: an incomplete exponent is not part of it', 'toNumber("2e+")', 2],
    ['step 1: atof of hexadecimal (SPEC-NOTES 9)', 'toNumber("0x1A")', 26],
    ['step 1: hexadecimal with a binary exponent', 'toNumber("0x1.8p1")', 3],
    ['step 1: "0x" alone reads as 0', 'toNumber("0xg")', 0],
    ['step 1: inf', 'toNumber("inf")', Infinity],
    ['step 1: -Infinity, any case', 'toNumber("-INFINITY")', -Infinity],
    ['step 1: nan', 'toNumber("nan")', NaN],
    ['step 1: no digits gives 0', 'toNumber("abc")', 0],
    ['step 1: the empty string gives 0', 'toNumber("")', 0],
    ['step 1: a leading dot', 'toNumber(".5")', 0.5],
    ['step 1: negative zero', 'toNumber("-0")', -0],
    ['step 1: not JavaScript: "1e1000" overflows to infinity', 'toNumber("1e1000")', Infinity],
    ['step 2: a number is itself', 'toNumber(-0)', -0],
    ['step 3: true is 1', 'toNumber(true)', 1],
    ['step 3: false is 0', 'toNumber(false)', 0],
    ['step 4: null is 0', 'toNumber(null)', 0],
    ['step 5: an object is NaN', 'toNumber({})', NaN],
    ['step 5: an array is NaN, even [1]', 'toNumber([1])', NaN],
    ['step 6: a function is NaN', 'toNumber(toNumber)', NaN],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });
});

describe('Array.min() and Array.max() (CTP 5.4.4.4, 5.4.4.5)', () => {
  it.each([
    ['min step 2: empty array gives null', '[].min()', null],
    ['max step 2: empty array gives null', '[].max()', null],
    ['min step 3-4: the smallest number', '[3, 1, 2].min()', 1],
    ['max step 3-4: the largest number', '[3, 1, 2].max()', 3],
    ['min: strings compare as strings', '["b", "a", "c"].min()', 'a'],
    [
      'max: strings by code point (SPEC-NOTES 7)',
      '["\\uFFFF", "\\uD83D\\uDE00"].max()',
      '\uD83D\uDE00',
    ],
    ['min on a column of the result', 'select("level", value).min()', 1],
    ['max on a column of the result', 'select("date", value).max()', '2013-01-03'],
    ['a single element is returned, even NaN', '[0/0].min()', NaN],
    ['min: NaN makes no element qualify (SPEC-NOTES 12)', '[1, 0/0, 2].min()', null],
    ['max: an object makes no element qualify (SPEC-NOTES 12)', '[1, {}].max()', null],
    ['min: null compares as 0', '[1, null, 2].min()', null],
    ['max: null compares as 0, below 1', '[1, null].max()', 1],
    ['max: null compares as 0, above -1', '[-1, null].max()', null],
    ['max: true compares as 1', '[0, true].max()', true],
    ['min: mixed strings and numbers through <=', '[10, "9", 8].min()', 8],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });

  it('min step 5: among equal elements, the one with the smallest index (-0 == 0)', () => {
    expect(valueOf('[0, -0].min()')).toBe(0);
    expect(valueOf('[-0, 0].min()')).toBe(-0);
  });

  it('max step 5: among equal elements, the one with the biggest index', () => {
    expect(valueOf('[-0, 0].max()')).toBe(0);
    expect(valueOf('[0, -0].max()')).toBe(-0);
    expect(valueOf('[1, true].max()')).toBe(true);
  });

  it.each([
    ['on a number', '(5).min()', /min\(\) applies to arrays, not to a number/],
    ['on an object', 'value[0].max()', /max\(\) applies to arrays, not to an object/],
    ['on null', 'null.min()', /min\(\) applies to arrays, not to null/],
  ])('is an error %s', (_case, source, message) => {
    const evaluation = run(source);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.message).toMatch(message);
  });
});

describe('matchRegexp(r, v) (CTP 5.4.4.6)', () => {
  it.each([
    ['step 6: a string matching somewhere', 'matchRegexp("UK", "the UK")', true],
    ['step 6: anchors', 'matchRegexp("^UK$", "the UK")', false],
    ['step 6: POSIX classes (SPEC-NOTES 11)', 'matchRegexp("^[[:digit:]]+$", "2015")', true],
    ['step 6: alternation and groups', 'matchRegexp("^(UK|FR)$", "FR")', true],
    ['step 6: intervals', 'matchRegexp("^a{2,3}$", "aaaa")', false],
    ['step 6: . matches a newline (SPEC-NOTES 11)', 'matchRegexp("a.b", "a\\nb")', true],
    ['step 6: . matches one code point', 'matchRegexp("^.$", "\\uD83D\\uDE00")', true],
    ['step 6: a leading ] is literal', 'matchRegexp("[]a]", "]")', true],
    ['step 6: a backslash is literal in brackets', 'matchRegexp("[\\\\]", "\\\\")', true],
    ['step 6: stacked duplication', 'matchRegexp("^a**$", "aaa")', true],
    [
      'step 4: every element of an array must match',
      'matchRegexp("UK", select("country", value))',
      false,
    ],
    ['step 4: all match', 'matchRegexp("^(UK|FR)$", select("country", value))', true],
    ['step 4: the empty array matches', 'matchRegexp("x", [])', true],
    ['step 4: nested arrays are walked', 'matchRegexp("a", [["a", "ba"], "ca"])', true],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });

  it.each([
    ['step 1: r not a string', 'matchRegexp(1, "a")', /expects a string pattern/],
    [
      'step 2: r malformed',
      'matchRegexp("(a", "a")',
      /malformed regular expression.*unmatched "\("/,
    ],
    [
      'step 2: back-references are not EREs (SPEC-NOTES 11)',
      'matchRegexp("(a)\\\\1", "aa")',
      /not defined in POSIX EREs/,
    ],
    [
      'step 2: \\d is undefined (SPEC-NOTES 11)',
      'matchRegexp("\\\\d", "1")',
      /not defined in POSIX EREs/,
    ],
    [
      'step 2: (? is not POSIX (SPEC-NOTES 11)',
      'matchRegexp("(?i)a", "a")',
      /"\(\?" is not part of POSIX EREs/,
    ],
    ['step 5: v a number', 'matchRegexp("a", 1)', /a string or an array of strings/],
    ['step 5: an array element that is not a string', 'matchRegexp("a", ["a", null])', /not null/],
    ['step 5: v null', 'matchRegexp("a", value[5])', /not null/],
  ])('%s is an error', (_clause, source, message) => {
    const evaluation = run(source);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.message).toMatch(message);
  });
});

describe('select(s, a) (CTP 5.4.4.7)', () => {
  it.each([
    ['step 2-3: a column of the table', 'select("code", value)', [1, 1, 7]],
    ['step 2: missing fields are null', 'select("nope", value)', [null, null, null]],
    [
      'step 2: rows that are not objects give null',
      'select("a", [{a: 1}, 2, null, "s"])',
      [1, null, null, null],
    ],
    ['step 2: on arrays of arrays, an index', 'select(1, [[1, 2], [3]])', [2, null]],
    ['step 3: the empty array', 'select("a", [])', []],
    ['step 2: own fields only', 'select("constructor", [{}])', [null]],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toEqual(expected);
  });

  it.each([
    ['a number', 'select("a", 1)'],
    ['an object', 'select("a", value[0])'],
    ['null', 'select("a", null)'],
  ])('step 1: a not an array (%s) is an error', (_case, source) => {
    const evaluation = run(source);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.message).toMatch(/select expects an array/);
  });
});

describe('timeUTC(s) (CTP 5.4.4.8)', () => {
  it.each([
    ['step 4: the spec example', 'timeUTC("2015-07-20T12:34:56Z")', 1437395696],
    ['step 4: the epoch', 'timeUTC("1970-01-01T00:00:00Z")', 0],
    ['step 3: before the epoch is negative', 'timeUTC("1969-12-31T23:59:59Z")', -1],
    [
      'step 4: fractional seconds are kept (SPEC-NOTES 10)',
      'timeUTC("1970-01-01T00:00:01.25Z")',
      1.25,
    ],
    ['step 4: a numeric offset', 'timeUTC("1970-01-01T01:00:00+01:00")', 0],
    ['step 4: a negative offset', 'timeUTC("1969-12-31T23:00:00-01:00")', 0],
    ['step 4: lower-case t and z (SPEC-NOTES 10)', 'timeUTC("1970-01-01t00:00:00z")', 0],
    ['step 4: a leap second (SPEC-NOTES 10)', 'timeUTC("2016-12-31T23:59:60Z")', 1483228800],
    [
      'step 4: a leap second in another offset (RFC 3339 5.8)',
      'timeUTC("1990-12-31T15:59:60-08:00")',
      662688000,
    ],
    ['step 4: 29 February of a leap year', 'timeUTC("2000-02-29T00:00:00Z")', 951782400],
    ['step 2: "now" is the clock', 'timeUTC("now")', 1437397200],
    ['step 2: now minus updateTime', 'timeUTC("now") - timeUTC(updateTime)', 1504],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });

  it.each([
    ['step 1: not a string', 'timeUTC(0)', /timeUTC expects a string, not a number/],
    [
      'step 5: 30 February (Date.parse accepts it)',
      'timeUTC("2015-02-30T00:00:00Z")',
      /not an RFC 3339/,
    ],
    ['step 5: 29 February of a common year', 'timeUTC("1900-02-29T00:00:00Z")', /not an RFC 3339/],
    ['step 5: no time zone', 'timeUTC("2015-07-20T12:34:56")', /not an RFC 3339/],
    ['step 5: a date alone', 'timeUTC("2015-07-20")', /not an RFC 3339/],
    ['step 5: a space instead of T', 'timeUTC("2015-07-20 12:34:56Z")', /not an RFC 3339/],
    ['step 5: hour 24', 'timeUTC("2015-07-20T24:00:00Z")', /not an RFC 3339/],
    [
      'step 5: a leap second not at 23:59 UTC',
      'timeUTC("2015-07-20T12:34:60Z")',
      /not an RFC 3339/,
    ],
    ['step 5: an empty fraction', 'timeUTC("2015-07-20T12:34:56.Z")', /not an RFC 3339/],
    ['step 5: offset without colon', 'timeUTC("2015-07-20T12:34:56+0100")', /not an RFC 3339/],
    ['step 5: "Now" is not "now"', 'timeUTC("Now")', /not an RFC 3339/],
    ['step 5: non-ASCII digits', 'timeUTC("٢٠١٥-07-20T12:34:56Z")', /not an RFC 3339/],
  ])('%s is an error', (_clause, source, message) => {
    const evaluation = run(source);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.message).toMatch(message);
  });
});
