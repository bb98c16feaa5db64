import type { MeasurementState, ResultColumn, TriStatus } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import {
  CONSOLE_HISTORY_LIMIT,
  CONSOLE_LOG_LIMIT,
  type ConsoleLogEntry,
  type ConsoleTrigger,
  type MeasurementConsole,
  type PublishedMeasurementGlance,
  type PublishedNode,
  type PublishedTree,
} from '../../../shared/serverConsole';
import type { SqlQueries } from '../store/sqlStore';
import type { CtpRepositories } from './repositories';

/**
 * What the provider's console reads (the Server area): the whole published tree in one
 * go, one measurement with its triggers and log, every customer trigger with the accounts
 * that see it. Reads only; plain data out.
 */
export interface ConsoleReads {
  tree(): Promise<PublishedTree>;
  measurement(id: string): Promise<MeasurementConsole>;
  triggers(): Promise<ConsoleTrigger[]>;
  trigger(id: string): Promise<ConsoleTrigger>;
}

interface NamedRow {
  id: string;
  parent: string | null;
  name: string;
}

interface MeasurementRow {
  id: string;
  parent: string;
  name: string;
  metric_id: string;
  metric_name: string;
  state: MeasurementState;
  user_activated: number;
  triggers_allowed: number;
  result: string | null;
  objective_condition: string | null;
  objective_status: TriStatus | null;
  triggers: number;
  errors: number;
}

interface TriggerRow {
  id: string;
  service_view_id: string;
  view_name: string;
  measurement_id: string;
  measurement_name: string;
  name: string;
  condition: string;
  notification: string;
  guard_time: number;
  tags: string;
  status: TriStatus;
  status_update_time: string;
}

interface LogRow {
  id: string;
  trigger_id: string;
  creation_time: string;
  result: string | null;
  error: string | null;
  tags: string;
}

const TRIGGER_SELECT = `
  SELECT t.id, t.service_view_id, v.name AS view_name, t.measurement_id,
    CASE m.name WHEN '' THEN mt.name ELSE m.name END AS measurement_name,
    t.name, t.condition, t.notification, t.guard_time, t.tags, t.status, t.status_update_time
  FROM triggers t
  JOIN service_views v ON v.id = t.service_view_id
  JOIN measurements m ON m.id = t.measurement_id
  JOIN metrics mt ON mt.id = m.metric_id`;

const SQL = {
  views: 'SELECT id, parent_id AS parent, name FROM service_views ORDER BY rowid',
  assets: 'SELECT id, service_view_id AS parent, name FROM assets ORDER BY rowid',
  attributes: 'SELECT id, asset_id AS parent, name FROM attributes ORDER BY rowid',
  measurements: `
    SELECT m.id, m.attribute_id AS parent, m.name, m.metric_id, mt.name AS metric_name, m.state,
      m.user_activated, m.triggers_allowed, m.result, m.objective_condition, m.objective_status,
      (SELECT count(*) FROM triggers t WHERE t.measurement_id = m.id) AS triggers,
      (SELECT count(*) FROM triggers t WHERE t.measurement_id = m.id AND t.status = 'error') AS errors
    FROM measurements m JOIN metrics mt ON mt.id = m.metric_id ORDER BY m.rowid`,
  metrics: 'SELECT id, name, result_format FROM metrics ORDER BY rowid',
  viewAccounts: `
    SELECT s.service_view_id AS view, a.name AS account
    FROM account_service_views s JOIN accounts a ON a.id = s.account_id ORDER BY a.name`,
  triggers: `${TRIGGER_SELECT} ORDER BY t.rowid`,
  trigger: `${TRIGGER_SELECT} WHERE t.id = $1`,
  triggersOf: `${TRIGGER_SELECT} WHERE t.measurement_id = $1 ORDER BY t.rowid`,
  logsOf: `
    SELECT id, trigger_id, creation_time, result, error, tags FROM logs
    WHERE service_view_id IN (SELECT service_view_id FROM triggers WHERE measurement_id = $1)
      AND trigger_id IN (SELECT id FROM triggers WHERE measurement_id = $1)
    ORDER BY seq DESC LIMIT $2`,
  history:
    'SELECT result, received_at FROM result_history WHERE measurement_id = $1 ORDER BY seq DESC LIMIT $2',
  location: `
    SELECT v.id AS view_id, v.name AS view_name, a.id AS asset_id, a.name AS asset_name,
      t.id AS attribute_id, t.name AS attribute_name
    FROM measurements m JOIN attributes t ON t.id = m.attribute_id
    JOIN assets a ON a.id = t.asset_id JOIN service_views v ON v.id = a.service_view_id
    WHERE m.id = $1`,
};

