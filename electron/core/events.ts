import type { EventMessage, EventName, EventPayload, Unsubscribe } from '../../shared/api';

/** Core's side of the contract's events: services emit, transports forward. */
export interface EventBus {
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void;
  /**
   * Every event, for a transport that forwards them all (IPC, SSE); `internal` for the
   * app's own followers (the notifier following the server, desktop notifications).
   */
  subscribe(
    listener: (message: EventMessage) => void,
    options?: { internal?: boolean },
  ): Unsubscribe;
  /** How many listeners are attached (tests check that transports clean up). */
  readonly listenerCount: number;
  /**
   * How many listeners are not internal: a window or an SSE stream. Change watchers
   * (dataVersionWatcher.ts) look only while one is open.
   */
  readonly transportCount: number;
}

export function createEventBus(onListenerError: (error: unknown) => void): EventBus {
  const listeners = new Set<(message: EventMessage) => void>();
  const internal = new Set<(message: EventMessage) => void>();
  return {
    emit(name, payload) {
      // Copy: a listener may unsubscribe while we iterate.
      for (const listener of [...listeners]) {
        try {
          listener({ name, payload } as EventMessage);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener, options = {}) {
      listeners.add(listener);
      if (options.internal === true) internal.add(listener);
      return () => {
        listeners.delete(listener);
        internal.delete(listener);
      };
    },
    get listenerCount() {
      return listeners.size;
    },
    get transportCount() {
      return listeners.size - internal.size;
    },
  };
}
