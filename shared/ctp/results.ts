/**
 * Measurement results as received (CTP 4.2.6.2, SPEC-NOTES "result time", "JWS"):
 * checked against the metric's `resultFormat` (CTP 4.4) and turned into the text that is
 * stored and served. Pure: errors are {@link ResultProblem}s with a JSON path.
 */
import { minifyJson } from './jsonText';
import { formatRfc3339, parseRfc3339 } from './time';
import type { ResultColumn } from './types';

export class ResultProblem extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** The largest result accepted, as the HTTP API's body limit: `server publish` too. */
export const MAX_RESULT_BYTES = 1024 * 1024;

/** The most rows a result may have (bounded input). */
export const MAX_RESULT_ROWS = 10_000;

const RESULT_KEYS = new Set(['value', 'updateTime', 'dateTime', 'authorityId', 'signature']);

export interface PreparedResult {
  /** The text to store and serve (signed: as received, minified; else normalized). */
  text: string;
  /** The parsed result, for evaluating conditions. */
  parsed: {
    value: unknown[];
    updateTime: string;
    authorityId: string | null;
    signature: string | null;
  };
  /** The update time in milliseconds since the epoch. */
  updateMs: number;
  signature: string | null;
  authorityId: string | null;
}

/** Checks the rows of `value` against the metric's columns (CTP 4.4): names and types. */
export function checkResultValue(
  value: unknown,
  format: readonly ResultColumn[],
  path = 'value',
): void {
  if (!Array.isArray(value)) throw new ResultProblem(path, 'must be an array of rows (CTP 4.4)');
  if (value.length > MAX_RESULT_ROWS) {
    throw new ResultProblem(
      path,
      `has ${value.length} rows; at most ${MAX_RESULT_ROWS} are allowed`,
    );
  }
  const columns = new Map(format.map((column) => [column.name, column.type]));
  value.forEach((row: unknown, index) => {
    const rowPath = `${path}[${index}]`;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new ResultProblem(rowPath, 'must be an object whose keys are the metric columns');
    }
    for (const key of Object.keys(row)) {
      if (!columns.has(key)) {
        const names = [...columns.keys()].map((n) => JSON.stringify(n)).join(', ');
        throw new ResultProblem(
          `${rowPath}.${key}`,
          `is not a column of the metric (columns: ${names})`,
        );
      }
    }
    for (const [name, type] of columns) {
      const cell = (row as Record<string, unknown>)[name];
      if (cell === undefined)
        throw new ResultProblem(`${rowPath}.${name}`, `is missing (a ${type} column)`);
      if (typeof cell !== type) {
        throw new ResultProblem(
          `${rowPath}.${name}`,
          `must be a ${type}; got ${cell === null ? 'null' : typeof cell}`,
        );
      }
    }
  });
}

/**
 * Parses a result's JSON text. Unsigned results are normalized (`updateTime` in UTC with
 * milliseconds, defaulting to `now`; `dateTime` accepted). A signed result is kept as
 * received, minus insignificant white space: its signature covers that text.
 */
export function prepareResult(
  text: string,
  format: readonly ResultColumn[],
  nowMs: number,
): PreparedResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ResultProblem('result', `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ResultProblem('result', 'must be an object {"value": [...], "updateTime": ...}');
  }
  const record = parsed as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!RESULT_KEYS.has(key))
      throw new ResultProblem(`result.${key}`, 'is not a result property (CTP 4.2.6.2)');
  }
  checkResultValue(record.value, format, 'result.value');
  const authorityId = nullableString(record.authorityId, 'result.authorityId');
  const signature = nullableString(record.signature, 'result.signature');
  const signed = signature !== null && signature !== '';
  if (signed && (authorityId === null || authorityId === '')) {
    throw new ResultProblem(
      'result.authorityId',
      'must be non-empty when the result is signed (CTP 4.2.6.2)',
    );
  }
  const timeKey =
    record.updateTime !== undefined
      ? 'updateTime'
      : record.dateTime !== undefined
        ? 'dateTime'
        : null;
  let updateMs = nowMs;
  if (timeKey !== null) {
    const timeText = record[timeKey];
    const ms = typeof timeText === 'string' ? parseRfc3339(timeText) : null;
    if (ms === null) throw new ResultProblem(`result.${timeKey}`, 'must be an RFC 3339 date-time');
    updateMs = ms;
  } else if (signed) {
    throw new ResultProblem(
      'result.updateTime',
      'is required in a signed result (the signature covers it)',
    );
  }
  const updateTime = formatRfc3339(updateMs);
  const value = record.value as unknown[];
  const normalized = { value, updateTime, authorityId, signature };
  return {
    text: signed ? minifyJson(text) : JSON.stringify(normalized),
    parsed: normalized,
    updateMs,
    signature: signed ? signature : null,
    authorityId,
  };
}

function nullableString(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ResultProblem(path, 'must be a string or null');
  return value;
}
