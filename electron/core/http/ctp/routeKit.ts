import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';

import { encodeCollection } from '../../../../shared/ctp/encodings';
import {
  parseCollectionQuery,
  MAX_ITEMS,
  QueryError,
  type CollectionQuery,
} from '../../../../shared/ctp/pagination';
import { AppError } from '../../../../shared/errors';
import type {
  CollectionPage,
  CtpRepositories,
  PageWindow,
  ScopedKind,
} from '../../provider/repositories';
import { COLLECTION_QUERY, COLLECTION_RESPONSE, LOG_QUERY } from './schemas';

export const CTP_PREFIX = '/ctp/';

const LABELS: Record<ScopedKind, string> = {
  serviceView: 'service view',
  dependency: 'dependency',
  asset: 'asset',
  attribute: 'attribute',
  measurement: 'measurement',
  trigger: 'trigger',
  log: 'log entry',
};

const ALL_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

type Handler<P> = (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => unknown;

/** What every CTP route uses: URLs, visibility, collections, and route registration. */
export interface CtpRouteKit {
  /** The advertised CtpBase (`--base-url`), else `<scheme>://<Host>/ctp/`. */
  baseOf(request: FastifyRequest): string;
  /** 404 when missing, 403 when outside the token's service views (CTP 5.1.4, 6.1). */
  guard(request: FastifyRequest, kind: ScopedKind, id: string): Promise<string>;
  /** 403 unless the token's account may see the root service view `root` (CTP 6.1). */
  allow(request: FastifyRequest, root: string, kind: ScopedKind, id: string): void;
  /** The page asked for (CTP 4.1.6): a plain GET gets at most MAX_ITEMS links. */
  windowOf(request: FastifyRequest, query?: CollectionQuery): PageWindow;
  sendCollection(
    request: FastifyRequest,
    reply: FastifyReply,
    scopePath: string | null,
    collectionType: string,
    page: CollectionPage,
  ): FastifyReply;
  sendJson(reply: FastifyReply, text: string): FastifyReply;
  route<P = { id: string }>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    schema: Record<string, unknown>,
    handler: Handler<P>,
    config?: { auth: 'required' | 'none'; takesX?: boolean },
  ): void;
  /** CTP 5.1.4: every routed path answers other methods 405 with `Allow`. */
  routeMethodNotAllowed(): void;
}

/** A query string's problem is a 400 (CTP 5.1.5). */
export function parsedQuery<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof QueryError) throw new AppError('CTP_BAD_REQUEST', error.message);
    throw error;
  }
}

export function createRouteKit(
  app: FastifyInstance,
  options: { repositories: CtpRepositories; baseUrl: string | undefined },
): CtpRouteKit {
  const { repositories } = options;
  const routes = new Map<string, Set<HTTPMethods>>();
  const baseOf = (request: FastifyRequest): string =>
    options.baseUrl ?? `${request.protocol}://${request.host}${CTP_PREFIX}`;
  // CTP 4.1.5.1: self is the URL requested, query string included.
  const selfOf = (request: FastifyRequest): string =>
    baseOf(request) + request.url.slice(request.url.indexOf(CTP_PREFIX) + CTP_PREFIX.length);
  const allow: CtpRouteKit['allow'] = (request, root, kind, id) => {
    const principal = request.principal;
    if (principal !== null && !principal.serviceViews.includes(root)) {
      throw new AppError(
        'CTP_FORBIDDEN',
        `This token's account may not see ${LABELS[kind]} "${id}".`,
      );
    }
  };

  return {
    baseOf,
    allow,
    async guard(request, kind, id) {
      const root = await repositories.rootViewOf(kind, id);
      if (root === undefined)
        throw new AppError('CTP_NOT_FOUND', `No ${LABELS[kind]} with id "${id}".`);
      allow(request, root, kind, id);
      return root;
    },
    windowOf(request, query) {
      const q =
        query ?? parsedQuery(() => parseCollectionQuery(request.query as Record<string, unknown>));
      return q.page === null
        ? // Bounded collections: a plain GET returns at most MAX_ITEMS links; returnedLength
          // below collectionLength tells the client to paginate (CTP 4.1.6).
          { offset: 0, limit: MAX_ITEMS, name: q.name }
        : {
            offset: Math.min(q.page.page * q.page.items, Number.MAX_SAFE_INTEGER),
            limit: q.page.items,
            name: q.name,
          };
    },
    sendCollection: (request, reply, scopePath, collectionType, page) =>
      reply.send(
        encodeCollection(baseOf(request), {
          selfUrl: selfOf(request),
          scopePath,
          collectionType,
          total: page.total,
          items: page.items,
        }),
      ),
    sendJson: (reply, text) => reply.type('application/json; charset=utf-8').send(text),
    route(method, url, schema, handler, config = { auth: 'required' }) {
      const methods = routes.get(url) ?? new Set<HTTPMethods>();
      methods.add(method);
      if (method === 'GET') methods.add('HEAD');
      routes.set(url, methods);
      // Collections have a fixed shape (CTP 4.1.6): a response schema serializes them fast.
      const isCollection =
        schema.querystring === COLLECTION_QUERY || schema.querystring === LOG_QUERY;
      // Bodies are small (a trigger, a state): 64 KiB is plenty (protection against floods).
      app.route({
        method,
        url,
        schema: isCollection ? { ...schema, response: { 200: COLLECTION_RESPONSE } } : schema,
        config,
        bodyLimit: 64 * 1024,
        handler: handler as never,
      });
    },
    routeMethodNotAllowed() {
      for (const [url, methods] of routes) {
        const others = ALL_METHODS.filter((method) => !methods.has(method));
        const allowed = ALL_METHODS.filter((method) => methods.has(method)).join(', ');
        app.route({
          method: others,
          url,
          config: { auth: 'none' },
          handler: async (request, reply) =>
            reply
              .code(405)
              .header('allow', allowed)
              .type('application/json; charset=utf-8')
              .send({
                error: `${request.method} is not defined on this CTP resource; allowed: ${allowed}.`,
              }),
        });
      }
    },
  };
}
