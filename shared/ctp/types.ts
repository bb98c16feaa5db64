/**
 * Platform-neutral shapes of the CTP resources (CTP 4.2) as the server stores them and
 * the encoders turn them into JSON. Timestamps are RFC 3339 strings.
 */

export type TriStatus = 'true' | 'false' | 'error';
export type MeasurementState = 'activated' | 'deactivated' | 'pending';
export type ColumnType = 'boolean' | 'number' | 'string';

export interface ServerInfo {
  name: string;
  annotation: string;
  provider: string;
}

/** A service view (parentId null) or a dependency (parentId: its view or dependency). */
export interface ServiceViewRecord {
  id: string;
  parentId: string | null;
  /** True when the parent is itself a dependency (scope `/dependencies/{parentId}`). */
  parentIsDependency: boolean;
  name: string;
  annotation: string;
  provider: string;
  serviceClass: string | null;
  changeId: number;
}

export interface AssetRecord {
  id: string;
  serviceViewId: string;
  name: string;
  annotation: string;
  assetClass: string;
  changeId: number;
}

export interface AttributeRecord {
  id: string;
  assetId: string;
  name: string;
  annotation: string;
  changeId: number;
}

export interface MeasurementParameter {
  name: string;
  type: ColumnType;
  value: string | number | boolean;
}

export interface ResultColumn {
  name: string;
  type: ColumnType;
}

export interface MetricRecord {
  id: string;
  name: string;
  annotation: string;
  baseMetric: string;
  measurementParameters: MeasurementParameter[];
  resultFormat: ResultColumn[];
  changeId: number;
}

export interface ObjectiveRecord {
  condition: string;
  status: TriStatus;
  statusUpdateTime: string;
}

export interface MeasurementRecord {
  id: string;
  attributeId: string;
  /** The root service view the measurement belongs to (for `createTrigger`). */
  serviceViewId: string;
  metricId: string;
  name: string;
  annotation: string;
  userActivated: boolean;
  state: MeasurementState;
  triggersAllowed: boolean;
  /** The current result's JSON text (whitespace outside strings removed), or null. */
  resultText: string | null;
  objective: ObjectiveRecord | null;
  changeId: number;
}

export interface TriggerRecord {
  id: string;
  serviceViewId: string;
  measurementId: string;
  name: string;
  annotation: string;
  condition: string;
  notification: string;
  guardTime: number;
  tags: string[];
  status: TriStatus;
  statusUpdateTime: string;
  changeId: number;
}

export interface LogRecord {
  id: string;
  serviceViewId: string;
  triggerId: string;
  creationTime: string;
  /** The result's JSON text (normal entries) or null (error entries). */
  resultText: string | null;
  error: string | null;
  tags: string[];
}

/** One item of a collection before encoding: the resource path and its name. */
export interface CollectionItem {
  path: string;
  name: string;
}
