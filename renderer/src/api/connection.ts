/**
 * Whether this window can reach core. In the desktop app it always can (IPC); in headless
 * mode the server may stop or restart, and the transport notices: the event stream drops
 * or a call fails with `APP_UNREACHABLE`. `main.ts` installs the transport's monitor as a
 * Vue plugin, like the API itself (auditor.ts); the connection store reads it.
 */
import { inject, type App, type InjectionKey } from 'vue';

import type { Unsubscribe } from '../../../shared/api';

export interface ConnectionState {
  /** False from a lost stream or an unreachable call until the stream connects again. */
  reachable: boolean;
  /** When the next automatic attempt starts (ms since 1970), or null while one runs. */
  retryAt: number | null;
}

export interface ConnectionMonitor {
  /** The server's address as the user knows it (`127.0.0.1:8443`), or null (desktop). */
  readonly address: string | null;
  readonly state: ConnectionState;
  /** Follows the state; while followed, the headless event stream stays open to notice a loss. */
  onDidChange(listener: (state: ConnectionState) => void): Unsubscribe;
  /** Tries to reconnect now instead of at `retryAt`. */
  retryNow(): void;
}

/** The desktop app's connection: IPC to its own main process, never lost. */
export const ALWAYS_CONNECTED: ConnectionMonitor = Object.freeze({
  address: null,
  state: Object.freeze({ reachable: true, retryAt: null }),
  onDidChange: () => () => undefined,
  retryNow: () => undefined,
});

const connectionKey: InjectionKey<ConnectionMonitor> = Symbol('ConnectionMonitor');

export function createConnectionPlugin(monitor: ConnectionMonitor): { install(app: App): void } {
  return {
    install(app: App) {
      app.provide(connectionKey, monitor);
    },
  };
}

/** The installed monitor; a window without one is the desktop app's (always connected). */
export function useConnectionMonitor(): ConnectionMonitor {
  return inject(connectionKey, ALWAYS_CONNECTED);
}
