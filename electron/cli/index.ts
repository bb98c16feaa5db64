import { readFile } from 'node:fs/promises';

import { createCliContext } from './context';
import { runCli } from './program';

/** Entry point of `bin/trust-auditor.js`. */
export async function main(argv: readonly string[]): Promise<void> {
  const context = createCliContext(
    {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stderrIsTTY: process.stderr.isTTY === true,
      readStdin: () => readFile('/dev/stdin', 'utf8'),
    },
    process.env,
  );
  const code = await runCli(argv, context);
  // Long-running commands (serve) keep the event loop alive and exit on a signal.
  process.exitCode = code;
}
