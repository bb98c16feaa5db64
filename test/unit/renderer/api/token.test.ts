import { describe, expect, it } from 'vitest';

import { TOKEN_STORAGE_KEY, forgetToken, takeToken } from '../../../../renderer/src/api/token';

function environment(hash: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaced: string[] = [];
  return {
    storage,
    replaced,
    env: {
      location: { hash, pathname: '/', search: '' },
      history: {
        replaceState: (_data: unknown, _unused: string, url?: string | URL | null) => {
          replaced.push(String(url));
        },
      },
      storage: {
        getItem: (key: string) => storage.get(key) ?? null,
        setItem: (key: string, value: string) => void storage.set(key, value),
      },
    },
  };
}

describe('takeToken', () => {
  it('takes the token from #token=, keeps it in session storage and cleans the address', () => {
    const { env, storage, replaced } = environment('#token=XYZ-123_abc');
    expect(takeToken(env)).toBe('XYZ-123_abc');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('XYZ-123_abc');
    expect(replaced).toEqual(['/#/']);
  });

  it('decodes a percent-encoded token and ignores parameters after it', () => {
    const { env } = environment('#token=a%2Bb%3D&lang=en');
    expect(takeToken(env)).toBe('a+b=');
  });

  it('keeps the path and query of the page when cleaning the address', () => {
    const { env, replaced } = environment('#token=T');
    env.location.pathname = '/ui/';
    env.location.search = '?x=1';
    takeToken(env);
    expect(replaced).toEqual(['/ui/?x=1#/']);
  });

  it('returns the token kept earlier in this tab when the address has none', () => {
    const { env, replaced } = environment('#/server', { [TOKEN_STORAGE_KEY]: 'KEPT' });
    expect(takeToken(env)).toBe('KEPT');
    expect(replaced).toEqual([]);
  });

  it('prefers a new token in the address over a kept one', () => {
    const { env, storage } = environment('#token=NEW', { [TOKEN_STORAGE_KEY]: 'OLD' });
    expect(takeToken(env)).toBe('NEW');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('NEW');
  });

  it('returns null without a token, and cleans an empty #token=', () => {
    const { env, replaced } = environment('#token=');
    expect(takeToken(env)).toBeNull();
    expect(replaced).toEqual(['/#/']);
    expect(takeToken(environment('').env)).toBeNull();
  });

  it('leaves a route that merely contains the word token alone', () => {
    const { env, replaced } = environment('#/settings?token=x');
    expect(takeToken(env)).toBeNull();
    expect(replaced).toEqual([]);
  });
});

describe('forgetToken', () => {
  it('removes the kept token', () => {
    const storage = new Map([[TOKEN_STORAGE_KEY, 'T']]);
    forgetToken({ removeItem: (key) => void storage.delete(key) });
    expect(storage.has(TOKEN_STORAGE_KEY)).toBe(false);
  });
});
