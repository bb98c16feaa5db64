/**
 * Tolerant, bounded parsing of what a vendor's CTP server sends (CTP 4.1–4.2, with every
 * reading SPEC-NOTES "CTP" lists under "we also accept"). Pure: text in, a typed value or
 * an error naming the JSON path out. Nothing a vendor sends is trusted: strings and arrays
 * are bounded, URLs must be absolute http(s), and unknown members are ignored.
 */
import { memberValueText, withoutMember } from '../../../shared/ctp/jsonText';
import { JsonReader, RECEIVED_PHRASING, type JsonProblems } from '../../../shared/jsonReader';
import { isPlainObject } from '../../../shared/plainObject';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export type TriStatus = 'true' | 'false' | 'error';

/** CTP 4.2.1.2; `views` (A.1) is accepted for `serviceViews`. */
export interface EntryPoint {
  self: string | null;
  name: string;
  annotation: string;
  version: string;
  provider: string;
  serviceViews: string;
  metrics: string | null;
}

export interface CollectionLink {
  link: string;
  name: string;
}

/** CTP 4.1.6; bare-URL items (SPEC-NOTES: logs) are accepted. */
export interface CollectionPage {
  collectionLength: number;
  returnedLength: number;
  collectionType: string;
  items: CollectionLink[];
}

/** CTP 4.2.2.2 (service view) and 4.2.9.2 (dependency). */
export interface ServiceView {
  self: string;
  scope: string | null;
  changeId: string | null;
  name: string;
  annotation: string;
  provider: string;
  serviceClass: string | null;
  dependencies: string | null;
  assets: string | null;
  logs: string | null;
  triggers: string | null;
}

/** CTP 4.2.3.2; assetClass `""` and `null` both mean none. */
export interface Asset {
  self: string;
  scope: string | null;
  changeId: string | null;
  name: string;
  annotation: string;
  assetClass: string | null;
  attributes: string | null;
}

/** CTP 4.2.4.2. */
export interface Attribute {
  self: string;
  scope: string | null;
  changeId: string | null;
  name: string;
  annotation: string;
  measurements: string | null;
}

export interface ResultColumn {
  name: string;
  type: string;
}

/** CTP 4.2.5.2; `referenceMetric` is accepted for `baseMetric`. */
export interface Metric {
  self: string;
  changeId: string | null;
  name: string;
  annotation: string;
  baseMetric: string;
  measurementParameters: unknown[];
  resultFormat: ResultColumn[];
}

/** A measurement result (CTP 4.2.6.2) with its text as received. */
export interface MeasurementResult {
  value: unknown[];
  /** `updateTime`, or `dateTime` (SPEC-NOTES). */
  updateTime: string | null;
  authorityId: string | null;
  signature: string | null;
  /** The result object's JSON text as received, whitespace outside strings removed. */
  text: string;
  /** The JWS payload P: {@link text} without its `signature` member (SPEC-NOTES "JWS"). */
  payloadText: string;
}

export interface Objective {
  condition: string;
  /** Boolean statuses (SPEC-NOTES) become `"true"`/`"false"`. */
  status: TriStatus | null;
  statusUpdateTime: string | null;
}

/** CTP 4.2.6.2. */
export interface Measurement {
  self: string;
  scope: string | null;
  changeId: string | null;
  name: string;
  annotation: string;
  metric: string | null;
  result: MeasurementResult | null;
  objective: Objective | null;
  /** `""` means null (SPEC-NOTES). */
  createTrigger: string | null;
  /** `userActivated` or `userInitiated`, boolean or `"true"`/`"false"`. */
  userActivated: boolean;
  state: string;
}

/** CTP 4.2.7.2. */
export interface Trigger {
  self: string;
  scope: string | null;
  changeId: string | null;
  name: string;
  annotation: string;
  measurement: string | null;
  condition: string;
  notification: string;
  guardTime: number;
  tags: string[];
  status: TriStatus | null;
  statusUpdateTime: string | null;
}

