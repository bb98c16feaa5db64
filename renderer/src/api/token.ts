/**
 * The admin token of headless mode.
 *
 * `trust-auditor serve --ui` prints a link such as `http://127.0.0.1:8443/#token=XYZ`.
 * The token travels in the fragment so that it never reaches the server's access log or a
 * `Referer`; on load it is moved to `sessionStorage` (gone when the tab closes) and the
 * address bar is rewritten to `/#/` so that it does not linger in history or screenshots.
 */

/** The `sessionStorage` key holding the token. */
export const TOKEN_STORAGE_KEY = 'trust-auditor.token';

const TOKEN_PREFIX = '#token=';

export interface TokenEnvironment {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * Takes the token from `#token=...` when present (keeping it and cleaning the address),
 * otherwise returns the token kept earlier in this tab, or null.
 */
export function takeToken({ location, history, storage }: TokenEnvironment): string | null {
  if (location.hash.startsWith(TOKEN_PREFIX)) {
    // Tolerate other fragment parameters after the token (`#token=XYZ&x=y`).
    const raw = location.hash.slice(TOKEN_PREFIX.length).split('&')[0] ?? '';
    let token: string;
    try {
      token = decodeURIComponent(raw).trim();
    } catch {
      token = raw.trim();
    }
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
    if (token !== '') {
      storage.setItem(TOKEN_STORAGE_KEY, token);
      return token;
    }
  }
  const kept = storage.getItem(TOKEN_STORAGE_KEY);
  return kept === null || kept === '' ? null : kept;
}

/** Forgets a token the server refused, so that a reload does not send it again. */
export function forgetToken(storage: Pick<Storage, 'removeItem'>): void {
  storage.removeItem(TOKEN_STORAGE_KEY);
}
