import type { FastifyInstance, FastifyRequest } from 'fastify';

import {
  encodeLogText,
  encodeMeasurementText,
  encodeTrigger,
} from '../../../../shared/ctp/encodings';
import { CTP_ID_SCHEMA_PATTERN } from '../../../../shared/ctp/ids';
import { AppError } from '../../../../shared/errors';
import type { DeletableKind } from '../../provider/resourceDeletion';
import type { ProviderServices } from '../../provider/services';
import { bearerMatches } from '../adminToken';
import { sendCtpError } from '../ctp/errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** An admin request's JSON body as received (a signed result is stored as such). */
    rawBody: string | null;
  }
}

export interface AdminRoutesOptions {
  services: ProviderServices;
  adminToken: string;
  /** The advertised CtpBase, for links in answers (default `<scheme>://<Host>/ctp/`). */
  baseUrl?: string | undefined;
}

const ID_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', pattern: CTP_ID_SCHEMA_PATTERN } },
  required: ['id'],
} as const;
const NAME_PARAMS = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['name'],
} as const;
const VIEWS = {
  type: 'array',
  maxItems: 10_000,
  items: { type: 'string', pattern: CTP_ID_SCHEMA_PATTERN },
} as const;
/** A count in a query string (declared as a string: bodies and queries are never coerced). */
const COUNT = { type: 'string', pattern: '^[0-9]{1,7}$' } as const;
const DELETABLE: DeletableKind[] = [
  'serviceViews',
  'dependencies',
  'assets',
  'attributes',
  'measurements',
  'metrics',
  'triggers',
];

/**
 * The provider's admin API under `/admin/` (its own token, DESIGN.md "Security model"):
 * import (create or update any resource), delete any resource (cascading to triggers and
 * logs; 409 for a metric in use), publish results, set objectives, manage accounts and
 * tokens, reset a trigger in error, read the history and the notification outbox.
 * Errors are `{"error": ...}` as on the CTP API.
 */
export async function adminRoutes(
  app: FastifyInstance,
  options: AdminRoutesOptions,
): Promise<void> {
  const { repositories } = options.services;
  const baseOf = (request: FastifyRequest): string =>
    options.baseUrl ?? `${request.protocol}://${request.host}/ctp/`;

  // Results are published as received (their signature covers the text): keep the raw body.
  app.decorateRequest('rawBody', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    try {
      done(null, text.length === 0 ? undefined : (JSON.parse(text) as unknown));
    } catch (error) {
      const failure = new AppError(
        'CTP_BAD_REQUEST',
        `The body is not valid JSON: ${(error as Error).message}.`,
      );
      done(failure, undefined);
    }
  });

  app.setErrorHandler((error, request, reply) => sendCtpError(error, request, reply));
  app.addHook('onRequest', async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, options.adminToken)) {
      reply.header('www-authenticate', 'Bearer realm="trust-auditor admin"');
      throw new AppError(
        'CTP_UNAUTHORIZED',
        'The admin API needs the admin token (the file admin-token in the data folder).',
      );
    }
  });

  registerResourceRoutes(app, options.services, baseOf);
  registerAccountRoutes(app, options.services.accounts);
  registerOutboxRoutes(app, options.services.admin, baseOf);
  app.get('/status', async () => ({ serverInfo: await repositories.serverInfo() }));
}

type BaseOf = (request: FastifyRequest) => string;

