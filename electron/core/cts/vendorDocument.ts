import { createHash } from 'node:crypto';

import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

import type { CtsReading } from '../../../shared/cts';
import schema from './schema/cts-schema.v1-2025-10-16.json';

/** Bounds on a vendor's document (DESIGN "Security model": bounded in size and work). */
export const VENDOR_DOCUMENT_LIMITS = {
  bytes: 4 * 1024 * 1024,
  depth: 64,
  problems: 50,
  frameworks: 1_000,
  controls: 20_000,
  refs: 5_000,
  text: 1_000,
};

/** A vendor's document as examined: kept whatever it holds, with what could be read. */
export interface ExaminedDocument {
  sha256: string;
  body: string;
  valid: boolean;
  /** The schema's reasons (or why it could not be read), at most 50. */
  problems: string[];
  reading: CtsReading;
  /** The parsed document, or null when it is not JSON or too deep. */
  parsed: unknown;
}

export type DocumentExaminer = (body: string) => ExaminedDocument;

/**
 * Examines documents against the upstream schema file (a verbatim copy, schema/README.md)
 * with ajv 8 and its formats, compiled once. A document that fails is not dropped: it is
 * kept with the schema's reasons, and whatever could be read is shown (SPEC-NOTES: be
 * tolerant in what you receive).
 */
export function createDocumentExaminer(): DocumentExaminer {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (body) => {
    const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
    const empty: CtsReading = { posture: null, timestamp: null, frameworks: [], evidenceRefs: [] };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return {
        sha256,
        body,
        valid: false,
        problems: [`not JSON: ${(error as Error).message}`],
        reading: empty,
        parsed: null,
      };
    }
    if (depthOver(parsed, VENDOR_DOCUMENT_LIMITS.depth)) {
      const problem = `nests deeper than ${VENDOR_DOCUMENT_LIMITS.depth} levels; not read further`;
      return { sha256, body, valid: false, problems: [problem], reading: empty, parsed: null };
    }
    const valid = validate(parsed);
    const problems = valid
      ? []
      : (validate.errors ?? []).slice(0, VENDOR_DOCUMENT_LIMITS.problems).map(describe);
    return { sha256, body, valid, problems, reading: readTelemetry(parsed), parsed };
  };
}

/** One ajv error as a sentence with its JSON path (`frameworks[0].score: must be <= 1`). */
function describe(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) =>
      /^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`,
    )
    .join('')
    .replace(/^\./, '');
  const params = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  let message = error.message ?? 'is invalid';
  if (params.additionalProperty !== undefined)
    message = `has "${params.additionalProperty.slice(0, 80)}", which the schema does not allow here`;
  else if (params.allowedValues !== undefined)
    message = `must be one of ${params.allowedValues.map((value) => JSON.stringify(value)).join(', ')}`;
  return `${path === '' ? '(root)' : path}: ${message}`;
}

/** True when the value nests deeper than `limit` (iterative: no recursion to overflow). */
function depthOver(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * What can be read of any JSON value as telemetry, bounded (counts and string lengths);
 * strings are kept as written (the CLI and the renderer show them as text, never markup).
 */
export function readTelemetry(value: unknown): CtsReading {
  const limits = VENDOR_DOCUMENT_LIMITS;
  const root = record(value);
  const reading: CtsReading = {
    posture: text(root?.compliance_posture),
    timestamp: text(root?.timestamp),
    frameworks: [],
    evidenceRefs: list(root?.evidence_refs).slice(0, limits.refs),
  };
  let controls = 0;
  for (const item of list(root?.frameworks).slice(0, limits.frameworks)) {
    const framework = record(item);
    if (framework === null) continue;
    const entry: CtsReading['frameworks'][number] = {
      name: text(framework.name) ?? '(no name)',
      status: text(framework.status),
      score:
        typeof framework.score === 'number' && Number.isFinite(framework.score)
          ? framework.score
          : null,
      controls: [],
    };
    for (const c of list(framework.controls)) {
      const control = record(c);
      if (control === null) continue;
      if (++controls > limits.controls) break;
      const refs = [
        ...(control.evidence_ref === undefined ? [] : [control.evidence_ref]),
        ...list(control.evidence_refs),
      ].slice(0, 100);
      entry.controls.push({
        id: text(control.id) ?? '(no id)',
        title: text(control.title),
        status: text(control.status),
        evidenceRefs: refs,
      });
    }
    reading.frameworks.push(entry);
  }
  return reading;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.slice(0, VENDOR_DOCUMENT_LIMITS.text);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
