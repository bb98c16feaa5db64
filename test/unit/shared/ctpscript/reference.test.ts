import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { formatNumber } from '../../../../shared/ctpscript/formatNumber';
import { parseNumber } from '../../../../shared/ctpscript/parseNumber';
import { run } from './helpers';

// Behaviour checked against the real references named by CTP 5.4.4: C's printf("%e")
// for toString (5.4.4.1), C's atof for toNumber (5.4.4.3), both from the machine's C
// library through a helper compiled here with `cc`, and GNU grep -E for matchRegexp
// (5.4.4.6, POSIX ERE).

const HELPER_SOURCE = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
/* Mode "e": each input line is the 16 hex digits of a double's bits; print %e.
   Mode "atof": each input line is a string in hex (two digits a byte, so that it may
   hold new lines); print the bits of atof(string). */
int main(int argc, char **argv) {
  static char line[1 << 16];
  int atofMode = argc > 1 && strcmp(argv[1], "atof") == 0;
  while (fgets(line, sizeof line, stdin)) {
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
    if (atofMode) {
      static char text[1 << 15];
      size_t k = 0;
      for (size_t i = 0; i + 1 < n; i += 2) {
        char pair[3] = {line[i], line[i + 1], 0};
        text[k++] = (char)strtol(pair, 0, 16);
      }
      text[k] = 0;
      double d = atof(text);
      uint64_t bits;
      memcpy(&bits, &d, 8);
      printf("%016llx\n", (unsigned long long)bits);
    } else {
      uint64_t bits = strtoull(line, 0, 16);
      double d;
      memcpy(&d, &bits, 8);
      printf("%e\n", d);
    }
  }
  return 0;
}
`;

let dir = '';
let helper = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctpscript-reference-'));
  writeFileSync(join(dir, 'helper.c'), HELPER_SOURCE);
  helper = join(dir, 'helper');
  execFileSync('cc', ['-O1', '-o', helper, join(dir, 'helper.c')]);
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function runHelper(mode: string, lines: readonly string[]): string[] {
  const output = execFileSync(helper, [mode], {
    input: `${lines.join('\n')}\n`,
    env: { LC_ALL: 'C' },
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
  return output.split('\n').slice(0, lines.length);
}

function bitsOf(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

const SEED = 20260301;

describe('toString(number) against printf("%e") (CTP 5.4.4.1 step 2)', () => {
  it('agrees on thousands of doubles: random bits, decimals, integers and exact ties', () => {
    const randomBits = fc.sample(fc.double({ noNaN: false }), { seed: SEED, numRuns: 3000 });
    const decimals = fc
      .sample(
        fc.tuple(
          fc.integer({ min: -99_999_999, max: 99_999_999 }),
          fc.integer({ min: -30, max: 30 }),
        ),
        { seed: SEED + 1, numRuns: 2000 },
      )
      .map(([m, e]) => Number(`${m}e${e}`));
    const integers = fc.sample(fc.maxSafeInteger(), { seed: SEED + 2, numRuns: 1000 });
    // Exact ties at the 7th significant digit: 8-digit integers ending in 5, k + 0.5,
    // and such values scaled by powers of two (still exact).
    const ties: number[] = [];
    for (let k = 0; k < 500; k++) {
      const n = 10_000_005 + 10 * ((k * 7919) % 8_999_999);
      ties.push(n, n * 2 ** -20, n * 2 ** 30, 1_000_000.5 + k, 0.5 ** (k % 60));
    }
    const specials = [
      0,
      -0,
      Infinity,
      -Infinity,
      NaN,
      5e-324,
      -5e-324,
      2.2250738585072014e-308,
      1.7976931348623157e308,
      9.5,
      0.5,
      1,
      1e21,
      1e-7,
    ];
    const inputs = [...randomBits, ...decimals, ...integers, ...ties, ...specials];
    const expected = runHelper('e', inputs.map(bitsOf));
    const mismatches = inputs
      .map((x, i) => ({ x, ours: formatNumber(x), c: expected[i] }))
      .filter(
        ({ x, ours, c }) => ours !== c && !(Number.isNaN(x) && c === '-nan' && ours === 'nan'),
      );
    expect(inputs.length).toBeGreaterThan(8000);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('is what a condition sees', () => {
    expect(run('toString(1234568.5)').value).toBe(runHelper('e', [bitsOf(1234568.5)])[0]);
  });
});

describe('toNumber(string) against atof (CTP 5.4.4.3 step 1)', () => {
  const digits = (min: number, max: number): fc.Arbitrary<string> =>
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
  const hexDigits = (min: number, max: number): fc.Arbitrary<string> =>
    fc.string({
      unit: fc.constantFrom(...'0123456789abcdefABCDEF'),
      minLength: min,
      maxLength: max,
    });
  const piece = fc.oneof(
    // Decimal: digits, a point, an exponent, in any combination (including broken ones).
    fc
      .tuple(
        digits(0, 25),
        fc.constantFrom('', '.'),
        digits(0, 25),
        fc.constantFrom('', 'e', 'E', 'e+', 'e-', 'E-'),
        digits(0, 4),
      )
      .map((parts) => parts.join('')),
    // Hexadecimal with optional fraction and binary exponent.
    fc
      .tuple(
        fc.constantFrom('0x', '0X'),
        hexDigits(0, 20),
        fc.constantFrom('', '.'),
        hexDigits(0, 16),
        fc.constantFrom('', 'p', 'P', 'p+', 'p-'),
        digits(0, 4),
      )
      .map((parts) => parts.join('')),
    fc.constantFrom(
      'inf',
      'INF',
      'infinity',
      'Infinity',
      'infinit',
      'nan',
      'NaN',
      'nan(123)',
      'in',
      'na',
      '',
    ),
  );
  const strings = fc
    .tuple(
      fc.constantFrom('', ' ', '\t', '\n ', '\v\f\r'),
      fc.constantFrom('', '+', '-'),
      piece,
      fc.constantFrom('', 'x', ' 1', 'e', '.', 'abc', '0', 'p3'),
    )
    .map((parts) => parts.join(''));

  it('agrees on thousands of generated strings and the boundary cases', () => {
    const generated = fc.sample(strings, { seed: SEED + 3, numRuns: 6000 });
    const boundaries = [
      '2.2250738585072011e-308',
      '2.2250738585072014e-308',
      '4.9406564584124654e-324',
      '2.4703282292062327e-324',
      '2.4703282292062328e-324',
      '1.7976931348623157e308',
      '1.7976931348623158e308',
      '1.7976931348623159e308',
      '0x1p-1074',
      '0x1p-1075',
      '0x1.8p-1075',
      '0x1.fffffffffffffp1023',
      '0x1.fffffffffffff8p1023',
      '0x1.fffffffffffff7ffp1023',
      '0x0.0000000000001p-1022',
      '0x10000000000000000000000000001p-100',
      '0x1.00000000000008p0',
      '0x1.000000000000080000001p0',
      '0x1.00000000000018p0',
      `0.${'0'.repeat(400)}1`,
      `1${'0'.repeat(400)}`,
      '9007199254740993',
      '  -0',
      '-0x',
      '-.e1',
      '1e99999999999',
      '1e-99999999999',
      '0x1p99999999999',
    ];
    const inputs = [...generated, ...boundaries];
    const expected = runHelper(
      'atof',
      inputs.map((text) => Buffer.from(text, 'utf8').toString('hex')),
    );
    const mismatches = inputs
      .map((s, i) => ({ s, ours: parseNumber(s), c: fromBits(expected[i] as string) }))
      .filter(({ ours, c }) => !(Object.is(ours, c) || (Number.isNaN(ours) && Number.isNaN(c))));
    expect(inputs.length).toBeGreaterThan(6000);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});

describe('matchRegexp against GNU grep -E (CTP 5.4.4.6, POSIX ERE)', () => {
  const subjects = [
    '',
    'a',
    'aa',
    'aaa',
    'ab',
    'abc',
    'abcabc',
    'b',
    'ba',
    'UK',
    'the UK',
    'FR',
    'uk',
    '2015',
    '2015-07-20',
    '12:34',
    'x y',
    'tab\there',
    '-',
    ']',
    '[',
    '\\',
    'a.b',
    'a+b',
    'a{2}',
    '(a)',
    'a|b',
    '$5',
    '^up',
    'é',
    'ü',
    '日本',
    '😀',
    'a😀b',
    'ABC',
    'aXb',
    'xyz',
    '*',
    'a*',
    '?',
    ')',
  ];
  const patterns = [
    'a',
    '^a',
    'a$',
    '^a$',
    '^$',
    'ab|ba',
    '^(a|b)+$',
    'a*',
    '^a*$',
    '^a+$',
    '^a?$',
    '^a{2}$',
    '^a{2,}$',
    '^a{1,2}$',
    '^a{0,1}b',
    '(ab)+',
    '^(abc){2}$',
    'a.b',
    'a\\.b',
    'a\\+b',
    'a\\{2\\}',
    '\\(a\\)',
    'a\\|b',
    '\\$5',
    '\\^up',
    '\\\\',
    '\\*',
    '\\?',
    '^[abc]+$',
    '^[^abc]+$',
    '[a-c]',
    '^[a-z]+$',
    '^[A-Z]+$',
    '[]]',
    '[^]a]',
    '[a-]',
    '[-a]',
    '[\\]',
    '[[]',
    '[[:digit:]]',
    '^[[:digit:]]+$',
    '^[[:digit:]]{4}(-[[:digit:]]{2}){2}$',
    '[[:alpha:]]',
    '^[[:alpha:]]+$',
    '[[:upper:]]',
    '[[:lower:]]',
    '[[:space:]]',
    '[[:blank:]]',
    '[[:punct:]]',
    '[[:alnum:]]',
    '[[:xdigit:]]{4}',
    '[[.-.]]',
    '[[=a=]]',
    '^.$',
    '^..$',
    'a😀b',
    '^.😀',
    '[😀]',
    'é',
    '^(UK|FR)$',
    'UK',
    'x^',
    '$x',
    '(a|b)(c|$)',
    '^(a*)*$',
    '^a**$',
    '^(a+)+$',
    ')',
    'a)',
    '^.*$',
    '[.]',
    '[*?+]',
    'ab*c',
    '(a|ab)(c|bcd)',
  ];

  // Character classes have their meaning in the POSIX locale (ASCII), which is how grep
  // reads them under LC_ALL=C; everything else is compared by code point, as grep does
  // in a UTF-8 locale.
  function grep(pattern: string): boolean[] {
    const result = spawnSync('grep', ['-E', '-n', '--', pattern], {
      input: `${subjects.join('\n')}\n`,
      env: { LC_ALL: pattern.includes('[:') ? 'C' : 'C.UTF-8' },
    });
    if (result.status === 2)
      throw new Error(`grep rejects ${pattern}: ${result.stderr.toString()}`);
    const matched = new Set(
      result.stdout
        .toString()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => Number(line.slice(0, line.indexOf(':'))) - 1),
    );
    return subjects.map((_, i) => matched.has(i));
  }

  it.each(patterns)('%s matches the same subjects', (pattern) => {
    const expected = grep(pattern);
    const ours = subjects.map((subject) => {
      const evaluation = run(`matchRegexp(${JSON.stringify(pattern)}, ${JSON.stringify(subject)})`);
      expect(evaluation.outcome).not.toBe('error');
      return evaluation.outcome === 'true';
    });
    expect(ours).toEqual(expected);
  });

  it.each([
    ['(a', 'unmatched "("'],
    ['[a', 'unmatched "["'],
    ['a{2,1}', 'n greater than m'],
    ['[z-a]', 'invalid range'],
    ['[a-c-e]', 'two ranges share an end'],
    ['[[:foo:]]', 'unknown character class'],
    ['[[.space.]]', 'unknown collating element'],
  ])('%s is malformed for grep -E and for matchRegexp', (pattern, message) => {
    const result = spawnSync('grep', ['-E', '--', pattern], {
      input: 'a\n',
      env: { LC_ALL: 'C.UTF-8' },
    });
    expect(result.status).toBe(2);
    const evaluation = run(`matchRegexp(${JSON.stringify(pattern)}, "a")`);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.message).toContain(message);
  });

  // GNU grep accepts these as extensions or with a warning; POSIX leaves them undefined,
  // and SPEC-NOTES 11 makes them errors.
  it.each([
    ['\\d', 'not defined in POSIX EREs'],
    ['\\w', 'not defined in POSIX EREs'],
    ['\\1', 'not defined in POSIX EREs'],
    ['(a)\\1', 'not defined in POSIX EREs'],
    ['(?:a)', '"(?" is not part of POSIX EREs'],
    ['*a', 'nothing to repeat'],
    ['a|*b', 'nothing to repeat'],
    ['(*a)', 'nothing to repeat'],
    ['^*a', 'nothing to repeat'],
    ['a{', 'must start with a number'],
    ['a{2', 'unterminated interval'],
    ['a{,2}', 'must start with a number'],
    ['a{256}', 'above 255'],
    ['a\\', 'trailing backslash'],
  ])('%s is an error (stricter than GNU grep)', (pattern, message) => {
    const evaluation = run(`matchRegexp(${JSON.stringify(pattern)}, "a")`);
    expect(evaluation.outcome).toBe('error');
    expect(evaluation.error?.message).toContain(message);
  });
});
