import type { EventMessage, EventName, EventPayload, Unsubscribe } from '../../shared/api';

/** Core's side of the contract's events: services emit, transports forward. */
export interface EventBus {
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void;
  /** Every event, for a transport that forwards them all (IPC, SSE). */
  subscribe(listener: (message: EventMessage) => void): Unsubscribe;
  /** How many listeners are attached (tests check that transports clean up). */
  readonly listenerCount: number;
}

export function createEventBus(onListenerError: (error: unknown) => void): EventBus {
  const listeners = new Set<(message: EventMessage) => void>();
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
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
