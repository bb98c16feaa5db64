import { CTP_ID_PATTERN } from '../../../shared/ctp/ids';
import { checkResultValue, ResultProblem } from '../../../shared/ctp/results';
import { parseRfc3339 } from '../../../shared/ctp/time';
import type { ColumnType, MeasurementState, ResultColumn } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import { validateCompliance, type ComplianceInput } from '../cts/complianceValidation';
import { MIN_TOKEN_LENGTH } from './accounts';
import { checkCondition } from './conditionCheck';

/**
 * The provider document of `server import` (DESIGN.md "Provider data"), checked before
 * anything is written: every problem names its JSON path (`serviceViews[0].assets[1].name`).
 * Pure: the database-dependent checks (a metric that exists only in the database) are
 * made by the import.
 */
export interface ProviderDocument {
  name?: string;
  annotation?: string;
  provider?: string;
  authorities: Array<{ id: string; publicKey: string }>;
  metrics: MetricInput[];
  serviceViews: ViewInput[];
  accounts: AccountInput[];
  /** The OpenCTS mapping (DESIGN "Provider data"), when the document has one. */
  compliance?: ComplianceInput | undefined;
}

export interface MetricInput {
  path: string;
  id?: string;
  name: string;
  annotation: string;
  baseMetric: string;
  measurementParameters: Array<{
    name: string;
    type: ColumnType;
    value: string | number | boolean;
  }>;
  resultFormat: ResultColumn[];
}

export interface ViewInput {
  path: string;
  id?: string;
  name: string;
  annotation: string;
  provider: string;
  serviceClass: string | null;
  dependencies: ViewInput[];
  assets: AssetInput[];
}

export interface AssetInput {
  path: string;
  id?: string;
  name: string;
  annotation: string;
  assetClass: string;
  attributes: AttributeInput[];
}

export interface AttributeInput {
  path: string;
  id?: string;
  name: string;
  annotation: string;
  measurements: MeasurementInput[];
}

export interface ResultInput {
  path: string;
  /** The result as JSON text (re-serialized from the document). */
  text: string;
  value: unknown;
}

export interface MeasurementInput {
  path: string;
  id?: string;
  name: string;
  annotation: string;
  /** The metric's id (in the document or already in the database). */
  metric: string;
  userActivated: boolean;
  state: MeasurementState;
  triggersAllowed: boolean;
  objective: string | null;
  result: ResultInput | null;
  history: ResultInput[];
}

export interface AccountInput {
  path: string;
  name: string;
  tokens: string[];
  serviceViews: string[];
}

/** Bounds on a document (bounded input). */
export const PROVIDER_LIMITS = { text: 4096, items: 10_000, depth: 16, historyItems: 100_000 };

const COLUMN_TYPES = new Set(['boolean', 'number', 'string']);
const STATES = new Set(['activated', 'deactivated', 'pending']);

type Json = Record<string, unknown>;

class Checker {
  readonly problems: string[] = [];

  problem(path: string, message: string): void {
    if (this.problems.length < 50) this.problems.push(`${path}: ${message}`);
  }

  object(value: unknown, path: string, keys: readonly string[]): Json | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problem(path, 'must be an object');
      return null;
    }
    for (const key of Object.keys(value)) {
      if (!keys.includes(key))
        this.problem(`${path}.${key}`, `is not a known property (known: ${keys.join(', ')})`);
    }
    return value as Json;
  }

  array(record: Json, key: string, path: string, max = PROVIDER_LIMITS.items): unknown[] {
    const value = record[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem(`${path}.${key}`, 'must be an array');
      return [];
    }
    if (value.length > max)
      this.problem(`${path}.${key}`, `has ${value.length} items; at most ${max} are allowed`);
    return value.slice(0, max);
  }

  text(
    record: Json,
    key: string,
    path: string,
    options: { required?: boolean; fallback?: string } = {},
  ): string {
    const value = record[key];
    if (value === undefined || (value === null && !options.required)) {
      if (options.required) this.problem(`${path}.${key}`, 'is required (a string)');
      return options.fallback ?? '';
    }
    if (typeof value !== 'string') {
      this.problem(`${path}.${key}`, 'must be a string');
      return '';
    }
    if (value.length > PROVIDER_LIMITS.text)
      this.problem(`${path}.${key}`, `is longer than ${PROVIDER_LIMITS.text} characters`);
    return value;
  }

  id(record: Json, path: string, key = 'id'): string | undefined {
    const value = record[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !CTP_ID_PATTERN.test(value)) {
      this.problem(
        `${path}.${key}`,
        'must be a CTP identifier: 1 to 96 characters of A-Z a-z 0-9 - _ (CTP 4.1.3)',
      );
      return undefined;
    }
    return value;
  }

  boolean(record: Json, keys: readonly string[], path: string, fallback: boolean): boolean {
    for (const key of keys) {
      const value = record[key];
      if (value === undefined) continue;
      if (typeof value === 'boolean') return value;
      // SPEC-NOTES "user activation": "true"/"false" strings are accepted on input.
      if (value === 'true' || value === 'false') return value === 'true';
      this.problem(`${path}.${key}`, 'must be true or false');
    }
    return fallback;
  }
}

