export interface StatusWatcherDependencies {
  /**
   * A value that moves whenever the provider's data changes, whichever process wrote it
   * (the store's data version, sqlStore.ts): microseconds, no table read.
   */
  dataVersion: () => string;
  /** True while someone would receive the status (an IPC window, an SSE stream). */
  watched: () => boolean;
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
 * first look once someone does sends the status too, since a write may have landed
 * between their own `server.status()` and that look. The timer never keeps the process
 * alive.
 */
export function watchServerStatus(deps: StatusWatcherDependencies): StatusWatcher {
  let seen: string | null = null;
  const look = (): void => {
    if (!deps.watched()) {
      seen = null;
      return;
    }
    try {
      const version = deps.dataVersion();
      if (version === seen) return;
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
