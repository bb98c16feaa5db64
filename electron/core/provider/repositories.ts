import type {
  AssetRecord,
  AttributeRecord,
  CollectionItem,
  LogRecord,
  MeasurementRecord,
  MeasurementState,
  MetricRecord,
  ServerInfo,
  ServiceViewRecord,
  TriStatus,
  TriggerRecord,
} from '../../../shared/ctp/types';
import type { SqlDialect } from '../store/sqlDialect';
import type { SqlQueries, SqlValue } from '../store/sqlStore';

/** The kinds of resource whose visibility follows their service view (CTP 6.1). */
export type ScopedKind =
  'serviceView' | 'dependency' | 'asset' | 'attribute' | 'measurement' | 'trigger' | 'log';

/** A page of a collection: the items selected and the whole collection's length. */
export interface CollectionPage {
  total: number;
  items: CollectionItem[];
}

export interface PageWindow {
  offset: number;
  limit: number;
  /** Only items with this name (CTP 4.1.6 `name`). */
  name: string | null;
}

export interface LogFilter extends PageWindow {
  oldestMs: number | null;
  newestMs: number | null;
  tags: readonly string[];
}

/**
 * Reads of the served tree (the CTP API and the admin API). Writes live with the services
 * that own them (import, publisher, triggers, admin). Every method returns plain data.
 * Built over the store, or over a write transaction to read what it sees (readsOn).
 */
export interface CtpRepositories {
  serverInfo(): Promise<ServerInfo>;
  /**
   * The root service view a resource belongs to: `undefined` when the resource does not
   * exist, else its view's id (visibility is decided on it, CTP 6.1).
   */
  rootViewOf(kind: ScopedKind, id: string): Promise<string | undefined>;
  serviceView(id: string): Promise<ServiceViewRecord | undefined>;
  asset(id: string): Promise<AssetRecord | undefined>;
  attribute(id: string): Promise<AttributeRecord | undefined>;
  metric(id: string): Promise<MetricRecord | undefined>;
  measurement(id: string): Promise<MeasurementRecord | undefined>;
  trigger(id: string): Promise<TriggerRecord | undefined>;
  log(id: string): Promise<LogRecord | undefined>;
  /** Root service views among `visible` (null: all of them). */
  serviceViews(visible: readonly string[] | null, window: PageWindow): Promise<CollectionPage>;
  dependencies(parentId: string, window: PageWindow): Promise<CollectionPage>;
  assets(serviceViewId: string, window: PageWindow): Promise<CollectionPage>;
  attributes(assetId: string, window: PageWindow): Promise<CollectionPage>;
  measurements(attributeId: string, window: PageWindow): Promise<CollectionPage>;
  metrics(window: PageWindow): Promise<CollectionPage>;
  triggers(serviceViewId: string, window: PageWindow): Promise<CollectionPage>;
  /** CTP 5.2.18: filtered, then paginated, in (creationTime, insertion) order. */
  logs(serviceViewId: string, filter: LogFilter): Promise<CollectionPage>;
  triggersOfMeasurement(measurementId: string): Promise<TriggerRecord[]>;
  /** What CTP 5.3.2 decides on, for each trigger of a measurement (no tags parsed). */
  triggerStatesOfMeasurement(measurementId: string): Promise<TriggerState[]>;
}

export type TriggerState = Pick<
  TriggerRecord,
  'condition' | 'status' | 'statusUpdateTime' | 'guardTime'
>;

interface ViewRow {
  id: string;
  parent_id: string | null;
  parent_is_dependency: number;
  name: string;
  annotation: string;
  provider: string;
  service_class: string | null;
  change_id: number;
}

interface MeasurementRow {
  id: string;
  attribute_id: string;
  service_view_id: string;
  metric_id: string;
  name: string;
  annotation: string;
  user_activated: number;
  state: MeasurementState;
  triggers_allowed: number;
  result: string | null;
  objective_condition: string | null;
  objective_status: TriStatus | null;
  objective_status_time: string | null;
  change_id: number;
}

