import { describe, expect, it } from 'vitest';

import { compareString } from '../../../../shared/ctpscript/operators';
import { run, valueOf } from './helpers';

// Table tests of the operators of CTP 5.4.5-5.4.7 and the adopted readings
// (SPEC-NOTES "CTPScript" 2-4, 7).

describe('a || b and a && b (CTP 5.4.5)', () => {
  it.each([
    ['||: toBoolean(a) true returns a', '"x" || 0', 'x'],
    ['||: toBoolean(a) false returns b', '0 || "y"', 'y'],
    ['||: both false returns b', '"" || null', null],
    ['&&: toBoolean(a) false returns a', '0 && "y"', 0],
    ['&&: toBoolean(a) true returns b', '"x" && 5', 5],
    ['&&: -0 is false and returned as is', '-0 && 1', -0],
    ['precedence: && before ||', 'true || false && false', true],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });

  it('|| does not evaluate b when a is true (short circuit)', () => {
    expect(run('true || value[9].x.y').outcome).toBe('true');
  });

  it('&& does not evaluate b when a is false (short circuit)', () => {
    expect(run('false && value[9].x.y').outcome).toBe('false');
  });
});

describe('comparison operators (CTP 5.4.6)', () => {
  it.each([
    ['<, step 1: two strings compare as strings', '"10" < "9"', true],
    ['<, step 2-4: string and number compare as numbers (atof)', '"10" < 9', false],
    ['<, step 4: numbers', '1 < 2', true],
    ['<, step 3: NaN is never less', '0/0 < 1', false],
    ['<, step 3: NaN on the right', '1 < 0/0', false],
    ['<, step 2: null is 0', 'null < 1', true],
    ['<, step 2: true is 1', 'true < 2', true],
    ['<, step 2: "abc" is 0 by atof', '"abc" < 1', true],
    ['<, step 2: objects are NaN', '{} < 1', false],
    ['<, step 2: arrays are NaN', '[] < 1', false],
    ['<, step 4: -0 is not less than 0', '-0 < 0', false],
    ['<, step 4: -inf < inf', '-1/0 < 1/0', true],
    ['==, step 1: equal strings', '"a" == "a"', true],
    ['==, step 1: strings are not converted', '"1" == "1.0"', false],
    ['==, step 2: string and number through atof', '"1.0" == 1', true],
    ['==, step 2: "abc" == 0 by atof', '"abc" == 0', true],
    ['==, step 2: null == 0', 'null == 0', true],
    ['==, step 2: null == null', 'null == null', true],
    ['==, step 2: null == false', 'null == false', true],
    ['==, step 2: true == 1', 'true == 1', true],
    ['==, step 3: NaN != NaN', '0/0 == 0/0', false],
    ['==, step 3: arrays are NaN, never equal', '[] == []', false],
    ['==, step 4: -0 == 0', '-0 == 0', true],
    ['<=: a < b || a == b', '2 <= 2', true],
    ['<=: strings', '"b" <= "a"', false],
    ['<=: "abc" <= 0 through ==', '"abc" <= 0', true],
    ['>: 1 > 1 is false (SPEC-NOTES 3)', '1 > 1', false],
    ['>: b < a', '2 > 1', true],
    ['>: NaN > 1 is false (SPEC-NOTES 3)', '0/0 > 1', false],
    ['>: strings', '"b" > "a"', true],
    ['>=: b < a || a == b (SPEC-NOTES 3)', '1 >= 1', true],
    ['>=: NaN >= NaN is false', '0/0 >= 0/0', false],
    ['>=: mixed', '"10" >= 9', true],
    ['!=: not ==', '1 != 2', true],
    ['!=: NaN != NaN is true', '0/0 != 0/0', true],
    ['!=: equal strings', '"a" != "a"', false],
    ['spec example 4.9', 'value[0].percentage >= 99.9', true],
    ['spec example 4.10 on a missing field (null <= 2)', 'value[0].redundancy <= 2', true],
    ['spec example 5.1', 'value[0].percentage <= 99.0', false],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });

  it.each([
    ['ASCII', 'a', 'b', -1],
    ['equal', 'abc', 'abc', 0],
    ['a prefix is smaller', 'ab', 'abc', -1],
    ['U+FFFF before U+1F600 (UTF-16 units would say the opposite)', '\uffff', '\u{1f600}', -1],
    ['U+E000 before U+10000', '\ue000', '\u{10000}', -1],
    ['U+1F600 after U+D7FF', '\u{1f600}', '\ud7ff', 1],
  ])('compareString by code point (SPEC-NOTES 7): %s', (_case, a, b, expected) => {
    expect(compareString(a, b)).toBe(expected);
    expect(compareString(b, a)).toBe(-expected || 0);
  });
});

