/**
 * How long the server waits for slow clients (docs/ctp-server.md "Limits"). Node's HTTP
 * server checks the header and request deadlines every `checkIntervalMs` only (30 s by
 * default, which is how a 30 s deadline became 60 s or 90 s): the check runs every second.
 */
export interface HttpTimeouts {
  /** The request's headers must have arrived this long after it began (else 408, closed). */
  headersMs: number;
  /** The whole request, body included, must have arrived this long after it began. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveMs: number;
  /** A connection without any traffic (a client that stops reading) is closed after this. */
  idleMs: number;
  /** How often the header and request deadlines are checked: a cut comes at most this late. */
  checkIntervalMs: number;
}

export const HTTP_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({
  headersMs: 30_000,
  requestMs: 30_000,
  keepAliveMs: 30_000,
  idleMs: 60_000,
  checkIntervalMs: 1_000,
});
