import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';

type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/**
 * Opens the main window. Every web preference that matters for security is set
 * explicitly, even where it is Electron's default, so that a change of default cannot
 * weaken the app; the options stay literal in the constructor call so that the security
 * scan (electronegativity) can read them.
 */
export function createMainWindow(
  BrowserWindowClass: BrowserWindowClass,
  preloadPath: string,
): BrowserWindow {
  return new BrowserWindowClass({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Trust Auditor',
    backgroundColor: '#0f172a',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would otherwise try to open links in a new window.
      disableBlinkFeatures: 'Auxclick',
    },
  });
}
