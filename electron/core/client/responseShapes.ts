/**
 * Tolerant, bounded parsing of what a vendor's CTP server sends (CTP 4.1–4.2, with every
 * reading SPEC-NOTES "CTP" lists under "we also accept"). Pure: text in, a typed value or
 * an error naming the JSON path out. Nothing a vendor sends is trusted: strings and arrays
 * are bounded, URLs must be absolute http(s), and unknown members are ignored.
 */
import { memberValueText, withoutMember } from '../../../shared/ctp/jsonText';

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

/** Reads one JSON object, naming the path of the first member that does not fit. */
class Reader {
  constructor(
    private readonly members: Record<string, unknown>,
    private readonly path: string,
  ) {}

  static root(value: unknown, what: string): Reader {
    if (!isPlainObject(value)) throw new ShapeError(`${what}: expected a JSON object`);
    return new Reader(value, '');
  }

  private at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.members, key) && this.members[key] !== undefined;
  }

  raw(key: string): unknown {
    return Object.hasOwn(this.members, key) ? this.members[key] : undefined;
  }

  /** A string; a missing member gives `fallback` when one is given. */
  string(key: string, fallback?: string, max: number = SHAPE_LIMITS.stringLength): string {
    const value = this.raw(key);
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw new ShapeError(`${this.at(key)}: missing (expected a string)`);
    }
    if (typeof value !== 'string') {
      throw new ShapeError(`${this.at(key)}: expected a string, got ${typeName(value)}`);
    }
    if (value.length > max) throw new ShapeError(`${this.at(key)}: longer than ${max} characters`);
    return value;
  }

  nullableString(key: string): string | null {
    const value = this.raw(key);
    if (value === undefined || value === null) return null;
    return this.string(key);
  }

  /** An absolute http(s) URL; `""` and `null` give null when `optional`. */
  url(key: string, optional: true): string | null;
  url(key: string, optional?: false): string;
  url(key: string, optional = false): string | null {
    const value = this.raw(key);
    if (optional && (value === undefined || value === null || value === '')) return null;
    const text = this.string(key, undefined, SHAPE_LIMITS.urlLength);
    if (!isHttpUrl(text)) throw new ShapeError(`${this.at(key)}: not an absolute http(s) URL`);
    return text;
  }

  /** CTP 4.1.5.5: a string; numbers are accepted (turned into their decimal text). */
  changeId(): string | null {
    const value = this.raw('changeId');
    if (value === undefined || value === null) return null;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return this.string('changeId', undefined, 256);
  }

  /** A boolean; `"true"`/`"false"` strings are accepted (SPEC-NOTES "user activation"). */
  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new ShapeError(`${this.at(key)}: expected a boolean, got ${typeName(value)}`);
  }

  number(key: string, fallback?: number): number {
    const value = this.raw(key);
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw new ShapeError(`${this.at(key)}: missing (expected a number)`);
    }
    if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ShapeError(`${this.at(key)}: expected a number, got ${typeName(value)}`);
    }
    return value;
  }

  /** A tri-state status: `"true"|"false"|"error"` or a boolean (SPEC-NOTES "objective"). */
  status(key: string): TriStatus | null {
    const value = this.raw(key);
    if (value === undefined || value === null) return null;
    if (value === true || value === false) return value ? 'true' : 'false';
    if (value === 'true' || value === 'false' || value === 'error') return value;
    throw new ShapeError(`${this.at(key)}: expected "true", "false" or "error"`);
  }

  array(key: string, max: number, optional = false): unknown[] {
    const value = this.raw(key);
    if (optional && (value === undefined || value === null)) return [];
    if (!Array.isArray(value)) {
      throw new ShapeError(`${this.at(key)}: expected an array, got ${typeName(value)}`);
    }
    if (value.length > max) throw new ShapeError(`${this.at(key)}: more than ${max} elements`);
    return value;
  }

  strings(key: string, max: number): string[] {
    return this.array(key, max, true).map((item, index) => {
      if (typeof item !== 'string')
        throw new ShapeError(`${this.at(key)}[${index}]: expected a string`);
      if (item.length > SHAPE_LIMITS.stringLength) {
        throw new ShapeError(`${this.at(key)}[${index}]: too long`);
      }
      return item;
    });
  }

  object(key: string, optional: true): Reader | null;
  object(key: string, optional?: false): Reader;
  object(key: string, optional = false): Reader | null {
    const value = this.raw(key);
    if (optional && (value === undefined || value === null)) return null;
    if (!isPlainObject(value)) {
      throw new ShapeError(`${this.at(key)}: expected an object, got ${typeName(value)}`);
    }
    return new Reader(value, this.at(key));
  }

  child(value: unknown, index: number, key: string): Reader {
    const path = `${this.at(key)}[${index}]`;
    if (!isPlainObject(value)) throw new ShapeError(`${path}: expected an object`);
    return new Reader(value, path);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
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
    const r = Reader.root(json, 'entry point');
    const serviceViews = r.has('serviceViews') ? r.url('serviceViews') : r.url('views');
    return {
      self: r.url('self', true),
      name: r.string('name', ''),
      annotation: r.string('annotation', ''),
      version:
        r.has('version') && typeof r.raw('version') === 'number'
          ? String(r.raw('version'))
          : r.string('version', ''),
      provider: r.string('provider', ''),
      serviceViews,
      metrics: r.url('metrics', true),
    };
  });
}

