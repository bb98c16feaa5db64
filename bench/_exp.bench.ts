import autocannon from 'autocannon';
import Fastify from 'fastify';
import { SECURITY_HEADERS } from '../electron/core/server/securityHeaders';
const body = JSON.stringify({ self: 'http://127.0.0.1:1/ctp/measurements/m1', scope: 'x'.repeat(40), name: 'y', result: { value: [{ percentage: 99.95 }] , updateTime: '2026-01-01T00:00:00Z'}, changeId: '12' });
async function serve(variant: string) {
  const app = Fastify();
  if (variant === 'headers-async') app.addHook('onSend', async (_q, reply) => { for (const [n, v] of Object.entries(SECURITY_HEADERS)) reply.header(n, v); });
  if (variant === 'headers-sync') app.addHook('onRequest', (_q, reply, done) => { reply.headers(SECURITY_HEADERS); done(); });
  if (variant === '4-async-hooks') for (const h of ['onRequest', 'preValidation', 'preHandler', 'onSend'] as const) app.addHook(h as 'onRequest', async () => {});
  app.get('/m/:id', { schema: variant === 'schema' ? { params: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } }, querystring: { type: 'object', properties: { x: { type: 'string' } } } } : {} }, (_r, reply) => reply.type('application/json; charset=utf-8').send(body));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const opts = { url: `http://127.0.0.1:${port}/m/m1`, connections: 50, workers: 1 };
  await autocannon({ ...opts, duration: 1 });
  const r = await autocannon({ ...opts, duration: 4 });
  await app.close();
  return Math.round(r.requests.average);
}
for (const v of ['bare', 'bare', 'headers-async', 'headers-sync', '4-async-hooks', 'schema', 'bare', 'headers-async', 'headers-sync', '4-async-hooks', 'schema', 'bare']) console.log(v, await serve(v));
