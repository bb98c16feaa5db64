import type { FastifyReply } from 'fastify';

import { AppError } from '../../../../shared/errors';
import type { Accounts, Principal } from '../../provider/accounts';
import { sharedPlugin } from '../sharedPlugin';
import { callbackHook } from './callbackHook';
import { challenge } from './errors';
import { createRateLimiter } from './rateLimit';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account a CTP request's bearer token speaks for (null on public routes). */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** `none`: answered without a token (public entry point and metrics, 405s). */
    auth?: 'required' | 'none';
    /** The route takes `x=` (the state PUT); elsewhere `x` is an unknown extension: 400. */
    takesX?: boolean;
  }
}

export interface CtpAuthOptions {
  accounts: Accounts;
  /** Requests per second and burst per account; null: no limit. */
  rateLimit: { perSecond: number; burst: number } | null;
}

/**
 * Bearer-token access control of the CTP API (CTP 6.3) and the per-account rate limit:
 * sets `request.principal`, or answers 401 (with the challenge) or 429 (`Retry-After`).
 */
export const ctpAuth = sharedPlugin<CtpAuthOptions>(async (app, options) => {
  const { accounts } = options;
  const limiter = options.rateLimit === null ? null : createRateLimiter(options.rateLimit);
  app.decorateRequest('principal', null);
  app.addHook(
    'onRequest',
    callbackHook((request, reply) => {
      if (request.routeOptions.config.auth === 'none') return;
      const header = request.headers.authorization;
      const token =
        header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : null;
      if (token === null) throw unauthorized(reply, header);
      return accounts.authenticate(token).then((principal) => {
        if (principal === null) throw unauthorized(reply, header);
        const wait = limiter === null ? 0 : limiter.take(String(principal.accountId));
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          throw new AppError(
            'SERVER_RATE_LIMITED',
            `Too many requests for account ${principal.account}; retry in ${wait} s.`,
          );
        }
        request.principal = principal;
      });
    }),
  );
});

function unauthorized(reply: FastifyReply, header: string | undefined): AppError {
  reply.header('www-authenticate', challenge(header !== undefined));
  return new AppError(
    'CTP_UNAUTHORIZED',
    header === undefined
      ? 'This CTP server needs a bearer token: send Authorization: Bearer <token> (CTP 6.3).'
      : 'The bearer token is not valid.',
  );
}
