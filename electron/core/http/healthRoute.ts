import type { FastifyInstance } from 'fastify';

import type { SqlStore } from '../store/sqlStore';

/** How long the health check waits for the store before answering 503. */
const PING_TIMEOUT_MS = 2000;

/**
 * `GET /health` for a load balancer (docs/ctp-server.md "Deployment"): 200 when the
 * provider store answers within 2 s, else 503, so that the balancer sends requests to
 * the instances that can serve them. No token and no data in the answer.
 */
export function registerHealthRoute(app: FastifyInstance, store: Pick<SqlStore, 'ping'>): void {
  app.get('/health', async (_request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the store did not answer')), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([store.ping(), late]);
      return { status: 'ok' };
    } catch {
      return reply.code(503).header('retry-after', '1').send({ status: 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  });
}
