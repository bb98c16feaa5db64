/**
 * The one way the client talks to a vendor (undici adapter). Threats it stands against: a
 * vendor server that is slow, huge, redirects elsewhere, or is impersonated. So every
 * request is bounded (timeout, response size), retried with backoff and jitter on 5xx and
 * network errors, honours `429`/`Retry-After` up to a bound, never follows a redirect to
 * another origin (the bearer token stays with the vendor, CTP 6.3), and checks TLS per
 * vendor: system CAs, a given CA bundle, or a pinned SHA-256 leaf-certificate fingerprint.
 */

import type { Agent, Dispatcher } from 'undici';

import type { VendorTrust } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import type { ErrorCode } from '../../../shared/errors';
import { atOrigin } from './vendorInput';

export interface HttpLimits {
  /** Whole request (headers and body) per attempt. */
  timeoutMs: number;
  /** Largest response body accepted; a bigger one is cut off. */
  maxBytes: number;
  /** Retries after the first attempt (5xx, network errors, timeouts, 429). */
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A `Retry-After` longer than this is not waited for: the request fails instead. */
  maxRetryAfterMs: number;
  /** Parallel connections to the vendor (keep-alive). */
  connections: number;
  maxRedirects: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  timeoutMs: 20_000,
  maxBytes: 8 * 1024 * 1024,
  retries: 3,
  backoffBaseMs: 250,
  backoffMaxMs: 8_000,
  maxRetryAfterMs: 60_000,
  connections: 8,
  maxRedirects: 3,
};

export interface HttpResponse {
  /** The URL finally answered (after same-origin redirects). */
  url: string;
  status: number;
  text: string;
}

export interface VendorHttp {
  /** GETs a JSON resource; resolves with a 2xx answer, else rejects with a CLIENT_… AppError. */
  getText(url: string, signal?: AbortSignal): Promise<HttpResponse>;
  /** Requests sent so far, retries and redirects included. */
  readonly requests: number;
  close(): Promise<void>;
}

/** The answer to a write, whatever its status (the caller judges it). */
export interface WriteResponse {
  status: number;
  /** The body (bounded: {@link HttpLimits.maxBytes} for 2xx, 64 KiB otherwise). */
  text: string;
  location: string | null;
}

/** The vendor client with writes (triggers, CTP 5.2.16 POST and 5.2.17 DELETE). */
export interface VendorHttpClient extends VendorHttp {
  /**
   * One request with a JSON body, never retried (a POST is not idempotent; a repeated
   * DELETE would answer 404): at the vendor's origin only, TLS trust and limits as for reads.
   */
  write(method: 'POST' | 'DELETE', url: string, body?: unknown): Promise<WriteResponse>;
}

