/**
 * Load for the HTTP benchmarks: autocannon from a worker thread (this machine has two
 * cores: one for the server under test, one for the load), ours against a bare Fastify
 * route serving the same bytes, in alternating rounds, medians reported.
 */
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';

export const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

export interface Load {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
}

export interface Comparison {
  ours: Load;
  bare: Load;
  /** Median of the round-by-round ratios ours / bare (the drift cancels within a round). */
  ratio: number;
}

/** One URL, or several instances sharing the connections (their counts added up). */
export type Target = string | readonly string[];

async function load(target: Target, headers: Record<string, string>, seconds: number) {
  const urls = typeof target === 'string' ? [target] : target;
  // The load runs in worker threads: the server under test keeps the main thread.
  const results = await Promise.all(
    urls.map((url) =>
      autocannon({
        url,
        headers,
        connections: Math.ceil(CONNECTIONS / urls.length),
        workers: 1,
        duration: seconds,
      }),
    ),
  );
  return {
    requestsPerSecond: results.reduce((sum, result) => sum + result.requests.average, 0),
    p99Ms: Math.max(...results.map((result) => result.latency.p99)),
    errors: results.reduce((sum, result) => sum + result.errors + result.non2xx, 0),
  };
}

/**
 * Ours against the bare route in alternating rounds (ABBAAB...): this shared machine's
 * speed drifts within a run, so one run of each in a row would measure the drift.
 */
export async function compare(
  ours: Target,
  bare: Target,
  headers: Record<string, string>,
): Promise<Comparison> {
  await load(ours, headers, 1);
  await load(bare, headers, 1);
  const runs: Record<'ours' | 'bare', Load[]> = { ours: [], bare: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
    for (const side of order) {
      runs[side].push(await load(side === 'ours' ? ours : bare, headers, DURATION_S));
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const summary = (loads: Load[]): Load => ({
    requestsPerSecond: Math.round(median(loads.map((l) => l.requestsPerSecond))),
    p99Ms: median(loads.map((l) => l.p99Ms)),
    errors: loads.reduce((sum, l) => sum + l.errors, 0),
  });
  const ratios = runs.ours.map(
    (load, round) => load.requestsPerSecond / runs.bare[round]!.requestsPerSecond,
  );
  return { ours: summary(runs.ours), bare: summary(runs.bare), ratio: median(ratios) };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export async function bare(bodies: Record<string, string>): Promise<FastifyInstance> {
  const app = Fastify();
  for (const [path, body] of Object.entries(bodies)) {
    app.get(path, (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}

export function originOf(app: FastifyInstance): string {
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return `http://127.0.0.1:${address.port}`;
}
