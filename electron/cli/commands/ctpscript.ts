import type { Command } from 'commander';

import { AppError } from '../../../shared/errors';
import type { CliContext } from '../context';

interface CtpscriptOptions {
  result?: string;
  batch?: string;
  json?: boolean;
}

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
      const run = await import('./ctpscriptRun');
      if (options.batch !== undefined) {
        if (expr !== undefined || options.result !== undefined) {
          throw new AppError(
            'CLI_USAGE',
            '--batch takes its conditions and results from the file: give no EXPR nor --result.',
          );
        }
        context.exitCode = await run.runBatch(context, options.batch, options.json === true);
        return;
      }
      if (expr === undefined) {
        throw new AppError('CLI_USAGE', 'Give a condition (EXPR), or --batch FILE.jsonl.');
      }
      context.exitCode = await run.runOne(context, expr, options.result, options.json === true);
    });
}
