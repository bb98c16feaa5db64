import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';

import {
  compileCondition,
  describeValue,
  evaluateCompiled,
  formatDiagnostic,
  toJsonValue,
  typeOf,
} from '../../../shared/ctpscript/index';
import type { CompileResult, EvaluationResult } from '../../../shared/ctpscript/index';
import { AppError } from '../../../shared/errors';
import type { CliContext } from '../context';
import { printJson } from '../context';

interface CtpscriptOptions {
  result?: string;
  batch?: string;
  json?: boolean;
}

/** The result used when none is given: an empty table and null fields. */
const EMPTY_RESULT = { value: [], updateTime: null, authorityId: null, signature: null };

/**
 * `trust-auditor ctpscript EXPR [--result RESULT.json] [--json]` and
 * `trust-auditor ctpscript --batch FILE.jsonl [--json]`: evaluates CTPScript conditions
 * (CTP 5.4) and prints `true`, `false` or `error: MESSAGE`. Exit 0 when every outcome
 * is true or false, 1 when one is `error` (the checked condition failed), 2 for usage
 * and input errors (unreadable or malformed files, bad batch lines).
 */
export function registerCtpscriptCommand(program: Command, context: CliContext): void {
  program
    .command('ctpscript')
    .description('evaluate a CTPScript condition against a measurement result')
    .argument('[expr]', 'the condition, e.g. "value[0].percentage >= 99.9"')
    .option('--result <file>', 'measurement result JSON ({value, updateTime, ...}); - for stdin')
    .option('--batch <file>', 'JSON Lines of {"expr", "result"}: one outcome per line, in order')
    .option('--json', 'print the raw value and the outcome as JSON')
    .action(async (expr: string | undefined, options: CtpscriptOptions) => {
      if (options.batch !== undefined) {
        if (expr !== undefined || options.result !== undefined) {
          throw new AppError(
            'CLI_USAGE',
            '--batch takes its conditions and results from the file: give no EXPR nor --result.',
          );
        }
        context.exitCode = await runBatch(context, options.batch, options.json === true);
        return;
      }
      if (expr === undefined) {
        throw new AppError('CLI_USAGE', 'Give a condition (EXPR), or --batch FILE.jsonl.');
      }
      const result =
        options.result === undefined ? EMPTY_RESULT : await readResult(context, options.result);
      const evaluation = evaluateCompiled(compileCondition(expr), result);
      if (options.json === true) printJson(context, toJsonReport(expr, evaluation));
      else context.io.stdout(`${outcomeLine(expr, evaluation)}\n`);
      context.exitCode = evaluation.outcome === 'error' ? 1 : 0;
    });
}

async function readText(context: CliContext, file: string, what: string): Promise<string> {
  try {
    return file === '-' ? await context.io.readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new AppError('CLI_USAGE', `Cannot read the ${what} ${file}: ${(error as Error).message}`);
  }
}

async function readResult(context: CliContext, file: string): Promise<unknown> {
  const text = await readText(context, file, 'result file');
  try {
    return unwrapResult(JSON.parse(text));
  } catch (error) {
    throw new AppError(
      'CLI_USAGE',
      `The result file ${file} is not JSON: ${(error as Error).message}`,
    );
  }
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

async function runBatch(context: CliContext, file: string, json: boolean): Promise<number> {
  const text = await readText(context, file, 'batch file');
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // Batches often repeat a condition: compile each distinct one once.
  const compiled = new Map<string, CompileResult>();
  let exitCode = 0;
  lines.forEach((line, index) => {
    const entry = parseBatchLine(line, index + 1);
    if (typeof entry === 'string') {
      context.io.stdout(
        json
          ? `${JSON.stringify({ outcome: 'error', error: { code: 'CLI_USAGE', message: entry } })}\n`
          : `error: ${entry}\n`,
      );
      exitCode = 2;
      return;
    }
    let condition = compiled.get(entry.expr);
    if (condition === undefined) {
      condition = compileCondition(entry.expr);
      compiled.set(entry.expr, condition);
    }
    const evaluation = evaluateCompiled(condition, entry.result);
    context.io.stdout(
      json
        ? `${JSON.stringify(toJsonReport(entry.expr, evaluation))}\n`
        : `${outcomeLine(entry.expr, evaluation)}\n`,
    );
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
