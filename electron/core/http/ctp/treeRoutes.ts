import {
  encodeAsset,
  encodeAttribute,
  encodeEntryPoint,
  encodeMeasurementText,
  encodeMetric,
  encodeServiceView,
} from '../../../../shared/ctp/encodings';
import { AppError } from '../../../../shared/errors';
import type {
  CollectionPage,
  CtpRepositories,
  PageWindow,
  ScopedKind,
} from '../../provider/repositories';
import type { CtpRouteKit } from './routeKit';
import { COLLECTION_QUERY, ID_PARAMS, LOG_QUERY, NO_QUERY } from './schemas';

type Id = { id: string };

/**
 * The served tree, read only (CTP 5.2.1-5.2.10, 5.2.12, 5.2.13, 5.2.20): the entry point,
 * service views and their dependencies, assets, attributes, measurements and metrics.
 */
export function registerTreeRoutes(
  kit: CtpRouteKit,
  repositories: CtpRepositories,
  options: { publicEntryPoint: boolean; publicMetrics: boolean },
): void {
  const { route, guard } = kit;

  /** `GET /{word}/:id`: one resource of a visible service view, encoded (CTP 4.2). */
  const oneResource = <T>(
    word: string,
    kind: ScopedKind,
    load: (id: string) => Promise<T | undefined>,
    encode: (base: string, record: T) => unknown,
  ): void =>
    route<Id>(
      'GET',
      `/${word}/:id`,
      { params: ID_PARAMS, querystring: NO_QUERY },
      async (request, reply) => {
        await guard(request, kind, request.params.id);
        // guard() answered 404 for a missing resource.
        return reply.send(encode(kit.baseOf(request), (await load(request.params.id))!));
      },
    );

  /** `GET /{parent}/:id/{child}`: a page of a visible parent's children (CTP 4.1.6). */
  const childCollection = (
    parent: string,
    kind: ScopedKind,
    child: string,
    page: (parentId: string, window: PageWindow) => Promise<CollectionPage>,
    collectionType: string = child,
  ): void =>
    route<Id>(
      'GET',
      `/${parent}/:id/${child}`,
      { params: ID_PARAMS, querystring: COLLECTION_QUERY },
      async (request, reply) => {
        const { id } = request.params;
        await guard(request, kind, id);
        const items = await page(id, kit.windowOf(request));
        return kit.sendCollection(request, reply, `/${parent}/${id}`, collectionType, items);
      },
    );

  // CTP 5.2.1
  route(
    'GET',
    '/',
    { querystring: NO_QUERY },
    async (request, reply) =>
      reply.send(encodeEntryPoint(kit.baseOf(request), await repositories.serverInfo())),
    { auth: options.publicEntryPoint ? 'none' : 'required' },
  );
  // CTP 5.2.2 (SPEC-NOTES: collectionType "serviceViews")
  route('GET', '/serviceViews', { querystring: COLLECTION_QUERY }, async (request, reply) => {
    const visible = request.principal?.serviceViews ?? [];
    const page = await repositories.serviceViews(visible, kit.windowOf(request));
    return kit.sendCollection(request, reply, null, 'serviceViews', page);
  });
  // CTP 5.2.3, 5.2.20
  for (const kind of ['serviceView', 'dependency'] as const) {
    const word = kind === 'serviceView' ? 'serviceViews' : 'dependencies';
    oneResource(word, kind, repositories.serviceView, encodeServiceView);
    // CTP 5.2.4 (collectionType "serviceViews", not "dependencies")
    childCollection(word, kind, 'dependencies', repositories.dependencies, 'serviceViews');
  }
  // A dependency is described, not served: its assets, logs and triggers are empty (SPEC-NOTES).
  for (const word of ['assets', 'logs', 'triggers'] as const) {
    const querystring = word === 'logs' ? LOG_QUERY : COLLECTION_QUERY;
    route<Id>(
      'GET',
      `/dependencies/:id/${word}`,
      { params: ID_PARAMS, querystring },
      async (request, reply) => {
        await guard(request, 'dependency', request.params.id);
        kit.windowOf(request); // the query is still checked
        const scope = `/dependencies/${request.params.id}`;
        return kit.sendCollection(request, reply, scope, word, { total: 0, items: [] });
      },
    );
  }
  // CTP 5.2.5-5.2.9
  childCollection('serviceViews', 'serviceView', 'assets', repositories.assets);
  oneResource('assets', 'asset', repositories.asset, encodeAsset);
  childCollection('assets', 'asset', 'attributes', repositories.attributes);
  oneResource('attributes', 'attribute', repositories.attribute, encodeAttribute);
  childCollection('attributes', 'attribute', 'measurements', repositories.measurements);
  // CTP 5.2.10
  route<Id>(
    'GET',
    '/measurements/:id',
    { params: ID_PARAMS, querystring: NO_QUERY },
    async (request, reply) => {
      // One query: the measurement record carries its service view (the hot path).
      const measurement = await repositories.measurement(request.params.id);
      if (measurement === undefined) {
        throw new AppError('CTP_NOT_FOUND', `No measurement with id "${request.params.id}".`);
      }
      kit.allow(request, measurement.serviceViewId, 'measurement', request.params.id);
      return kit.sendJson(reply, encodeMeasurementText(kit.baseOf(request), measurement));
    },
  );
  registerMetricRoutes(kit, repositories, options.publicMetrics);
}

/** CTP 5.2.12, 5.2.13: metrics are server-wide (no visibility check), public if asked. */
function registerMetricRoutes(kit: CtpRouteKit, repositories: CtpRepositories, open: boolean) {
  const config = { auth: open ? 'none' : 'required' } as const;
  kit.route(
    'GET',
    '/metrics',
    { querystring: COLLECTION_QUERY },
    async (request, reply) =>
      kit.sendCollection(
        request,
        reply,
        null,
        'metrics',
        await repositories.metrics(kit.windowOf(request)),
      ),
    config,
  );
  kit.route<Id>(
    'GET',
    '/metrics/:id',
    { params: ID_PARAMS, querystring: NO_QUERY },
    async (request, reply) => {
      const metric = await repositories.metric(request.params.id);
      if (metric === undefined)
        throw new AppError('CTP_NOT_FOUND', `No metric with id "${request.params.id}".`);
      return reply.send(encodeMetric(kit.baseOf(request), metric));
    },
    config,
  );
}
