import type { FastifyInstance } from 'fastify';

import { AppError } from '../../../../shared/errors';
import type { ProviderServices } from '../../provider/services';
import { ctpAuth } from './auth';
import { ctpResponseCache } from './cachePlugin';
import { callbackHook } from './callbackHook';
import { sendCtpError } from './errors';
import { createRouteKit, CTP_PREFIX } from './routeKit';
import { registerTreeRoutes } from './treeRoutes';
import { registerTriggerRoutes } from './triggerRoutes';

export interface CtpRoutesOptions {
  services: ProviderServices;
  /** The advertised CtpBase (`--base-url`); default `<scheme>://<Host>/ctp/`. */
  baseUrl?: string | undefined;
  /** CTP 5.2.1 and 5.2.12: GET `/` and the metrics may be public (default: authenticated). */
  publicEntryPoint?: boolean;
  publicMetrics?: boolean;
  /** Requests per second and burst per account (default 50/s, burst 200); null: none. */
  rateLimit?: { perSecond: number; burst: number } | null;
  /** Triggers an account may hold in the service views it sees (default 100). */
  maxTriggersPerAccount?: number;
}

/** Default of `serve --max-triggers-per-account` (decisions.md "CTP server"). */
export const MAX_TRIGGERS_PER_ACCOUNT = 100;

/**
 * The CTP API (CTP chapter 5) under `{CtpBase}` = `/ctp/`, with bearer-token access
 * control (CTP 6.3): every resource below a service view is visible to the accounts that
 * may see that view (403 otherwise, 404 when missing); metrics are server-wide. Order on
 * a request: path shape, token and rate limit, `x=`, the response cache, the route.
 */
export async function ctpRoutes(app: FastifyInstance, options: CtpRoutesOptions): Promise<void> {
  const { repositories, accounts } = options.services;
  const kit = createRouteKit(app, { repositories, baseUrl: options.baseUrl });
  app.setErrorHandler((error, request, reply) => sendCtpError(error, request, reply));

  app.addHook(
    'onRequest',
    callbackHook((request) => {
      const path = request.url.split('?')[0] ?? '';
      // CTP 4.1.2: no resource path ends with "/" except CtpBase itself.
      if (path.endsWith('/') && path !== CTP_PREFIX) {
        throw new AppError(
          'CTP_NOT_FOUND',
          `No CTP resource at ${path}: paths do not end with "/".`,
        );
      }
    }),
  );
  await app.register(ctpAuth, {
    accounts,
    rateLimit: options.rateLimit === undefined ? { perSecond: 50, burst: 200 } : options.rateLimit,
  });
  app.addHook(
    'preValidation',
    callbackHook((request) => {
      const x = (request.query as Record<string, unknown> | undefined)?.x;
      if (x !== undefined && request.routeOptions.config.takesX !== true) {
        throw new AppError(
          'CTP_BAD_REQUEST',
          `Unknown query extension x=${String(x)} for ${request.method} on this resource.`,
        );
      }
    }),
  );
  await app.register(ctpResponseCache, {
    store: options.services.store,
    baseOf: kit.baseOf,
    maxBytes: 32 * 1024 * 1024,
  });

  registerTreeRoutes(kit, repositories, {
    publicEntryPoint: options.publicEntryPoint === true,
    publicMetrics: options.publicMetrics === true,
  });
  registerTriggerRoutes(kit, options.services, {
    maxTriggersPerAccount: options.maxTriggersPerAccount ?? MAX_TRIGGERS_PER_ACCOUNT,
  });
  kit.routeMethodNotAllowed();
}
