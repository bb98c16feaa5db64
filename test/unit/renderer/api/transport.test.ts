import { afterEach, describe, expect, it, vi } from 'vitest';

import type { AuditorApi, CallName, ServerStatus } from '../../../../shared/api';
import { AppError } from '../../../../shared/errors';
import {
  createHttpTransport,
  resolveApi,
  type FetchInit,
  type FetchResponse,
  type HttpTransportOptions,
  type Timers,
} from '../../../../renderer/src/api/transport';
import { ALWAYS_CONNECTED } from '../../../../renderer/src/api/connection';
import { sampleStatus, settle } from '../helpers';

interface Request {
  url: string;
  init: FetchInit;
}

function jsonResponse(status: number, body: unknown): FetchResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    body: null,
    text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

/** An event stream the test writes to. */
function eventStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    cancel: () => void (cancelled = true),
  });
  const encoder = new TextEncoder();
  return {
    response: { ok: true, status: 200, body: stream, text: async () => '' } as FetchResponse,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    /** Pushes raw bytes (to split a multi-byte character between chunks). */
    pushBytes: (bytes: Uint8Array) => controller.enqueue(bytes),
    close: () => controller.close(),
    fail: () => controller.error(new Error('connection reset')),
    get cancelled() {
      return cancelled;
    },
  };
}

function manualTimers() {
  const pending = new Map<number, { callback: () => void; delay: number }>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (callback, delay) => {
      pending.set(next, { callback, delay });
      return next++;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    delays: () => [...pending.values()].map((timer) => timer.delay),
    /** Runs every pending timer. */
    fire: () => {
      const due = [...pending.entries()];
      pending.clear();
      for (const [, timer] of due) timer.callback();
    },
  };
}

