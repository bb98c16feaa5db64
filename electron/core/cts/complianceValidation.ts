import { CTP_ID_PATTERN } from '../../../shared/ctp/ids';
import {
  CTS_STATUSES,
  type ComplianceMapping,
  type CtsStatus,
  type MappedControl,
  type MappedFramework,
} from '../../../shared/cts';
import { evidenceRefProblem, normalizeEvidenceRef } from '../../../shared/ctsEvidence';

/** A validated `compliance` section and the measurement ids it names, with their paths. */
export interface ComplianceInput {
  mapping: ComplianceMapping;
  references: Array<{ measurement: string; path: string }>;
}

/** Bounds on the section (bounded input). */
export const COMPLIANCE_LIMITS = {
  frameworks: 100,
  controls: 10_000,
  measurementsPerControl: 1_000,
  refs: 1_000,
  name: 200,
  text: 4096,
};

type Problem = (path: string, message: string) => void;
type Json = Record<string, unknown>;

/**
 * The `compliance` section of the provider data (DESIGN "Provider data"): frameworks with
 * unique names, their controls with unique ids, each mapped to measurement ids or carrying
 * a declared status (never both), evidence references in the three forms of OpenCTS §5.
 * Every problem names its JSON path (`compliance.frameworks[0].controls[2].id`). Pure:
 * whether the measurements exist is checked when the import writes (complianceStore.ts).
 */
export function validateCompliance(value: unknown, problem: Problem): ComplianceInput | undefined {
  if (value === undefined || value === null) return undefined;
  const root = object(value, 'compliance', ['frameworks', 'evidence_refs'], problem);
  if (root === null) return undefined;
  const input: ComplianceInput = {
    mapping: { frameworks: [], evidenceRefs: refs(root, 'compliance', problem) },
    references: [],
  };
  const names = new Set<string>();
  array(root.frameworks, 'compliance.frameworks', COMPLIANCE_LIMITS.frameworks, problem).forEach(
    (item, index) => {
      const path = `compliance.frameworks[${index}]`;
      const framework = validateFramework(item, path, input.references, problem);
      if (framework === null) return;
      const folded = framework.name.toLowerCase();
      if (names.has(folded))
        problem(`${path}.name`, `framework "${framework.name}" is named twice`);
      names.add(folded);
      input.mapping.frameworks.push(framework);
    },
  );
  if (root.frameworks === undefined) problem('compliance.frameworks', 'is required (an array)');
  return input;
}

function validateFramework(
  item: unknown,
  path: string,
  references: ComplianceInput['references'],
  problem: Problem,
): MappedFramework | null {
  const record = object(item, path, ['name', 'status', 'controls'], problem);
  if (record === null) return null;
  const name = text(record, 'name', path, COMPLIANCE_LIMITS.name, problem, true);
  const framework: MappedFramework = { name, controls: [] };
  const declared = status(record, path, problem);
  const ids = new Set<string>();
  array(record.controls, `${path}.controls`, COMPLIANCE_LIMITS.controls, problem).forEach(
    (entry, index) => {
      const cPath = `${path}.controls[${index}]`;
      const control = validateControl(entry, cPath, references, problem);
      if (control === null) return;
      if (ids.has(control.id)) problem(`${cPath}.id`, `control "${control.id}" is listed twice`);
      ids.add(control.id);
      framework.controls.push(control);
    },
  );
  if (framework.controls.length === 0 && declared === undefined) {
    problem(path, 'needs controls, or a declared "status" when it maps none');
  } else if (framework.controls.length > 0 && declared !== undefined) {
    problem(`${path}.status`, 'a framework with controls takes its status from them: remove it');
  } else if (declared !== undefined) framework.status = declared;
  return framework;
}

