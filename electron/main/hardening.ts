import type { Session, WebContents } from 'electron';

import { CONTENT_SECURITY_POLICY } from '../core/http/securityHeaders';
import { safeOpenExternal, type ExternalOpener } from './safeOpenExternal';

/**
 * Session-wide defences: every permission request (camera, notifications, geolocation…)
 * is denied, and every response the page loads carries the strict CSP, so that even a
 * script injected through displayed data could not load or send anything elsewhere.
 */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}

/**
 * Per-page defences: the page may never navigate away from the app's own file, open new
 * windows, or attach webviews. Links the user clicks (window.open / target=_blank) go to
 * the system browser through safeOpenExternal, http and https only.
 */
export function hardenWebContents(
  contents: WebContents,
  appUrl: string,
  shell: ExternalOpener,
): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void safeOpenExternal(shell, url);
    return { action: 'deny' };
  });
}

/** The app's page with any hash route (`file:///…/index.html#/server`). */
export function isAppUrl(url: string, appUrl: string): boolean {
  return url.split('#')[0] === appUrl.split('#')[0];
}
