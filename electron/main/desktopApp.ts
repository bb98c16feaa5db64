import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type * as Electron from 'electron';

import { createCore, type Core } from '../core/app';
import { createEncryptedSecretStore } from '../core/client/encryptedSecretStore';
import { createFileSecretStore } from '../core/client/secretStore';
import { processDataDirSources, resolveDataDir } from '../core/config';
import { createLogger } from '../core/logger';
import { showAlertNotifications } from './alertNotifications';
import { hardenSession, hardenWebContents } from './hardening';
import { registerIpc } from './ipc';
import { createMainWindow } from './window';

type ElectronModule = Pick<
  typeof Electron,
  'app' | 'BrowserWindow' | 'ipcMain' | 'session' | 'shell' | 'safeStorage' | 'Notification'
>;

export interface DesktopPaths {
  /** The folder of the built main process (out/main). */
  mainDir: string;
  /** better-sqlite3 built for Electron's ABI: from `npm start`, or shipped in resources/native. */
  nativeBinding?: string | undefined;
}

/**
 * The desktop app's lifecycle: one instance, one hardened window, core started before
 * the window opens and disposed after the last one closes. The electron module is a
 * parameter so that tests can run this with a fake.
 */
export function startDesktopApp(electron: ElectronModule, paths: DesktopPaths): void {
  const { app, BrowserWindow, ipcMain, shell } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const dataDir = resolveDataDir(processDataDirSources());
  app.setPath('userData', dataDir);
  const logger = createLogger();
  const appUrl = pathToFileURL(join(paths.mainDir, '..', 'renderer', 'index.html')).href;
  const preloadPath = join(paths.mainDir, '..', 'preload', 'index.cjs');
  let core: Core | null = null;
  let unregisterIpc: (() => void) | null = null;
  let stopNotifications: (() => void) | null = null;
  let mainWindow: Electron.BrowserWindow | null = null;

  const openWindow = (): void => {
    const window = createMainWindow(BrowserWindow, preloadPath);
    mainWindow = window;
    hardenWebContents(window.webContents, appUrl, shell);
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      mainWindow = null;
    });
    void window.loadURL(appUrl);
  };

  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    // Any other web contents (there should be none) gets the same limits.
    hardenWebContents(contents, appUrl, shell);
  });

  app
    .whenReady()
    .then(async () => {
      hardenSession(electron.session.defaultSession);
      core = await createCore({
        dataDir,
        mode: 'desktop',
        logger,
        nativeBinding:
          paths.nativeBinding !== undefined && existsSync(paths.nativeBinding)
            ? paths.nativeBinding
            : undefined,
        runtime: {
          electron: process.versions.electron ?? null,
          chrome: process.versions.chrome ?? null,
        },
        // Vendor tokens encrypted with the OS keychain's key, in a file apart from the CLI's.
        secrets: createEncryptedSecretStore(
          createFileSecretStore(join(dataDir, 'secrets.keychain.json')),
          electron.safeStorage,
        ),
      });
      unregisterIpc = registerIpc({
        ipcMain,
        dispatcher: core.dispatcher,
        events: core.events,
        appUrl,
        targets: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
        onError: (error) => logger.error({ err: error }, 'IPC call failed'),
      });
      stopNotifications = showAlertNotifications({
        Notification: electron.Notification,
        events: core.events,
        onClick: () => {
          if (mainWindow === null) openWindow();
          else mainWindow.focus();
        },
      });
      openWindow();
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openWindow();
      });
    })
    .catch((error: unknown) => {
      logger.fatal({ err: error }, 'the app could not start');
      app.exit(1);
    });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed || core === null) return;
    event.preventDefault();
    disposed = true;
    unregisterIpc?.();
    stopNotifications?.();
    core.dispose().finally(() => app.quit());
  });
}
