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
import type { SqliteDatabase } from '../store/database';

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
 */
export interface CtpRepositories {
  /** Rows written through this connection so far (SQLite `total_changes()`: no I/O). */
  ownWrites(): number;
  /**
   * Moves when another connection (a `server publish` in another process) commits
   * (`PRAGMA data_version`: takes a read transaction, a few microseconds of locking).
   */
  otherWrites(): number;
  serverInfo(): ServerInfo;
  /**
   * The root service view a resource belongs to: `undefined` when the resource does not
   * exist, else its view's id (visibility is decided on it, CTP 6.1).
   */
  rootViewOf(kind: ScopedKind, id: string): string | undefined;
  serviceView(id: string): ServiceViewRecord | undefined;
  asset(id: string): AssetRecord | undefined;
  attribute(id: string): AttributeRecord | undefined;
  metric(id: string): MetricRecord | undefined;
  measurement(id: string): MeasurementRecord | undefined;
  trigger(id: string): TriggerRecord | undefined;
  log(id: string): LogRecord | undefined;
  /** Root service views among `visible` (null: all of them). */
  serviceViews(visible: readonly string[] | null, window: PageWindow): CollectionPage;
  dependencies(parentId: string, window: PageWindow): CollectionPage;
  assets(serviceViewId: string, window: PageWindow): CollectionPage;
  attributes(assetId: string, window: PageWindow): CollectionPage;
  measurements(attributeId: string, window: PageWindow): CollectionPage;
  metrics(window: PageWindow): CollectionPage;
  triggers(serviceViewId: string, window: PageWindow): CollectionPage;
  /** CTP 5.2.18: filtered, then paginated, in (creationTime, insertion) order. */
  logs(serviceViewId: string, filter: LogFilter): CollectionPage;
  triggersOfMeasurement(measurementId: string): TriggerRecord[];
  /** What CTP 5.3.2 decides on, for each trigger of a measurement (no tags parsed). */
  triggerStatesOfMeasurement(measurementId: string): TriggerState[];
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
 * both filtered by name when asked; written so that SQLite uses the parent's index.
 */
function listing(db: SqliteDatabase, table: string, word: string, where: string) {
  const filter = `${where} AND (@name IS NULL OR name = @name)`;
  const count = db.prepare<unknown[], { n: number }>(
    `SELECT count(*) AS n FROM ${table} WHERE ${filter}`,
  );
  const page = db.prepare<unknown[], CollectionItem>(
    `SELECT '/${word}/' || id AS path, name FROM ${table} WHERE ${filter}
     ORDER BY rowid LIMIT @limit OFFSET @offset`,
  );
  return (params: Record<string, unknown>, window: PageWindow): CollectionPage => {
    const bound = { ...params, name: window.name };
    const total = count.get(bound)?.n ?? 0;
    return { total, items: page.all({ ...bound, limit: window.limit, offset: window.offset }) };
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

/** The collections of the served tree, a page at a time (CTP 4.1.6, 5.2.18). */
function createCollectionReads(db: SqliteDatabase): CollectionReads {
  const allViews = listing(
    db,
    'service_views',
    'serviceViews',
    'parent_id IS NULL AND (@all = 1 OR id IN (SELECT value FROM json_each(@visible)))',
  );
  const dependencies = listing(db, 'service_views', 'dependencies', 'parent_id = @parent');
  const assetList = listing(db, 'assets', 'assets', 'service_view_id = @parent');
  const attributeList = listing(db, 'attributes', 'attributes', 'asset_id = @parent');
  const measurementList = listing(db, 'measurements', 'measurements', 'attribute_id = @parent');
  const metricList = listing(db, 'metrics', 'metrics', '1 = 1');
  const triggerList = listing(db, 'triggers', 'triggers', 'service_view_id = @parent');
  // Logs have no name (CTP 4.1.5.3): the name filter matches nothing but the empty name.
  const logWhere = `service_view_id = @parent
      AND (@oldest IS NULL OR creation_ms >= @oldest)
      AND (@newest IS NULL OR creation_ms < @newest)
      AND NOT EXISTS (SELECT 1 FROM json_each(@tags) wanted
                      WHERE wanted.value NOT IN (SELECT value FROM json_each(l.tags)))`;
  const logCount = db.prepare<unknown[], { n: number }>(
    `SELECT count(*) AS n FROM logs l WHERE ${logWhere} AND (@name IS NULL OR @name = '')`,
  );
  const logPage = db.prepare<unknown[], CollectionItem>(
    `SELECT '/logs/' || id AS path, '' AS name FROM logs l WHERE ${logWhere}
     AND (@name IS NULL OR @name = '') ORDER BY creation_ms, seq LIMIT @limit OFFSET @offset`,
  );

  return {
    serviceViews: (visible, window) =>
      allViews({ all: visible === null ? 1 : 0, visible: JSON.stringify(visible ?? []) }, window),
    dependencies: (parent, window) => dependencies({ parent }, window),
    assets: (parent, window) => assetList({ parent }, window),
    attributes: (parent, window) => attributeList({ parent }, window),
    measurements: (parent, window) => measurementList({ parent }, window),
    metrics: (window) => metricList({}, window),
    triggers: (parent, window) => triggerList({ parent }, window),
    logs(parent, filter) {
      const params = {
        parent,
        oldest: filter.oldestMs,
        newest: filter.newestMs,
        tags: JSON.stringify(filter.tags),
        name: filter.name,
      };
      const total = logCount.get(params)?.n ?? 0;
      return {
        total,
        items: logPage.all({ ...params, limit: filter.limit, offset: filter.offset }),
      };
    },
  };
}

/** The root service view of a resource, on which visibility is decided (CTP 6.1). */
function createRootViewOf(db: SqliteDatabase): CtpRepositories['rootViewOf'] {
  const rootOfView = db.prepare<[string], { id: string; is_root: number }>(`
    WITH RECURSIVE chain(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM service_views WHERE id = ?
      UNION ALL
      SELECT v.id, v.parent_id, c.depth + 1 FROM service_views v JOIN chain c ON v.id = c.parent_id
      WHERE c.depth < 1000
    )
    SELECT id, (SELECT count(*) FROM chain) = 1 AS is_root FROM chain
    WHERE parent_id IS NULL`);
  const rootQueries = {
    asset: db.prepare<[string], { root: string }>(
      'SELECT service_view_id AS root FROM assets WHERE id = ?',
    ),
    attribute: db.prepare<[string], { root: string }>(
      'SELECT a.service_view_id AS root FROM attributes t JOIN assets a ON a.id = t.asset_id WHERE t.id = ?',
    ),
    measurement: db.prepare<[string], { root: string }>(
      `SELECT a.service_view_id AS root FROM measurements m JOIN attributes t ON t.id = m.attribute_id
       JOIN assets a ON a.id = t.asset_id WHERE m.id = ?`,
    ),
    trigger: db.prepare<[string], { root: string }>(
      'SELECT service_view_id AS root FROM triggers WHERE id = ?',
    ),
    log: db.prepare<[string], { root: string }>(
      'SELECT service_view_id AS root FROM logs WHERE id = ?',
    ),
  };
  return (kind, id) => {
    if (kind === 'serviceView' || kind === 'dependency') {
      const row = rootOfView.get(id);
      if (row === undefined) return undefined;
      // A root view is not a dependency and a dependency is not a root view.
      if ((kind === 'serviceView') !== (row.is_root === 1)) return undefined;
      return row.id;
    }
    return rootQueries[kind].get(id)?.root;
  };
}

export function createCtpRepositories(db: SqliteDatabase): CtpRepositories {
  const info = db.prepare<[], ServerInfo>('SELECT name, annotation, provider FROM server_info');
  const ownChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  const otherChanges = db.prepare<[], number>('PRAGMA data_version').pluck();
  const viewById = db.prepare<[string], ViewRow>(`
    SELECT v.*, (p.parent_id IS NOT NULL) AS parent_is_dependency
    FROM service_views v LEFT JOIN service_views p ON p.id = v.parent_id WHERE v.id = ?`);
  const assetById = db.prepare<[string], AssetRecord>(`
    SELECT id, service_view_id AS serviceViewId, name, annotation, asset_class AS assetClass,
           change_id AS changeId FROM assets WHERE id = ?`);
  const attributeById = db.prepare<[string], AttributeRecord>(`
    SELECT id, asset_id AS assetId, name, annotation, change_id AS changeId
    FROM attributes WHERE id = ?`);
  const metricById = db.prepare<
    [string],
    Omit<MetricRecord, 'measurementParameters' | 'resultFormat'> & {
      parameters: string;
      format: string;
    }
  >(`
    SELECT id, name, annotation, base_metric AS baseMetric, measurement_parameters AS parameters,
           result_format AS format, change_id AS changeId FROM metrics WHERE id = ?`);
  const measurementById = db.prepare<[string], MeasurementRow>(
    `${MEASUREMENT_SELECT} WHERE m.id = ?`,
  );
  const triggerById = db.prepare<[string], TriggerRow>('SELECT * FROM triggers WHERE id = ?');
  const triggerStates = db.prepare<[string], TriggerState>(`
    SELECT condition, status, status_update_time AS statusUpdateTime, guard_time AS guardTime
    FROM triggers WHERE measurement_id = ?`);
  const triggersByMeasurement = db.prepare<[string], TriggerRow>(
    'SELECT * FROM triggers WHERE measurement_id = ? ORDER BY rowid',
  );
  const logById = db.prepare<
    [string],
    {
      id: string;
      service_view_id: string;
      trigger_id: string;
      creation_time: string;
      result: string | null;
      error: string | null;
      tags: string;
    }
  >('SELECT * FROM logs WHERE id = ?');

  return {
    ownWrites: () => ownChanges.get() ?? 0,
    otherWrites: () => otherChanges.get() ?? 0,
    serverInfo() {
      return info.get() ?? { name: '', annotation: '', provider: '' };
    },
    serviceView(id) {
      const row = viewById.get(id);
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
    asset: (id) => assetById.get(id),
    attribute: (id) => attributeById.get(id),
    metric(id) {
      const row = metricById.get(id);
      if (row === undefined) return undefined;
      const { parameters, format, ...rest } = row;
      return {
        ...rest,
        measurementParameters: JSON.parse(parameters) as MetricRecord['measurementParameters'],
        resultFormat: JSON.parse(format) as MetricRecord['resultFormat'],
      };
    },
    measurement(id) {
      const row = measurementById.get(id);
      return row === undefined ? undefined : toMeasurement(row);
    },
    trigger(id) {
      const row = triggerById.get(id);
      return row === undefined ? undefined : toTrigger(row);
    },
    log(id) {
      const row = logById.get(id);
      if (row === undefined) return undefined;
      return {
        id: row.id,
        serviceViewId: row.service_view_id,
        triggerId: row.trigger_id,
        creationTime: row.creation_time,
        resultText: row.result,
        error: row.error,
        tags: JSON.parse(row.tags) as string[],
      };
    },
    ...createCollectionReads(db),
    rootViewOf: createRootViewOf(db),
    triggersOfMeasurement: (id) => triggersByMeasurement.all(id).map(toTrigger),
    triggerStatesOfMeasurement: (id) => triggerStates.all(id),
  };
}
