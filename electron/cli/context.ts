import type { Command } from 'commander';

import { processDataDirSources, resolveDataDir } from '../core/config';

/** Where a command writes: the real process streams, or buffers in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is an interactive terminal (progress bars are drawn only then). */
  stderrIsTTY: boolean;
  /** Standard input as text, for commands that read `-`. */
  readStdin(): Promise<string>;
}

/**
 * What every command receives. Commands report the outcome through `exitCode`:
 * 0 success or verified, 1 the checked thing failed, 2 usage or input error (thrown
 * AppErrors become 2 with `error: MESSAGE` on stderr).
 */
export interface CliContext {
  io: CliIo;
  env: Record<string, string | undefined>;
  exitCode: number;
  /** The data folder for this invocation (`--data-dir`, `TRUST_AUDITOR_DATA`, default). */
  dataDir(command: Command): string;
  /** Sets when the SIGINT/SIGTERM handler of long-running commands (`serve`) is installed. */
  onShutdownSignal(handler: () => Promise<void>): void;
}

export function createCliContext(io: CliIo, env: Record<string, string | undefined>): CliContext {
  return {
    io,
    env,
    exitCode: 0,
    dataDir(command) {
      const { dataDir } = command.optsWithGlobals<{ dataDir?: string }>();
      const sources = processDataDirSources(dataDir);
      return resolveDataDir({ ...sources, env });
    },
    onShutdownSignal(handler) {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) return;
        stopping = true;
        io.stderr(`\n${signal}: shutting down…\n`);
        handler().then(
          () => process.exit(0),
          (error: unknown) => {
            io.stderr(`error during shutdown: ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    },
  };
}

/** Prints one JSON document on stdout (the `--json` contract). */
export function printJson(context: CliContext, value: unknown): void {
  context.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
