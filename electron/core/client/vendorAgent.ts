/**
 * undici's side of the vendor connection: the TLS trust as a connector and the pooled agent.
 * Apart from httpClient.ts so that undici loads only when a request is made.
 */
import type { TLSSocket } from 'node:tls';

import { Agent, buildConnector } from 'undici';

import type { VendorTrust } from '../../../shared/client';
import { PinMismatch, type HttpLimits } from './httpClient';

/** The undici connector for a vendor's TLS trust. */
export function connectorFor(trust: VendorTrust): buildConnector.connector {
  if (trust.kind === 'ca') return buildConnector({ ca: trust.caPem });
  if (trust.kind === 'system') return buildConnector({});
  // A pinned self-signed certificate cannot pass chain validation: the pin replaces it. The
  // connection is dropped before any request (and so the token) is written to it.
  // No TLS session resumption: a resumed session shows no peer certificate to check.
  const base = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  const pinned = trust.sha256.toUpperCase();
  return (options, callback) => {
    base(options, (...args) => {
      const [error, socket] = args;
      if (error !== null) {
        callback(error, null);
        return;
      }
      const actual = (socket as TLSSocket).getPeerCertificate?.()?.fingerprint256 ?? '';
      if (actual.toUpperCase() !== pinned) {
        socket.destroy();
        callback(new PinMismatch(actual), null);
        return;
      }
      callback(null, socket);
    });
  };
}

/** The connection pool of one vendor client. */
export function createVendorAgent(trust: VendorTrust, limits: HttpLimits): Agent {
  return new Agent({
    connections: limits.connections,
    connect: connectorFor(trust),
    headersTimeout: limits.timeoutMs,
    bodyTimeout: limits.timeoutMs,
    keepAliveTimeout: 10_000,
  });
}
