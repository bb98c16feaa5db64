/**
 * The JSON encodings of CTP 4.2, with the readings of SPEC-NOTES "CTP". Links are
 * absolute: `{CtpBase}` (ending with `/`) followed by the resource path without its
 * leading `/`. Measurements and log entries carry a result kept as text, so they are
 * encoded to JSON text (see jsonText.ts); everything else is a plain object.
 */
import type {
  AssetRecord,
  AttributeRecord,
  CollectionItem,
  LogRecord,
  MeasurementRecord,
  MetricRecord,
  ServerInfo,
  ServiceViewRecord,
  TriggerRecord,
} from './types';

export const CTP_VERSION = '1.0';

/** Absolute URL of a resource path (`/assets/1` → `https://h/ctp/assets/1`). */
export function ctpUrl(base: string, path: string): string {
  return base + (path.startsWith('/') ? path.slice(1) : path);
}

/** CTP 4.2.1.2 (SPEC-NOTES: version "1.0", key `serviceViews`). */
export function encodeEntryPoint(base: string, info: ServerInfo) {
  return {
    self: base,
    name: info.name,
    annotation: info.annotation,
    version: CTP_VERSION,
    provider: info.provider,
    serviceViews: ctpUrl(base, '/serviceViews'),
    metrics: ctpUrl(base, '/metrics'),
  };
}

/** The path of a service view or a dependency (CTP 4.2.9). */
export function serviceViewPath(view: Pick<ServiceViewRecord, 'id' | 'parentId'>): string {
  return view.parentId === null ? `/serviceViews/${view.id}` : `/dependencies/${view.id}`;
}

/** CTP 4.2.2.2; a dependency (4.2.9.2) is scoped to its parent view or dependency. */
export function encodeServiceView(base: string, view: ServiceViewRecord) {
  const self = serviceViewPath(view);
  const scope =
    view.parentId === null
      ? base
      : ctpUrl(
          base,
          view.parentIsDependency
            ? `/dependencies/${view.parentId}`
            : `/serviceViews/${view.parentId}`,
        );
  return {
    self: ctpUrl(base, self),
    scope,
    changeId: String(view.changeId),
    name: view.name,
    annotation: view.annotation,
    provider: view.provider,
    dependencies: ctpUrl(base, `${self}/dependencies`),
    assets: ctpUrl(base, `${self}/assets`),
    serviceClass: view.serviceClass,
    logs: ctpUrl(base, `${self}/logs`),
    triggers: ctpUrl(base, `${self}/triggers`),
  };
}

/** CTP 4.2.3.2 (assetClass "" when none, SPEC-NOTES). */
export function encodeAsset(base: string, asset: AssetRecord) {
  return {
    self: ctpUrl(base, `/assets/${asset.id}`),
    scope: ctpUrl(base, `/serviceViews/${asset.serviceViewId}`),
    changeId: String(asset.changeId),
    name: asset.name,
    annotation: asset.annotation,
    attributes: ctpUrl(base, `/assets/${asset.id}/attributes`),
    assetClass: asset.assetClass,
  };
}

/** CTP 4.2.4.2. */
export function encodeAttribute(base: string, attribute: AttributeRecord) {
  return {
    self: ctpUrl(base, `/attributes/${attribute.id}`),
    scope: ctpUrl(base, `/assets/${attribute.assetId}`),
    changeId: String(attribute.changeId),
    name: attribute.name,
    annotation: attribute.annotation,
    measurements: ctpUrl(base, `/attributes/${attribute.id}/measurements`),
  };
}

/** CTP 4.2.5.2 (SPEC-NOTES: self `/metrics/{id}`, scope `{CtpBase}`, key `baseMetric`). */
export function encodeMetric(base: string, metric: MetricRecord) {
  return {
    self: ctpUrl(base, `/metrics/${metric.id}`),
    scope: base,
    changeId: String(metric.changeId),
    name: metric.name,
    annotation: metric.annotation,
    baseMetric: metric.baseMetric,
    measurementParameters: metric.measurementParameters,
    resultFormat: metric.resultFormat,
  };
}

