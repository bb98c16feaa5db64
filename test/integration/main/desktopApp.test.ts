import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startDesktopApp } from '../../../electron/main/desktopApp';
import { CALL_CHANNEL } from '../../../shared/ipc';
import { useTempDirs } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';
import { createFakeElectron } from '../../fixtures/fakeElectron';

const tempDir = useTempDirs();
let savedDataEnv: string | undefined;
beforeEach(() => {
  savedDataEnv = process.env.TRUST_AUDITOR_DATA;
});
afterEach(() => {
  if (savedDataEnv === undefined) delete process.env.TRUST_AUDITOR_DATA;
  else process.env.TRUST_AUDITOR_DATA = savedDataEnv;
});

describe('the desktop app lifecycle (with a fake electron module)', () => {
  it('quits at once when another instance is running', () => {
    const fake = createFakeElectron({ singleInstance: false });
    startDesktopApp(fake.electron as never, { mainDir: '/opt/app/out/main' });
    expect(fake.electron.app.quitCalls).toBe(1);
    expect(fake.windows).toHaveLength(0);
  });

  it('starts core, registers IPC, opens one hardened window and disposes core on quit', async () => {
    const dataDir = tempDir();
    process.env.TRUST_AUDITOR_DATA = dataDir;
    const fake = createFakeElectron();
    startDesktopApp(fake.electron as never, { mainDir: '/opt/app/out/main' });
    expect(fake.electron.app.paths.get('userData')).toBe(dataDir);
    fake.ready();
    await waitFor(() => fake.windows.length === 1);
    const [window] = fake.windows;
    expect(window!.loadedUrl).toBe('file:///opt/app/out/renderer/index.html');
    expect(window!.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      preload: '/opt/app/out/preload/index.cjs',
    });
    expect(window!.webContents.windowOpenHandler).not.toBeNull();
    expect(fake.electron.session.defaultSession.permissionRequestHandler).not.toBeNull();
    expect(existsSync(join(dataDir, 'auditor.db'))).toBe(true);

    const answer = (await fake.handlers.get(CALL_CHANNEL)!(
      { senderFrame: { url: 'file:///opt/app/out/renderer/index.html#/about', parent: null } },
      'app.info',
    )) as { ok: boolean; result: { mode: string; dataDir: string } };
    expect(answer).toMatchObject({ ok: true, result: { mode: 'desktop', dataDir } });

    // app.chooseFile: the native dialog's path, or null when the user cancels.
    const choose = (purpose: string) =>
      fake.handlers.get(CALL_CHANNEL)!(
        { senderFrame: { url: 'file:///opt/app/out/renderer/index.html', parent: null } },
        'app.chooseFile',
        { purpose },
      );
    await expect(choose('bundle')).resolves.toEqual({ ok: true, result: null });
    fake.picker.next = '/home/me/rules.tar.gz';
    await expect(choose('bundle')).resolves.toEqual({
      ok: true,
      result: { path: '/home/me/rules.tar.gz' },
    });
    expect(fake.picker.asked.at(-1)).toMatchObject({
      properties: ['openFile'],
      filters: [{ extensions: ['gz', 'tgz'] }, { name: 'All files' }],
    });
    await expect(choose('anything')).resolves.toMatchObject({
      ok: false,
      error: { code: 'APP_INVALID_ARGUMENT' },
    });

    let prevented = false;
    fake.electron.app.emit('will-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await waitFor(() => fake.electron.app.quitCalls === 1);
    expect(fake.handlers.has(CALL_CHANNEL)).toBe(false);
  });
});