interface TriggerRow {
  id: string;
  service_view_id: string;
  measurement_id: string;
  name: string;
  annotation: string;
  condition: string;
  notification: string;
  guard_time: number;
  tags: string;
  status: TriStatus;
  status_update_time: string;
  change_id: number;
}

export function toMeasurement(row: MeasurementRow): MeasurementRecord {
  return {
    id: row.id,
    attributeId: row.attribute_id,
    serviceViewId: row.service_view_id,
    metricId: row.metric_id,
    name: row.name,
    annotation: row.annotation,
    userActivated: row.user_activated === 1,
    state: row.state,
    triggersAllowed: row.triggers_allowed === 1,
    resultText: row.result,
    objective:
      row.objective_condition === null
        ? null
        : {
            condition: row.objective_condition,
            status: row.objective_status ?? 'false',
            statusUpdateTime: row.objective_status_time ?? '',
          },
    changeId: row.change_id,
  };
}

export function toTrigger(row: TriggerRow): TriggerRecord {
  return {
    id: row.id,
    serviceViewId: row.service_view_id,
    measurementId: row.measurement_id,
    name: row.name,
    annotation: row.annotation,
    condition: row.condition,
    notification: row.notification,
    guardTime: row.guard_time,
    tags: JSON.parse(row.tags) as string[],
    status: row.status,
    statusUpdateTime: row.status_update_time,
    changeId: row.change_id,
  };
}

const MEASUREMENT_SELECT = `
  SELECT m.*, a.service_view_id AS service_view_id
  FROM measurements m JOIN attributes t ON t.id = m.attribute_id JOIN assets a ON a.id = t.asset_id`;

/**
 * A paged listing: one COUNT and one window query over `table` (insertion order: rowid),
 * both filtered by name when asked; written so that the engine uses the parent's index.
 * `where` uses `$1`…`$k` (the `leading` values); the name, limit and offset follow.
 */
function listing(table: string, word: string, where: (dialect: SqlDialect) => string) {
  const statements = new Map<SqlDialect, { count: string; page: string }>();
  const sqlFor = (dialect: SqlDialect, k: number) => {
    let sql = statements.get(dialect);
    if (sql === undefined) {
      const filter = `${where(dialect)} AND (CAST($${k + 1} AS text) IS NULL OR name = $${k + 1})`;
      sql = {
        count: `SELECT count(*) AS n FROM ${table} WHERE ${filter}`,
        page: `SELECT '/${word}/' || id AS path, name FROM ${table} WHERE ${filter}
               ORDER BY rowid LIMIT $${k + 2} OFFSET $${k + 3}`,
      };
      statements.set(dialect, sql);
    }
    return sql;
  };
  return async (
    q: SqlQueries,
    leading: readonly SqlValue[],
    window: PageWindow,
  ): Promise<CollectionPage> => {
    const { count, page } = sqlFor(q.dialect, leading.length);
    const [counted, items] = await Promise.all([
      q.get<{ n: number }>(count, [...leading, window.name]),
      q.all<CollectionItem>(page, [...leading, window.name, window.limit, window.offset]),
    ]);
    return { total: counted?.n ?? 0, items };
  };
}

type CollectionReads = Pick<
  CtpRepositories,
  | 'serviceViews'
  | 'dependencies'
  | 'assets'
  | 'attributes'
  | 'measurements'
  | 'metrics'
  | 'triggers'
  | 'logs'
>;

// `$1`: every root view (1), else only those in the JSON array `$2`.
const viewList = listing(
  'service_views',
  'serviceViews',
  (d) => `parent_id IS NULL AND (CAST($1 AS integer) = 1 OR ${d.inJsonArray('id', '$2')})`,
);
const dependencyList = listing('service_views', 'dependencies', () => 'parent_id = $1');
const assetList = listing('assets', 'assets', () => 'service_view_id = $1');
const attributeList = listing('attributes', 'attributes', () => 'asset_id = $1');
const measurementList = listing('measurements', 'measurements', () => 'attribute_id = $1');
const metricList = listing('metrics', 'metrics', () => '1 = 1');
const triggerList = listing('triggers', 'triggers', () => 'service_view_id = $1');

