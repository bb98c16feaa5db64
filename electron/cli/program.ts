import { createRequire } from 'node:module';

import type * as Commander from 'commander';
import type { Command } from 'commander';

import { AppError } from '../../shared/errors';
import { APP_VERSION } from '../core/version';
import type { CliContext } from './context';
// Each command group lives in commands/<name>.ts and registers itself here.
import { registerServeCommand } from './commands/serve';
import { registerAlertsCommands } from './commands/alerts';
import { registerBundleCommands } from './commands/bundles';
import { registerCtpscriptCommand } from './commands/ctpscript';
import { registerCtsCommand } from './commands/cts';
import { registerServerCommands } from './commands/server';
import { registerVendorCommands } from './commands/vendor';

// commander as the CommonJS module it is: its ES module wrapper takes Node longer to load
// than the rest of `--version` (DESIGN "Command line": a command starts fast).
const commander = createRequire(import.meta.url)('commander') as typeof Commander;

/** Builds the `trust-auditor` command line; nothing runs until `parseAsync`. */
export function buildProgram(context: CliContext): Command {
  const program = new commander.Command('trust-auditor')
    .description(
      'Check cloud vendors: Cloud Trust Protocol, OpenWatch rule bundles, OpenCTS telemetry.',
    )
    .version(APP_VERSION, '-V, --version')
    .option(
      '--data-dir <dir>',
      "data folder (default: TRUST_AUDITOR_DATA, else the desktop app's folder)",
    )
    .option(
      '--database <url>',
      'the CTP server on PostgreSQL: postgres://USER@HOST[:PORT]/DB (default: TRUST_AUDITOR_DATABASE, else server.db)',
    )
    .option(
      '--database-password-file <file>',
      "the PostgreSQL password's file (else PGPASSWORD or ~/.pgpass; never in the URL)",
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => context.io.stdout(text),
      writeErr: (text) => context.io.stderr(text),
    })
    .exitOverride();

  registerServeCommand(program, context);
  registerBundleCommands(program, context);
  registerCtpscriptCommand(program, context);
  registerServerCommands(program, context);
  registerVendorCommands(program, context);
  registerAlertsCommands(program, context);
  registerCtsCommand(program, context);
  return program;
}

/**
 * Runs one command line (argv without `node` and the script) and returns the exit
 * code: 0 success, 1 the checked thing failed, 2 usage or input error.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const program = buildProgram(context);
  for (const command of allCommands(program)) command.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    await context.dispose();
    return context.exitCode;
  } catch (error) {
    await context.dispose().catch((closing: unknown) => reportFailure(context, closing));
    if (error instanceof commander.CommanderError) {
      // --help and --version end parsing with a "success" CommanderError.
      return error.exitCode === 0 ? 0 : 2;
    }
    reportFailure(context, error);
    return 2;
  }
}

/** An AppError's message (it says what to do), or an unexpected error's stack. */
function reportFailure(context: CliContext, error: unknown): void {
  const text =
    error instanceof AppError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  context.warn(`error: ${text}\n`);
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap((child) => allCommands(child))];
}
