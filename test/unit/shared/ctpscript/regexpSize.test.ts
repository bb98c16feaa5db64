import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { compilePrepared, prepareEre, RegexpLimitError } from '../../../../shared/ctpscript/regexp';

// The program size is bounded before compiling (compiling costs microseconds per
// instruction): the bound must never be below what re2js compiles.

const LIMITS = { maxPatternLength: 4096, maxProgramSize: 100_000 };

const atom = fc.constantFrom(
  'a',
  'b',
  '.',
  '[a-c]',
  '[^x]',
  '[[:digit:]]',
  '\\.',
  'é',
  '😀',
  '^',
  '$',
);
const quantifier = fc.constantFrom('*', '+', '?', '{2}', '{0,3}', '{1,}', '{0,}', '{0}', '{2,5}');
const ere = fc.letrec<{ ere: string; branch: string; piece: string }>((tie) => ({
  ere: fc.array(tie('branch'), { minLength: 1, maxLength: 3 }).map((b) => b.join('|')),
  branch: fc.array(tie('piece'), { maxLength: 4 }).map((p) => p.join('')),
  piece: fc
    .tuple(
      fc.oneof(
        { depthSize: 'small' },
        atom,
        tie('ere').map((e) => `(${e})`),
      ),
      quantifier,
    )
    .map(([a, q]) => (a === '^' || a === '$' ? a : a + q)),
}));

describe('the bound of a pattern program size', () => {
  it('is never below the program re2js compiles', () => {
    fc.assert(
      fc.property(ere.ere, (pattern) => {
        let prepared;
        try {
          prepared = prepareEre(pattern, LIMITS);
        } catch {
          return; // not an ERE (a repetition of nothing, say): refused either way
        }
        let size: number;
        try {
          size = compilePrepared(prepared).programSize;
        } catch {
          return;
        }
        expect(prepared.instructions).toBeGreaterThanOrEqual(size);
      }),
      { numRuns: 1500, seed: 12 },
    );
  });

  it.each([
    ['.{0,255}', 512],
    ['a{0,3}', 8],
    ['^(UK|FR|DE)$', 12],
    ['', 3],
  ])('%s is counted exactly: %i', (pattern, size) => {
    const prepared = prepareEre(pattern, LIMITS);
    expect(prepared.instructions).toBe(size);
    expect(compilePrepared(prepared).programSize).toBe(size);
  });

  it('refuses a pattern over the size before compiling it, however deep the nesting', () => {
    const nested = `${'('.repeat(60)}a{255}${'){255}'.repeat(60)}`;
    expect(() => prepareEre(nested, { maxPatternLength: 4096, maxProgramSize: 2000 })).toThrow(
      RegexpLimitError,
    );
    expect(() =>
      prepareEre('a{255}'.repeat(8), { maxPatternLength: 4096, maxProgramSize: 2000 }),
    ).toThrow(/compiles to up to 2042 instructions, at most 2000/);
  });
});
