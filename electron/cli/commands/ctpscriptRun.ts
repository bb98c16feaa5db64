/**
 * The work of `trust-auditor ctpscript` (commands/ctpscript.ts), loaded only when it runs.
 */
import {
  compileCondition,
  describeValue,
  evaluateCompiled,
  formatDiagnostic,
  toJsonValue,
  typeOf,
} from '../../../shared/ctpscript/index';
import type { CompileResult, EvaluationResult } from '../../../shared/ctpscript/index';
import type { CliContext } from '../context';
import { printJson, printJsonLine } from '../context';
import { parseJsonInput, readInputText } from '../inputs';

/** The result used when none is given: an empty table and null fields. */
const EMPTY_RESULT = { value: [], updateTime: null, authorityId: null, signature: null };

/** Evaluates one condition against `--result FILE` (or the empty result); the exit code. */
export async function runOne(
  context: CliContext,
  expr: string,
  resultFile: string | undefined,
  json: boolean,
): Promise<number> {
  const result = resultFile === undefined ? EMPTY_RESULT : await readResult(context, resultFile);
  const evaluation = evaluateCompiled(compileCondition(expr), result);
  if (json) printJson(context, toJsonReport(expr, evaluation));
  else context.print(`${outcomeLine(expr, evaluation)}\n`);
  return evaluation.outcome === 'error' ? 1 : 0;
}

async function readResult(context: CliContext, file: string): Promise<unknown> {
  const text = await readInputText(context, file, 'the result file');
  return unwrapResult(parseJsonInput(text, file));
}

// A whole measurement (`{..., "result": {...}}`) is accepted too: its result is used.
function unwrapResult(data: unknown): unknown {
  if (
    typeof data === 'object' &&
    data !== null &&
    !Object.prototype.hasOwnProperty.call(data, 'value') &&
    Object.prototype.hasOwnProperty.call(data, 'result')
  ) {
    return (data as { result: unknown }).result ?? EMPTY_RESULT;
  }
  return data;
}

function outcomeLine(expr: string, evaluation: EvaluationResult): string {
  if (evaluation.outcome !== 'error' || evaluation.error === undefined) return evaluation.outcome;
  return `error: ${oneLine(formatDiagnostic(expr, evaluation.error))}`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function toJsonReport(expr: string, evaluation: EvaluationResult): Record<string, unknown> {
  const report: Record<string, unknown> = { outcome: evaluation.outcome };
  if (evaluation.error !== undefined) {
    report.error = { ...evaluation.error, text: formatDiagnostic(expr, evaluation.error) };
  } else {
    report.type = typeOf(evaluation.value);
    report.value = toJsonValue(evaluation.value);
    report.display = describeValue(evaluation.value, 1000);
  }
  return report;
}

/** Evaluates every line of a JSON Lines file, printing one outcome per line; the exit code. */
export async function runBatch(context: CliContext, file: string, json: boolean): Promise<number> {
  const text = await readInputText(context, file, 'the batch file');
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // Batches often repeat a condition: compile each distinct one once.
  const compiled = new Map<string, CompileResult>();
  let exitCode = 0;
  lines.forEach((line, index) => {
    const entry = parseBatchLine(line, index + 1);
    if (typeof entry === 'string') {
      if (json)
        printJsonLine(context, { outcome: 'error', error: { code: 'CLI_USAGE', message: entry } });
      else context.print(`error: ${entry}\n`);
      exitCode = 2;
      return;
    }
    let condition = compiled.get(entry.expr);
    if (condition === undefined) {
      condition = compileCondition(entry.expr);
      compiled.set(entry.expr, condition);
    }
    const evaluation = evaluateCompiled(condition, entry.result);
    if (json) printJsonLine(context, toJsonReport(entry.expr, evaluation));
    else context.print(`${outcomeLine(entry.expr, evaluation)}\n`);
    if (evaluation.outcome === 'error' && exitCode === 0) exitCode = 1;
  });
  return exitCode;
}

/** `{"expr": string, "result"?: object}`, or the reason the line is unusable. */
function parseBatchLine(
  line: string,
  lineNumber: number,
): { expr: string; result: unknown } | string {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return `line ${lineNumber} is not JSON: ${(error as Error).message}`;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return `line ${lineNumber} is not a JSON object {"expr", "result"}`;
  }
  const record = data as Record<string, unknown>;
  if (typeof record.expr !== 'string') return `line ${lineNumber} has no "expr" string`;
  const result = Object.prototype.hasOwnProperty.call(record, 'result')
    ? unwrapResult(record.result)
    : EMPTY_RESULT;
  return { expr: record.expr, result };
}
