export interface StatusWatcherDependencies {
  /**
   * A value that moves whenever the provider's data changes, whichever process wrote it
   * (the store's data version, sqlStore.ts): microseconds, no table read.
   */
  dataVersion: () => string;
  /**
   * How many would receive the status (an IPC window, an SSE stream, the notifier that
   * follows the server): 0 while nobody does.
   */
  listeners: () => number;
  /** Sends the current status to them. */
  emitStatus: () => void;
  /** A failed look (the timer must not throw: nobody would catch it). */
  onError: (error: unknown) => void;
  /** How often to look (default 1 s). */
  intervalMs?: number;
}

export interface StatusWatcher {
  dispose(): void;
}

/**
 * Makes `server.onDidChangeStatus` fire when the published data changes, also when another
 * process (a `server import` in a terminal) writes server.db: SQLite tells no other
 * connection, so its data version is polled. Nothing is read while nobody listens; the
 * first look after someone new listens sends the status too, since a write may have landed
 * between their own `server.status()` and that look (the app's own listeners, such as the
 * notifier, listen all along: a new window must not depend on them). The timer never
 * keeps the process alive.
 */
export function watchServerStatus(deps: StatusWatcherDependencies): StatusWatcher {
  let seen: string | null = null;
  let listening = 0;
  const look = (): void => {
    const listeners = deps.listeners();
    const joined = listeners > listening;
    listening = listeners;
    if (listeners === 0) {
      seen = null;
      return;
    }
    try {
      const version = deps.dataVersion();
      if (version === seen && !joined) return;
      seen = version;
      deps.emitStatus();
    } catch (error) {
      deps.onError(error);
    }
  };
  const timer = setInterval(look, deps.intervalMs ?? 1000);
  timer.unref();
  return {
    dispose: () => clearInterval(timer),
  };
}