export function validateProvider(input: unknown): ProviderDocument {
  const c = new Checker();
  const root = c.object(input, '$', [
    'name',
    'annotation',
    'provider',
    'version',
    'authorities',
    'metrics',
    'serviceViews',
    'views',
    'accounts',
    'compliance',
  ]);
  if (root === null) throw invalid(c.problems);
  const doc: ProviderDocument = {
    authorities: [],
    metrics: [],
    serviceViews: [],
    accounts: [],
  };
  for (const key of ['name', 'annotation', 'provider'] as const) {
    if (root[key] !== undefined) doc[key] = c.text(root, key, '$');
  }
  c.array(root, 'authorities', '$').forEach((item, index) => {
    const path = `authorities[${index}]`;
    const record = c.object(item, path, ['id', 'publicKey']);
    if (record === null) return;
    const id = c.text(record, 'id', path, { required: true });
    const publicKey = c.text(record, 'publicKey', path, { required: true });
    if (publicKey !== '' && !publicKey.includes('BEGIN PUBLIC KEY')) {
      c.problem(`${path}.publicKey`, 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)');
    }
    doc.authorities.push({ id, publicKey });
  });
  const formats = new Map<string, ResultColumn[]>();
  c.array(root, 'metrics', '$').forEach((item, index) => {
    const metric = validateMetric(c, item, `metrics[${index}]`);
    if (metric === null) return;
    if (metric.id !== undefined) formats.set(metric.id, metric.resultFormat);
    doc.metrics.push(metric);
  });
  const seen = new Set<string>();
  const claim = (id: string | undefined, path: string): void => {
    if (id === undefined) return;
    if (seen.has(id)) c.problem(`${path}.id`, `"${id}" is used twice in the document`);
    seen.add(id);
  };
  doc.metrics.forEach((m) => claim(m.id, m.path));
  const viewsKey = root.serviceViews !== undefined ? 'serviceViews' : 'views';
  c.array(root, viewsKey, '$').forEach((item, index) => {
    const view = validateView(c, item, `serviceViews[${index}]`, 0, claim, formats, true);
    if (view !== null) doc.serviceViews.push(view);
  });
  c.array(root, 'accounts', '$').forEach((item, index) => {
    const path = `accounts[${index}]`;
    const record = c.object(item, path, ['name', 'token', 'tokens', 'serviceViews']);
    if (record === null) return;
    const name = c.text(record, 'name', path, { required: true });
    if (record.name !== undefined && name.trim() === '')
      c.problem(`${path}.name`, 'must not be empty');
    const tokens = [
      ...(record.token === undefined ? [] : [c.text(record, 'token', path)]),
      ...c.array(record, 'tokens', path).map((t, i) => {
        if (typeof t !== 'string') c.problem(`${path}.tokens[${i}]`, 'must be a string');
        return typeof t === 'string' ? t : '';
      }),
    ];
    tokens.forEach((token, i) => {
      if (token.length < MIN_TOKEN_LENGTH) {
        c.problem(
          `${path}.${record.token !== undefined && i === 0 ? 'token' : `tokens[${i}]`}`,
          `must be at least ${MIN_TOKEN_LENGTH} characters (use \`server token create\` for a random one)`,
        );
      }
    });
    const serviceViews = c.array(record, 'serviceViews', path).map((v, i) => {
      if (typeof v !== 'string' || !CTP_ID_PATTERN.test(v))
        c.problem(`${path}.serviceViews[${i}]`, 'must be a service view id');
      return String(v);
    });
    doc.accounts.push({ path, name, tokens, serviceViews });
  });
  doc.compliance = validateCompliance(root.compliance, (path, text) => c.problem(path, text));
  if (c.problems.length > 0) throw invalid(c.problems);
  return doc;
}

