import { describe, expect, it } from 'vitest';

import { SyncErrors, toSyncError } from '../../../../../electron/core/client/syncErrors';
import { AppError } from '../../../../../shared/errors';

describe('the errors of a sync', () => {
  it.each([
    [
      new AppError('CLIENT_HTTP_STATUS', 'x: the vendor answered 503.', {
        details: { status: 503 },
      }),
      { url: 'u', code: 'CLIENT_HTTP_STATUS', message: 'x: the vendor answered 503.', status: 503 },
    ],
    [
      new AppError('CLIENT_TIMEOUT', 'x: no answer.', { details: { status: 'n/a' } }),
      { url: 'u', code: 'CLIENT_TIMEOUT', message: 'x: no answer.' },
    ],
    [new Error('disk full'), { url: 'u', code: 'APP_INTERNAL', message: 'u: disk full' }],
    ['thrown text', { url: 'u', code: 'APP_INTERNAL', message: 'u: thrown text' }],
  ])('reports %s as %j', (error, expected) => {
    expect(toSyncError('u', error)).toEqual(expected);
  });

  it('records cancellation once and remembers it; tells local failures apart', () => {
    const seen: string[] = [];
    const errors = new SyncErrors((error) => seen.push(error.code));
    const cancelled = new AppError('CLIENT_CANCELLED', 'The sync was cancelled.');
    errors.record('a', new AppError('CLIENT_NETWORK', 'a: ECONNRESET'));
    expect(errors.cancelled).toBe(false);
    errors.record('b', cancelled);
    errors.record('c', cancelled);
    expect(errors.cancelled).toBe(true);
    expect(errors.hasLocalFailure()).toBe(false);
    errors.record('d', new Error('disk full'));
    expect(errors.hasLocalFailure()).toBe(true);
    expect(errors.list.map((error) => error.url)).toEqual(['a', 'b', 'd']);
    expect(seen).toEqual(['CLIENT_NETWORK', 'CLIENT_CANCELLED', 'APP_INTERNAL']);
  });
});
