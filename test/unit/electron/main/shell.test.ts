import { describe, expect, it } from 'vitest';

import { createDispatcher, type ApiHandlers } from '../../../../electron/core/dispatcher';
import { createEventBus } from '../../../../electron/core/events';
import { CONTENT_SECURITY_POLICY } from '../../../../electron/core/http/securityHeaders';
import { hardenSession, hardenWebContents } from '../../../../electron/main/hardening';
import { isTrustedSender, registerIpc } from '../../../../electron/main/ipc';
import { isSafeExternalUrl, safeOpenExternal } from '../../../../electron/main/safeOpenExternal';
import { createMainWindow } from '../../../../electron/main/window';
import { CALL_NAMES, type ServerStatus } from '../../../../shared/api';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../../../shared/ipc';
import { FakeSession, FakeWebContents } from '../../../fixtures/fakeElectron';

const APP_URL = 'file:///opt/trust-auditor/out/renderer/index.html';

describe('main window options', () => {
  it('isolates and sandboxes the page', () => {
    class RecordingWindow {
      constructor(readonly options: Record<string, any>) {}
    }
    const window = createMainWindow(
      RecordingWindow as never,
      '/opt/preload/index.cjs',
    ) as unknown as RecordingWindow;
    const preferences = window.options.webPreferences;
    expect(preferences).toMatchObject({
      preload: '/opt/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });
});

describe('hardening', () => {
  it('denies every permission and adds the CSP to every response', () => {
    const session = new FakeSession();
    hardenSession(session as never);
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      session.permissionRequestHandler!(null, permission, (allow) => answers.push(allow));
    }
    expect(answers).toEqual([false, false, false, false]);
    expect(session.permissionCheckHandler!()).toBe(false);
    let response: any;
    session.headersListener!(
      { responseHeaders: { 'content-type': ['text/html'] } },
      (r) => (response = r),
    );
    expect(response.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(response.responseHeaders['content-type']).toEqual(['text/html']);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('blocks navigation away from the app, webviews and new windows', async () => {
    const contents = new FakeWebContents();
    const opened: string[] = [];
    hardenWebContents(contents as never, APP_URL, {
      openExternal: async (url) => void opened.push(url),
    });
    expect(contents.attempt('will-navigate', `${APP_URL}#/server`)).toBe(false);
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.attempt('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-attach-webview')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://cloudsecurityalliance.org/' })).toEqual({
      action: 'deny',
    });
    expect(contents.windowOpenHandler!({ url: 'file:///bin/sh' })).toEqual({ action: 'deny' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toEqual(['https://cloudsecurityalliance.org/']);
  });
});

describe('safeOpenExternal', () => {
  it.each([
    ['https://example.com/a?b#c', true],
    ['http://example.com', true],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['smb://host/share', false],
    ['ms-msdt:/id', false],
    ['https://user:pass@example.com', false],
    ['not a url', false],
    [42, false],
    [`https://example.com/${'a'.repeat(3000)}`, false],
  ])('%s → %s', async (url, safe) => {
    expect(isSafeExternalUrl(url)).toBe(safe);
    const opened: string[] = [];
    expect(await safeOpenExternal({ openExternal: async (u) => void opened.push(u) }, url)).toBe(
      safe,
    );
    expect(opened.length).toBe(safe ? 1 : 0);
  });
});

describe('IPC', () => {
  function setup() {
    const handlers = new Map<string, (...args: any[]) => Promise<any>>();
    const events = createEventBus((error) => {
      throw error;
    });
    const status: ServerStatus = {
      listening: false,
      ctpBase: null,
      tls: { mode: 'off', fingerprint256: null },
      startedAt: null,
      counts: { serviceViews: 0, assets: 0, measurements: 0, triggers: 0, accounts: 0 },
    };
    let calls = 0;
    // Every call but server.status and vendors.list is "not used here" (the contract grows).
    const apiHandlers = Object.fromEntries(
      CALL_NAMES.map((name) => [
        name,
        async () => {
          calls += 1;
          if (name === 'server.status') return status;
          if (name === 'vendors.list') return [];
          throw new Error('not used here');
        },
      ]),
    ) as unknown as ApiHandlers;
    const window = new FakeWebContents();
    const errors: unknown[] = [];
    const unregister = registerIpc({
      ipcMain: {
        handle: (channel: string, handler: any) => void handlers.set(channel, handler),
        removeHandler: (channel: string) => void handlers.delete(channel),
      } as never,
      dispatcher: createDispatcher(apiHandlers as ApiHandlers, () => false),
      events,
      appUrl: APP_URL,
      targets: () => [window as never],
      onError: (error) => errors.push(error),
    });
    const invoke = (
      frame: { url: string; parent: unknown } | null,
      name: unknown,
      argument?: unknown,
    ) => handlers.get(CALL_CHANNEL)!({ senderFrame: frame }, name, argument);
    const topFrame = { url: `${APP_URL}#/server`, parent: null };
    return {
      handlers,
      events,
      status,
      window,
      unregister,
      invoke,
      topFrame,
      errors,
      calls: () => calls,
    };
  }

  it('answers a contract call from the app page', async () => {
    const { invoke, topFrame, status } = setup();
    expect(await invoke(topFrame, 'server.status')).toEqual({ ok: true, result: status });
  });

  it('refuses unknown calls and bad arguments without reaching core', async () => {
    const { invoke, topFrame, calls } = setup();
    expect(await invoke(topFrame, 'shell.exec', 'rm -rf /')).toMatchObject({
      ok: false,
      error: { code: 'APP_UNKNOWN_CALL' },
    });
    expect(await invoke(topFrame, 'server.status', { sneaky: 1 })).toMatchObject({
      ok: false,
      error: { code: 'APP_INVALID_ARGUMENT' },
    });
    expect(calls()).toBe(0);
  });

  it.each([
    ['another page', { url: 'https://evil.example/', parent: null }],
    ['an iframe inside the app', { url: APP_URL, parent: { url: APP_URL } }],
    ['no frame at all', null],
  ])('refuses calls from %s', async (_name, frame) => {
    const { invoke, calls } = setup();
    expect(await invoke(frame, 'server.status')).toMatchObject({
      ok: false,
      error: { code: 'APP_FORBIDDEN_SENDER' },
    });
    expect(calls()).toBe(0);
    expect(isTrustedSender({ senderFrame: frame as never }, APP_URL)).toBe(false);
  });

  it('reports unexpected failures to the log and hides their text from the page', async () => {
    const { invoke, topFrame, errors } = setup();
    const answer = await invoke(topFrame, 'app.info');
    expect(answer).toMatchObject({ ok: false, error: { code: 'APP_INTERNAL' } });
    expect(JSON.stringify(answer)).not.toContain('not used here');
    expect(errors).toHaveLength(1);
  });

  it('forwards events to the windows and stops when unregistered', () => {
    const { events, window, unregister, handlers, status } = setup();
    events.emit('server.onDidChangeStatus', status);
    expect(window.sent).toEqual([
      [EVENT_CHANNEL, { name: 'server.onDidChangeStatus', payload: status }],
    ]);
    unregister();
    events.emit('server.onDidChangeStatus', status);
    expect(window.sent).toHaveLength(1);
    expect(handlers.size).toBe(0);
    expect(events.listenerCount).toBe(0);
  });
});
