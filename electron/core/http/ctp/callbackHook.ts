import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A callback hook around a check that throws: hooks on the CTP request path run on every
 * request, and an async hook costs a promise per request (decisions.md, "CTP server").
 * A check that must wait for the store returns a promise, and the hook waits for it.
 */
export function callbackHook(
  check: (request: FastifyRequest, reply: FastifyReply) => void | Promise<void>,
) {
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void => {
    let pending: void | Promise<void>;
    try {
      pending = check(request, reply);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (pending === undefined) done();
    else pending.then(() => done(), done);
  };
}