/** CTP 5.2.18's filters. Logs have no name (CTP 4.1.5.3): only the empty name matches. */
const logWhere = (d: SqlDialect) => `service_view_id = $1
  AND (CAST($2 AS bigint) IS NULL OR creation_ms >= $2)
  AND (CAST($3 AS bigint) IS NULL OR creation_ms < $3)
  AND ${d.jsonArrayHasAll('l.tags', '$4')}
  AND (CAST($5 AS text) IS NULL OR $5 = '')`;

/** The collections of the served tree, a page at a time (CTP 4.1.6, 5.2.18). */
function collectionReads(q: SqlQueries): CollectionReads {
  const logCount = `SELECT count(*) AS n FROM logs l WHERE ${logWhere(q.dialect)}`;
  const logPage = `SELECT '/logs/' || id AS path, '' AS name FROM logs l WHERE ${logWhere(q.dialect)}
     ORDER BY creation_ms, seq LIMIT $6 OFFSET $7`;
  return {
    serviceViews: (visible, window) =>
      viewList(q, [visible === null ? 1 : 0, JSON.stringify(visible ?? [])], window),
    dependencies: (parent, window) => dependencyList(q, [parent], window),
    assets: (parent, window) => assetList(q, [parent], window),
    attributes: (parent, window) => attributeList(q, [parent], window),
    measurements: (parent, window) => measurementList(q, [parent], window),
    metrics: (window) => metricList(q, [], window),
    triggers: (parent, window) => triggerList(q, [parent], window),
    async logs(parent, filter) {
      const params = [
        parent,
        filter.oldestMs,
        filter.newestMs,
        JSON.stringify(filter.tags),
        filter.name,
      ];
      const [counted, items] = await Promise.all([
        q.get<{ n: number }>(logCount, params),
        q.all<CollectionItem>(logPage, [...params, filter.limit, filter.offset]),
      ]);
      return { total: counted?.n ?? 0, items };
    },
  };
}

const ROOT_OF_VIEW = `
  WITH RECURSIVE chain(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM service_views WHERE id = $1
    UNION ALL
    SELECT v.id, v.parent_id, c.depth + 1 FROM service_views v JOIN chain c ON v.id = c.parent_id
    WHERE c.depth < 1000
  )
  SELECT id, CASE WHEN (SELECT count(*) FROM chain) = 1 THEN 1 ELSE 0 END AS is_root
  FROM chain WHERE parent_id IS NULL`;
const ROOT_QUERIES = {
  asset: 'SELECT service_view_id AS root FROM assets WHERE id = $1',
  attribute:
    'SELECT a.service_view_id AS root FROM attributes t JOIN assets a ON a.id = t.asset_id WHERE t.id = $1',
  measurement: `SELECT a.service_view_id AS root FROM measurements m
    JOIN attributes t ON t.id = m.attribute_id JOIN assets a ON a.id = t.asset_id WHERE m.id = $1`,
  trigger: 'SELECT service_view_id AS root FROM triggers WHERE id = $1',
  log: 'SELECT service_view_id AS root FROM logs WHERE id = $1',
};

/** The root service view of a resource, on which visibility is decided (CTP 6.1). */
function rootViewOn(q: SqlQueries): CtpRepositories['rootViewOf'] {
  return async (kind, id) => {
    if (kind === 'serviceView' || kind === 'dependency') {
      const row = await q.get<{ id: string; is_root: number }>(ROOT_OF_VIEW, [id]);
      if (row === undefined) return undefined;
      // A root view is not a dependency and a dependency is not a root view.
      if ((kind === 'serviceView') !== (row.is_root === 1)) return undefined;
      return row.id;
    }
    return (await q.get<{ root: string }>(ROOT_QUERIES[kind], [id]))?.root;
  };
}

