import { CTP_ID_PATTERN } from '../../../shared/ctp/ids';
import { checkResultValue, ResultProblem } from '../../../shared/ctp/results';
import { parseRfc3339 } from '../../../shared/ctp/time';
import type { ColumnType, MeasurementState, ResultColumn } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import { AUTHOR_PHRASING, JsonReader, type JsonProblems } from '../../../shared/jsonReader';
import { isPlainObject } from '../../../shared/plainObject';
import { validateCompliance, type ComplianceInput } from '../cts/complianceValidation';
import type { ImportProblem } from '../../../shared/serverConsole';
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

/** Problems listed for the document's author, at most MAX_PROBLEMS of them. */
const MAX_PROBLEMS = 50;

/** A read of the document that lists its problems (with their paths) and goes on. */
function collectProblems(): JsonProblems & { readonly list: ImportProblem[] } {
  const list: ImportProblem[] = [];
  return {
    list,
    report(path, message) {
      if (list.length < MAX_PROBLEMS) list.push({ path, message });
    },
    phrasing: AUTHOR_PHRASING,
    limits: { text: PROVIDER_LIMITS.text, items: PROVIDER_LIMITS.items },
  };
}

/** An optional CTP identifier (CTP 4.1.3). */
function ctpId(record: JsonReader, key = 'id'): string | undefined {
  const value = record.raw(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !CTP_ID_PATTERN.test(value)) {
    record.problem(
      key,
      'must be a CTP identifier: 1 to 96 characters of A-Z a-z 0-9 - _ (CTP 4.1.3)',
    );
    return undefined;
  }
  return value;
}

/** An optional string member ('' when absent). */
function optionalText(record: JsonReader, key: string): string {
  return record.string(key, { fallback: '' });
}