function validateControl(
  item: unknown,
  path: string,
  references: ComplianceInput['references'],
  problem: Problem,
): MappedControl | null {
  const record = object(
    item,
    path,
    ['id', 'title', 'measurements', 'status', 'evidence_ref', 'evidence_refs'],
    problem,
  );
  if (record === null) return null;
  const control: MappedControl = {
    id: text(record, 'id', path, COMPLIANCE_LIMITS.name, problem, true),
    measurements: [],
    evidenceRefs: [],
  };
  if (record.title !== undefined)
    control.title = text(record, 'title', path, COMPLIANCE_LIMITS.text, problem);
  const seen = new Set<string>();
  const list = array(
    record.measurements,
    `${path}.measurements`,
    COMPLIANCE_LIMITS.measurementsPerControl,
    problem,
  );
  list.forEach((id, index) => {
    const mPath = `${path}.measurements[${index}]`;
    if (typeof id !== 'string' || !CTP_ID_PATTERN.test(id)) {
      problem(mPath, "must be a measurement's CTP id (its `id` in this file or on the server)");
    } else if (seen.has(id)) problem(mPath, `measurement "${id}" is listed twice`);
    else {
      seen.add(id);
      control.measurements.push(id);
      references.push({ measurement: id, path: mPath });
    }
  });
  const declared = status(record, path, problem);
  if (list.length > 0 && declared !== undefined) {
    problem(`${path}.status`, 'a control with measurements takes its status from them: remove it');
  } else if (list.length === 0 && declared === undefined) {
    problem(path, 'needs "measurements" (CTP ids), or a declared "status"');
  } else if (declared !== undefined) control.status = declared;
  if (record.evidence_ref !== undefined) {
    const single = text(record, 'evidence_ref', path, COMPLIANCE_LIMITS.text, problem);
    const message = evidenceRefProblem(single);
    if (message !== null) problem(`${path}.evidence_ref`, message);
    else control.evidenceRefs.push(normalizeEvidenceRef(single));
  }
  for (const ref of refs(record, path, problem)) {
    if (!control.evidenceRefs.includes(ref)) control.evidenceRefs.push(ref);
  }
  return control;
}

function refs(record: Json, path: string, problem: Problem): string[] {
  const out: string[] = [];
  array(record.evidence_refs, `${path}.evidence_refs`, COMPLIANCE_LIMITS.refs, problem).forEach(
    (ref, index) => {
      const rPath = `${path}.evidence_refs[${index}]`;
      const message = typeof ref === 'string' ? evidenceRefProblem(ref) : 'must be a string';
      if (message !== null) problem(rPath, message);
      else if (!out.includes(normalizeEvidenceRef(ref as string)))
        out.push(normalizeEvidenceRef(ref as string));
    },
  );
  return out;
}

function status(record: Json, path: string, problem: Problem): CtsStatus | undefined {
  const value = record.status;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (CTS_STATUSES as readonly string[]).includes(value))
    return value as CtsStatus;
  problem(`${path}.status`, 'must be "compliant", "partial" or "non_compliant" (OpenCTS §3)');
  return undefined;
}

function object(value: unknown, path: string, keys: readonly string[], problem: Problem) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problem(path, 'must be an object');
    return null;
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key))
      problem(`${path}.${key}`, `is not a known property (known: ${keys.join(', ')})`);
  }
  return value as Json;
}

function array(value: unknown, path: string, max: number, problem: Problem): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problem(path, 'must be an array');
    return [];
  }
  if (value.length > max) problem(path, `has ${value.length} items; at most ${max} are allowed`);
  return value.slice(0, max);
}

function text(
  record: Json,
  key: string,
  path: string,
  max: number,
  problem: Problem,
  required = false,
): string {
  const value = record[key];
  if (value === undefined || value === null) {
    if (required) problem(`${path}.${key}`, 'is required (a string)');
    return '';
  }
  if (typeof value !== 'string') {
    problem(`${path}.${key}`, 'must be a string');
    return '';
  }
  if (required && value.trim() === '') problem(`${path}.${key}`, 'must not be empty');
  if (value.length > max) problem(`${path}.${key}`, `is longer than ${max} characters`);
  return value;
}
