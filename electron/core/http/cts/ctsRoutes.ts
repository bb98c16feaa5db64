import { createHash } from 'node:crypto';

import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';

import { AppError } from '../../../../shared/errors';
import type { AttestationSigner } from '../../cts/attestationSigner';
import { METRICS_CONTENT_TYPE } from '../../cts/metricsText';
import type { ProviderTelemetry, PublishedTelemetry } from '../../cts/providerTelemetry';
import type { Principal } from '../../provider/accounts';
import { bearerPrincipal } from '../ctp/auth';
import { sendCtpError } from '../ctp/errors';
import { callbackHook } from '../ctp/callbackHook';
import { createRateLimiter } from '../ctp/rateLimit';

export interface CtsRoutesOptions {
  telemetry: ProviderTelemetry;
  signer: AttestationSigner;
  /** The CTP API's token check (CTP 6.3): the account a bearer token speaks for, or null. */
  authenticate: (token: string) => Promise<Principal | null>;
  /** `serve --public-cts`: answer without a token. */
  public?: boolean;
  /** As the CTP API's (default 50/s, burst 200 per account); null: none. */
  rateLimit?: { perSecond: number; burst: number } | null;
}

const FRAMEWORK_QUERY = {
  type: 'object',
  properties: {
    // One `?framework=` is a string, several an array: the server does not coerce types.
    framework: {
      anyOf: [
        { type: 'string', minLength: 1, maxLength: 200 },
        {
          type: 'array',
          maxItems: 100,
          items: { type: 'string', minLength: 1, maxLength: 200 },
        },
      ],
    },
  },
  additionalProperties: false,
} as const;
const NO_QUERY = { type: 'object', additionalProperties: false } as const;

const ALL_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * OpenCTS (spec §4, DESIGN "OpenCTS") at the server's root: `GET /cts` (the telemetry,
 * `?framework=NAME` to keep some frameworks), `/cts/metrics` (Prometheus text 0.0.4),
 * `/cts/attestation` (compact JWS over its RFC 8785 form) and `/cts/keys` (JWKS); `/cpx/…`
 * answers the same (upstream renamed OpenCTS to OpenCPX). The CTP API's bearer tokens,
 * any account's, unless `public`. Answers come from the computed telemetry, recomputed
 * only when server.db changed; a matching `If-None-Match` gets 304.
 */
export async function ctsRoutes(app: FastifyInstance, options: CtsRoutesOptions): Promise<void> {
  const { telemetry, signer } = options;
  const limiter =
    options.rateLimit === null
      ? null
      : createRateLimiter(options.rateLimit ?? { perSecond: 50, burst: 200 });

  app.setErrorHandler((error, request, reply) => sendCtpError(error, request, reply));
  if (options.public !== true) {
    app.addHook(
      'onRequest',
      callbackHook(async (request, reply) => {
        await bearerPrincipal(request, reply, {
          authenticate: options.authenticate,
          limiter,
          missing: 'The OpenCTS telemetry needs a CTP bearer token',
        });
      }),
    );
  }

  const current = (): Promise<PublishedTelemetry> => telemetry.snapshot();
  const answer = (
    request: FastifyRequest,
    reply: FastifyReply,
    published: PublishedTelemetry,
    contentType: string,
    body: string,
    tag = published.etag,
  ) => {
    reply.header('etag', tag).header('cache-control', 'no-cache');
    reply.header('last-modified', new Date(published.changedAtMs).toUTCString());
    if (request.headers['if-none-match'] === tag) return reply.code(304).send();
    return reply.type(contentType).send(body);
  };

  for (const prefix of ['/cts', '/cpx']) {
    app.get(prefix, { schema: { querystring: FRAMEWORK_QUERY } }, async (request, reply) => {
      const published = await current();
      const asked = (request.query as { framework?: string | string[] }).framework;
      if (asked === undefined) {
        return answer(
          request,
          reply,
          published,
          'application/json; charset=utf-8',
          published.json(),
        );
      }
      const wanted = typeof asked === 'string' ? [asked] : asked;
      const body = published.restricted(wanted);
      if (body === null) {
        throw new AppError(
          'CTS_FRAMEWORK_UNKNOWN',
          `No framework named ${wanted.map((name) => JSON.stringify(name.slice(0, 80))).join(', ')} here; the telemetry has ${published.telemetry.frameworks.map((f) => f.name).join(', ') || 'none'}.`,
        );
      }
      const tag = `"${published.etag.slice(1, -1)}-${wanted.length}-${hashNames(wanted)}"`;
      return answer(request, reply, published, 'application/json; charset=utf-8', body, tag);
    });
    app.get(`${prefix}/metrics`, { schema: { querystring: NO_QUERY } }, async (request, reply) => {
      const published = await current();
      return answer(request, reply, published, METRICS_CONTENT_TYPE, published.metrics());
    });
    app.get(
      `${prefix}/attestation`,
      { schema: { querystring: NO_QUERY } },
      async (request, reply) => {
        const published = await current();
        const jws = await signer.sign(published.canonical());
        return answer(request, reply, published, 'application/jose; charset=utf-8', jws);
      },
    );
    app.get(`${prefix}/keys`, { schema: { querystring: NO_QUERY } }, async (_request, reply) =>
      reply.type('application/jwk-set+json; charset=utf-8').send(await signer.jwks()),
    );
    for (const path of [prefix, `${prefix}/metrics`, `${prefix}/attestation`, `${prefix}/keys`]) {
      app.route({
        method: ALL_METHODS.filter((method) => method !== 'GET' && method !== 'HEAD'),
        url: path,
        handler: (request, reply) =>
          reply
            .code(405)
            .header('allow', 'GET, HEAD')
            .type('application/json; charset=utf-8')
            .send({ error: `${request.method} is not defined here; allowed: GET, HEAD.` }),
      });
    }
  }
}

/** The CTP API's access rule (CTP 6.3): a valid bearer token of any account, rate limited. */
function hashNames(names: readonly string[]): string {
  return createHash('sha256')
    .update([...new Set(names)].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}