/** Import, delete, results and their history, objectives, trigger resets. */
function registerResourceRoutes(app: FastifyInstance, services: ProviderServices, baseOf: BaseOf) {
  const { importer, publisher, triggers, admin } = services;
  app.post(
    '/import',
    { schema: { body: { type: 'object' } }, bodyLimit: 64 * 1024 * 1024 },
    async (request) => importer.importDocument(request.body),
  );

  for (const kind of DELETABLE) {
    app.delete<{ Params: { id: string } }>(
      `/${kind}/:id`,
      { schema: { params: ID_PARAMS } },
      async (request, reply) => {
        await admin.delete(kind, request.params.id);
        return reply.code(204).send();
      },
    );
  }

  app.post<{ Params: { id: string } }>(
    '/measurements/:id/results',
    { schema: { params: ID_PARAMS, body: { type: 'object' } } },
    async (request) => publisher.publish(request.params.id, request.rawBody ?? ''),
  );
  app.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
    '/measurements/:id/history',
    {
      schema: { params: ID_PARAMS, querystring: { type: 'object', properties: { limit: COUNT } } },
    },
    async (request) => ({
      results: await admin.history(request.params.id, limitOf(request.query.limit, 1000, 100_000)),
    }),
  );
  app.put<{ Params: { id: string }; Body: { condition: string | null } }>(
    '/measurements/:id/objective',
    {
      schema: {
        params: ID_PARAMS,
        body: {
          type: 'object',
          properties: { condition: { type: ['string', 'null'], maxLength: 4096 } },
          required: ['condition'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const measurement = await admin.setObjective(request.params.id, request.body.condition);
      return reply
        .type('application/json; charset=utf-8')
        .send(encodeMeasurementText(baseOf(request), measurement));
    },
  );
  app.post<{ Params: { id: string } }>(
    '/triggers/:id/reset',
    { schema: { params: ID_PARAMS } },
    async (request) => encodeTrigger(baseOf(request), await triggers.reset(request.params.id)),
  );
}

/** Accounts and their tokens (CTP 6.3: tokens are shown once, stored hashed). */
function registerAccountRoutes(app: FastifyInstance, accounts: ProviderServices['accounts']) {
  app.get('/accounts', async () => ({ accounts: await accounts.list() }));
  app.put<{ Params: { name: string }; Body: { serviceViews: string[] } }>(
    '/accounts/:name',
    {
      schema: {
        params: NAME_PARAMS,
        body: {
          type: 'object',
          properties: { serviceViews: VIEWS },
          required: ['serviceViews'],
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      await accounts.ensureAccount(request.params.name, request.body.serviceViews);
      return accounts.get(request.params.name);
    },
  );
  app.delete<{ Params: { name: string } }>(
    '/accounts/:name',
    { schema: { params: NAME_PARAMS } },
    async (request, reply) => {
      if (!(await accounts.deleteAccount(request.params.name))) {
        throw new AppError('CTP_NOT_FOUND', `No account named "${request.params.name}".`);
      }
      return reply.code(204).send();
    },
  );
  app.post<{ Params: { name: string } }>(
    '/accounts/:name/tokens',
    { schema: { params: NAME_PARAMS } },
    async (request, reply) =>
      reply.code(201).send({
        account: request.params.name,
        token: await accounts.addToken(request.params.name),
      }),
  );
  app.post<{ Params: { name: string } }>(
    '/accounts/:name/tokens/rotate',
    { schema: { params: NAME_PARAMS } },
    async (request) => ({
      account: request.params.name,
      token: await accounts.rotateTokens(request.params.name),
    }),
  );
  app.delete<{ Params: { name: string } }>(
    '/accounts/:name/tokens',
    { schema: { params: NAME_PARAMS } },
    async (request) => ({
      revoked: await accounts.revokeTokens(request.params.name),
    }),
  );
}

/** The notification outbox, read and acknowledged by the XMPP notifier. */
function registerOutboxRoutes(
  app: FastifyInstance,
  admin: ProviderServices['admin'],
  baseOf: BaseOf,
) {
  app.get<{ Querystring: { unsent?: 'true' | 'false'; limit?: string } }>(
    '/outbox',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { unsent: { type: 'string', enum: ['true', 'false'] }, limit: COUNT },
        },
      },
    },
    async (request) => {
      const base = baseOf(request);
      const items = await admin.outbox({
        unsentOnly: request.query.unsent === 'true',
        limit: limitOf(request.query.limit, 1000, 10_000),
      });
      return {
        items: items.map(({ log, ...item }) => ({
          ...item,
          logEntry: JSON.parse(encodeLogText(base, log)) as unknown,
        })),
      };
    },
  );
  app.post<{ Body: { seqs: number[] } }>(
    '/outbox/sent',
    {
      schema: {
        body: {
          type: 'object',
          properties: { seqs: { type: 'array', maxItems: 10_000, items: { type: 'integer' } } },
          required: ['seqs'],
          additionalProperties: false,
        },
      },
    },
    async (request) => ({ marked: await admin.markSent(request.body.seqs) }),
  );
}

/** `?limit=` read from its digits: `fallback` when absent, 400 outside 1..`max`. */
function limitOf(text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const limit = Number(text);
  if (limit < 1 || limit > max)
    throw new AppError('CTP_BAD_REQUEST', `limit must be a whole number from 1 to ${max}.`);
  return limit;
}