type LocationRow = Record<
  'view_id' | 'view_name' | 'asset_id' | 'asset_name' | 'attribute_id' | 'attribute_name',
  string
>;

export function createConsoleReads(q: SqlQueries, repositories: CtpRepositories): ConsoleReads {
  const accountsByView = async (): Promise<Map<string, string[]>> => {
    const map = new Map<string, string[]>();
    for (const { view, account } of await q.all<{ view: string; account: string }>(
      SQL.viewAccounts,
    )) {
      map.set(view, [...(map.get(view) ?? []), account]);
    }
    return map;
  };

  const toTrigger = (row: TriggerRow, accounts: Map<string, string[]>): ConsoleTrigger => ({
    id: row.id,
    name: row.name,
    serviceViewId: row.service_view_id,
    serviceViewName: row.view_name,
    measurementId: row.measurement_id,
    measurementName: row.measurement_name,
    condition: row.condition,
    notification: row.notification,
    guardTime: row.guard_time,
    tags: JSON.parse(row.tags) as string[],
    status: row.status,
    statusUpdateTime: row.status_update_time,
    accounts: accounts.get(row.service_view_id) ?? [],
  });

  return {
    tree: async () => ({
      server: await repositories.serverInfo(),
      nodes: flattenTree({
        views: await q.all<NamedRow>(SQL.views),
        assets: await q.all<NamedRow>(SQL.assets),
        attributes: await q.all<NamedRow>(SQL.attributes),
        measurements: await q.all<MeasurementRow>(SQL.measurements),
      }),
      metrics: (await q.all<{ id: string; name: string; result_format: string }>(SQL.metrics)).map(
        (row) => ({
          id: row.id,
          name: row.name,
          resultFormat: JSON.parse(row.result_format) as ResultColumn[],
        }),
      ),
    }),
    async measurement(id) {
      const measurement = await repositories.measurement(id);
      const where = await q.get<LocationRow>(SQL.location, [id]);
      if (measurement === undefined || where === undefined) throw noMeasurement(id);
      const metric = (await repositories.metric(measurement.metricId))!;
      const accounts = await accountsByView();
      const result = measurement.resultText === null ? null : parseResult(measurement.resultText);
      const triggers = await q.all<TriggerRow>(SQL.triggersOf, [id]);
      const logs = await q.all<LogRow>(SQL.logsOf, [id, CONSOLE_LOG_LIMIT]);
      const history = await q.all<{ result: string; received_at: string }>(SQL.history, [
        id,
        CONSOLE_HISTORY_LIMIT,
      ]);
      return {
        id,
        name: measurement.name,
        annotation: measurement.annotation,
        state: measurement.state,
        userActivated: measurement.userActivated,
        triggersAllowed: measurement.triggersAllowed,
        location: {
          serviceView: { id: where.view_id, name: where.view_name },
          asset: { id: where.asset_id, name: where.asset_name },
          attribute: { id: where.attribute_id, name: where.attribute_name },
        },
        metric: {
          id: metric.id,
          name: metric.name,
          annotation: metric.annotation,
          baseMetric: metric.baseMetric,
          measurementParameters: metric.measurementParameters,
          resultFormat: metric.resultFormat,
        },
        result:
          result === null
            ? null
            : {
                value: result.value,
                updateTime: result.updateTime,
                authorityId: result.authorityId,
                signed: result.signature !== null && result.signature !== '',
              },
        objective: measurement.objective,
        triggers: triggers.map((row) => toTrigger(row, accounts)),
        logs: logs.map(toLogEntry),
        history: history.map((row) => {
          const entry = parseResult(row.result);
          return { value: entry.value, updateTime: entry.updateTime, receivedAt: row.received_at };
        }),
      };
    },
    async triggers() {
      const accounts = await accountsByView();
      return (await q.all<TriggerRow>(SQL.triggers)).map((row) => toTrigger(row, accounts));
    },
    async trigger(id) {
      const row = await q.get<TriggerRow>(SQL.trigger, [id]);
      if (row === undefined) throw new AppError('CTP_NOT_FOUND', `No trigger with id "${id}".`);
      return toTrigger(row, await accountsByView());
    },
  };
}

