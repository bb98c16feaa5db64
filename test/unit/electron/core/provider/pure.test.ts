import { describe, expect, it } from 'vitest';

import {
  alertKind,
  isNotificationUri,
  shouldEvaluateTrigger,
} from '../../../../../electron/core/provider/triggerRules';
import { isCtpId } from '../../../../../shared/ctp/ids';
import {
  memberValueText,
  minifyJson,
  objectMembers,
  withoutMember,
} from '../../../../../shared/ctp/jsonText';
import {
  pageBounds,
  paginate,
  parseCollectionQuery,
  parseLogQuery,
  QueryError,
} from '../../../../../shared/ctp/pagination';
import { checkResultValue, prepareResult, ResultProblem } from '../../../../../shared/ctp/results';
import { parseRfc3339 } from '../../../../../shared/ctp/time';

describe('CTP identifiers (CTP 4.1.3)', () => {
  it.each([
    ['abc', true],
    ['A-b_9', true],
    ['pad==', true],
    ['x'.repeat(96), true],
    ['x'.repeat(97), false],
    ['', false],
    ['a/b', false],
    ['a.b', false],
    ['a b', false],
    ['é', false],
  ])('%j → %s', (id, ok) => {
    expect(isCtpId(id)).toBe(ok);
  });
});

describe('JSON text kept as received', () => {
  it.each([
    ['{ "a" : 1 ,\n "b":[ 1, 2 ] }', '{"a":1,"b":[1,2]}'],
    ['{"s": "a b\\" c"}', '{"s":"a b\\" c"}'],
    ['{"n": 99.0}', '{"n":99.0}'],
    ['{"e":"\\u00e9 \\\\"}', '{"e":"\\u00e9 \\\\"}'],
  ])('minifies %j', (text, expected) => {
    expect(minifyJson(text)).toBe(expected);
  });

  it('splits members and drops one, keeping the rest byte for byte', () => {
    const text =
      '{"value":[{"p":99.0,"s":"a,}"}],"updateTime":"2026-01-01T00:00:00Z","signature":"x.y.z"}';
    expect(objectMembers(text).map((m) => m.key)).toEqual(['value', 'updateTime', 'signature']);
    expect(withoutMember(text, 'signature')).toBe(
      '{"value":[{"p":99.0,"s":"a,}"}],"updateTime":"2026-01-01T00:00:00Z"}',
    );
    expect(withoutMember('{}', 'signature')).toBe('{}');
  });

  it('keeps escaped keys as written (a JWS payload is never re-serialized)', () => {
    const text = '{"\\u0076alue":[1.50],"signature":"s","x":1,"x":2}';
    expect(withoutMember(text, 'signature')).toBe('{"\\u0076alue":[1.50],"x":1,"x":2}');
    expect(memberValueText(text, 'value')).toBe('[1.50]');
    expect(memberValueText(text, 'x')).toBe('2');
    expect(memberValueText(text, 'missing')).toBeNull();
  });
});

describe('collection queries (CTP 4.1.6)', () => {
  it.each([
    [{}, null],
    [
      { page: '0', items: '3' },
      { page: 0, items: 3 },
    ],
    [
      { page: '2', items: '1' },
      { page: 2, items: 1 },
    ],
  ])('accepts %j', (query, page) => {
    expect(parseCollectionQuery(query).page).toEqual(page);
  });

  it.each([
    [{ page: '0' }],
    [{ items: '3' }],
    [{ page: '-1', items: '3' }],
    [{ page: '0', items: '0' }],
    [{ page: '1.5', items: '3' }],
    [{ page: 'a', items: '3' }],
    [{ page: '0', items: '100000' }],
    [{ page: ['0', '1'], items: '3' }],
  ])('rejects %j with a 400', (query) => {
    expect(() => parseCollectionQuery(query)).toThrow(QueryError);
  });

  it.each([
    // The pagination examples 4.4, 4.5 and 4.6 over 5 items.
    [5, { page: 0, items: 3 }, [0, 1, 2]],
    [5, { page: 1, items: 3 }, [3, 4]],
    [5, { page: 2, items: 3 }, []],
    [5, null, [0, 1, 2, 3, 4]],
    [0, { page: 0, items: 1 }, []],
  ])('pages %i items with %j', (length, page, expected) => {
    const items = Array.from({ length }, (_, index) => index);
    expect(paginate(items, page)).toEqual(expected);
    expect(pageBounds(length, page).limit).toBe(expected.length);
  });

  it('parses log filters and rejects bad dates', () => {
    const query = parseLogQuery(
      { oldest: '2026-01-01T00:00:00Z', newest: '2026-01-02T00:00:00+01:00', tags: 'a, b,' },
      parseRfc3339,
    );
    expect(query).toMatchObject({
      oldest: Date.UTC(2026, 0, 1),
      newest: Date.UTC(2026, 0, 1, 23),
      tags: ['a', 'b'],
    });
    expect(() => parseLogQuery({ oldest: 'yesterday' }, parseRfc3339)).toThrow(QueryError);
  });
});

