import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';

import type { ProviderServices } from '../provider/services';
import type { Dispatcher } from '../dispatcher';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import { adminRoutes } from './admin/adminRoutes';
import { ctpRoutes, type CtpRoutesOptions } from './ctp/ctpRoutes';
import { ctsRoutes, type CtsRoutesOptions } from './cts/ctsRoutes';
import { registerHealthRoute } from './healthRoute';
import { rpcRoutes } from './rpcRoutes';
import { SECURITY_HEADERS } from './securityHeaders';
import { HTTP_TIMEOUTS, type HttpTimeouts } from './timeouts';

export interface ServerDependencies {
  dispatcher: Dispatcher;
  events: EventBus;
  logger: Logger;
  adminToken: string;
  /** The built renderer (out/renderer) to serve at `/`, or null to serve no UI. */
  uiDir: string | null;
  /** TLS key and certificate, or null for plain HTTP. */
  https: { key: string; cert: string } | null;
  /** How long slow clients are waited for (default {@link HTTP_TIMEOUTS}; tests shorten them). */
  timeouts?: Partial<HttpTimeouts>;
  /** The CTP API under /ctp/ (absent: not served). */
  ctp?: (Omit<CtpRoutesOptions, 'services'> & { services: ProviderServices }) | undefined;
  /** OpenCTS at /cts and /cpx (absent: not served). */
  cts?: CtsRoutesOptions | undefined;
}

/**
 * Builds the HTTP application (not listening: the caller listens). Later capabilities add
 * their route plugins here (the CTP API under /ctp/, the admin API under /admin/).
 */
export async function buildServer(deps: ServerDependencies): Promise<FastifyInstance> {
  const timeouts = { ...HTTP_TIMEOUTS, ...deps.timeouts };
  // Given to Node's server when it is made: it checks headersTimeout <= requestTimeout there.
  const nodeServer = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  const app = Fastify({
    // Per-request lines are info level: the http logger starts at warn to keep them out.
    loggerInstance: deps.logger.child(
      { component: 'http' },
      { level: 'warn' },
    ) as FastifyBaseLogger,
    // One shared http logger instead of a pino child per request: a child costs more than a
    // CTP request itself (bench/ctp-server.bench.ts). Log lines lose the request id.
    childLoggerFactory: (logger) => logger,
    bodyLimit: 1024 * 1024,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionTimeout: timeouts.idleMs,
    return503OnClosing: true,
    // Reject unknown fields instead of dropping them, and never coerce: a number is not a
    // string. Query strings are declared as strings and parsed by the routes.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    forceCloseConnections: 'idle',
    ...(deps.https
      ? { https: { key: deps.https.key, cert: deps.https.cert, ...nodeServer } }
      : { http: nodeServer }),
  });

  // Set when the request arrives, so every answer (errors and 404s too) carries them; a
  // callback hook, not an async one: this runs on every request (bench/ctp-server.bench.ts).
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });

  await app.register(rpcRoutes, {
    prefix: '/app',
    dispatcher: deps.dispatcher,
    events: deps.events,
    adminToken: deps.adminToken,
  });

  if (deps.ctp !== undefined) {
    await app.register(ctpRoutes, { prefix: '/ctp', ...deps.ctp });
    await app.register(adminRoutes, {
      prefix: '/admin',
      services: deps.ctp.services,
      adminToken: deps.adminToken,
      baseUrl: deps.ctp.baseUrl,
    });
    registerHealthRoute(app, deps.ctp.services.store);
  }

  if (deps.cts !== undefined) await app.register(ctsRoutes, deps.cts);

  if (deps.uiDir !== null) {
    // The page itself is public: everything it does goes through the token-guarded RPC.
    await app.register(fastifyStatic, {
      root: deps.uiDir,
      prefix: '/',
      index: ['index.html'],
      dotfiles: 'deny',
    });
  }

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type('application/json')
      .send({ error: `No route for ${request.method} ${request.url.split('?')[0]}` });
  });
  return app;
}
