import { createCliContext } from './context';
import { readStreamBounded } from './inputs';
import { runCli } from './program';

/** Entry point of `bin/trust-auditor.js`. */
export async function main(argv: readonly string[]): Promise<void> {
  const context = createCliContext(
    {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stderrIsTTY: process.stderr.isTTY === true,
      readStdin: (maxBytes) => readStreamBounded(process.stdin, maxBytes),
    },
    process.env,
  );
  const code = await runCli(argv, context);
  // Long-running commands (serve) keep the event loop alive and exit on a signal.
  process.exitCode = code;
}