function validateMetric(c: Checker, item: unknown, path: string): MetricInput | null {
  const record = c.object(item, path, [
    'id',
    'name',
    'annotation',
    'baseMetric',
    'referenceMetric',
    'measurementParameters',
    'resultFormat',
  ]);
  if (record === null) return null;
  const baseKey = record.baseMetric !== undefined ? 'baseMetric' : 'referenceMetric';
  const metric: MetricInput = {
    path,
    id: c.id(record, path),
    name: c.text(record, 'name', path, { required: true }),
    annotation: c.text(record, 'annotation', path),
    baseMetric: c.text(record, baseKey, path),
    measurementParameters: [],
    resultFormat: [],
  };
  c.array(record, 'measurementParameters', path, 256).forEach((p, index) => {
    const pPath = `${path}.measurementParameters[${index}]`;
    const param = c.object(p, pPath, ['name', 'type', 'value']);
    if (param === null) return;
    const name = c.text(param, 'name', pPath, { required: true });
    const type = c.text(param, 'type', pPath, { required: true });
    if (!COLUMN_TYPES.has(type))
      c.problem(`${pPath}.type`, 'must be "boolean", "number" or "string" (CTP 4.2.5.2)');
    else if (typeof param.value !== type)
      c.problem(`${pPath}.value`, `must be a ${type} (the parameter's type)`);
    metric.measurementParameters.push({
      name,
      type: type as ColumnType,
      value: param.value as string,
    });
  });
  const names = new Set<string>();
  c.array(record, 'resultFormat', path, 256).forEach((col, index) => {
    const cPath = `${path}.resultFormat[${index}]`;
    const column = c.object(col, cPath, ['name', 'type']);
    if (column === null) return;
    const name = c.text(column, 'name', cPath, { required: true });
    const type = c.text(column, 'type', cPath, { required: true });
    if (!COLUMN_TYPES.has(type))
      c.problem(`${cPath}.type`, 'must be "boolean", "number" or "string" (CTP 4.2.5.2)');
    if (names.has(name)) c.problem(`${cPath}.name`, `column "${name}" appears twice`);
    names.add(name);
    metric.resultFormat.push({ name, type: type as ColumnType });
  });
  if (record.resultFormat === undefined)
    c.problem(`${path}.resultFormat`, 'is required (the columns of a result, CTP 4.4)');
  return metric;
}

function validateView(
  c: Checker,
  item: unknown,
  path: string,
  depth: number,
  claim: (id: string | undefined, path: string) => void,
  formats: Map<string, ResultColumn[]>,
  root: boolean,
): ViewInput | null {
  const keys = ['id', 'name', 'annotation', 'provider', 'serviceClass', 'dependencies'];
  const record = c.object(item, path, root ? [...keys, 'assets'] : keys);
  if (record === null) return null;
  if (depth > PROVIDER_LIMITS.depth) {
    c.problem(path, `dependencies nest deeper than ${PROVIDER_LIMITS.depth} levels`);
    return null;
  }
  const serviceClass = record.serviceClass;
  const view: ViewInput = {
    path,
    id: c.id(record, path),
    name: c.text(record, 'name', path),
    annotation: c.text(record, 'annotation', path),
    provider: c.text(record, 'provider', path),
    // SPEC-NOTES: "" is read as no service class.
    serviceClass:
      serviceClass === '' || serviceClass === undefined
        ? null
        : c.text(record, 'serviceClass', path) || null,
    dependencies: [],
    assets: [],
  };
  claim(view.id, path);
  c.array(record, 'dependencies', path).forEach((dep, index) => {
    const child = validateView(
      c,
      dep,
      `${path}.dependencies[${index}]`,
      depth + 1,
      claim,
      formats,
      false,
    );
    if (child !== null) view.dependencies.push(child);
  });
  c.array(record, 'assets', path).forEach((a, index) => {
    const aPath = `${path}.assets[${index}]`;
    const asset = c.object(a, aPath, ['id', 'name', 'annotation', 'assetClass', 'attributes']);
    if (asset === null) return;
    const assetInput: AssetInput = {
      path: aPath,
      id: c.id(asset, aPath),
      name: c.text(asset, 'name', aPath, { required: true }),
      annotation: c.text(asset, 'annotation', aPath),
      // SPEC-NOTES: null is read as no asset class, emitted as "".
      assetClass: c.text(asset, 'assetClass', aPath),
      attributes: [],
    };
    claim(assetInput.id, aPath);
    c.array(asset, 'attributes', aPath).forEach((t, tIndex) => {
      const tPath = `${aPath}.attributes[${tIndex}]`;
      const attribute = c.object(t, tPath, ['id', 'name', 'annotation', 'measurements']);
      if (attribute === null) return;
      const attributeInput: AttributeInput = {
        path: tPath,
        id: c.id(attribute, tPath),
        name: c.text(attribute, 'name', tPath),
        annotation: c.text(attribute, 'annotation', tPath),
        measurements: [],
      };
      claim(attributeInput.id, tPath);
      c.array(attribute, 'measurements', tPath).forEach((m, mIndex) => {
        const measurement = validateMeasurement(c, m, `${tPath}.measurements[${mIndex}]`, formats);
        if (measurement === null) return;
        claim(measurement.id, measurement.path);
        attributeInput.measurements.push(measurement);
      });
      assetInput.attributes.push(attributeInput);
    });
    view.assets.push(assetInput);
  });
  return view;
}

