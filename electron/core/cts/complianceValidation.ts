import { CTP_ID_PATTERN } from '../../../shared/ctp/ids';
import {
  CTS_STATUSES,
  type ComplianceMapping,
  type CtsStatus,
  type MappedControl,
  type MappedFramework,
} from '../../../shared/cts';
import { evidenceRefProblem, normalizeEvidenceRef } from '../../../shared/ctsEvidence';
import { AUTHOR_PHRASING, JsonReader, type JsonProblems } from '../../../shared/jsonReader';

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

/**
 * The `compliance` section of the provider data (DESIGN "Provider data"): frameworks with
 * unique names, their controls with unique ids, each mapped to measurement ids or carrying
 * a declared status (never both), evidence references in the three forms of OpenCTS §5.
 * Every problem names its JSON path (`compliance.frameworks[0].controls[2].id`). Pure:
 * whether the measurements exist is checked when the import writes (complianceStore.ts).
 */
export function validateCompliance(value: unknown, problem: Problem): ComplianceInput | undefined {
  if (value === undefined || value === null) return undefined;
  const problems: JsonProblems = {
    report: problem,
    phrasing: AUTHOR_PHRASING,
    limits: { text: COMPLIANCE_LIMITS.text, items: COMPLIANCE_LIMITS.controls },
  };
  const root = JsonReader.object(value, 'compliance', problems, ['frameworks', 'evidence_refs']);
  if (root === null) return undefined;
  const input: ComplianceInput = {
    mapping: { frameworks: [], evidenceRefs: refs(root) },
    references: [],
  };
  const names = new Set<string>();
  root
    .array('frameworks', { max: COMPLIANCE_LIMITS.frameworks, optional: true })
    .forEach((item, index) => {
      const framework = validateFramework(
        root.item('frameworks', index, item, ['name', 'status', 'controls']),
        input.references,
      );
      if (framework === null) return;
      const folded = framework.name.toLowerCase();
      if (names.has(folded))
        root.problem(`frameworks[${index}].name`, `framework "${framework.name}" is named twice`);
      names.add(folded);
      input.mapping.frameworks.push(framework);
    });
  if (!root.has('frameworks')) root.problem('frameworks', 'is required (an array)');
  return input;
}

/** A name or id: a string that is not blank. */
function name(record: JsonReader, key: string): string {
  const text = record.string(key, { max: COMPLIANCE_LIMITS.name });
  if (record.has(key) && typeof record.raw(key) === 'string' && text.trim() === '')
    record.problem(key, 'must not be empty');
  return text;
}

function validateFramework(
  record: JsonReader | null,
  references: ComplianceInput['references'],
): MappedFramework | null {
  if (record === null) return null;
  const framework: MappedFramework = { name: name(record, 'name'), controls: [] };
  const declared = status(record);
  const ids = new Set<string>();
  record
    .array('controls', { max: COMPLIANCE_LIMITS.controls, optional: true })
    .forEach((entry, index) => {
      const control = validateControl(
        record.item('controls', index, entry, CONTROL_KEYS),
        references,
      );
      if (control === null) return;
      if (ids.has(control.id))
        record.problem(`controls[${index}].id`, `control "${control.id}" is listed twice`);
      ids.add(control.id);
      framework.controls.push(control);
    });
  if (framework.controls.length === 0 && declared === undefined) {
    record.problem('', 'needs controls, or a declared "status" when it maps none');
  } else if (framework.controls.length > 0 && declared !== undefined) {
    record.problem('status', 'a framework with controls takes its status from them: remove it');
  } else if (declared !== undefined) framework.status = declared;
  return framework;
}

const CONTROL_KEYS = ['id', 'title', 'measurements', 'status', 'evidence_ref', 'evidence_refs'];

function validateControl(
  record: JsonReader | null,
  references: ComplianceInput['references'],
): MappedControl | null {
  if (record === null) return null;
  const control: MappedControl = { id: name(record, 'id'), measurements: [], evidenceRefs: [] };
  if (record.has('title')) control.title = record.string('title', { fallback: '' });
  const seen = new Set<string>();
  const list = record.array('measurements', {
    max: COMPLIANCE_LIMITS.measurementsPerControl,
    optional: true,
  });
  list.forEach((id, index) => {
    const mPath = `${record.pathOf('measurements')}[${index}]`;
    if (typeof id !== 'string' || !CTP_ID_PATTERN.test(id)) {
      record.problem(
        `measurements[${index}]`,
        "must be a measurement's CTP id (its `id` in this file or on the server)",
      );
    } else if (seen.has(id))
      record.problem(`measurements[${index}]`, `measurement "${id}" is listed twice`);
    else {
      seen.add(id);
      control.measurements.push(id);
      references.push({ measurement: id, path: mPath });
    }
  });
  const declared = status(record);
  if (list.length > 0 && declared !== undefined) {
    record.problem('status', 'a control with measurements takes its status from them: remove it');
  } else if (list.length === 0 && declared === undefined) {
    record.problem('', 'needs "measurements" (CTP ids), or a declared "status"');
  } else if (declared !== undefined) control.status = declared;
  if (record.has('evidence_ref')) {
    const single = record.string('evidence_ref', { fallback: '' });
    const message = evidenceRefProblem(single);
    if (message !== null) record.problem('evidence_ref', message);
    else control.evidenceRefs.push(normalizeEvidenceRef(single));
  }
  for (const ref of refs(record)) {
    if (!control.evidenceRefs.includes(ref)) control.evidenceRefs.push(ref);
  }
  return control;
}

function refs(record: JsonReader): string[] {
  const out: string[] = [];
  record
    .array('evidence_refs', { max: COMPLIANCE_LIMITS.refs, optional: true })
    .forEach((ref, index) => {
      const message = typeof ref === 'string' ? evidenceRefProblem(ref) : 'must be a string';
      if (message !== null) record.problem(`evidence_refs[${index}]`, message);
      else if (!out.includes(normalizeEvidenceRef(ref as string)))
        out.push(normalizeEvidenceRef(ref as string));
    });
  return out;
}

function status(record: JsonReader): CtsStatus | undefined {
  const value = record.raw('status');
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (CTS_STATUSES as readonly string[]).includes(value))
    return value as CtsStatus;
  record.problem('status', 'must be "compliant", "partial" or "non_compliant" (OpenCTS §3)');
  return undefined;
}
