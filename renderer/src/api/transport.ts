/**
 * How the renderer reaches core: one {@link AuditorApi}, over whichever transport exists.
 *
 * - Desktop: the preload script exposes `window.auditor` (Electron IPC); it is used as is.
 * - Headless (`trust-auditor serve --ui`): calls go to `POST /app/rpc/<service>.<call>` and
 *   events come from `GET /app/events` (Server-Sent Events), both with the admin token as
 *   a Bearer token. `EventSource` cannot send that header, so the stream is read with
 *   `fetch` and parsed by {@link createSseParser}; one connection serves every subscriber.
 *
 * The HTTP transport also reports whether the server answers (connection.ts): the event
 * stream is the heartbeat, so a monitor's listener keeps it open.
 *
 * Everything the HTTP transport needs (`fetch`, timers, clock) is passed in, so tests drive
 * it with fakes.
 */
import {
  buildApi,
  isEventName,
  type AuditorApi,
  type CallName,
  type EventName,
  type Unsubscribe,
} from '../../../shared/api';
import { AppError, deserializeError } from '../../../shared/errors';
import { ALWAYS_CONNECTED, type ConnectionMonitor, type ConnectionState } from './connection';
import { createSseParser } from './sse';

/** The part of a fetch `Response` the transport reads. */
export interface FetchResponse {
  ok: boolean;
  status: number;
  body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** `window.fetch`, or a fake with the same shape in tests. */
export type FetchFunction = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface Timers {
  setTimeout(callback: () => void, milliseconds: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface HttpTransportOptions {
  fetch: FetchFunction;
  /** Origin of the headless server, e.g. `http://127.0.0.1:8443` (no trailing slash needed). */
  baseUrl: string;
  /** The admin token printed by `trust-auditor serve --ui`, or null when none is known. */
  token: string | null;
  /** Called when the server refuses the token (HTTP 401), for calls and for the event stream. */
  onUnauthorized?(error: AppError): void;
  /** Reconnection delays of the event stream: doubled after each failure, capped. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  timers?: Timers;
  /** Milliseconds since 1970 (`Date.now`), for the monitor's `retryAt`. */
  now?: () => number;
}

export interface HttpTransport {
  call(name: CallName, argument: unknown): Promise<unknown>;
  subscribe(name: EventName, listener: (payload: unknown) => void): Unsubscribe;
  /** True while the event stream is connected. */
  readonly eventsConnected: boolean;
  /** Whether the server answers, for the "disconnected" banner. */
  readonly connection: ConnectionMonitor;
}

const UNAUTHORIZED_MESSAGE =
  'The server refused the access token. Open the link that `trust-auditor serve --ui` printed: it carries the access token.';

function describe(error: unknown): string {
  return error instanceof Error && error.message ? error.message : String(error);
}

function unauthorized(): AppError {
  return new AppError('APP_UNAUTHORIZED', UNAUTHORIZED_MESSAGE);
}

function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const { fetch, baseUrl, token } = options;
  const timers: Timers = options.timers ?? {
    setTimeout: (callback, milliseconds) => setTimeout(callback, milliseconds),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const now = options.now ?? (() => Date.now());
  const initialDelayMs = options.reconnect?.initialDelayMs ?? 1000;
  const maxDelayMs = options.reconnect?.maxDelayMs ?? 10_000;

  function authorization(): Record<string, string> {
    return token === null ? {} : { Authorization: `Bearer ${token}` };
  }

  function reportUnauthorized(error: AppError): void {
    options.onUnauthorized?.(error);
  }

  async function call(name: CallName, argument: unknown): Promise<unknown> {
    let response: FetchResponse;
    try {
      response = await fetch(joinUrl(baseUrl, `/app/rpc/${name}`), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          ...authorization(),
        },
        body: JSON.stringify(argument === undefined ? {} : { argument }),
      });
    } catch (cause) {
      lostServer();
      throw new AppError(
        'APP_UNREACHABLE',
        `Could not reach the Trust Auditor server at ${baseUrl} (${describe(cause)}). ` +
          'Check that `trust-auditor serve --ui` is still running, then retry.',
        { cause, details: { call: name } },
      );
    }

    let body: unknown;
    try {
      body = JSON.parse(await response.text());
    } catch (cause) {
      if (response.status === 401) {
        const error = unauthorized();
        reportUnauthorized(error);
        throw error;
      }
      throw new AppError(
        'APP_INTERNAL',
        `The server answered ${name} with HTTP ${response.status} and a body that is not JSON. ` +
          'Is the address that of a Trust Auditor server?',
        { cause, expected: false, details: { call: name, status: response.status } },
      );
    }

    const record =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
    if (!response.ok) {
      const error =
        record !== null && 'error' in record
          ? deserializeError(record.error)
          : new AppError(
              'APP_INTERNAL',
              `The server answered ${name} with HTTP ${response.status}.`,
              {
                expected: false,
                details: { call: name, status: response.status },
              },
            );
      if (response.status === 401 || error.code === 'APP_UNAUTHORIZED') {
        const friendly = unauthorized();
        reportUnauthorized(friendly);
        throw friendly;
      }
      throw error;
    }
    if (record === null) {
      throw new AppError('APP_INTERNAL', `The server answered ${name} with an unexpected body.`, {
        expected: false,
        details: { call: name, status: response.status },
      });
    }
    return record.result;
  }

  // ---------------------------------------------------------------------------------------
  // Events: one shared Server-Sent Events connection for every subscriber.

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let controller: AbortController | null = null;
  let retryTimer: unknown = null;
  let failures = 0;
  let serverRetryMs: number | null = null;
  let connected = false;
  let connection: ConnectionState = { reachable: true, retryAt: null };

  function subscriberCount(): number {
    let count = connectionListeners.size;
    for (const set of listeners.values()) count += set.size;
    return count;
  }

  function setConnection(next: ConnectionState): void {
    if (next.reachable === connection.reachable && next.retryAt === connection.retryAt) return;
    connection = next;
    for (const listener of [...connectionListeners]) listener(next);
  }

  function deliver(name: string, data: string): void {
    if (!isEventName(name)) return; // a newer server may send events this renderer ignores
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      console.warn(`Ignored the ${name} event: its data is not JSON.`);
      return;
    }
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`A listener of ${name} failed:`, error);
      }
    }
  }

  function open(): void {
    const current = new AbortController();
    controller = current;
    if (!connection.reachable) setConnection({ reachable: false, retryAt: null });
    void read(current.signal);
  }

  function close(): void {
    controller?.abort();
    controller = null;
    connected = false;
    cancelRetry();
    failures = 0;
    connection = { reachable: true, retryAt: null }; // nobody follows it any more
  }

  function cancelRetry(): void {
    if (retryTimer === null) return;
    timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  function scheduleReconnect(): void {
    connected = false;
    if (subscriberCount() === 0) return;
    const delay = serverRetryMs ?? Math.min(maxDelayMs, initialDelayMs * 2 ** failures);
    failures++;
    setConnection({ reachable: false, retryAt: now() + delay });
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      if (subscriberCount() > 0) open();
    }, delay);
  }

  /** Drops the stream (or the wait for the next attempt) and connects again at once. */
  function reconnectNow(): void {
    if (subscriberCount() === 0) return;
    cancelRetry();
    controller?.abort();
    connected = false;
    open();
  }

  /**
   * A call found no server. The stream may not have noticed yet (or the server went away
   * between two keep-alives): reconnect it now, which either clears the loss or confirms it.
   */
  function lostServer(): void {
    if (subscriberCount() === 0 || retryTimer !== null) return;
    setConnection({ reachable: false, retryAt: null });
    reconnectNow();
  }

  async function read(signal: AbortSignal): Promise<void> {
    try {
      const response = await fetch(joinUrl(baseUrl, '/app/events'), {
        method: 'GET',
        headers: { Accept: 'text/event-stream', ...authorization() },
        signal,
      });
      if (response.status === 401) {
        // A refused token does not get better by retrying: stop until the next subscribe.
        if (controller?.signal === signal) controller = null;
        reportUnauthorized(unauthorized());
        return;
      }
      if (!response.ok || response.body === null) {
        throw new Error(`HTTP ${response.status}`);
      }
      connected = true;
      failures = 0;
      setConnection({ reachable: true, retryAt: null });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = createSseParser({
        onEvent: (event) => deliver(event.event, event.data),
        onRetry: (milliseconds) => (serverRetryMs = milliseconds),
      });
      signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined));
      for (;;) {
        const { done, value } = await reader.read();
        if (done || signal.aborted) break;
        parser.push(decoder.decode(value, { stream: true }));
      }
      parser.push(decoder.decode());
      parser.end();
    } catch {
      // Network failure or a broken stream: reconnect below, unless we were closed.
    }
    if (signal.aborted) return;
    scheduleReconnect();
  }

  function subscribe(name: EventName, listener: (payload: unknown) => void): Unsubscribe {
    // Wrap so that subscribing the same function twice gives two independent subscriptions.
    const entry = (payload: unknown) => listener(payload);
    let set = listeners.get(name);
    if (set === undefined) {
      set = new Set();
      listeners.set(name, set);
    }
    set.add(entry);
    return follow(() => set.delete(entry));
  }

  /** Opens the stream for a new subscriber if needed; the returned function lets it go. */
  function follow(remove: () => void): Unsubscribe {
    if (controller === null && retryTimer === null) open();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      remove();
      if (subscriberCount() === 0) close();
    };
  }

  const monitor: ConnectionMonitor = {
    address: hostOf(baseUrl),
    get state() {
      return connection;
    },
    onDidChange(listener) {
      const entry = (state: ConnectionState) => listener(state);
      connectionListeners.add(entry);
      return follow(() => connectionListeners.delete(entry));
    },
    retryNow: () => {
      if (!connected) reconnectNow();
    },
  };

  return {
    call,
    subscribe,
    get eventsConnected() {
      return connected;
    },
    connection: monitor,
  };
}

/** `127.0.0.1:8443` from `http://127.0.0.1:8443/`: what the user typed or was given. */
function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host || baseUrl;
  } catch {
    return baseUrl;
  }
}

/** Which transport the renderer uses: the preload's IPC, or HTTP RPC in a browser. */
export type TransportKind = 'ipc' | 'http';

export interface ResolveApiOptions extends Omit<HttpTransportOptions, 'token'> {
  /** `window.auditor`: present only inside the desktop app. */
  preload: AuditorApi | undefined;
  token: string | null;
}

/** Picks the transport: the preload's API when it exists, otherwise HTTP RPC. */
export function resolveApi(options: ResolveApiOptions): {
  api: AuditorApi;
  kind: TransportKind;
  connection: ConnectionMonitor;
} {
  if (options.preload !== undefined) {
    return { api: options.preload, kind: 'ipc', connection: ALWAYS_CONNECTED };
  }
  const transport = createHttpTransport(options);
  return { api: buildApi(transport), kind: 'http', connection: transport.connection };
}
