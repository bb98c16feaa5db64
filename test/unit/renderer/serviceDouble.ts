/**
 * A test double of one service of the contract: every call answers from a handler the test
 * may replace (by default it fails, naming the call), is recorded in `calls`, and events
 * are pushed by the test to the current listeners.
 */
type AnyHandler = (argument?: any) => Promise<unknown>;

export interface ServiceDouble {
  api: Record<string, (...args: any[]) => any>;
  handlers: Record<string, AnyHandler>;
  calls: Array<{ name: string; argument: unknown }>;
  emit(event: string, payload: unknown): void;
  listenerCount(event: string): number;
}

export function createServiceDouble(
  service: string,
  calls: readonly string[],
  events: readonly string[],
): ServiceDouble {
  const handlers: Record<string, AnyHandler> = {};
  for (const name of calls) {
    handlers[name] = async () => {
      throw new Error(`${service}.${name} is not used by this test`);
    };
  }
  const recorded: ServiceDouble['calls'] = [];
  const listeners = new Map(events.map((event) => [event, new Set<(payload: unknown) => void>()]));
  const api: ServiceDouble['api'] = {};
  for (const name of calls) {
    api[name] = (argument?: unknown) => {
      recorded.push({ name, argument });
      return handlers[name]!(argument);
    };
  }
  for (const event of events) {
    api[event] = (listener: (payload: unknown) => void) => {
      const entry = (payload: unknown) => listener(payload);
      listeners.get(event)!.add(entry);
      return () => listeners.get(event)!.delete(entry);
    };
  }
  return {
    api,
    handlers,
    calls: recorded,
    emit: (event, payload) => listeners.get(event)?.forEach((listener) => listener(payload)),
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
}
