import type { FastifyReply, FastifyRequest } from 'fastify';

import { AppError } from '../../../../shared/errors';
import type { Accounts, Principal } from '../../provider/accounts';
import { sharedPlugin } from '../sharedPlugin';
import { callbackHook } from './callbackHook';
import { challenge } from './errors';
import { createRateLimiter } from './rateLimit';

type RateLimiter = ReturnType<typeof createRateLimiter>;

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
      return bearerPrincipal(request, reply, {
        authenticate: (token) => accounts.authenticate(token),
        limiter,
        missing: 'This CTP server needs a bearer token',
      }).then((principal) => {
        request.principal = principal;
      });
    }),
  );
});

/**
 * The account a request's bearer token speaks for (CTP 6.3), within its rate limit; else
 * 401 with the challenge, or 429 with `Retry-After`. `missing` names what wants a token.
 */
export async function bearerPrincipal(
  request: FastifyRequest,
  reply: FastifyReply,
  check: {
    authenticate: (token: string) => Promise<Principal | null>;
    limiter: RateLimiter | null;
    missing: string;
  },
): Promise<Principal> {
  const header = request.headers.authorization;
  const token =
    header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : null;
  const principal = token === null ? null : await check.authenticate(token);
  if (principal === null) {
    reply.header('www-authenticate', challenge(header !== undefined));
    throw new AppError(
      'CTP_UNAUTHORIZED',
      header === undefined
        ? `${check.missing}: send Authorization: Bearer <token> (CTP 6.3).`
        : 'The bearer token is not valid.',
    );
  }
  const wait = check.limiter?.take(String(principal.accountId)) ?? 0;
  if (wait > 0) {
    reply.header('retry-after', String(wait));
    throw new AppError(
      'SERVER_RATE_LIMITED',
      `Too many requests for account ${principal.account}; retry in ${wait} s.`,
    );
  }
  return principal;
}
