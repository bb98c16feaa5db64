import { EventEmitter } from 'node:events';

/**
 * A stand-in for the parts of the 'electron' module the shell uses. The Electron binary
 * cannot be installed on our machines, so the shell's policy (window options, navigation,
 * permissions, IPC checks) is tested against this fake; it records what the shell did.
 */
export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  sent: Array<[string, unknown]> = [];
  destroyed = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, message: unknown): void {
    this.sent.push([channel, message]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Emits an Electron-style cancellable event and says whether it was prevented. */
  attempt(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeSession {
  permissionRequestHandler:
    ((contents: unknown, permission: string, callback: (allow: boolean) => void) => void) | null =
    null;
  permissionCheckHandler: (() => boolean) | null = null;
  headersListener:
    | ((
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: unknown) => void,
      ) => void)
    | null = null;
  webRequest = {
    onHeadersReceived: (listener: FakeSession['headersListener']) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
}

export function createFakeElectron(options: { singleInstance?: boolean } = {}) {
  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends EventEmitter {
    static getAllWindows(): FakeBrowserWindow[] {
      return windows;
    }
    readonly webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    constructor(readonly options: Record<string, any>) {
      super();
      windows.push(this);
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    show(): void {}
    focus(): void {}
    restore(): void {}
    isMinimized(): boolean {
      return false;
    }
  }
  const handlers = new Map<string, (...args: any[]) => unknown>();
  let ready!: () => void;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  const app = Object.assign(new EventEmitter(), {
    paths: new Map<string, string>(),
    quitCalls: 0,
    requestSingleInstanceLock: () => options.singleInstance !== false,
    setPath(name: string, value: string) {
      app.paths.set(name, value);
    },
    whenReady: () => whenReady,
    quit() {
      app.quitCalls += 1;
    },
    exit() {},
  });
  const opened: string[] = [];
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle: (channel: string, handler: (...args: any[]) => unknown) =>
        void handlers.set(channel, handler),
      removeHandler: (channel: string) => void handlers.delete(channel),
    },
    session: { defaultSession: new FakeSession() },
    shell: { openExternal: async (url: string) => void opened.push(url) },
    // A reversible stand-in for the OS keychain cipher.
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (text: string) => Buffer.from(`sealed:${text}`).reverse(),
      decryptString: (sealed: Buffer) =>
        Buffer.from(sealed).reverse().toString().slice('sealed:'.length),
    },
  };
  return { electron, windows, handlers, opened, ready };
}
