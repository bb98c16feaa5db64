/**
 * One measurement as the measurement page shows it, from the offline workspace: where it
 * sits (view → asset → attribute), its metric and parameters, the current result, the
 * objective as claimed and as we evaluate it, the current result's signature, the log
 * entries of the triggers on it; and its history, each kept result with its signature
 * status and our objective outcome for it (timeUTC("now") read at the result's
 * updateTime, so old results are judged at their own time).
 */
import type {
  ChangedResource,
  HistoryPoint,
  MeasurementDetail,
  MeasurementHistory,
  MeasurementLogEntry,
} from '../../../shared/client';
import { compileCondition, evaluateCompiled } from '../../../shared/ctpscript';
import { parseRfc3339 } from '../../../shared/ctp/time';
import { AppError } from '../../../shared/errors';
import type { ChecksRepository } from './checksRepository';
import type { HistoryRepository, StoredResource } from './historyRepository';
import { checkObjective } from './objectiveCheck';
import { parseLogEntry, parseMeasurement, parseMetric } from './responseShapes';
import type { Measurement } from './responseShapes';
import { resourceLabel } from './syncChanges';
import { measurementLabel } from './vendorTree';
import type { WorkspaceReader } from './workspaceReader';

/** The app's history has at most this many points (the newest); `vendor history --csv` has all. */
export const MAX_HISTORY_POINTS = 100_000;
/** Log entries shown under a measurement (the newest). */
export const MAX_MEASUREMENT_LOGS = 200;

export interface MeasurementViewDeps {
  store: HistoryRepository;
  reader: WorkspaceReader;
  checks: ChecksRepository;
  vendor: { id: number; name: string };
  clock: () => Date;
}

function notFound(vendor: string, url: string): AppError {
  return new AppError(
    'VENDOR_RESOURCE_NOT_FOUND',
    `The workspace of ${JSON.stringify(vendor)} holds no measurement ${url.slice(0, 300)}; sync the vendor, or open it from its tree.`,
  );
}

function loadMeasurement(
  deps: MeasurementViewDeps,
  url: string,
): { row: StoredResource; value: Measurement } {
  const row = deps.store.resource(url);
  if (row === null || row.kind !== 'measurement') throw notFound(deps.vendor.name, url);
  const parsed = parseMeasurement(row.body);
  if (!parsed.ok) throw notFound(deps.vendor.name, url);
  return { row, value: parsed.value };
}

/** The resources above a measurement, outermost first (bounded: parent links are data). */
function pathOf(store: HistoryRepository, parentUrl: string | null): ChangedResource[] {
  const path: ChangedResource[] = [];
  let current = parentUrl;
  for (let steps = 0; current !== null && steps < 8; steps++) {
    const resource = store.resource(current);
    if (resource === null || resource.kind === 'entryPoint') break;
    path.unshift({ url: resource.url, kind: resource.kind, name: resourceLabel(resource) });
    current = resource.parentUrl;
  }
  return path;
}

function metricOf(store: HistoryRepository, url: string | null): MeasurementDetail['metric'] {
  const row = url === null ? null : store.resource(url);
  if (row === null) return null;
  const parsed = parseMetric(row.body);
  if (!parsed.ok) return null;
  const metric = parsed.value;
  return {
    url: row.url,
    name: metric.name,
    annotation: metric.annotation,
    baseMetric: metric.baseMetric,
    parameters: metric.measurementParameters,
    resultFormat: metric.resultFormat,
  };
}

function logsOf(deps: MeasurementViewDeps, url: string): MeasurementLogEntry[] {
  return deps.reader.logsOfMeasurement(deps.vendor.id, url, MAX_MEASUREMENT_LOGS).flatMap((row) => {
    const parsed = parseLogEntry(row.body);
    if (!parsed.ok) return [];
    return [
      {
        url: row.url,
        creationTime: row.creationTime,
        trigger: row.triggerUrl,
        triggerName: row.triggerName,
        error: parsed.value.error,
        tags: parsed.value.tags,
      },
    ];
  });
}

export function measurementDetail(deps: MeasurementViewDeps, url: string): MeasurementDetail {
  const { row, value } = loadMeasurement(deps, url);
  const metric = metricOf(deps.store, value.metric);
  const check = checkObjective({ ...value, self: row.url }, deps.clock);
  const history = deps.store.history(row.url);
  const newest = history.at(-1);
  const stored =
    newest === undefined
      ? undefined
      : deps.checks.signaturesOf(deps.vendor.id, row.url).get(newest.id);
  return {
    vendor: deps.vendor.name,
    url: row.url,
    name: measurementLabel(row.name, metric?.name ?? null, row.url),
    annotation: value.annotation,
    state: value.state,
    userActivated: value.userActivated,
    path: pathOf(deps.store, row.parentUrl),
    metric,
    result:
      value.result === null
        ? null
        : {
            value: value.result.value,
            updateTime: value.result.updateTime,
            authorityId: value.result.authorityId,
          },
    objective:
      check === null || value.objective === null
        ? null
        : {
            condition: check.condition,
            claimed: check.claimed,
            statusUpdateTime: value.objective.statusUpdateTime,
            ours: check.ours,
            disagrees: check.disagrees,
            message: check.message,
          },
    signature:
      value.result === null || stored === undefined
        ? null
        : {
            status: stored.status,
            algorithm: stored.algorithm,
            authorityId: value.result.authorityId,
            message: stored.message,
          },
    logs: logsOf(deps, row.url),
    historyCount: history.length,
  };
}

export function measurementHistory(
  deps: MeasurementViewDeps,
  url: string,
  limit = MAX_HISTORY_POINTS,
): MeasurementHistory {
  const { row, value } = loadMeasurement(deps, url);
  const metric = metricOf(deps.store, value.metric);
  const condition = value.objective?.condition ?? null;
  const compiled = condition === null ? null : compileCondition(condition);
  const signatures = deps.checks.signaturesOf(deps.vendor.id, row.url);
  const entries = deps.store.history(row.url);
  const kept = entries.length > limit ? entries.slice(entries.length - limit) : entries;
  const points = kept.map((entry): HistoryPoint => {
    const result = JSON.parse(entry.resultText) as { value?: unknown };
    const at = entry.updateTime === null ? null : parseRfc3339(entry.updateTime);
    return {
      updateTime: entry.updateTime,
      firstSeenAt: entry.firstSeenAt,
      value: Array.isArray(result.value) ? result.value : [],
      authorityId: entry.authorityId,
      signature: signatures.get(entry.id)?.status ?? 'unsigned',
      outcome:
        compiled === null
          ? null
          : evaluateCompiled(compiled, result, at === null ? {} : { now: () => at }).outcome,
    };
  });
  return {
    vendor: deps.vendor.name,
    measurementUrl: row.url,
    resultFormat: metric?.resultFormat ?? [],
    condition,
    points,
    truncated: kept.length < entries.length,
  };
}
