export interface DataVersionWatcherDependencies {
  /**
   * A value that moves whenever the watched data changes, whichever process wrote it (a
   * store's data version, sqlStore.ts; a folder's listing): cheap and synchronous.
   */
  dataVersion: () => string;
  /**
   * How many windows and SSE streams are open (the event bus's transportCount): 0 while
   * none is. The app's own followers do not count: nothing is read for them.
   */
  listeners: () => number;
  /** Sends the event to them. */
  onChange: () => void;
  /** A failed look (the timer must not throw: nobody would catch it). */
  onError: (error: unknown) => void;
  /** How often to look (default 1 s). */
  intervalMs?: number;
  /**
   * Fire on the first look after someone new listens (default), for an event that carries
   * the current state; false when the event only says "changed" and the listener has just
   * read.
   */
  fireOnFirstLook?: boolean;
}

export interface DataVersionWatcher {
  /**
   * Takes the current version as seen, when there is none yet: a listener is about to
   * read the data (so a change after that read fires, even before the first look).
   */
  baseline(): void;
  /** Takes the current version as seen: a change this process made and announced itself. */
  markSeen(): void;
  dispose(): void;
}

/**
 * Makes a contract event fire when data changes, also when another process (a
 * `server import` or `bundle import` in a terminal) writes it: SQLite tells no other
 * connection, so a data version is polled (docs/decisions.md "The Server page's status
 * follows server.db"). Nothing is read while nobody listens; the first look after someone
 * new listens fires the event too (unless told not to), since a write may have landed
 * between their own first read and that look (also when another window listens
 * already). The timer never keeps the process alive.
 */
export function watchDataVersion(deps: DataVersionWatcherDependencies): DataVersionWatcher {
  const fireOnFirstLook = deps.fireOnFirstLook !== false;
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
      const first = seen === null;
      if (version === seen && !(joined && fireOnFirstLook)) return;
      seen = version;
      if (!first || fireOnFirstLook) deps.onChange();
    } catch (error) {
      deps.onError(error);
    }
  };
  const timer = setInterval(look, deps.intervalMs ?? 1000);
  timer.unref();
  const see = (): void => {
    if (deps.listeners() === 0) return;
    try {
      seen = deps.dataVersion();
    } catch (error) {
      deps.onError(error);
    }
  };
  return {
    baseline: () => {
      if (seen === null) see();
    },
    markSeen: see,
    dispose: () => clearInterval(timer),
  };
}