const SQL = {
  info: 'SELECT name, annotation, provider FROM server_info',
  view: `SELECT v.*, CASE WHEN p.parent_id IS NULL THEN 0 ELSE 1 END AS parent_is_dependency
    FROM service_views v LEFT JOIN service_views p ON p.id = v.parent_id WHERE v.id = $1`,
  asset: `SELECT id, service_view_id AS "serviceViewId", name, annotation,
    asset_class AS "assetClass", change_id AS "changeId" FROM assets WHERE id = $1`,
  attribute: `SELECT id, asset_id AS "assetId", name, annotation, change_id AS "changeId"
    FROM attributes WHERE id = $1`,
  metric: `SELECT id, name, annotation, base_metric AS "baseMetric",
    measurement_parameters AS parameters, result_format AS format, change_id AS "changeId"
    FROM metrics WHERE id = $1`,
  measurement: `${MEASUREMENT_SELECT} WHERE m.id = $1`,
  trigger: 'SELECT * FROM triggers WHERE id = $1',
  triggerStates: `SELECT condition, status, status_update_time AS "statusUpdateTime",
    guard_time AS "guardTime" FROM triggers WHERE measurement_id = $1`,
  triggersOf: 'SELECT * FROM triggers WHERE measurement_id = $1 ORDER BY rowid',
  log: 'SELECT * FROM logs WHERE id = $1',
};

/** A row of `logs`, as `SELECT *` reads it. */
export interface LogRow {
  id: string;
  service_view_id: string;
  trigger_id: string;
  creation_time: string;
  result: string | null;
  error: string | null;
  tags: string;
}

export function toLog(row: LogRow): LogRecord {
  return {
    id: row.id,
    serviceViewId: row.service_view_id,
    triggerId: row.trigger_id,
    creationTime: row.creation_time,
    resultText: row.result,
    error: row.error,
    tags: JSON.parse(row.tags) as string[],
  };
}

type MetricRow = Omit<MetricRecord, 'measurementParameters' | 'resultFormat'> & {
  parameters: string;
  format: string;
};

/** The reads of the served tree over the store, or over a write transaction. */
export function readsOn(q: SqlQueries): CtpRepositories {
  return {
    async serverInfo() {
      return (await q.get<ServerInfo>(SQL.info)) ?? { name: '', annotation: '', provider: '' };
    },
    async serviceView(id) {
      const row = await q.get<ViewRow>(SQL.view, [id]);
      if (row === undefined) return undefined;
      return {
        id: row.id,
        parentId: row.parent_id,
        parentIsDependency: row.parent_is_dependency === 1,
        name: row.name,
        annotation: row.annotation,
        provider: row.provider,
        serviceClass: row.service_class,
        changeId: row.change_id,
      };
    },
    asset: (id) => q.get<AssetRecord>(SQL.asset, [id]),
    attribute: (id) => q.get<AttributeRecord>(SQL.attribute, [id]),
    async metric(id) {
      const row = await q.get<MetricRow>(SQL.metric, [id]);
      if (row === undefined) return undefined;
      const { parameters, format, ...rest } = row;
      return {
        ...rest,
        measurementParameters: JSON.parse(parameters) as MetricRecord['measurementParameters'],
        resultFormat: JSON.parse(format) as MetricRecord['resultFormat'],
      };
    },
    async measurement(id) {
      const row = await q.get<MeasurementRow>(SQL.measurement, [id]);
      return row === undefined ? undefined : toMeasurement(row);
    },
    async trigger(id) {
      const row = await q.get<TriggerRow>(SQL.trigger, [id]);
      return row === undefined ? undefined : toTrigger(row);
    },
    async log(id) {
      const row = await q.get<LogRow>(SQL.log, [id]);
      return row === undefined ? undefined : toLog(row);
    },
    ...collectionReads(q),
    rootViewOf: rootViewOn(q),
    triggersOfMeasurement: async (id) =>
      (await q.all<TriggerRow>(SQL.triggersOf, [id])).map(toTrigger),
    triggerStatesOfMeasurement: (id) => q.all<TriggerState>(SQL.triggerStates, [id]),
  };
}