function validateMeasurement(
  c: Checker,
  item: unknown,
  path: string,
  formats: Map<string, ResultColumn[]>,
): MeasurementInput | null {
  const record = c.object(item, path, [
    'id',
    'name',
    'annotation',
    'metric',
    'userActivated',
    'userInitiated',
    'state',
    'triggersAllowed',
    'createTrigger',
    'objective',
    'result',
    'history',
  ]);
  if (record === null) return null;
  const metricText = c.text(record, 'metric', path, { required: true });
  // A metric may be named by id or by its CTP URL (`…/metrics/{id}`).
  const metric = /\/metrics\/([A-Za-z0-9_=-]{1,96})$/.exec(metricText)?.[1] ?? metricText;
  if (metricText !== '' && !CTP_ID_PATTERN.test(metric))
    c.problem(`${path}.metric`, 'must be the id of a metric');
  const userActivated = c.boolean(record, ['userActivated', 'userInitiated'], path, false);
  const stateText = c.text(record, 'state', path, {
    fallback: userActivated ? 'deactivated' : 'activated',
  });
  if (!STATES.has(stateText))
    c.problem(`${path}.state`, 'must be "activated", "deactivated" or "pending"');
  if (!userActivated && stateText === 'deactivated') {
    c.problem(
      `${path}.state`,
      'only a user-activated measurement may be "deactivated" (CTP 4.2.6.2)',
    );
  }
  const triggersAllowed = c.boolean(record, ['triggersAllowed'], path, true);
  let objective: string | null = null;
  if (record.objective !== undefined && record.objective !== null) {
    const oPath = `${path}.objective`;
    const o = c.object(record.objective, oPath, ['condition', 'status', 'statusUpdateTime']);
    if (o !== null) {
      objective = c.text(o, 'condition', oPath, { required: true });
      const problem = checkCondition(objective, formats.get(metric));
      if (problem !== null) c.problem(`${oPath}.condition`, problem);
    }
  }
  const format = formats.get(metric);
  const result = (value: unknown, rPath: string): ResultInput | null => {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'object' || Array.isArray(value)) {
      c.problem(rPath, 'must be a result object {"value": [...], "updateTime": ...}');
      return null;
    }
    const r = value as Json;
    if (format !== undefined) {
      try {
        checkResultValue(r.value, format, `${rPath}.value`);
      } catch (error) {
        if (error instanceof ResultProblem)
          c.problem(error.path, error.message.slice(error.path.length + 2));
      }
    }
    const time = r.updateTime ?? r.dateTime;
    if (time !== undefined && (typeof time !== 'string' || parseRfc3339(time) === null)) {
      c.problem(`${rPath}.updateTime`, 'must be an RFC 3339 date-time');
    }
    return { path: rPath, text: JSON.stringify(value), value };
  };
  const history = c
    .array(record, 'history', path, PROVIDER_LIMITS.historyItems)
    .map((h, index) => result(h, `${path}.history[${index}]`))
    .filter((h): h is ResultInput => h !== null);
  const measurement: MeasurementInput = {
    path,
    id: c.id(record, path),
    name: c.text(record, 'name', path),
    annotation: c.text(record, 'annotation', path),
    metric,
    userActivated,
    state: stateText as MeasurementState,
    triggersAllowed,
    objective,
    result: result(record.result, `${path}.result`),
    history,
  };
  return measurement;
}

function invalid(problems: readonly string[]): AppError {
  const shown = problems.slice(0, 10);
  const more =
    problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
  return new AppError(
    'CTP_PROVIDER_INVALID',
    `The provider data is invalid; nothing was imported:\n  ${shown.join('\n  ')}${more}`,
    { details: { problems: [...problems] } },
  );
}
