/**
 * How the renderer reaches core: one {@link AuditorApi}, over whichever transport exists.
 *
 * - Desktop: the preload script exposes `window.auditor` (Electron IPC); it is used as is.
 * - Headless (`trust-auditor serve --ui`): calls go to `POST /app/rpc/<service>.<call>` and
 *   events come from `GET /app/events` (Server-Sent Events), both with the admin token as
 *   a Bearer token. `EventSource` cannot send that header, so the stream is read with
 *   `fetch` and parsed by {@link createSseParser}; one connection serves every subscriber.
 *
 * Everything the HTTP transport needs (`fetch`, timers) is passed in, so tests drive it
 * with fakes.
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
}

export interface HttpTransport {
  call(name: CallName, argument: unknown): Promise<unknown>;
  subscribe(name: EventName, listener: (payload: unknown) => void): Unsubscribe;
  /** True while the event stream is connected. */
  readonly eventsConnected: boolean;
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
  const initialDelayMs = options.reconnect?.initialDelayMs ?? 1000;
  const maxDelayMs = options.reconnect?.maxDelayMs ?? 30_000;

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
  let controller: AbortController | null = null;
  let retryTimer: unknown = null;
  let failures = 0;
  let serverRetryMs: number | null = null;
  let connected = false;

  function subscriberCount(): number {
    let count = 0;
    for (const set of listeners.values()) count += set.size;
    return count;
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
    void read(current.signal);
  }

  function close(): void {
    controller?.abort();
    controller = null;
    connected = false;
    if (retryTimer !== null) {
      timers.clearTimeout(retryTimer);
      retryTimer = null;
    }
    failures = 0;
  }

  function scheduleReconnect(): void {
    connected = false;
    if (subscriberCount() === 0) return;
    const delay = serverRetryMs ?? Math.min(maxDelayMs, initialDelayMs * 2 ** failures);
    failures++;
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      if (subscriberCount() > 0) open();
    }, delay);
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
    if (controller === null && retryTimer === null) open();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      set.delete(entry);
      if (subscriberCount() === 0) close();
    };
  }

  return {
    call,
    subscribe,
    get eventsConnected() {
      return connected;
    },
  };
}

/** Which transport the renderer uses: the preload's IPC, or HTTP RPC in a browser. */
export type TransportKind = 'ipc' | 'http';

export interface ResolveApiOptions extends Omit<HttpTransportOptions, 'token'> {
  /** `window.auditor`: present only inside the desktop app. */
  preload: AuditorApi | undefined;
  token: string | null;
}

/** Picks the transport: the preload's API when it exists, otherwise HTTP RPC. */
export function resolveApi(options: ResolveApiOptions): { api: AuditorApi; kind: TransportKind } {
  if (options.preload !== undefined) return { api: options.preload, kind: 'ipc' };
  return { api: buildApi(createHttpTransport(options)), kind: 'http' };
}