/** CTP 4.2.8.2 (normal) and 4.2.8.3 (error). */
export interface LogEntry {
  self: string;
  scope: string | null;
  trigger: string | null;
  creationTime: string;
  result: MeasurementResult | null;
  error: string | null;
  tags: string[];
}

/** Bounds on what one resource may hold. */
export const SHAPE_LIMITS = {
  stringLength: 64 * 1024,
  conditionLength: 4 * 1024,
  urlLength: 2048,
  collectionItems: 10_000,
  resultRows: 10_000,
  tags: 256,
} as const;

class ShapeError extends Error {}

/** A vendor's answer is refused at its first problem, named by its JSON path. */
const RESPONSE_PROBLEMS: JsonProblems = {
  report(path, message) {
    throw new ShapeError(`${path}: ${message}`);
  },
  phrasing: RECEIVED_PHRASING,
  limits: { text: SHAPE_LIMITS.stringLength, items: SHAPE_LIMITS.collectionItems },
};

/** The document's top-level object. */
function root(json: unknown, what: string): JsonReader {
  if (!isPlainObject(json)) throw new ShapeError(`${what}: expected a JSON object`);
  return present(JsonReader.object(json, '', RESPONSE_PROBLEMS));
}

/** A read that gave null has reported, and RESPONSE_PROBLEMS has thrown: never null here. */
function present(reader: JsonReader | null): JsonReader {
  if (reader === null) throw new ShapeError('a JSON read gave nothing without a problem');
  return reader;
}

/** An absolute http(s) URL. */
function url(r: JsonReader, key: string): string {
  const text = r.string(key, { max: SHAPE_LIMITS.urlLength });
  if (!isHttpUrl(text)) r.problem(key, 'not an absolute http(s) URL');
  return text;
}

/** An absolute http(s) URL; absent, `null` and `""` are none. */
function optionalUrl(r: JsonReader, key: string): string | null {
  const value = r.raw(key);
  return value === undefined || value === null || value === '' ? null : url(r, key);
}

/** CTP 4.1.5.5: a string; numbers are accepted (turned into their decimal text). */
function changeId(r: JsonReader): string | null {
  const value = r.raw('changeId');
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return r.nullableString('changeId', 256);
}

/** A tri-state status: `"true"|"false"|"error"` or a boolean (SPEC-NOTES "objective"). */
function status(r: JsonReader, key: string): TriStatus | null {
  const value = r.raw(key);
  if (value === undefined || value === null) return null;
  if (value === true || value === false) return value ? 'true' : 'false';
  if (value === 'true' || value === 'false' || value === 'error') return value;
  r.problem(key, 'expected "true", "false" or "error"');
  return null;
}

const HTTP_SCHEME = /^https?:/i;

/**
 * True for an absolute `http:` or `https:` URL with a host: both are special schemes, which
 * the URL parser accepts only with a host. Checked without building a URL object (one per
 * link of every document read).
 */
export function isHttpUrl(text: string): boolean {
  return HTTP_SCHEME.test(text) && URL.canParse(text);
}

/** Parses JSON text without throwing. */
export function parseJsonText(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: `malformed JSON: ${(error as Error).message}` };
  }
}

function run<T>(text: string, read: (json: unknown) => T): Parsed<T> {
  const json = parseJsonText(text);
  if (!json.ok) return json;
  try {
    return { ok: true, value: read(json.value) };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, error: error.message };
    throw error;
  }
}