function setup(
  answer: (request: Request) => Promise<FetchResponse> | FetchResponse,
  options: Partial<HttpTransportOptions> = {},
) {
  const requests: Request[] = [];
  const onUnauthorized = vi.fn();
  const clock = manualTimers();
  const transport = createHttpTransport({
    fetch: async (url, init) => {
      const request = { url, init };
      requests.push(request);
      return answer(request);
    },
    baseUrl: 'http://127.0.0.1:8443',
    token: 'secret-token',
    onUnauthorized,
    timers: clock.timers,
    ...options,
  });
  return { transport, requests, onUnauthorized, clock };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('HTTP transport: calls', () => {
  it('posts the call with the token and returns its result', async () => {
    const status = sampleStatus();
    const { transport, requests } = setup(() => jsonResponse(200, { result: status }));
    await expect(transport.call('server.status', undefined)).resolves.toEqual(status);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('http://127.0.0.1:8443/app/rpc/server.status');
    expect(requests[0]!.init.method).toBe('POST');
    expect(requests[0]!.init.headers).toMatchObject({
      'Content-Type': 'application/json',
      Authorization: 'Bearer secret-token',
    });
    expect(requests[0]!.init.body).toBe('{}');
  });

  it('sends an argument as {"argument": ...} and tolerates a trailing slash in the base URL', async () => {
    const { transport, requests } = setup(() => jsonResponse(200, { result: null }), {
      baseUrl: 'http://127.0.0.1:8443/',
    });
    await transport.call('app.info' as CallName, { name: 'acme', tags: ['a'] });
    expect(requests[0]!.url).toBe('http://127.0.0.1:8443/app/rpc/app.info');
    expect(JSON.parse(requests[0]!.init.body!)).toEqual({
      argument: { name: 'acme', tags: ['a'] },
    });
  });

  it('sends no Authorization header without a token', async () => {
    const { transport, requests } = setup(() => jsonResponse(200, { result: 1 }), { token: null });
    await transport.call('app.info', undefined);
    expect(requests[0]!.init.headers).not.toHaveProperty('Authorization');
  });

  it('rebuilds the AppError the server sent', async () => {
    const { transport } = setup(() =>
      jsonResponse(400, {
        error: {
          name: 'AppError',
          code: 'APP_INVALID_ARGUMENT',
          message: 'This call takes no argument.',
          expected: true,
          details: { path: '$' },
        },
      }),
    );
    const error = await transport.call('app.info', 1).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'APP_INVALID_ARGUMENT',
      message: 'This call takes no argument.',
      details: { path: '$' },
    });
  });

  it.each([
    ['a JSON error', jsonResponse(401, { error: { code: 'APP_UNAUTHORIZED', message: 'no' } })],
    ['a body that is not JSON', jsonResponse(401, 'Unauthorized')],
  ])('reports a 401 with %s as APP_UNAUTHORIZED', async (_name, response) => {
    const { transport, onUnauthorized } = setup(() => response);
    const error = await transport.call('app.info', undefined).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('APP_UNAUTHORIZED');
    expect((error as AppError).message).toContain('trust-auditor serve --ui');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('turns a network failure into an AppError naming the server', async () => {
    const { transport } = setup(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await transport
      .call('server.status', undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(
      /Could not reach the Trust Auditor server at http:\/\/127\.0\.0\.1:8443/,
    );
    expect((error as AppError).message).toContain('Failed to fetch');
    expect((error as AppError).code).toBe('APP_UNREACHABLE');
  });

  it('turns an answer that is not JSON into an AppError with the status', async () => {
    const { transport } = setup(() => jsonResponse(502, '<html>Bad gateway</html>'));
    const error = await transport
      .call('server.status', undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain('HTTP 502');
    expect((error as AppError).message).toContain('not JSON');
  });

  it('turns an error answer without an error object into an AppError with the status', async () => {
    const { transport } = setup(() => jsonResponse(500, { oops: true }));
    await expect(transport.call('server.status', undefined)).rejects.toMatchObject({
      code: 'APP_INTERNAL',
      message: expect.stringContaining('HTTP 500'),
    });
  });

  it('refuses a success answer that is not an object', async () => {
    const { transport } = setup(() => jsonResponse(200, 'plain'));
    await expect(transport.call('server.status', undefined)).rejects.toBeInstanceOf(AppError);
  });
});

describe('HTTP transport: events', () => {
  const statusEvent = (status: ServerStatus) =>
    `event: server.onDidChangeStatus\ndata: ${JSON.stringify(status)}\n\n`;

  it('opens one stream with the token and delivers events to every subscriber', async () => {
    const stream = eventStream();
    const { transport, requests } = setup(() => stream.response);
    const first = vi.fn();
    const second = vi.fn();
    transport.subscribe('server.onDidChangeStatus', first);
    transport.subscribe('server.onDidChangeStatus', second);
    await settle();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('http://127.0.0.1:8443/app/events');
    expect(requests[0]!.init.headers).toMatchObject({
      Accept: 'text/event-stream',
      Authorization: 'Bearer secret-token',
    });
    expect(transport.eventsConnected).toBe(true);

    const status = sampleStatus({ listening: false });
    const text = `: keep-alive\n\n${statusEvent(status)}`;
    stream.push(text.slice(0, 40));
    stream.push(text.slice(40));
    await settle();
    expect(first).toHaveBeenCalledWith(status);
    expect(second).toHaveBeenCalledWith(status);
  });

  it('decodes UTF-8 characters split between chunks', async () => {
    const stream = eventStream();
    const { transport } = setup(() => stream.response);
    const listener = vi.fn();
    transport.subscribe('server.onDidChangeStatus', listener);
    await settle();
    const bytes = new TextEncoder().encode(
      `event: server.onDidChangeStatus\ndata: {"ctpBase":"https://é.example/"}\n\n`,
    );
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    stream.pushBytes(bytes.slice(0, cut));
    stream.pushBytes(bytes.slice(cut));
    await settle();
    expect(listener).toHaveBeenCalledWith({ ctpBase: 'https://é.example/' });
  });

  it('ignores unknown events and data that is not JSON, and isolates a failing listener', async () => {
    const stream = eventStream();
    const { transport } = setup(() => stream.response);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failing = vi.fn(() => {
      throw new Error('listener bug');
    });
    const healthy = vi.fn();
    transport.subscribe('server.onDidChangeStatus', failing);
    transport.subscribe('server.onDidChangeStatus', healthy);
    await settle();
    stream.push('event: vendors.onDidSomethingNew\ndata: {}\n\n');
    stream.push('event: server.onDidChangeStatus\ndata: {not json\n\n');
    stream.push('event: server.onDidChangeStatus\ndata: {"listening":true}\n\n');
    await settle();
    expect(failing).toHaveBeenCalledTimes(1);
    expect(healthy).toHaveBeenCalledTimes(1);
    expect(healthy).toHaveBeenCalledWith({ listening: true });
  });

  it('stops delivering to a listener once unsubscribed and closes with the last one', async () => {
    const stream = eventStream();
    const { transport, requests, clock } = setup(() => stream.response);
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = transport.subscribe('server.onDidChangeStatus', first);
    const stopSecond = transport.subscribe('server.onDidChangeStatus', second);
    await settle();
    stopFirst();
    stopFirst(); // idempotent
    stream.push(statusEvent(sampleStatus()));
    await settle();
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);

    stopSecond();
    await settle();
    expect(requests[0]!.init.signal?.aborted).toBe(true);
    expect(transport.eventsConnected).toBe(false);
    expect(clock.delays()).toEqual([]); // no reconnection after a deliberate close
  });

  it('reopens the stream for a subscriber that comes after the last one left', async () => {
    const streams = [eventStream(), eventStream()];
    let index = 0;
    const { transport, requests } = setup(() => streams[index++]!.response);
    transport.subscribe('server.onDidChangeStatus', vi.fn())();
    await settle();
    transport.subscribe('server.onDidChangeStatus', vi.fn());
    await settle();
    expect(requests).toHaveLength(2);
    expect(requests[0]!.init.signal?.aborted).toBe(true);
    expect(requests[1]!.init.signal?.aborted).toBe(false);
  });

  it('reconnects with a doubling, capped delay, reset by a successful connection', async () => {
    let failing = true;
    const streams: ReturnType<typeof eventStream>[] = [];
    const { transport, requests, clock } = setup(
      () => {
        if (failing) return Promise.reject(new TypeError('Failed to fetch'));
        const stream = eventStream();
        streams.push(stream);
        return stream.response;
      },
      { reconnect: { initialDelayMs: 1000, maxDelayMs: 5000 } },
    );
    transport.subscribe('server.onDidChangeStatus', vi.fn());
    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      await settle();
      delays.push(...clock.delays());
      if (attempt === 4) failing = false;
      clock.fire();
    }
    expect(delays).toEqual([1000, 2000, 4000, 5000, 5000]);

    await settle();
    expect(transport.eventsConnected).toBe(true);
    streams[0]!.close(); // the server went away after a good connection
    await settle();
    expect(clock.delays()).toEqual([1000]);
    expect(transport.eventsConnected).toBe(false);
    clock.fire();
    await settle();
    expect(requests).toHaveLength(7);
    expect(transport.eventsConnected).toBe(true);
  });

  it('reconnects after a broken stream, and uses the retry delay the server asked for', async () => {
    const stream = eventStream();
    const { transport, clock } = setup(() => stream.response);
    transport.subscribe('server.onDidChangeStatus', vi.fn());
    await settle();
    stream.push('retry: 250\n\n');
    await settle();
    stream.fail();
    await settle();
    expect(clock.delays()).toEqual([250]);
  });

  it('cancels a pending reconnection when the last subscriber leaves', async () => {
    const { transport, requests, clock } = setup(() => Promise.reject(new TypeError('offline')));
    const stop = transport.subscribe('server.onDidChangeStatus', vi.fn());
    await settle();
    expect(clock.delays()).toEqual([1000]);
    stop();
    expect(clock.delays()).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('does not retry a refused token, and reports it', async () => {
    const { transport, onUnauthorized, clock } = setup(() => jsonResponse(401, 'no'));
    transport.subscribe('server.onDidChangeStatus', vi.fn());
    await settle();
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(onUnauthorized.mock.calls[0]![0]).toMatchObject({ code: 'APP_UNAUTHORIZED' });
    expect(clock.delays()).toEqual([]);
  });

  it('retries an event stream that answers with another error status', async () => {
    const { transport, onUnauthorized, clock } = setup(() => jsonResponse(503, 'busy'));
    transport.subscribe('server.onDidChangeStatus', vi.fn());
    await settle();
    expect(onUnauthorized).not.toHaveBeenCalled();
    expect(clock.delays()).toEqual([1000]);
  });
});

describe('HTTP transport: whether the server answers', () => {
  /** A server the test can stop and start: event streams and calls answer while it runs. */
  function switchableServer() {
    let up = true;
    const streams: ReturnType<typeof eventStream>[] = [];
    return {
      streams,
      stop() {
        up = false;
        streams.at(-1)?.close();
      },
      start() {
        up = true;
      },
      answer(request: Request): Promise<FetchResponse> | FetchResponse {
        if (!up) return Promise.reject(new TypeError('Failed to fetch'));
        if (request.url.endsWith('/app/events')) {
          streams.push(eventStream());
          return streams.at(-1)!.response;
        }
        return jsonResponse(200, { result: null });
      },
    };
  }

  function setupWithClock() {
    const server = switchableServer();
    let now = 1_000_000;
    const setupResult = setup((request) => server.answer(request), { now: () => now });
    const states: unknown[] = [];
    const stop = setupResult.transport.connection.onDidChange((state) => states.push(state));
    return { ...setupResult, server, states, stop, advance: (ms: number) => (now += ms) };
  }

  it('names the server by host and port, and a monitor keeps the event stream open', async () => {
    const { transport, requests, states, stop } = setupWithClock();
    expect(transport.connection.address).toBe('127.0.0.1:8443');
    await settle();
    expect(requests.map((request) => request.url)).toEqual(['http://127.0.0.1:8443/app/events']);
    expect(transport.eventsConnected).toBe(true);
    expect(transport.connection.state).toEqual({ reachable: true, retryAt: null });
    expect(states).toEqual([]);
    stop();
    expect(requests[0]!.init.signal?.aborted).toBe(true);
  });

  it('is lost when the stream drops, says when it retries, and is back when the stream is', async () => {
    const { transport, server, states, clock } = setupWithClock();
    await settle();
    server.stop();
    await settle();
    expect(transport.connection.state).toEqual({ reachable: false, retryAt: 1_001_000 });
    clock.fire(); // the retry fails: the server is still down
    await settle();
    expect(transport.connection.state).toEqual({ reachable: false, retryAt: 1_002_000 });
    server.start();
    clock.fire();
    await settle();
    expect(transport.connection.state).toEqual({ reachable: true, retryAt: null });
    expect(states).toEqual([
      { reachable: false, retryAt: 1_001_000 },
      { reachable: false, retryAt: null },
      { reachable: false, retryAt: 1_002_000 },
      { reachable: false, retryAt: null },
      { reachable: true, retryAt: null },
    ]);
  });

  it('retries at once when asked, instead of waiting', async () => {
    const { transport, server, requests, clock } = setupWithClock();
    await settle();
    server.stop();
    await settle();
    expect(clock.delays()).toEqual([1000]);
    server.start();
    transport.connection.retryNow();
    expect(clock.delays()).toEqual([]);
    await settle();
    expect(requests).toHaveLength(2);
    expect(transport.connection.state.reachable).toBe(true);
    transport.connection.retryNow(); // connected: nothing to do
    await settle();
    expect(requests).toHaveLength(2);
  });

  it('a call that finds no server checks the stream at once: lost if it is gone too', async () => {
    const { transport, server, requests, states } = setupWithClock();
    await settle();
    // The server is gone but the stream has not noticed yet (no end, no error).
    const stale = server.streams[0]!;
    const calls = requests.length;
    server.answer = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(transport.call('server.status', undefined)).rejects.toMatchObject({
      code: 'APP_UNREACHABLE',
    });
    expect(states[0]).toEqual({ reachable: false, retryAt: null });
    await settle();
    expect(stale.cancelled).toBe(true);
    expect(requests.slice(calls).map((request) => request.url)).toEqual([
      'http://127.0.0.1:8443/app/rpc/server.status',
      'http://127.0.0.1:8443/app/events',
    ]);
    expect(transport.connection.state).toEqual({ reachable: false, retryAt: 1_001_000 });
  });

  it('a call that failed while the stream is fine clears once the stream reconnects', async () => {
    const { transport, server, states } = setupWithClock();
    await settle();
    const answer = server.answer;
    server.answer = (request) =>
      request.url.endsWith('/app/events')
        ? answer(request)
        : Promise.reject(new TypeError('reset'));
    await expect(transport.call('app.info', undefined)).rejects.toMatchObject({
      code: 'APP_UNREACHABLE',
    });
    await settle();
    expect(server.streams).toHaveLength(2);
    expect(states).toEqual([
      { reachable: false, retryAt: null },
      { reachable: true, retryAt: null },
    ]);
  });

  it('waits at most 10 s between attempts by default', async () => {
    const { transport, clock } = setup(() => Promise.reject(new TypeError('offline')));
    transport.connection.onDidChange(() => undefined);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      await settle();
      delays.push(...clock.delays());
      clock.fire();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe('resolveApi', () => {
  const base = {
    fetch: async () => jsonResponse(200, { result: sampleStatus() }),
    baseUrl: 'http://127.0.0.1:8443',
    token: 'T',
  };

  it('uses the preload API when the desktop app exposes one, always connected', () => {
    const preload = { app: {}, server: {} } as unknown as AuditorApi;
    const resolved = resolveApi({ ...base, preload });
    expect(resolved.kind).toBe('ipc');
    expect(resolved.api).toBe(preload);
    expect(resolved.connection).toBe(ALWAYS_CONNECTED);
    expect(resolved.connection.state).toEqual({ reachable: true, retryAt: null });
  });

  it('builds the contract over HTTP otherwise', async () => {
    const resolved = resolveApi({ ...base, preload: undefined });
    expect(resolved.kind).toBe('http');
    expect(Object.keys(resolved.api).sort()).toEqual([
      'alerts',
      'app',
      'bundles',
      'cts',
      'server',
      'triggers',
      'vendors',
    ]);
    await expect(resolved.api.server.status()).resolves.toEqual(sampleStatus());
    expect(typeof resolved.api.server.onDidChangeStatus).toBe('function');
    expect(resolved.connection.address).toBe('127.0.0.1:8443');
  });
});
