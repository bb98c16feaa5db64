import { Transform } from 'node:stream';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { AppError, serializeError } from '../../../shared/errors';
import { RPC_BODY_MAX, UPLOAD_CALLS, UPLOAD_RPC_BODY_MAX } from '../../../shared/fileSource';
import type { Dispatcher } from '../dispatcher';
import type { EventBus } from '../events';
import { bearerMatches } from './adminToken';
import { describeValidation } from './validation';

export interface RpcRoutesOptions {
  dispatcher: Dispatcher;
  events: EventBus;
  adminToken: string;
  /** Interval of SSE keep-alive comments, so proxies and clients see a live stream. */
  keepAliveMs?: number;
}

const UNAUTHORIZED = new AppError(
  'APP_UNAUTHORIZED',
  'This needs the admin token: open the link that `trust-auditor serve --ui` printed, or send Authorization: Bearer <token>.',
);

/**
 * The HTTP transport of the contract (headless mode): `POST /app/rpc/<service>.<call>`
 * with `{"argument": …}` answers `{"result": …}` or `{"error": SerializedError}`;
 * `GET /app/events` streams every event as Server-Sent Events. Both need the admin token.
 */
export async function rpcRoutes(app: FastifyInstance, options: RpcRoutesOptions): Promise<void> {
  const openStreams = new Set<FastifyReply>();

  app.addHook('onRequest', async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, options.adminToken)) {
      reply.header('www-authenticate', 'Bearer realm="trust-auditor"');
      return sendError(reply, UNAUTHORIZED);
    }
  });

  app.post<{ Params: { name: string }; Body: { argument?: unknown } }>(
    '/rpc/:name',
    {
      schema: {
        params: {
          type: 'object',
          properties: { name: { type: 'string', maxLength: 100 } },
          required: ['name'],
        },
        body: { type: 'object', properties: { argument: {} }, additionalProperties: false },
      },
      // Calls that may carry an uploaded file take up to its size; every other call 1 MiB.
      bodyLimit: UPLOAD_RPC_BODY_MAX,
      preParsing: async (request, _reply, payload) =>
        limitBody(
          payload,
          UPLOAD_CALLS.has(request.params.name) ? UPLOAD_RPC_BODY_MAX : RPC_BODY_MAX,
        ),
    },
    async (request, reply) => {
      const result = await options.dispatcher.dispatch(request.params.name, request.body?.argument);
      return reply.send({ result: result ?? null });
    },
  );

  app.get('/events', (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(': connected\n\n');
    const unsubscribe = options.events.subscribe((message) => {
      raw.write(`event: ${message.name}\ndata: ${JSON.stringify(message.payload)}\n\n`);
    });
    const keepAlive = setInterval(
      () => raw.write(': keep-alive\n\n'),
      options.keepAliveMs ?? 15_000,
    );
    openStreams.add(reply);
    const close = (): void => {
      clearInterval(keepAlive);
      unsubscribe();
      openStreams.delete(reply);
    };
    request.raw.on('close', close);
    raw.on('close', close);
  });

  // Event streams never end by themselves: end them so that close() can finish.
  app.addHook('preClose', async () => {
    for (const reply of [...openStreams]) reply.raw.end();
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof AppError) return sendError(reply, error);
    const validation = (error as { validation?: unknown }).validation;
    const statusCode = (error as { statusCode?: number }).statusCode;
    if (
      validation !== undefined ||
      (statusCode !== undefined && statusCode >= 400 && statusCode < 500)
    ) {
      // Fastify's own status stands (413 for a body over the limit, as on the CTP API).
      const problem = isValidation(validation)
        ? validation.map(describeValidation).join('; ')
        : (error as Error).message;
      const invalid =
        statusCode === 413
          ? new AppError('APP_BODY_TOO_LARGE', `Bad request: ${problem}`)
          : new AppError('APP_INVALID_ARGUMENT', `Bad request: ${problem}`);
      return sendError(reply, invalid, validation === undefined ? statusCode : undefined);
    }
    app.log.error({ err: error }, 'RPC call failed');
    return sendError(reply, new AppError('APP_INTERNAL', 'internal', { expected: false }));
  });
}

function sendError(reply: FastifyReply, error: AppError, status = error.status): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send({ error: serializeError(error) });
}

function isValidation(value: unknown): value is Parameters<typeof describeValidation>[0][] {
  return Array.isArray(value);
}

/** The request body, ended with a 413 error as soon as it holds more than `maxBytes`. */
function limitBody(payload: NodeJS.ReadableStream, maxBytes: number): NodeJS.ReadableStream {
  let received = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > maxBytes) {
        done(Object.assign(new Error('Request body is too large'), { statusCode: 413 }));
        return;
      }
      done(null, chunk);
    },
  });
  payload.on('error', (error) => limited.destroy(error));
  return payload.pipe(limited);
}
