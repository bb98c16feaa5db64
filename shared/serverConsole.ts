/**
 * What the provider's console (the Server area) shows and sends: the published tree, a
 * measurement with its triggers and log, provider-data imports and their dry run,
 * published results, accounts and tokens. Plain data: everything here crosses IPC and
 * HTTP RPC (shared/serverApi.ts declares the calls).
 */
import type {
  MeasurementParameter,
  MeasurementState,
  ResultColumn,
  ServerInfo,
  TriStatus,
} from './ctp/types';

// ---------------------------------------------------------------------------------------
// The published tree

export type PublishedNodeKind =
  'serviceView' | 'dependency' | 'asset' | 'attribute' | 'measurement';

/** A measurement as the tree shows it: its current result, objective and triggers. */
export interface PublishedMeasurementGlance {
  metricId: string;
  metricName: string;
  state: MeasurementState;
  userActivated: boolean;
  triggersAllowed: boolean;
  /** The current result's rows and time, or null before the first result. */
  result: { value: unknown[]; updateTime: string } | null;
  /** The objective's condition and status (CTP 5.3.1), or null without an objective. */
  objective: { condition: string; status: TriStatus } | null;
  /** Triggers customers created on it, and how many of them are in `error`. */
  triggers: number;
  triggersInError: number;
}

/**
 * One resource of the tree. The tree arrives flat, depth first: service views (depth 0),
 * their dependencies and assets, attributes, measurements; a node's children follow it.
 */
export interface PublishedNode {
  kind: PublishedNodeKind;
  id: string;
  name: string;
  depth: number;
  /** Present on measurements. */
  measurement?: PublishedMeasurementGlance;
}

export interface PublishedTree {
  server: ServerInfo;
  nodes: PublishedNode[];
  /** Metrics the server defines (CTP 4.2.5): publishing needs their result formats. */
  metrics: Array<{ id: string; name: string; resultFormat: ResultColumn[] }>;
}

// ---------------------------------------------------------------------------------------
// One measurement

/** A customer's trigger (CTP 4.2.7) as the console shows it. */
export interface ConsoleTrigger {
  id: string;
  name: string;
  serviceViewId: string;
  serviceViewName: string;
  measurementId: string;
  /** The measurement's name, or its metric's when it has none. */
  measurementName: string;
  condition: string;
  notification: string;
  guardTime: number;
  tags: string[];
  status: TriStatus;
  statusUpdateTime: string;
  /** The accounts that see the trigger's service view (triggers belong to views, CTP 5.2.16). */
  accounts: string[];
}

/** A log entry a trigger wrote (CTP 4.2.8). */
export interface ConsoleLogEntry {
  id: string;
  triggerId: string;
  creationTime: string;
  /** `alert`: the condition became true; `error`: its evaluation failed. */
  kind: 'alert' | 'error';
  error: string | null;
  tags: string[];
  /** The result's rows the alert copied, or null for an error entry. */
  value: unknown[] | null;
}

export interface MeasurementConsole {
  id: string;
  name: string;
  annotation: string;
  state: MeasurementState;
  userActivated: boolean;
  triggersAllowed: boolean;
  location: {
    serviceView: { id: string; name: string };
    asset: { id: string; name: string };
    attribute: { id: string; name: string };
  };
  metric: {
    id: string;
    name: string;
    annotation: string;
    baseMetric: string;
    measurementParameters: MeasurementParameter[];
    resultFormat: ResultColumn[];
  };
  result: {
    value: unknown[];
    updateTime: string;
    authorityId: string | null;
    signed: boolean;
  } | null;
  objective: { condition: string; status: TriStatus; statusUpdateTime: string } | null;
  triggers: ConsoleTrigger[];
  /** The latest log entries of its triggers, newest first (at most {@link CONSOLE_LOG_LIMIT}). */
  logs: ConsoleLogEntry[];
  /** The latest results, newest first (at most {@link CONSOLE_HISTORY_LIMIT}). */
  history: Array<{ value: unknown[]; updateTime: string; receivedAt: string }>;
}

export const CONSOLE_LOG_LIMIT = 50;
export const CONSOLE_HISTORY_LIMIT = 20;

// ---------------------------------------------------------------------------------------
// Publishing

/** A result to publish, as the JSON text `server publish` reads (CTP 4.2.6.2). */
export interface PublishRequest {
  measurementId: string;
  /** `{"value": [...], "updateTime"?: ..., "authorityId"?: ..., "signature"?: ...}` */
  resultText: string;
}

/** What a publish did: the objective's new status, and every alert it wrote. */
export interface PublishReport {
  measurementId: string;
  updateTime: string;
  objectiveStatus: TriStatus | null;
  /** Triggers evaluated (CTP 5.3.2 skips those in `error` or within their guard time). */
  evaluated: number;
  alerts: Array<{
    triggerId: string;
    triggerName: string;
    logId: string;
    kind: 'normal' | 'error';
    /** The XMPP URI a notification was queued for, or null when none was. */
    notification: string | null;
  }>;
}

// ---------------------------------------------------------------------------------------
// Provider data import

/** A problem of a provider document, at its JSON path (`serviceViews[0].assets[1].name`). */
export interface ImportProblem {
  /** Empty for the document as a whole. */
  path: string;
  message: string;
}

export type ImportedResourceKind =
  'metric' | 'serviceView' | 'dependency' | 'asset' | 'attribute' | 'measurement' | 'account';

/** What an import does (or, in a dry run, would do) to one resource. */
export interface ImportedResource {
  kind: ImportedResourceKind;
  id: string;
  name: string;
  /** The resource's JSON path in the document. */
  path: string;
  outcome: 'created' | 'updated' | 'unchanged';
  /** A measurement given a new current result (its objective and triggers are evaluated). */
  newResult: boolean;
}

/** Counts of an import, as `server import` prints them. */
export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Results written (current results and history entries). */
  results: number;
  /** Alerts written by triggers evaluated on new current results. */
  alerts: number;
}

/**
 * A dry run or an import. With `problems`, nothing was (or would be) written and
 * `counts` is null.
 */
export interface ProviderImportReport {
  /** True when the data was written; false for a dry run or a refused document. */
  applied: boolean;
  /** The file's path or uploaded name. */
  source: string;
  counts: ImportCounts | null;
  /** Resource by resource, in document order (at most {@link IMPORT_RESOURCES_SHOWN}). */
  resources: ImportedResource[];
  /** Resources beyond those listed. */
  moreResources: number;
  problems: ImportProblem[];
}

export const IMPORT_RESOURCES_SHOWN = 5000;

/** The steps of an import, reported as it runs. */
export const IMPORT_PHASES = ['read', 'validate', 'results', 'evaluate', 'write'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

export interface ProviderImportProgress {
  /** The file's path or uploaded name (as in the report). */
  source: string;
  dryRun: boolean;
  phase: ImportPhase;
  /** 1-based position of `phase` among {@link IMPORT_PHASES}. */
  step: number;
  steps: number;
}

// ---------------------------------------------------------------------------------------
// Accounts and tokens (CTP 6.3)

export interface TokenInfo {
  id: number;
  createdAt: string;
  revokedAt: string | null;
  /** When a CTP request last authenticated with it (to the minute), or null. */
  lastUsedAt: string | null;
}

export interface AccountDetail {
  name: string;
  serviceViews: string[];
  /** Every token, active ones first, newest first. */
  tokens: TokenInfo[];
  /** Triggers in the service views the account sees. */
  triggers: number;
}

/** A new token, in clear: shown once, the server keeps only its digest. */
export interface IssuedToken {
  account: string;
  token: string;
}