function noMeasurement(id: string): AppError {
  return new AppError('CTP_NOT_FOUND', `No measurement with id "${id}".`);
}

interface StoredResult {
  value: unknown[];
  updateTime: string;
  authorityId: string | null;
  signature: string | null;
}

/** A stored result's fields (checked when it was written: CTP 4.2.6.2). */
function parseResult(text: string): StoredResult {
  const parsed = JSON.parse(text) as Partial<StoredResult> & { dateTime?: string };
  return {
    value: Array.isArray(parsed.value) ? parsed.value : [],
    updateTime: parsed.updateTime ?? parsed.dateTime ?? '',
    authorityId: parsed.authorityId ?? null,
    signature: parsed.signature ?? null,
  };
}

function toLogEntry(row: LogRow): ConsoleLogEntry {
  return {
    id: row.id,
    triggerId: row.trigger_id,
    creationTime: row.creation_time,
    kind: row.error === null ? 'alert' : 'error',
    error: row.error,
    tags: JSON.parse(row.tags) as string[],
    value: row.result === null ? null : parseResult(row.result).value,
  };
}

/**
 * The tree flat and depth first (pure): each root service view, then its dependencies
 * (recursively, CTP appendix B), its assets, their attributes and measurements.
 */
export function flattenTree(rows: {
  views: NamedRow[];
  assets: NamedRow[];
  attributes: NamedRow[];
  measurements: MeasurementRow[];
}): PublishedNode[] {
  const byParent = <T extends { parent: string | null }>(list: T[]) => {
    const map = new Map<string | null, T[]>();
    for (const row of list) map.set(row.parent, [...(map.get(row.parent) ?? []), row]);
    return map;
  };
  const views = byParent(rows.views);
  const assets = byParent(rows.assets);
  const attributes = byParent(rows.attributes);
  const measurements = byParent(rows.measurements);
  const nodes: PublishedNode[] = [];
  const seen = new Set<string>();
  const addView = (view: NamedRow, depth: number, kind: 'serviceView' | 'dependency') => {
    if (seen.has(view.id)) return;
    seen.add(view.id);
    nodes.push({ kind, id: view.id, name: view.name, depth });
    for (const dependency of views.get(view.id) ?? []) addView(dependency, depth + 1, 'dependency');
    for (const asset of assets.get(view.id) ?? []) {
      nodes.push({ kind: 'asset', id: asset.id, name: asset.name, depth: depth + 1 });
      for (const attribute of attributes.get(asset.id) ?? []) {
        nodes.push({ kind: 'attribute', id: attribute.id, name: attribute.name, depth: depth + 2 });
        for (const m of measurements.get(attribute.id) ?? []) {
          nodes.push({
            kind: 'measurement',
            id: m.id,
            name: m.name === '' ? m.metric_name : m.name,
            depth: depth + 3,
            measurement: glance(m),
          });
        }
      }
    }
  };
  for (const view of views.get(null) ?? []) addView(view, 0, 'serviceView');
  return nodes;
}

function glance(row: MeasurementRow): PublishedMeasurementGlance {
  const result = row.result === null ? null : parseResult(row.result);
  return {
    metricId: row.metric_id,
    metricName: row.metric_name,
    state: row.state,
    userActivated: row.user_activated === 1,
    triggersAllowed: row.triggers_allowed === 1,
    result: result === null ? null : { value: result.value, updateTime: result.updateTime },
    objective:
      row.objective_condition === null
        ? null
        : { condition: row.objective_condition, status: row.objective_status ?? 'false' },
    triggers: row.triggers,
    triggersInError: row.errors,
  };
}
