import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';

import {
  encodeAsset,
  encodeAttribute,
  encodeCollection,
  encodeEntryPoint,
  encodeLogText,
  encodeMeasurementText,
  encodeMetric,
  encodeServiceView,
  encodeTrigger,
} from '../../../../shared/ctp/encodings';
import { CTP_ID_SCHEMA_PATTERN } from '../../../../shared/ctp/ids';
import {
  parseCollectionQuery,
  parseLogQuery,
  MAX_ITEMS,
  QueryError,
  type CollectionQuery,
} from '../../../../shared/ctp/pagination';
import { parseRfc3339 } from '../../../../shared/ctp/time';
import { AppError } from '../../../../shared/errors';
import type { Principal } from '../../provider/accounts';
import type { CollectionPage, PageWindow, ScopedKind } from '../../provider/repositories';
import type { ProviderServices } from '../../provider/services';
import type { TriggerInput } from '../../provider/triggerService';
import { challenge, sendCtpError } from './errors';
import { createRateLimiter } from './rateLimit';
import { createResponseCache, oncePerLoopTurn } from './responseCache';

export interface CtpRoutesOptions {
  services: ProviderServices;
  /** The advertised CtpBase (`--base-url`); default `<scheme>://<Host>/ctp/`. */
  baseUrl?: string | undefined;
  /** CTP 5.2.1 and 5.2.12: GET `/` and the metrics may be public (default: authenticated). */
  publicEntryPoint?: boolean;
  publicMetrics?: boolean;
  /** Requests per second and burst per account (default 50/s, burst 200); null: none. */
  rateLimit?: { perSecond: number; burst: number } | null;
}

type Auth = 'required' | 'none';
interface RouteConfig {
  auth: Auth;
  /** The route takes `x=` (the state PUT); elsewhere `x` is an unknown extension: 400. */
  takesX?: boolean;
}

const PREFIX = '/ctp/';
const ID_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', pattern: CTP_ID_SCHEMA_PATTERN } },
  required: ['id'],
} as const;
const STRING = { type: 'string', maxLength: 4096 } as const;
const COLLECTION_QUERY = {
  type: 'object',
  properties: { page: STRING, items: STRING, name: STRING, x: STRING },
} as const;
const LOG_QUERY = {
  type: 'object',
  properties: { ...COLLECTION_QUERY.properties, oldest: STRING, newest: STRING, tags: STRING },
} as const;
const URL_STRING = { type: 'string' } as const;
const COUNT = { type: 'integer' } as const;
/** CTP 4.1.6 (`name` omitted when empty). */
const COLLECTION_RESPONSE = {
  type: 'object',
  properties: {
    self: URL_STRING,
    scope: URL_STRING,
    collectionLength: COUNT,
    returnedLength: COUNT,
    collectionType: URL_STRING,
    collection: {
      type: 'array',
      items: {
        type: 'object',
        properties: { link: URL_STRING, name: URL_STRING },
        required: ['link'],
      },
    },
  },
  required: ['self', 'scope', 'collectionLength', 'returnedLength', 'collectionType', 'collection'],
} as const;
const NO_QUERY = { type: 'object', properties: { x: STRING } } as const;

/** CTP 5.2.16.3: the client's fields; server-owned ones are accepted and ignored. */
const TRIGGER_BODY = {
  type: 'object',
  properties: {
    name: STRING,
    annotation: STRING,
    measurement: { type: 'string', maxLength: 2048 },
    condition: STRING,
    notification: { type: ['string', 'null'], maxLength: 2048 },
    guardTime: { type: 'number', minimum: 0 },
    tags: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 256 } },
    self: {},
    scope: {},
    changeId: {},
    status: {},
    statusUpdateTime: {},
  },
  required: ['measurement', 'condition'],
  additionalProperties: false,
} as const;

const STATE_BODY = {
  type: 'object',
  properties: { state: { type: 'string', enum: ['activated', 'deactivated'] } },
  required: ['state'],
  additionalProperties: false,
} as const;

const ALL_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