/** CTP 4.2.1.2. */
export function parseEntryPoint(text: string): Parsed<EntryPoint> {
  return run(text, (json) => {
    const r = root(json, 'entry point');
    const serviceViews = r.has('serviceViews') ? url(r, 'serviceViews') : url(r, 'views');
    return {
      self: optionalUrl(r, 'self'),
      name: r.string('name', { fallback: '' }),
      annotation: r.string('annotation', { fallback: '' }),
      version:
        r.has('version') && typeof r.raw('version') === 'number'
          ? String(r.raw('version'))
          : r.string('version', { fallback: '' }),
      provider: r.string('provider', { fallback: '' }),
      serviceViews,
      metrics: optionalUrl(r, 'metrics'),
    };
  });
}

/** CTP 4.1.6: items are `{link, name?}` objects or bare URL strings. */
export function parseCollection(text: string): Parsed<CollectionPage> {
  return run(text, (json) => {
    const r = root(json, 'collection');
    const raw = r.array('collection', { max: SHAPE_LIMITS.collectionItems });
    const items = raw.map((item, index): CollectionLink => {
      if (typeof item === 'string') {
        if (item.length > SHAPE_LIMITS.urlLength || !isHttpUrl(item)) {
          r.problem(`collection[${index}]`, 'not an absolute http(s) URL');
        }
        return { link: item, name: '' };
      }
      const entry = present(r.item('collection', index, item));
      return { link: url(entry, 'link'), name: entry.string('name', { fallback: '' }) };
    });
    const collectionLength = r.number('collectionLength', items.length);
    const returnedLength = r.number('returnedLength', items.length);
    if (!Number.isInteger(collectionLength) || collectionLength < 0) {
      r.problem('collectionLength', 'expected an integer >= 0');
    }
    const type = r.string('collectionType', { fallback: '' });
    return {
      collectionLength,
      returnedLength,
      // SPEC-NOTES: `views` is read as `serviceViews`.
      collectionType: type === 'views' ? 'serviceViews' : type,
      items,
    };
  });
}

/** The members every scoped resource (service view, asset, attribute ...) starts with. */
function scopedResource(r: JsonReader): {
  self: string;
  scope: string | null;
  changeId: string | null;
  name: string;
  annotation: string;
} {
  return {
    self: url(r, 'self'),
    scope: optionalUrl(r, 'scope'),
    changeId: changeId(r),
    name: r.string('name', { fallback: '' }),
    annotation: r.string('annotation', { fallback: '' }),
  };
}

/** CTP 4.2.2.2 / 4.2.9.2; serviceClass `""` or `null` is none. */
export function parseServiceView(text: string): Parsed<ServiceView> {
  return run(text, (json) => {
    const r = root(json, 'service view');
    const serviceClass = r.nullableString('serviceClass');
    return {
      ...scopedResource(r),
      provider: r.string('provider', { fallback: '' }),
      serviceClass: serviceClass === '' ? null : serviceClass,
      dependencies: optionalUrl(r, 'dependencies'),
      assets: optionalUrl(r, 'assets'),
      logs: optionalUrl(r, 'logs'),
      triggers: optionalUrl(r, 'triggers'),
    };
  });
}

/** CTP 4.2.3.2. */
export function parseAsset(text: string): Parsed<Asset> {
  return run(text, (json) => {
    const r = root(json, 'asset');
    const assetClass = r.nullableString('assetClass');
    return {
      ...scopedResource(r),
      assetClass: assetClass === '' ? null : assetClass,
      attributes: optionalUrl(r, 'attributes'),
    };
  });
}

/** CTP 4.2.4.2. */
export function parseAttribute(text: string): Parsed<Attribute> {
  return run(text, (json) => {
    const r = root(json, 'attribute');
    return {
      ...scopedResource(r),
      measurements: optionalUrl(r, 'measurements'),
    };
  });
}