export interface VendorHttpOptions {
  baseUrl: string;
  token: string | null;
  trust: VendorTrust;
  limits?: Partial<HttpLimits>;
  /** Injected for tests: waiting and the jitter's randomness. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** Full-jitter exponential backoff (AWS architecture blog): uniform in [0, min(max, base·2^n)]. */
export function backoffDelay(
  attempt: number,
  limits: Pick<HttpLimits, 'backoffBaseMs' | 'backoffMaxMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(limits.backoffMaxMs, limits.backoffBaseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** RFC 9110 10.2.3: delay-seconds or an HTTP-date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date names its day and month (IMF-fixdate, RFC 9110 5.6.7).
  if (!/^[A-Za-z]{3},? /.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

function fail(code: ErrorCode, message: string, details: Record<string, unknown>): AppError {
  return new AppError(code, message, { details });
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(fail('CLIENT_CANCELLED', 'The sync was cancelled.', {}));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(fail('CLIENT_CANCELLED', 'The sync was cancelled.', {}));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A pinned vendor presented another certificate (vendorAgent.ts connectorFor). */
export class PinMismatch extends Error {
  constructor(readonly actual: string) {
    super('certificate fingerprint mismatch');
  }
}

const RETRIABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 5) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** One attempt's outcome: the server's answer, or a classified failure. */
type Attempt =
  | {
      kind: 'answer';
      status: number;
      text: string;
      retryAfter: string | null;
      location: string | null;
    }
  | { kind: 'error'; error: AppError; retriable: boolean };

interface Connection {
  /** undici's agent, loaded and made on the first request. */
  agent: () => Promise<Agent>;
  headers: Record<string, string>;
  limits: HttpLimits;
}

/**
 * One GET, bounded by a whole-request deadline and cancelled with the sync. The deadline is
 * a timer cleared when the attempt ends: `AbortSignal.timeout` would keep a timer and a
 * signal alive for the full timeout after every request (thousands per sync).
 */
async function attemptOnce(
  connection: Connection,
  url: string,
  signal: AbortSignal | undefined,
): Promise<Attempt> {
  const { headers, limits } = connection;
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, limits.timeoutMs);
  const cancel = (): void => deadline.abort();
  signal?.addEventListener('abort', cancel);
  if (signal?.aborted === true) deadline.abort();
  try {
    const { request } = await import('undici');
    const response = await request(url, {
      method: 'GET',
      headers,
      dispatcher: await connection.agent(),
      signal: deadline.signal,
    });
    return await readAnswer(response, url, limits);
  } catch (error) {
    return failedAttempt(error, url, { cancelled: signal?.aborted === true, timedOut, limits });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
  }
}

/** The answer's status and body (bounded); an error answer's body is only drained. */
async function readAnswer(
  response: Dispatcher.ResponseData,
  url: string,
  limits: HttpLimits,
): Promise<Attempt> {
  const header = (name: string): string | null => {
    const value = response.headers[name];
    return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
  };
  if (response.statusCode < 200 || response.statusCode >= 300) {
    // Error bodies are read (bounded) only to keep the connection reusable.
    await readBounded(response.body, 64 * 1024).catch(() => '');
    return {
      kind: 'answer',
      status: response.statusCode,
      text: '',
      retryAfter: header('retry-after'),
      location: header('location'),
    };
  }
  const declared = Number(header('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    response.body.destroy();
    return {
      kind: 'error',
      retriable: false,
      error: fail(
        'CLIENT_RESPONSE_TOO_LARGE',
        `${url}: the response (${declared} bytes) is larger than ${limits.maxBytes} bytes.`,
        { url },
      ),
    };
  }
  const text = await readBounded(response.body, limits.maxBytes);
  if (text === null) {
    return {
      kind: 'error',
      retriable: false,
      error: fail(
        'CLIENT_RESPONSE_TOO_LARGE',
        `${url}: the response is larger than ${limits.maxBytes} bytes; it was cut off.`,
        { url },
      ),
    };
  }
  return { kind: 'answer', status: response.statusCode, text, retryAfter: null, location: null };
}

/** A request that threw: cancelled, refused pin, timeout or network error (maybe retriable). */
function failedAttempt(
  error: unknown,
  url: string,
  state: { cancelled: boolean; timedOut: boolean; limits: HttpLimits },
): Extract<Attempt, { kind: 'error' }> {
  if (state.cancelled) {
    return {
      kind: 'error',
      retriable: false,
      error: fail('CLIENT_CANCELLED', 'The sync was cancelled.', { url }),
    };
  }
  const chain = causeChain(error);
  const pin = chain.find((item): item is PinMismatch => item instanceof PinMismatch);
  if (pin !== undefined) {
    return {
      kind: 'error',
      retriable: false,
      error: fail(
        'CLIENT_TLS_PIN_MISMATCH',
        `${new URL(url).host} presented a certificate with SHA-256 fingerprint ${pin.actual || '(none)'}, not the pinned one: refused.`,
        { url, actual: pin.actual },
      ),
    };
  }
  if (
    state.timedOut ||
    chain.some((item) => /TIMEOUT/.test(String((item as { code?: unknown }).code)))
  ) {
    return {
      kind: 'error',
      retriable: true,
      error: fail(
        'CLIENT_TIMEOUT',
        `${url}: no complete answer within ${state.limits.timeoutMs} ms.`,
        { url },
      ),
    };
  }
  const code = chain
    .map((item) => (item as { code?: unknown }).code)
    .find((value): value is string => typeof value === 'string');
  const tlsProblem =
    code !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME/i.test(code);
  return {
    kind: 'error',
    retriable: code === undefined || (RETRIABLE_NETWORK.has(code) && !tlsProblem),
    error: fail(
      'CLIENT_NETWORK',
      `${url}: ${code ?? 'network error'}: ${
        chain
          .map((item) => (item as Error).message)
          .filter(Boolean)
          .at(-1) ?? ''
      }`.trim(),
      { url, cause: code ?? null },
    ),
  };
}

function offOrigin(url: string, baseUrl: string): AppError {
  return fail(
    'CLIENT_LINK_REFUSED',
    `${url} is not at the vendor's origin ${new URL(baseUrl).origin}; not requested.`,
    { url },
  );
}

/** One POST or DELETE, not retried; the answer is read bounded. */
async function writeOnce(
  connection: Connection,
  method: 'POST' | 'DELETE',
  url: string,
  body: unknown,
): Promise<WriteResponse> {
  const timeout = AbortSignal.timeout(connection.limits.timeoutMs);
  try {
    const { request } = await import('undici');
    const response = await request(url, {
      method,
      headers:
        body === undefined
          ? connection.headers
          : { ...connection.headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: await connection.agent(),
      signal: timeout,
    });
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    const text = await readBounded(response.body, ok ? connection.limits.maxBytes : 64 * 1024);
    if (text === null) {
      throw fail('CLIENT_RESPONSE_TOO_LARGE', `${url}: the response is too large.`, { url });
    }
    const location = response.headers.location;
    return {
      status: response.statusCode,
      text,
      location: typeof location === 'string' ? location : null,
    };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw failedAttempt(error, url, {
      cancelled: false,
      timedOut: timeout.aborted,
      limits: connection.limits,
    }).error;
  }
}

export function createVendorHttp(options: VendorHttpOptions): VendorHttpClient {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  // undici is loaded with the first request: a command that only reads the workspace
  // (`vendor list`) never pays for it (DESIGN "Command line").
  let agent: Promise<Agent> | null = null;
  const agentOnce = (): Promise<Agent> =>
    (agent ??= import('./vendorAgent').then(({ createVendorAgent }) =>
      createVendorAgent(options.trust, limits),
    ));
  let requests = 0;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== null) headers.authorization = `Bearer ${options.token}`;

  const connection: Connection = { agent: agentOnce, headers, limits };
  const atBase = atOrigin(options.baseUrl);
  const attempt = (url: string, signal: AbortSignal | undefined): Promise<Attempt> => {
    requests++;
    return attemptOnce(connection, url, signal);
  };

  async function getText(url: string, signal?: AbortSignal): Promise<HttpResponse> {
    let current = url;
    let redirects = 0;
    let failures = 0;
    for (;;) {
      if (!atBase(current)) throw offOrigin(current, options.baseUrl);
      const outcome = await attempt(current, signal);
      let retryWait: number | null = null;
      let lastError: AppError;
      if (outcome.kind === 'error') {
        if (!outcome.retriable) throw outcome.error;
        lastError = outcome.error;
      } else if (outcome.status >= 200 && outcome.status < 300) {
        return { url: current, status: outcome.status, text: outcome.text };
      } else if ([301, 302, 303, 307, 308].includes(outcome.status)) {
        const target = outcome.location === null ? null : safeResolve(outcome.location, current);
        if (target === null || !atBase(target)) {
          throw fail(
            'CLIENT_REDIRECT_REFUSED',
            `${current} redirects to ${outcome.location ?? '(nowhere)'}, outside the vendor's origin: refused.`,
            { url: current, location: outcome.location },
          );
        }
        if (++redirects > limits.maxRedirects) {
          throw fail(
            'CLIENT_REDIRECT_REFUSED',
            `${url}: more than ${limits.maxRedirects} redirects.`,
            { url },
          );
        }
        current = target;
        continue;
      } else if (outcome.status === 429) {
        const wait = parseRetryAfter(outcome.retryAfter, Date.now());
        lastError = fail(
          'CLIENT_RATE_LIMITED',
          `${current}: the vendor answered 429 (too many requests).`,
          { url: current, status: 429 },
        );
        if (wait !== null && wait > limits.maxRetryAfterMs) {
          throw fail(
            'CLIENT_RATE_LIMITED',
            `${current}: the vendor asks to wait ${Math.ceil(wait / 1000)} s (Retry-After), more than ${limits.maxRetryAfterMs / 1000} s; sync again later.`,
            { url: current, status: 429 },
          );
        }
        retryWait = wait;
      } else if (outcome.status >= 500) {
        lastError = fail(
          'CLIENT_HTTP_STATUS',
          `${current}: the vendor answered ${outcome.status}.`,
          { url: current, status: outcome.status },
        );
        const wait =
          outcome.status === 503 ? parseRetryAfter(outcome.retryAfter, Date.now()) : null;
        if (wait !== null && wait <= limits.maxRetryAfterMs) retryWait = wait;
      } else {
        throw fail(
          'CLIENT_HTTP_STATUS',
          `${current}: the vendor answered ${outcome.status}${statusHint(outcome.status)}.`,
          {
            url: current,
            status: outcome.status,
          },
        );
      }
      if (failures >= limits.retries) throw lastError;
      await sleep(retryWait ?? backoffDelay(failures, limits, random), signal);
      failures++;
    }
  }

  async function write(
    method: 'POST' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<WriteResponse> {
    if (!atBase(url)) throw offOrigin(url, options.baseUrl);
    requests++;
    return writeOnce(connection, method, url, body);
  }

  return {
    getText,
    write,
    get requests() {
      return requests;
    },
    close: async () => {
      if (agent !== null) await (await agent).close();
    },
  };
}

function statusHint(status: number): string {
  if (status === 401)
    return ' (the token is missing or refused: `vendor add` it again with --token-file)';
  if (status === 403) return " (the token's account may not see this resource)";
  if (status === 404) return ' (no such resource)';
  return '';
}

function safeResolve(location: string, base: string): string | null {
  try {
    return new URL(location, base).href;
  } catch {
    return null;
  }
}

/** The body as UTF-8 text, or null once it passes `maxBytes` (the stream is destroyed). */
async function readBounded(
  body: AsyncIterable<Buffer> & { destroy(): void },
  maxBytes: number,
): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