/** CTP 4.1.6: items are `{link, name?}` objects or bare URL strings. */
export function parseCollection(text: string): Parsed<CollectionPage> {
  return run(text, (json) => {
    const r = Reader.root(json, 'collection');
    const raw = r.array('collection', SHAPE_LIMITS.collectionItems);
    const items = raw.map((item, index): CollectionLink => {
      if (typeof item === 'string') {
        if (item.length > SHAPE_LIMITS.urlLength || !isHttpUrl(item)) {
          throw new ShapeError(`collection[${index}]: not an absolute http(s) URL`);
        }
        return { link: item, name: '' };
      }
      const entry = r.child(item, index, 'collection');
      return { link: entry.url('link'), name: entry.string('name', '') };
    });
    const collectionLength = r.number('collectionLength', items.length);
    const returnedLength = r.number('returnedLength', items.length);
    if (!Number.isInteger(collectionLength) || collectionLength < 0) {
      throw new ShapeError('collectionLength: expected an integer >= 0');
    }
    const type = r.string('collectionType', '');
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
function scopedResource(r: Reader): {
  self: string;
  scope: string | null;
  changeId: string | null;
  name: string;
  annotation: string;
} {
  return {
    self: r.url('self'),
    scope: r.url('scope', true),
    changeId: r.changeId(),
    name: r.string('name', ''),
    annotation: r.string('annotation', ''),
  };
}

/** CTP 4.2.2.2 / 4.2.9.2; serviceClass `""` or `null` is none. */
export function parseServiceView(text: string): Parsed<ServiceView> {
  return run(text, (json) => {
    const r = Reader.root(json, 'service view');
    const serviceClass = r.nullableString('serviceClass');
    return {
      ...scopedResource(r),
      provider: r.string('provider', ''),
      serviceClass: serviceClass === '' ? null : serviceClass,
      dependencies: r.url('dependencies', true),
      assets: r.url('assets', true),
      logs: r.url('logs', true),
      triggers: r.url('triggers', true),
    };
  });
}

/** CTP 4.2.3.2. */
export function parseAsset(text: string): Parsed<Asset> {
  return run(text, (json) => {
    const r = Reader.root(json, 'asset');
    const assetClass = r.nullableString('assetClass');
    return {
      ...scopedResource(r),
      assetClass: assetClass === '' ? null : assetClass,
      attributes: r.url('attributes', true),
    };
  });
}

/** CTP 4.2.4.2. */
export function parseAttribute(text: string): Parsed<Attribute> {
  return run(text, (json) => {
    const r = Reader.root(json, 'attribute');
    return {
      ...scopedResource(r),
      measurements: r.url('measurements', true),
    };
  });
}

/** CTP 4.2.5.2 (SPEC-NOTES: `referenceMetric` accepted for `baseMetric`). */
export function parseMetric(text: string): Parsed<Metric> {
  return run(text, (json) => {
    const r = Reader.root(json, 'metric');
    const baseKey = r.has('baseMetric') ? 'baseMetric' : 'referenceMetric';
    const resultFormat = r.array('resultFormat', 1000, true).map((item, index) => {
      const column = r.child(item, index, 'resultFormat');
      return { name: column.string('name'), type: column.string('type', '') };
    });
    return {
      self: r.url('self'),
      changeId: r.changeId(),
      name: r.string('name', ''),
      annotation: r.string('annotation', ''),
      baseMetric: r.string(baseKey, '', SHAPE_LIMITS.urlLength),
      measurementParameters: r.array('measurementParameters', 1000, true),
      resultFormat,
    };
  });
}

function readResult(r: Reader, key: string, rawText: string | null): MeasurementResult | null {
  const result = r.object(key, true);
  if (result === null) return null;
  if (rawText === null) throw new ShapeError(`${key}: its text could not be found`);
  const updateKey = result.has('updateTime') ? 'updateTime' : 'dateTime';
  const value = result.array('value', SHAPE_LIMITS.resultRows);
  value.forEach((row, index) => {
    if (!isPlainObject(row)) throw new ShapeError(`${key}.value[${index}]: expected an object`);
  });
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
    const r = Reader.root(json, 'measurement');
    const objectiveReader = r.object('objective', true);
    const objective =
      objectiveReader === null
        ? null
        : {
            condition: objectiveReader.string('condition', '', SHAPE_LIMITS.conditionLength),
            status: objectiveReader.status('status'),
            statusUpdateTime: objectiveReader.nullableString('statusUpdateTime'),
          };
    const activated = r.boolean('userActivated') ?? r.boolean('userInitiated') ?? false;
    return {
      ...scopedResource(r),
      metric: r.url('metric', true),
      result: readResult(r, 'result', r.has('result') ? memberValueText(text, 'result') : null),
      objective,
      createTrigger: r.url('createTrigger', true),
      userActivated: activated,
      state: r.string('state', 'activated', 64),
    };
  });
}

/** CTP 4.2.7.2. */
export function parseTrigger(text: string): Parsed<Trigger> {
  return run(text, (json) => {
    const r = Reader.root(json, 'trigger');
    return {
      ...scopedResource(r),
      measurement: r.url('measurement', true),
      condition: r.string('condition', '', SHAPE_LIMITS.conditionLength),
      notification: r.string('notification', ''),
      guardTime: r.number('guardTime', 0),
      tags: r.strings('tags', SHAPE_LIMITS.tags),
      status: r.status('status'),
      statusUpdateTime: r.nullableString('statusUpdateTime'),
    };
  });
}

/** CTP 4.2.8.2 / 4.2.8.3. */
export function parseLogEntry(text: string): Parsed<LogEntry> {
  return run(text, (json) => {
    const r = Reader.root(json, 'log entry');
    const creationKey = r.has('creationTime') ? 'creationTime' : 'dateTime';
    return {
      self: r.url('self'),
      scope: r.url('scope', true),
      trigger: r.url('trigger', true),
      creationTime: r.string(creationKey, undefined, 64),
      result: readResult(r, 'result', r.has('result') ? memberValueText(text, 'result') : null),
      error: r.nullableString('error'),
      tags: r.strings('tags', SHAPE_LIMITS.tags),
    };
  });
}