const LABELS: Record<ScopedKind, string> = {
  serviceView: 'service view',
  dependency: 'dependency',
  asset: 'asset',
  attribute: 'attribute',
  measurement: 'measurement',
  trigger: 'trigger',
  log: 'log entry',
};

/**
 * The CTP API (CTP chapter 5) under `{CtpBase}` = `/ctp/`, with bearer-token access
 * control (CTP 6.3): every resource below a service view is visible to the accounts that
 * may see that view (403 otherwise, 404 when missing); metrics are server-wide.
 */
export async function ctpRoutes(app: FastifyInstance, options: CtpRoutesOptions): Promise<void> {
  const { repositories, accounts, triggers } = options.services;
  const principals = new WeakMap<FastifyRequest, Principal>();
  const limiter =
    options.rateLimit === null
      ? null
      : createRateLimiter(options.rateLimit ?? { perSecond: 50, burst: 200 });

  const baseOf = (request: FastifyRequest): string =>
    options.baseUrl ?? `${request.protocol}://${request.host}${PREFIX}`;
  // CTP 4.1.5.1: self is the URL requested, query string included.
  const selfOf = (request: FastifyRequest): string =>
    baseOf(request) + request.url.slice(request.url.indexOf(PREFIX) + PREFIX.length);

  app.setErrorHandler((error, request, reply) => sendCtpError(error, request, reply));

  // Callback hooks around functions that throw: they run on every request, and an async
  // hook costs a promise per request (bench/ctp-server.bench.ts).
  const checked =
    (check: (request: FastifyRequest, reply: FastifyReply) => void) =>
    (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void => {
      try {
        check(request, reply);
      } catch (error) {
        done(error as Error);
        return;
      }
      done();
    };

  app.addHook(
    'onRequest',
    checked((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      // CTP 4.1.2: no resource path ends with "/" except CtpBase itself.
      if (path.endsWith('/') && path !== PREFIX) {
        throw new AppError(
          'CTP_NOT_FOUND',
          `No CTP resource at ${path}: paths do not end with "/".`,
        );
      }
      const config = request.routeOptions.config as Partial<RouteConfig>;
      if (config.auth === 'none') return;
      const header = request.headers.authorization;
      const token =
        header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : null;
      const principal = token === null ? null : accounts.authenticate(token);
      if (principal === null) {
        reply.header('www-authenticate', challenge(header !== undefined));
        throw new AppError(
          'CTP_UNAUTHORIZED',
          header === undefined
            ? 'This CTP server needs a bearer token: send Authorization: Bearer <token> (CTP 6.3).'
            : 'The bearer token is not valid.',
        );
      }
      if (limiter !== null) {
        const wait = limiter.take(String(principal.accountId));
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          throw new AppError(
            'SERVER_RATE_LIMITED',
            `Too many requests for account ${principal.account}; retry in ${wait} s.`,
          );
        }
      }
      principals.set(request, principal);
    }),
  );

  // Reads are answered from the cache while the data is unchanged (responseCache.ts). The
  // key holds what a read depends on besides the data: the views the caller may see, the
  // advertised base and the URL (CTP 4.1.5.1: `self` is the URL requested).
  const otherWrites = oncePerLoopTurn(repositories.otherWrites);
  const cache = createResponseCache({
    dataVersion: () => `${repositories.ownWrites()}:${otherWrites()}`,
    maxBytes: 32 * 1024 * 1024,
  });
  const pending = new WeakMap<FastifyRequest, { key: string; version: string }>();
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return done();
    const visible = principals.get(request)?.serviceViews.join(' ') ?? '';
    const key = `${visible}\n${baseOf(request)}\n${request.url}`;
    const version = cache.version();
    const hit = cache.get(key);
    // Answered here: a callback hook that sends does not call done().
    if (hit !== undefined) return void reply.type(hit.contentType).send(hit.body);
    if (request.method === 'GET') pending.set(request, { key, version });
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const read = pending.get(request);
    if (read !== undefined && reply.statusCode === 200 && typeof payload === 'string') {
      const contentType = String(reply.getHeader('content-type'));
      cache.set(read.key, read.version, { body: payload, contentType });
    }
    done(null, payload);
  });

  app.addHook(
    'preValidation',
    checked((request) => {
      const config = request.routeOptions.config as Partial<RouteConfig>;
      const x = (request.query as Record<string, unknown> | undefined)?.x;
      if (x !== undefined && config.takesX !== true) {
        throw new AppError(
          'CTP_BAD_REQUEST',
          `Unknown query extension x=${String(x)} for ${request.method} on this resource.`,
        );
      }
    }),
  );

  /** 404 when missing, 403 when outside the token's service views (CTP 5.1.4, 6.1). */
  const guard = (request: FastifyRequest, kind: ScopedKind, id: string): string => {
    const root = repositories.rootViewOf(kind, id);
    if (root === undefined)
      throw new AppError('CTP_NOT_FOUND', `No ${LABELS[kind]} with id "${id}".`);
    return allow(request, root, kind, id);
  };
  const allow = (request: FastifyRequest, root: string, kind: ScopedKind, id: string): string => {
    const principal = principals.get(request);
    if (principal !== undefined && !principal.serviceViews.includes(root)) {
      throw new AppError(
        'CTP_FORBIDDEN',
        `This token's account may not see ${LABELS[kind]} "${id}".`,
      );
    }
    return root;
  };

  const query = (request: FastifyRequest): CollectionQuery => {
    try {
      return parseCollectionQuery(request.query as Record<string, unknown>);
    } catch (error) {
      if (error instanceof QueryError) throw new AppError('CTP_BAD_REQUEST', error.message);
      throw error;
    }
  };
  const windowOf = (q: CollectionQuery): PageWindow =>
    q.page === null
      ? // Bounded collections: a plain GET returns at most MAX_ITEMS links; returnedLength
        // below collectionLength tells the client to paginate (CTP 4.1.6).
        { offset: 0, limit: MAX_ITEMS, name: q.name }
      : {
          offset: Math.min(q.page.page * q.page.items, Number.MAX_SAFE_INTEGER),
          limit: q.page.items,
          name: q.name,
        };
  const collection = (
    request: FastifyRequest,
    reply: FastifyReply,
    scopePath: string | null,
    collectionType: string,
    page: CollectionPage,
  ) =>
    reply.send(
      encodeCollection(baseOf(request), {
        selfUrl: selfOf(request),
        scopePath,
        collectionType,
        total: page.total,
        items: page.items,
      }),
    );
  const json = (reply: FastifyReply, text: string) =>
    reply.type('application/json; charset=utf-8').send(text);

  const routes = new Map<string, Set<HTTPMethods>>();
  const route = <P = { id: string }>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    schema: Record<string, unknown>,
    handler: (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => unknown,
    config: RouteConfig = { auth: 'required' },
  ): void => {
    const methods = routes.get(url) ?? new Set<HTTPMethods>();
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
    routes.set(url, methods);
    // Collections have a fixed shape (CTP 4.1.6): a response schema serializes them fast.
    const isCollection =
      schema.querystring === COLLECTION_QUERY || schema.querystring === LOG_QUERY;
    const full = isCollection ? { ...schema, response: { 200: COLLECTION_RESPONSE } } : schema;
    // Bodies are small (a trigger, a state): 64 KiB is plenty (protection against floods).
    app.route({
      method,
      url,
      schema: full,
      config,
      bodyLimit: 64 * 1024,
      handler: handler as never,
    });
  };
  type Id = { id: string };
  const empty = (request: FastifyRequest, reply: FastifyReply, scope: string, type: string) => {
    query(request);
    return collection(request, reply, scope, type, { total: 0, items: [] });
  };

  /** `GET /{word}/:id`: one resource of a visible service view, encoded (CTP 4.2). */
  const oneResource = <T>(
    word: string,
    kind: ScopedKind,
    load: (id: string) => T | undefined,
    encode: (base: string, record: T) => unknown,
  ): void =>
    route<Id>(
      'GET',
      `/${word}/:id`,
      { params: ID_PARAMS, querystring: NO_QUERY },
      (request, reply) => {
        guard(request, kind, request.params.id);
        // guard() answered 404 for a missing resource.
        return reply.send(encode(baseOf(request), load(request.params.id)!));
      },
    );

  // CTP 5.2.1
  /** `GET /{parent}/:id/{child}`: a page of a visible parent's children (CTP 4.1.6). */
  const childCollection = (
    parent: string,
    kind: ScopedKind,
    child: string,
    page: (parentId: string, window: PageWindow) => CollectionPage,
    collectionType: string = child,
  ): void =>
    route<Id>(
      'GET',
      `/${parent}/:id/${child}`,
      { params: ID_PARAMS, querystring: COLLECTION_QUERY },
      (request, reply) => {
        guard(request, kind, request.params.id);
        return collection(
          request,
          reply,
          `/${parent}/${request.params.id}`,
          collectionType,
          page(request.params.id, windowOf(query(request))),
        );
      },
    );

  route(
    'GET',
    '/',
    { querystring: NO_QUERY },
    (request, reply) => reply.send(encodeEntryPoint(baseOf(request), repositories.serverInfo())),
    { auth: options.publicEntryPoint === true ? 'none' : 'required' },
  );
  // CTP 5.2.2 (SPEC-NOTES: collectionType "serviceViews")
  route('GET', '/serviceViews', { querystring: COLLECTION_QUERY }, (request, reply) => {
    const visible = principals.get(request)?.serviceViews ?? [];
    return collection(
      request,
      reply,
      null,
      'serviceViews',
      repositories.serviceViews(visible, windowOf(query(request))),
    );
  });
  // CTP 5.2.3, 5.2.20
  for (const kind of ['serviceView', 'dependency'] as const) {
    const word = kind === 'serviceView' ? 'serviceViews' : 'dependencies';
    oneResource(word, kind, repositories.serviceView, encodeServiceView);
    // CTP 5.2.4 (collectionType "serviceViews", not "dependencies")
    childCollection(word, kind, 'dependencies', repositories.dependencies, 'serviceViews');
  }
  // A dependency is described, not served: its assets, logs and triggers are empty (SPEC-NOTES).
  for (const [word, type] of [
    ['assets', 'assets'],
    ['logs', 'logs'],
    ['triggers', 'triggers'],
  ] as const) {
    route<Id>(
      'GET',
      `/dependencies/:id/${word}`,
      { params: ID_PARAMS, querystring: word === 'logs' ? LOG_QUERY : COLLECTION_QUERY },
      (request, reply) => {
        guard(request, 'dependency', request.params.id);
        return empty(request, reply, `/dependencies/${request.params.id}`, type);
      },
    );
  }
  // CTP 5.2.5
  childCollection('serviceViews', 'serviceView', 'assets', repositories.assets);
  // CTP 5.2.6, 5.2.7
  oneResource('assets', 'asset', repositories.asset, encodeAsset);
  childCollection('assets', 'asset', 'attributes', repositories.attributes);
  // CTP 5.2.8, 5.2.9
  oneResource('attributes', 'attribute', repositories.attribute, encodeAttribute);
  childCollection('attributes', 'attribute', 'measurements', repositories.measurements);
  // CTP 5.2.10
  route<Id>(
    'GET',
    '/measurements/:id',
    { params: ID_PARAMS, querystring: NO_QUERY },
    (request, reply) => {
      // One query: the measurement record carries its service view (the hot path).
      const measurement = repositories.measurement(request.params.id);
      if (measurement === undefined) {
        throw new AppError('CTP_NOT_FOUND', `No measurement with id "${request.params.id}".`);
      }
      allow(request, measurement.serviceViewId, 'measurement', request.params.id);
      return json(reply, encodeMeasurementText(baseOf(request), measurement));
    },
  );
  // CTP 5.2.11 (SPEC-NOTES: `/measurement/` and `x=initiate` are accepted too)
  for (const word of ['measurements', 'measurement']) {
    route<Id>(
      'PUT',
      `/${word}/:id`,
      { params: ID_PARAMS, querystring: NO_QUERY, body: STATE_BODY },
      (request, reply) => {
        const x = (request.query as { x?: string }).x;
        if (x !== 'state' && x !== 'initiate') {
          throw new AppError(
            'CTP_BAD_REQUEST',
            x === undefined
              ? 'A PUT on a measurement needs ?x=state (CTP 5.2.11).'
              : `Unknown query extension x=${x}; use x=state.`,
          );
        }
        guard(request, 'measurement', request.params.id);
        const body = request.body as { state: 'activated' | 'deactivated' };
        const measurement = triggers.setState(request.params.id, body.state);
        return json(reply, encodeMeasurementText(baseOf(request), measurement));
      },
      { auth: 'required', takesX: true },
    );
  }
  // CTP 5.2.12, 5.2.13
  const metricsAuth: RouteConfig = { auth: options.publicMetrics === true ? 'none' : 'required' };
  route(
    'GET',
    '/metrics',
    { querystring: COLLECTION_QUERY },
    (request, reply) =>
      collection(request, reply, null, 'metrics', repositories.metrics(windowOf(query(request)))),
    metricsAuth,
  );
  route<Id>(
    'GET',
    '/metrics/:id',
    { params: ID_PARAMS, querystring: NO_QUERY },
    (request, reply) => {
      const metric = repositories.metric(request.params.id);
      if (metric === undefined)
        throw new AppError('CTP_NOT_FOUND', `No metric with id "${request.params.id}".`);
      return reply.send(encodeMetric(baseOf(request), metric));
    },
    metricsAuth,
  );
  // CTP 5.2.14, 5.2.16
  childCollection('serviceViews', 'serviceView', 'triggers', repositories.triggers);
  route<Id>(
    'POST',
    '/serviceViews/:id/triggers',
    { params: ID_PARAMS, querystring: NO_QUERY, body: TRIGGER_BODY },
    async (request, reply) => {
      guard(request, 'serviceView', request.params.id);
      const { trigger } = await triggers.create(request.params.id, request.body as TriggerInput);
      const encoded = encodeTrigger(baseOf(request), trigger);
      return reply.code(201).header('location', encoded.self).send(encoded);
    },
  );
  // CTP 5.2.15, 5.2.17
  oneResource('triggers', 'trigger', repositories.trigger, encodeTrigger);
  route<Id>(
    'DELETE',
    '/triggers/:id',
    { params: ID_PARAMS, querystring: NO_QUERY },
    (request, reply) => {
      guard(request, 'trigger', request.params.id);
      triggers.delete(request.params.id);
      return reply.code(204).send();
    },
  );
  // CTP 5.2.18 (filters, then pagination), 5.2.19
  route<Id>(
    'GET',
    '/serviceViews/:id/logs',
    { params: ID_PARAMS, querystring: LOG_QUERY },
    (request, reply) => {
      guard(request, 'serviceView', request.params.id);
      let q;
      try {
        q = parseLogQuery(request.query as Record<string, unknown>, parseRfc3339);
      } catch (error) {
        if (error instanceof QueryError) throw new AppError('CTP_BAD_REQUEST', error.message);
        throw error;
      }
      const window = windowOf(q);
      return collection(
        request,
        reply,
        `/serviceViews/${request.params.id}`,
        'logs',
        repositories.logs(request.params.id, {
          ...window,
          oldestMs: q.oldest,
          newestMs: q.newest,
          tags: q.tags,
        }),
      );
    },
  );
  route<Id>('GET', '/logs/:id', { params: ID_PARAMS, querystring: NO_QUERY }, (request, reply) => {
    guard(request, 'log', request.params.id);
    return json(reply, encodeLogText(baseOf(request), repositories.log(request.params.id)!));
  });

  // CTP 5.1.4: a known path with a method the spec does not define is a 405 with Allow.
  for (const [url, methods] of routes) {
    const others = ALL_METHODS.filter((method) => !methods.has(method));
    const allow = ALL_METHODS.filter((method) => methods.has(method)).join(', ');
    app.route({
      method: others,
      url,
      config: { auth: 'none' } satisfies RouteConfig,
      handler: async (request, reply) =>
        reply
          .code(405)
          .header('allow', allow)
          .type('application/json; charset=utf-8')
          .send({
            error: `${request.method} is not defined on this CTP resource; allowed: ${allow}.`,
          }),
    });
  }
}