export function validateProvider(input: unknown): ProviderDocument {
  const problems = collectProblems();
  const root = JsonReader.object(input, '$', problems, [
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
  if (root === null) throw invalidProvider(problems.list);
  const doc: ProviderDocument = {
    authorities: [],
    metrics: [],
    serviceViews: [],
    accounts: [],
  };
  for (const key of ['name', 'annotation', 'provider'] as const) {
    if (root.has(key)) doc[key] = optionalText(root, key);
  }
  root.array('authorities', { optional: true }).forEach((item, index) => {
    const record = JsonReader.object(item, `authorities[${index}]`, problems, ['id', 'publicKey']);
    if (record === null) return;
    const id = record.string('id');
    const publicKey = record.string('publicKey');
    if (publicKey !== '' && !publicKey.includes('BEGIN PUBLIC KEY')) {
      record.problem('publicKey', 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)');
    }
    doc.authorities.push({ id, publicKey });
  });
  const formats = new Map<string, ResultColumn[]>();
  root.array('metrics', { optional: true }).forEach((item, index) => {
    const metric = validateMetric(
      JsonReader.object(item, `metrics[${index}]`, problems, METRIC_KEYS),
    );
    if (metric === null) return;
    if (metric.id !== undefined) formats.set(metric.id, metric.resultFormat);
    doc.metrics.push(metric);
  });
  const seen = new Set<string>();
  const claim = (id: string | undefined, path: string): void => {
    if (id === undefined) return;
    if (seen.has(id)) problems.report(`${path}.id`, `"${id}" is used twice in the document`);
    seen.add(id);
  };
  doc.metrics.forEach((m) => claim(m.id, m.path));
  const viewsKey = root.has('serviceViews') ? 'serviceViews' : 'views';
  root.array(viewsKey, { optional: true }).forEach((item, index) => {
    const view = validateView(
      JsonReader.object(item, `serviceViews[${index}]`, problems, [...VIEW_KEYS, 'assets']),
      0,
      { claim, formats, problems },
    );
    if (view !== null) doc.serviceViews.push(view);
  });
  root.array('accounts', { optional: true }).forEach((item, index) => {
    const account = validateAccount(
      JsonReader.object(item, `accounts[${index}]`, problems, [
        'name',
        'token',
        'tokens',
        'serviceViews',
      ]),
    );
    if (account !== null) doc.accounts.push(account);
  });
  doc.compliance = validateCompliance(root.raw('compliance'), (path, text) =>
    problems.report(path, text),
  );
  if (problems.list.length > 0) throw invalidProvider(problems.list);
  return doc;
}

function validateAccount(record: JsonReader | null): AccountInput | null {
  if (record === null) return null;
  const name = record.string('name');
  if (record.has('name') && name.trim() === '') record.problem('name', 'must not be empty');
  const hasToken = record.has('token');
  const tokens = [
    ...(hasToken ? [optionalText(record, 'token')] : []),
    ...record.strings('tokens'),
  ];
  tokens.forEach((token, i) => {
    if (token.length < MIN_TOKEN_LENGTH) {
      record.problem(
        hasToken && i === 0 ? 'token' : `tokens[${hasToken ? i - 1 : i}]`,
        `must be at least ${MIN_TOKEN_LENGTH} characters (use \`server token create\` for a random one)`,
      );
    }
  });
  const serviceViews = record.array('serviceViews', { optional: true }).map((v, i) => {
    if (typeof v !== 'string' || !CTP_ID_PATTERN.test(v))
      record.problem(`serviceViews[${i}]`, 'must be a service view id');
    return String(v);
  });
  return { path: record.path, name, tokens, serviceViews };
}

const METRIC_KEYS = [
  'id',
  'name',
  'annotation',
  'baseMetric',
  'referenceMetric',
  'measurementParameters',
  'resultFormat',
];

function validateMetric(record: JsonReader | null): MetricInput | null {
  if (record === null) return null;
  const baseKey = record.has('baseMetric') ? 'baseMetric' : 'referenceMetric';
  const metric: MetricInput = {
    path: record.path,
    id: ctpId(record),
    name: record.string('name'),
    annotation: optionalText(record, 'annotation'),
    baseMetric: optionalText(record, baseKey),
    measurementParameters: [],
    resultFormat: [],
  };
  record.array('measurementParameters', { max: 256, optional: true }).forEach((p, index) => {
    const param = record.item('measurementParameters', index, p, ['name', 'type', 'value']);
    if (param === null) return;
    const name = param.string('name');
    const type = param.string('type');
    if (!COLUMN_TYPES.has(type))
      param.problem('type', 'must be "boolean", "number" or "string" (CTP 4.2.5.2)');
    else if (typeof param.raw('value') !== type)
      param.problem('value', `must be a ${type} (the parameter's type)`);
    metric.measurementParameters.push({
      name,
      type: type as ColumnType,
      value: param.raw('value') as string,
    });
  });
  const names = new Set<string>();
  record.array('resultFormat', { max: 256, optional: true }).forEach((col, index) => {
    const column = record.item('resultFormat', index, col, ['name', 'type']);
    if (column === null) return;
    const name = column.string('name');
    const type = column.string('type');
    if (!COLUMN_TYPES.has(type))
      column.problem('type', 'must be "boolean", "number" or "string" (CTP 4.2.5.2)');
    if (names.has(name)) column.problem('name', `column "${name}" appears twice`);
    names.add(name);
    metric.resultFormat.push({ name, type: type as ColumnType });
  });
  if (!record.has('resultFormat'))
    record.problem('resultFormat', 'is required (the columns of a result, CTP 4.4)');
  return metric;
}

const VIEW_KEYS = ['id', 'name', 'annotation', 'provider', 'serviceClass', 'dependencies'];

/** What the walk over service views shares: ids seen, the metrics' result formats. */
interface ViewWalk {
  claim: (id: string | undefined, path: string) => void;
  formats: Map<string, ResultColumn[]>;
  problems: JsonProblems;
}

function validateView(record: JsonReader | null, depth: number, walk: ViewWalk): ViewInput | null {
  if (record === null) return null;
  if (depth > PROVIDER_LIMITS.depth) {
    walk.problems.report(
      record.path,
      `dependencies nest deeper than ${PROVIDER_LIMITS.depth} levels`,
    );
    return null;
  }
  const serviceClass = record.raw('serviceClass');
  const view: ViewInput = {
    path: record.path,
    id: ctpId(record),
    name: optionalText(record, 'name'),
    annotation: optionalText(record, 'annotation'),
    provider: optionalText(record, 'provider'),
    // SPEC-NOTES: "" is read as no service class.
    serviceClass:
      serviceClass === '' || serviceClass === undefined
        ? null
        : optionalText(record, 'serviceClass') || null,
    dependencies: [],
    assets: [],
  };
  walk.claim(view.id, record.path);
  record.array('dependencies', { optional: true }).forEach((dep, index) => {
    const child = validateView(record.item('dependencies', index, dep, VIEW_KEYS), depth + 1, walk);
    if (child !== null) view.dependencies.push(child);
  });
  record.array('assets', { optional: true }).forEach((a, index) => {
    const asset = validateAsset(
      record.item('assets', index, a, ['id', 'name', 'annotation', 'assetClass', 'attributes']),
      walk,
    );
    if (asset !== null) view.assets.push(asset);
  });
  return view;
}

function validateAsset(asset: JsonReader | null, walk: ViewWalk): AssetInput | null {
  if (asset === null) return null;
  const assetInput: AssetInput = {
    path: asset.path,
    id: ctpId(asset),
    name: asset.string('name'),
    annotation: optionalText(asset, 'annotation'),
    // SPEC-NOTES: null is read as no asset class, emitted as "".
    assetClass: optionalText(asset, 'assetClass'),
    attributes: [],
  };
  walk.claim(assetInput.id, asset.path);
  asset.array('attributes', { optional: true }).forEach((t, tIndex) => {
    const attribute = asset.item('attributes', tIndex, t, [
      'id',
      'name',
      'annotation',
      'measurements',
    ]);
    if (attribute === null) return;
    const attributeInput: AttributeInput = {
      path: attribute.path,
      id: ctpId(attribute),
      name: optionalText(attribute, 'name'),
      annotation: optionalText(attribute, 'annotation'),
      measurements: [],
    };
    walk.claim(attributeInput.id, attribute.path);
    attribute.array('measurements', { optional: true }).forEach((m, mIndex) => {
      const measurement = validateMeasurement(
        attribute.item('measurements', mIndex, m, MEASUREMENT_KEYS),
        walk,
      );
      if (measurement === null) return;
      walk.claim(measurement.id, measurement.path);
      attributeInput.measurements.push(measurement);
    });
    assetInput.attributes.push(attributeInput);
  });
  return assetInput;
}

const MEASUREMENT_KEYS = [
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
];

function validateMeasurement(record: JsonReader | null, walk: ViewWalk): MeasurementInput | null {
  if (record === null) return null;
  const metricText = record.string('metric');
  // A metric may be named by id or by its CTP URL (`…/metrics/{id}`).
  const metric = /\/metrics\/([A-Za-z0-9_=-]{1,96})$/.exec(metricText)?.[1] ?? metricText;
  if (metricText !== '' && !CTP_ID_PATTERN.test(metric))
    record.problem('metric', 'must be the id of a metric');
  const userActivated = record.boolean('userActivated') ?? record.boolean('userInitiated') ?? false;
  const stateText = record.string('state', {
    fallback: userActivated ? 'deactivated' : 'activated',
  });
  if (!STATES.has(stateText))
    record.problem('state', 'must be "activated", "deactivated" or "pending"');
  if (!userActivated && stateText === 'deactivated') {
    record.problem('state', 'only a user-activated measurement may be "deactivated" (CTP 4.2.6.2)');
  }
  const format = walk.formats.get(metric);
  const result = (value: unknown, path: string): ResultInput | null =>
    validateResult(value, path, format, walk.problems);
  return {
    path: record.path,
    id: ctpId(record),
    name: optionalText(record, 'name'),
    annotation: optionalText(record, 'annotation'),
    metric,
    userActivated,
    state: stateText as MeasurementState,
    triggersAllowed: record.boolean('triggersAllowed') ?? true,
    objective: validateObjective(record, format),
    result: result(record.raw('result'), record.pathOf('result')),
    history: record
      .array('history', { max: PROVIDER_LIMITS.historyItems, optional: true })
      .map((h, index) => result(h, `${record.pathOf('history')}[${index}]`))
      .filter((h): h is ResultInput => h !== null),
  };
}

/** The objective's condition, checked against the metric's result format. */
function validateObjective(record: JsonReader, format: ResultColumn[] | undefined): string | null {
  const objective = record.object('objective', {
    optional: true,
    known: ['condition', 'status', 'statusUpdateTime'],
  });
  if (objective === null) return null;
  const condition = objective.string('condition');
  const problem = checkCondition(condition, format);
  if (problem !== null) objective.problem('condition', problem);
  return condition;
}

/** A result (or a history entry): its rows against the metric's columns, its time. */
function validateResult(
  value: unknown,
  path: string,
  format: ResultColumn[] | undefined,
  problems: JsonProblems,
): ResultInput | null {
  if (value === null || value === undefined) return null;
  if (!isPlainObject(value)) {
    problems.report(path, 'must be a result object {"value": [...], "updateTime": ...}');
    return null;
  }
  if (format !== undefined) {
    try {
      checkResultValue(value.value, format, `${path}.value`);
    } catch (error) {
      if (error instanceof ResultProblem)
        problems.report(error.path, error.message.slice(error.path.length + 2));
    }
  }
  const time = value.updateTime ?? value.dateTime;
  if (time !== undefined && (typeof time !== 'string' || parseRfc3339(time) === null)) {
    problems.report(`${path}.updateTime`, 'must be an RFC 3339 date-time');
  }
  return { path, text: JSON.stringify(value), value };
}

/**
 * CTP_PROVIDER_INVALID for `problems` (`details.problems`: `{path, message}` each); the
 * message lists the first ten as `path: message` lines.
 */
export function invalidProvider(problems: readonly ImportProblem[]): AppError {
  const shown = problems.slice(0, 10).map(({ path, message }) => `${path}: ${message}`);
  const more =
    problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
  return new AppError(
    'CTP_PROVIDER_INVALID',
    `The provider data is invalid; nothing was imported:\n  ${shown.join('\n  ')}${more}`,
    { details: { problems: problems.map((problem) => ({ ...problem })) } },
  );
}
