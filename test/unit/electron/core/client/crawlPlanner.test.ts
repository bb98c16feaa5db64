import { describe, expect, it } from 'vitest';

import {
  canSkipChildren,
  nextPage,
  pageUrl,
  syncStatus,
} from '../../../../../electron/core/client/crawlPlanner';
import {
  DEFAULT_HTTP_LIMITS,
  backoffDelay,
  parseRetryAfter,
} from '../../../../../electron/core/client/httpClient';

describe('crawl planning (pure)', () => {
  it.each([
    ['https://h/ctp/serviceViews', 0, 500, {}, 'https://h/ctp/serviceViews?page=0&items=500'],
    ['https://h/ctp/a?x=1', 2, 10, {}, 'https://h/ctp/a?x=1&page=2&items=10'],
    ['https://h/ctp/a?page=9', 1, 10, {}, 'https://h/ctp/a?page=1&items=10'],
    [
      'https://h/ctp/serviceViews/1/logs',
      0,
      5,
      { oldest: '2026-01-01T00:00:00.000Z' },
      'https://h/ctp/serviceViews/1/logs?oldest=2026-01-01T00%3A00%3A00.000Z&page=0&items=5',
    ],
  ])('pageUrl(%s, %i, %i, %j)', (url, page, items, extra, expected) => {
    expect(pageUrl(url, page, items, extra)).toBe(expected);
  });

  const bounds = { maxItems: 100, pageSize: 10 };
  it.each([
    [
      'everything in one page',
      { received: 3, returned: 3, collectionLength: 3, pages: 1 },
      { next: 'done' },
    ],
    [
      'an empty collection',
      { received: 0, returned: 0, collectionLength: 0, pages: 1 },
      { next: 'done' },
    ],
    [
      'more to come',
      { received: 10, returned: 10, collectionLength: 25, pages: 1 },
      { next: 'page', page: 1 },
    ],
    [
      'a server that stops returning',
      { received: 20, returned: 0, collectionLength: 25, pages: 3 },
      { next: 'done' },
    ],
    [
      'a server that returns more than it claims',
      { received: 12, returned: 12, collectionLength: 5, pages: 1 },
      { next: 'done' },
    ],
    [
      'the item bound',
      { received: 100, returned: 10, collectionLength: 1e12, pages: 10 },
      { next: 'limit' },
    ],
    [
      'the page bound (tiny pages)',
      { received: 11, returned: 1, collectionLength: 1e12, pages: 11 },
      { next: 'limit' },
    ],
  ])('nextPage: %s', (_label, outcome, expected) => {
    expect(nextPage(outcome, bounds)).toMatchObject(expected);
  });

  it.each([
    ['never seen', null, '1', false],
    ['same changeId, complete', { changeId: '1', complete: true }, '1', true],
    ['same changeId, incomplete', { changeId: '1', complete: false }, '1', false],
    ['changed', { changeId: '1', complete: true }, '2', false],
    ['no changeId now', { changeId: '1', complete: true }, null, false],
    ['no changeId before', { changeId: null, complete: true }, '1', false],
  ])('canSkipChildren: %s', (_label, stored, changeId, expected) => {
    expect(canSkipChildren(stored, changeId)).toBe(expected);
  });

  it.each([
    [0, true, 'ok'],
    [2, true, 'partial'],
    [1, false, 'failed'],
  ] as const)('syncStatus(%i errors, entry point read %s) = %s', (errors, read, expected) => {
    expect(syncStatus(errors, read)).toBe(expected);
  });
});

describe('retry timing (pure)', () => {
  it.each([
    [0, 0.5, 125],
    [1, 0.5, 250],
    [3, 0.999, 1998],
    [10, 1, 8000],
    [2, 0, 0],
  ])('backoffDelay(attempt %i, random %f) = %i', (attempt, random, expected) => {
    expect(backoffDelay(attempt, DEFAULT_HTTP_LIMITS, () => random)).toBe(expected);
  });

  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [null, null],
    ['0', 0],
    ['120', 120_000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 00:00:00 GMT', 0],
    ['soon', null],
    ['-5', null],
  ])('parseRetryAfter(%j) = %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