/** CTP 4.2.5.2 (SPEC-NOTES: `referenceMetric` accepted for `baseMetric`). */
export function parseMetric(text: string): Parsed<Metric> {
  return run(text, (json) => {
    const r = root(json, 'metric');
    const baseKey = r.has('baseMetric') ? 'baseMetric' : 'referenceMetric';
    const resultFormat = r
      .array('resultFormat', { max: 1000, optional: true })
      .map((item, index) => {
        const column = present(r.item('resultFormat', index, item));
        return { name: column.string('name'), type: column.string('type', { fallback: '' }) };
      });
    return {
      self: url(r, 'self'),
      changeId: changeId(r),
      name: r.string('name', { fallback: '' }),
      annotation: r.string('annotation', { fallback: '' }),
      baseMetric: r.string(baseKey, { fallback: '', max: SHAPE_LIMITS.urlLength }),
      measurementParameters: r.array('measurementParameters', { max: 1000, optional: true }),
      resultFormat,
    };
  });
}

function readResult(r: JsonReader, key: string, rawText: string | null): MeasurementResult | null {
  const result = r.object(key, { optional: true });
  if (result === null) return null;
  if (rawText === null) {
    r.problem(key, 'its text could not be found');
    return null;
  }
  const updateKey = result.has('updateTime') ? 'updateTime' : 'dateTime';
  const value = result.array('value', { max: SHAPE_LIMITS.resultRows });
  value.forEach((row, index) => result.item('value', index, row));
  const signature = result.nullableString('signature');
  return {
    value,
    updateTime: result.nullableString(updateKey),
    authorityId: result.nullableString('authorityId'),
    signature: signature === '' ? null : signature,
    text: rawText,
    payloadText: withoutMember(rawText, 'signature'),
  };
}

/** CTP 4.2.6.2 with the SPEC-NOTES readings; the result keeps its text as received. */
export function parseMeasurement(text: string): Parsed<Measurement> {
  return run(text, (json) => {
    const r = root(json, 'measurement');
    const objectiveReader = r.object('objective', { optional: true });
    const objective =
      objectiveReader === null
        ? null
        : {
            condition: objectiveReader.string('condition', {
              fallback: '',
              max: SHAPE_LIMITS.conditionLength,
            }),
            status: status(objectiveReader, 'status'),
            statusUpdateTime: objectiveReader.nullableString('statusUpdateTime'),
          };
    const activated = r.boolean('userActivated') ?? r.boolean('userInitiated') ?? false;
    return {
      ...scopedResource(r),
      metric: optionalUrl(r, 'metric'),
      result: readResult(r, 'result', r.has('result') ? memberValueText(text, 'result') : null),
      objective,
      createTrigger: optionalUrl(r, 'createTrigger'),
      userActivated: activated,
      state: r.string('state', { fallback: 'activated', max: 64 }),
    };
  });
}

/** CTP 4.2.7.2. */
export function parseTrigger(text: string): Parsed<Trigger> {
  return run(text, (json) => {
    const r = root(json, 'trigger');
    return {
      ...scopedResource(r),
      measurement: optionalUrl(r, 'measurement'),
      condition: r.string('condition', { fallback: '', max: SHAPE_LIMITS.conditionLength }),
      notification: r.string('notification', { fallback: '' }),
      guardTime: r.number('guardTime', 0),
      tags: r.strings('tags', SHAPE_LIMITS.tags),
      status: status(r, 'status'),
      statusUpdateTime: r.nullableString('statusUpdateTime'),
    };
  });
}

/** CTP 4.2.8.2 / 4.2.8.3. */
export function parseLogEntry(text: string): Parsed<LogEntry> {
  return run(text, (json) => {
    const r = root(json, 'log entry');
    const creationKey = r.has('creationTime') ? 'creationTime' : 'dateTime';
    return {
      self: url(r, 'self'),
      scope: optionalUrl(r, 'scope'),
      trigger: optionalUrl(r, 'trigger'),
      creationTime: r.string(creationKey, { max: 64 }),
      result: readResult(r, 'result', r.has('result') ? memberValueText(text, 'result') : null),
      error: r.nullableString('error'),
      tags: r.strings('tags', SHAPE_LIMITS.tags),
    };
  });
}