/** Splices a JSON text value into an encoded object, after the key `afterKey`. */
function spliceText(
  head: Record<string, unknown>,
  key: string,
  valueText: string,
  tail: Record<string, unknown>,
): string {
  const headText = JSON.stringify(head).slice(0, -1);
  const tailText = JSON.stringify(tail).slice(1);
  const separator = tailText === '}' ? '' : ',';
  return `${headText},${JSON.stringify(key)}:${valueText}${separator}${tailText}`;
}

/**
 * CTP 4.2.6.2 as JSON text. The result is null unless the state is `activated`; it is
 * the stored text (a signature over it still verifies). SPEC-NOTES: the objective has
 * `statusUpdateTime`; both `userInitiated` and `userActivated` are sent.
 */
export function encodeMeasurementText(base: string, measurement: MeasurementRecord): string {
  const result = measurement.state === 'activated' ? measurement.resultText : null;
  return spliceText(
    {
      self: ctpUrl(base, `/measurements/${measurement.id}`),
      scope: ctpUrl(base, `/attributes/${measurement.attributeId}`),
      changeId: String(measurement.changeId),
      name: measurement.name,
      annotation: measurement.annotation,
      metric: ctpUrl(base, `/metrics/${measurement.metricId}`),
    },
    'result',
    result ?? 'null',
    {
      objective: measurement.objective,
      createTrigger: measurement.triggersAllowed
        ? ctpUrl(base, `/serviceViews/${measurement.serviceViewId}/triggers`)
        : null,
      userInitiated: measurement.userActivated,
      userActivated: measurement.userActivated,
      state: measurement.state,
    },
  );
}

/** CTP 4.2.7.2. */
export function encodeTrigger(base: string, trigger: TriggerRecord) {
  return {
    self: ctpUrl(base, `/triggers/${trigger.id}`),
    scope: ctpUrl(base, `/serviceViews/${trigger.serviceViewId}`),
    changeId: String(trigger.changeId),
    name: trigger.name,
    annotation: trigger.annotation,
    measurement: ctpUrl(base, `/measurements/${trigger.measurementId}`),
    condition: trigger.condition,
    notification: trigger.notification,
    guardTime: trigger.guardTime,
    tags: trigger.tags,
    status: trigger.status,
    statusUpdateTime: trigger.statusUpdateTime,
  };
}

/** CTP 4.2.8.2 (normal) and 4.2.8.3 (error) as JSON text. */
export function encodeLogText(base: string, log: LogRecord): string {
  const head = {
    self: ctpUrl(base, `/logs/${log.id}`),
    scope: ctpUrl(base, `/serviceViews/${log.serviceViewId}`),
    trigger: ctpUrl(base, `/triggers/${log.triggerId}`),
    creationTime: log.creationTime,
  };
  if (log.resultText === null) {
    return JSON.stringify({ ...head, error: log.error ?? '', tags: ['error'] });
  }
  return spliceText(head, 'result', log.resultText, { tags: log.tags });
}

export interface EncodedCollection {
  self: string;
  scope: string;
  collectionLength: number;
  returnedLength: number;
  collectionType: string;
  collection: Array<{ link: string; name?: string }>;
}

/**
 * CTP 4.1.6: `self` is the URL requested (query string included), `name` is omitted
 * when empty. `items` is the page already selected; `total` the whole length.
 */
export function encodeCollection(
  base: string,
  options: {
    selfUrl: string;
    scopePath: string | null;
    collectionType: string;
    total: number;
    items: readonly CollectionItem[];
  },
): EncodedCollection {
  return {
    self: options.selfUrl,
    scope: options.scopePath === null ? base : ctpUrl(base, options.scopePath),
    collectionLength: options.total,
    returnedLength: options.items.length,
    collectionType: options.collectionType,
    collection: options.items.map((item) =>
      item.name === ''
        ? { link: ctpUrl(base, item.path) }
        : { link: ctpUrl(base, item.path), name: item.name },
    ),
  };
}
