import { describe, expect, it } from 'vitest';

import {
  AUTHOR_PHRASING,
  JsonReader,
  RECEIVED_PHRASING,
  type JsonPhrasing,
  type JsonProblems,
} from '../../../shared/jsonReader';

function collecting(phrasing: JsonPhrasing = AUTHOR_PHRASING) {
  const list: string[] = [];
  const problems: JsonProblems = {
    report: (path, message) => list.push(`${path}: ${message}`),
    phrasing,
    limits: { text: 8, items: 3 },
  };
  return { list, problems };
}

describe('JsonReader', () => {
  it('names each problem with its JSON path, and goes on with a neutral value', () => {
    const { list, problems } = collecting();
    const root = JsonReader.object(
      { name: 5, tags: ['a', 7], views: [{ id: 'x' }, 'no'], extra: true },
      '$',
      problems,
      ['name', 'tags', 'views'],
    )!;
    expect(root.string('name')).toBe('');
    expect(root.strings('tags')).toEqual(['a', '']);
    const views = root.array('views');
    expect(root.item('views', 0, views[0], ['name'])?.path).toBe('$.views[0]');
    expect(root.item('views', 1, views[1])).toBeNull();
    expect(list).toEqual([
      '$.extra: is not a known property (known: name, tags, views)',
      '$.name: must be a string',
      '$.tags[1]: must be a string',
      '$.views[0].id: is not a known property (known: name)',
      '$.views[1]: must be an object',
    ]);
  });

  it.each([
    ['a missing string', {}, (r: JsonReader) => r.string('s'), 's: missing (expected a string)'],
    [
      'a long string',
      { s: 'x'.repeat(9) },
      (r: JsonReader) => r.string('s'),
      's: longer than 8 characters',
    ],
    [
      'a long array',
      { a: [1, 2, 3, 4] },
      (r: JsonReader) => r.array('a'),
      'a: more than 3 elements',
    ],
    ['an absent array', {}, (r: JsonReader) => r.array('a'), 'a: expected an array, got nothing'],
    [
      'a wrong number',
      { n: 'many' },
      (r: JsonReader) => r.number('n'),
      'n: expected a number, got a string',
    ],
    [
      'a wrong boolean',
      { b: 1 },
      (r: JsonReader) => r.boolean('b'),
      'b: expected a boolean, got a number',
    ],
    [
      'a wrong object',
      { o: [] },
      (r: JsonReader) => r.object('o'),
      'o: expected an object, got an array',
    ],
  ])('says what came instead, for %s', (_label, value, read, expected) => {
    const { list, problems } = collecting(RECEIVED_PHRASING);
    read(JsonReader.object(value, '', problems)!);
    expect(list).toEqual([expected]);
  });

  it('keeps the first items of a long array, and reads absent and null members alike', () => {
    const { list, problems } = collecting();
    const root = JsonReader.object({ a: [1, 2, 3, 4], n: null }, 'doc', problems)!;
    expect(root.array('a')).toEqual([1, 2, 3]);
    expect(root.array('n', { optional: true })).toEqual([]);
    expect(root.nullableString('n')).toBeNull();
    expect(root.string('n', { fallback: 'f' })).toBe('f');
    expect(root.boolean('n')).toBeUndefined();
    expect(list).toEqual(['doc.a: has 4 items; at most 3 are allowed']);
  });

  it('reads own members only', () => {
    const { problems } = collecting();
    const root = JsonReader.object(JSON.parse('{"__proto__": {"x": 1}}'), '', problems)!;
    expect(root.has('constructor')).toBe(false);
    expect(root.has('__proto__')).toBe(true);
    expect(root.raw('toString')).toBeUndefined();
  });

  it('stops at the first problem when the caller throws', () => {
    const problems: JsonProblems = {
      report: (path, message) => {
        throw new Error(`${path}: ${message}`);
      },
      phrasing: RECEIVED_PHRASING,
      limits: { text: 8, items: 3 },
    };
    const root = JsonReader.object({ a: 1, b: 2 }, '', problems)!;
    expect(() => root.string('a')).toThrow('a: expected a string, got a number');
  });

  it("reports a caller's own check at a member, below it, or at the object itself", () => {
    const { list, problems } = collecting();
    const root = JsonReader.object({}, 'c', problems)!;
    root.problem('status', 'one');
    root.problem('controls[1].id', 'two');
    root.problem('', 'three');
    expect(list).toEqual(['c.status: one', 'c.controls[1].id: two', 'c: three']);
  });
});