describe('RFC 3339', () => {
  it.each([
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2015-05-28T15:22:03.674+03:00', Date.UTC(2015, 4, 28, 12, 22, 3, 674)],
    ['2026-01-01t00:00:00z', Date.UTC(2026, 0, 1)],
    ['2016-12-31T23:59:60Z', Date.UTC(2016, 11, 31, 23, 59, 59, 999)],
    ['2015-02-30T00:00:00Z', null],
    ['2026-01-01', null],
    ['2026-01-01T25:00:00Z', null],
    ['2026-01-01T00:00:00', null],
  ])('%s → %s', (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });
});

describe('results against the metric (CTP 4.4)', () => {
  const format = [
    { name: 'date', type: 'string' as const },
    { name: 'code', type: 'number' as const },
  ];
  it.each([
    [[], null],
    [[{ date: 'x', code: 1 }], null],
    [{}, 'value'],
    [[1], 'value[0]'],
    [[{ date: 'x' }], 'value[0].code'],
    [[{ date: 'x', code: '1' }], 'value[0].code'],
    [[{ date: 'x', code: 1, extra: true }], 'value[0].extra'],
    [[{ date: 'x', code: null }], 'value[0].code'],
  ])('%j → problem at %s', (value, path) => {
    if (path === null) expect(() => checkResultValue(value, format)).not.toThrow();
    else {
      expect(() => checkResultValue(value, format)).toThrow(ResultProblem);
      try {
        checkResultValue(value, format);
      } catch (error) {
        expect((error as ResultProblem).path).toBe(path);
      }
    }
  });

  const level = [{ name: 'level', type: 'number' as const }];
  it('normalizes an unsigned result and defaults updateTime to now', () => {
    const now = Date.UTC(2026, 5, 1);
    const prepared = prepareResult('{"value":[{"level":7.0}]}', level, now);
    expect(prepared.text).toBe(
      '{"value":[{"level":7}],"updateTime":"2026-06-01T00:00:00.000Z","authorityId":null,"signature":null}',
    );
    const dated = prepareResult(
      '{"value":[],"dateTime":"2015-05-28T15:22:03.674+03:00"}',
      level,
      now,
    );
    expect(dated.parsed.updateTime).toBe('2015-05-28T12:22:03.674Z');
  });

  it('keeps a signed result as received, minus white space', () => {
    const text =
      '{ "value": [ {"level": 7.0} ], "updateTime": "2026-01-01T00:00:00Z", "authorityId": "ca", "signature": "a..b" }';
    expect(prepareResult(text, level, 0).text).toBe(
      '{"value":[{"level":7.0}],"updateTime":"2026-01-01T00:00:00Z","authorityId":"ca","signature":"a..b"}',
    );
  });

  it.each([
    ['not json', 'result'],
    ['[]', 'result'],
    ['{"value":[],"extra":1}', 'result.extra'],
    ['{"value":[],"updateTime":"2015-02-30T00:00:00Z"}', 'result.updateTime'],
    ['{"value":[],"signature":"a.b.c"}', 'result.authorityId'],
    ['{"value":[],"authorityId":"ca","signature":"a.b.c"}', 'result.updateTime'],
    ['{"value":[{"level":"7"}]}', 'result.value[0].level'],
  ])('rejects %s at %s', (text, path) => {
    try {
      prepareResult(text, level, 0);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ResultProblem);
      expect((error as ResultProblem).path).toBe(path);
    }
  });
});

describe('trigger rules (CTP 5.3.2)', () => {
  const t0 = Date.UTC(2026, 0, 1);
  it.each([
    ['false', 0, 0, true],
    ['false', 3600, 1, true],
    ['true', 60, 60_000, false], // exactly the guard time: not strictly more
    ['true', 60, 60_001, true],
    ['true', 0, 0, false],
    ['true', 0, 1, true],
    ['true', 0.5, 501, true],
    ['error', 0, 1e12, false],
  ] as const)(
    'status %s, guard %ss, %sms later → evaluate %s',
    (status, guard, later, expected) => {
      expect(shouldEvaluateTrigger(status, t0, guard, t0 + later)).toBe(expected);
    },
  );

  it.each([
    ['true', 'normal'],
    ['error', 'error'],
    ['false', null],
  ] as const)('new status %s → %s alert', (status, kind) => {
    expect(alertKind(status)).toBe(kind);
  });

  it.each([
    ['', true],
    ['xmpp:alice@example.com', true],
    ['xmpp:alice@example.com/phone', true],
    ['xmpp:example.com', false],
    ['mailto:alice@example.com', false],
    ['http://example.com', false],
    ['xmpp:a b@example.com', false],
  ])('notification %j valid: %s', (uri, ok) => {
    expect(isNotificationUri(uri)).toBe(ok);
  });
});
