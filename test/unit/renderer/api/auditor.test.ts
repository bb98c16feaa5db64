import { describe, expect, it } from 'vitest';
import { reactive } from 'vue';

import { AppError } from '../../../../shared/errors';
import { toAppError, toPlain } from '../../../../renderer/src/api/auditor';

describe('toAppError', () => {
  it('keeps an AppError as it is', () => {
    const error = new AppError('APP_UNKNOWN_CALL', 'There is no call named x.');
    expect(toAppError(error)).toBe(error);
  });

  it('rebuilds wire data', () => {
    const error = toAppError({ name: 'AppError', code: 'APP_DISPOSED', message: 'Gone.' });
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'APP_DISPOSED', message: 'Gone.' });
  });

  it('wraps a plain Error, keeping its message, as an unexpected APP_INTERNAL', () => {
    const error = toAppError(new Error('boom'));
    expect(error).toMatchObject({ code: 'APP_INTERNAL', message: 'boom', expected: false });
  });

  it('gives a message to anything else', () => {
    expect(toAppError('weird').message).toBe('Something went wrong.');
  });
});

describe('toPlain', () => {
  it('turns reactive proxies into plain, cloneable data', () => {
    const state = reactive({ name: 'acme', tags: ['a', 'b'], nested: { n: 1 } });
    const plain = toPlain(state);
    expect(plain).toEqual({ name: 'acme', tags: ['a', 'b'], nested: { n: 1 } });
    expect(plain).not.toBe(state);
    expect(() => structuredClone(plain)).not.toThrow();
  });

  it('passes undefined through', () => {
    expect(toPlain(undefined)).toBeUndefined();
  });
});
