import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A callback hook around a check that throws: hooks on the CTP request path run on every
 * request, and an async hook costs a promise per request (decisions.md, "CTP server").
 */
export function callbackHook(check: (request: FastifyRequest, reply: FastifyReply) => void) {
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void => {
    try {
      check(request, reply);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  };
}