describe('additive and multiplicative operators (CTP 5.4.7)', () => {
  it.each([
    ['+, step 1: two strings concatenate', '"ab" + "cd"', 'abcd'],
    ['+, step 2: two numbers add', '1 + 2', 3],
    ['+, step 3: string + number is NaN (no JavaScript concatenation)', '"a" + 1', NaN],
    ['+, step 3: number + boolean is NaN', '1 + true', NaN],
    ['+, step 3: null + null is NaN', 'null + null', NaN],
    ['+: IEEE 754', '0.1 + 0.2', 0.1 + 0.2],
    ['-, step 1: numbers', '5 - 7', -2],
    ['-, step 2: strings are NaN', '"5" - "2"', NaN],
    ['*, step 1: numbers', '6 * 7', 42],
    ['*, step 2: other types', '[] * 2', NaN],
    ['/, step 1: division', '7 / 2', 3.5],
    ['/: 1/0 is +inf (Note)', '1 / 0', Infinity],
    ['/: -1/0 is -inf (Note)', '-1 / 0', -Infinity],
    ['/: 1/-0 is -inf', '1 / -0', -Infinity],
    ['/: 0/0 is NaN (Note)', '0 / 0', NaN],
    ['/, step 2: other types', 'null / 1', NaN],
    ['%, step 1: fmod keeps the dividend sign', '-7 % 3', -1],
    ['%: fmod of fractions', '5.5 % 2', 1.5],
    ['%: fmod(x, 0) is NaN', '5 % 0', NaN],
    ['%: fmod(x, inf) is x', '5 % (1/0)', 5],
    ['%: fmod(-0, 3) is -0', '-0 % 3', -0],
    ['%: fmod(inf, 2) is NaN', '(1/0) % 2', NaN],
    ['%, step 2: other types', '"7" % 2', NaN],
    ['unary -: negates numbers (SPEC-NOTES 4)', '-(2)', -2],
    ['unary -: gives -0', '-0', -0],
    ['unary -: double negation', '--1', 1],
    ['unary -: NaN on strings (SPEC-NOTES 4)', '-"1"', NaN],
    ['unary -: NaN on null', '-null', NaN],
    ['!: !toBoolean (SPEC-NOTES 4)', '!""', true],
    ['!: on an object', '!{}', false],
    ['!: on NaN', '!(0/0)', true],
    ['precedence: * before +', '1 + 2 * 3', 7],
    ['precedence: left-associative -', '10 - 2 - 3', 5],
    ['precedence: unary before *', '-2 * 3', -6],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });
});

describe('literals (CTP 5.4.2)', () => {
  it.each([
    ['NumericLiteral: hex (SPEC-NOTES 12)', '0x1F', 31],
    ['NumericLiteral: leading dot', '.5', 0.5],
    ['NumericLiteral: trailing dot', '5.', 5],
    ['NumericLiteral: exponent', '1e3', 1000],
    ['NumericLiteral: negative exponent', '25E-1', 2.5],
    ['NumericLiteral: round to nearest', '0.1', 0.1],
    ['NumericLiteral: overflow to infinity', '1e400', Infinity],
    ['StringLiteral: double quotes', '"a\'b"', "a'b"],
    ['StringLiteral: single quotes', "'a\"b'", 'a"b'],
    ['StringLiteral: \\x escape', '"\\x41"', 'A'],
    ['StringLiteral: \\u escape', '"\\u00e9"', 'é'],
    ['StringLiteral: surrogate pair escapes', '"\\uD83D\\uDE00"', '\u{1f600}'],
    ['StringLiteral: single escapes', '"\\b\\t\\n\\v\\f\\r\\"\\\'\\\\"', '\b\t\n\v\f\r"\'\\'],
    ['StringLiteral: \\0', '"\\0"', '\0'],
    ['StringLiteral: non-escape character', '"\\a\\q"', 'aq'],
    ['StringLiteral: line continuation', '"a\\\nb"', 'ab'],
    ['StringLiteral: UTF-8 text', '"größe ✓"', 'größe ✓'],
    ['true', 'true', true],
    ['false', 'false', false],
    ['null', 'null', null],
  ])('%s: %s', (_clause, source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });

  it('ArrayLiteral and ObjectLiteral build values', () => {
    expect(valueOf('[1, "a", [null]]')).toEqual([1, 'a', [null]]);
    expect(valueOf('{a: 1, "b c": [2]}["b c"][0]')).toBe(2);
    expect(valueOf('{a: 1, a: 2}.a')).toBe(2);
  });
});
