import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { canonicalJson, MAX_NESTING } from '../../../shared/canonicalJson';

describe('canonicalJson (RFC 8785)', () => {
  it('writes the example of RFC 8785 3.2.3: members sorted by UTF-16 code units', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('writes numbers as ECMAScript does (RFC 8785 appendix B)', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [1e21, '1e+21'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      [333333333.3333333, '333333333.3333333'],
    ];
    for (const [number, text] of cases) expect(canonicalJson([number])).toBe(`[${text}]`);
  });

  it('writes the example of RFC 8785 3.2.2: literals, escapes, nesting, no whitespace', () => {
    const value = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(value)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('leaves out what JSON.stringify leaves out, and writes null for it in arrays', () => {
    expect(canonicalJson({ b: undefined, a: () => 1, c: [undefined, Symbol('s')] })).toBe(
      '{"c":[null,null]}',
    );
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 2)) })).toBe(
      '{"at":"2026-01-02T00:00:00.000Z"}',
    );
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
    expect(() => canonicalJson(['\ud800'])).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ ['\udc00x']: 1 })).toThrow(/lone surrogate/);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(canonicalJson('\ud83d\ude00')).toBe('"😀"');
  });

  it('sorts names that look like array indexes as strings too', () => {
    expect(canonicalJson({ '10': 1, '9': 2, '1a': 3, b: { '2': 0, '10': 0 } })).toBe(
      '{"10":1,"1a":3,"9":2,"b":{"10":0,"2":0}}',
    );
  });

  it('writes a __proto__ member only where it is an own member', () => {
    const value = JSON.parse('[{"__proto__": {"x": 1}, "a": 1}, {"a": 2}]') as unknown;
    expect(canonicalJson(value)).toBe('[{"__proto__":{"x":1},"a":1},{"a":2}]');
  });

  it('gives the same text for values with hundreds of distinct member names', () => {
    const wide = Object.fromEntries(
      Array.from({ length: 600 }, (_, index) => [`k${index}`, { [`n${index}`]: index }]),
    );
    expect(canonicalJson(wide)).toBe(canonicalize(wide));
    expect(() => canonicalJson({ ...wide, bad: '\udfff' })).toThrow(/lone surrogate/);
  });

  it('sees the members of what toJSON returns', () => {
    const value = { b: { toJSON: () => ({ z: 1, y: [2] }) }, a: 0 };
    expect(canonicalJson(value)).toBe('{"a":0,"b":{"y":[2],"z":1}}');
  });

  it('tells an escaped backslash before "ud800" from a lone surrogate', () => {
    expect(canonicalJson(['\\ud800', '\\\\udc00x'])).toBe(String.raw`["\\ud800","\\\\udc00x"]`);
    expect(() => canonicalJson(['\\\ud800'])).toThrow(/lone surrogate/);
  });

  it('refuses values nested deeper than MAX_NESTING, however deep, without exhausting the stack', () => {
    const nested = (depth: number): unknown =>
      JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(canonicalJson(nested(MAX_NESTING))).toBe(
      `${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}`,
    );
    expect(() => canonicalJson(nested(MAX_NESTING + 1))).toThrow(/nested more than 100 levels/);
    expect(() => canonicalJson(nested(200_000))).toThrow(TypeError);
  });

  it('agrees with the reference implementation on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with the reference on objects with any keys, a __proto__ member included', () => {
    const value = JSON.parse('{"__proto__": {"z": 1, "a": [1.5, "x"]}, "": 0}') as unknown;
    expect(canonicalJson(value)).toBe(canonicalize(value));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.double()), (value) => {
        const finite = Object.fromEntries(
          Object.entries(value).map(([key, number]) => [
            /\p{Cs}/u.test(key) ? 'x' : key,
            Number.isFinite(number) ? number : 0,
          ]),
        );
        expect(canonicalJson(finite)).toBe(canonicalize(finite));
      }),
      { numRuns: 1_000 },
    );
  });
});
