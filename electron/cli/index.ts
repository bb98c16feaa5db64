import { createCliContext } from './context';
import { readStreamBounded } from './inputs';
import { runCli } from './program';

/** Entry point of `bin/trust-auditor.js`. */
export async function main(argv: readonly string[]): Promise<void> {
  const context = createCliContext(
    {
      stdout: pipeWriter(process.stdout),
      stderr: pipeWriter(process.stderr),
      stderrIsTTY: process.stderr.isTTY === true,
      readStdin: (maxBytes) => readStreamBounded(process.stdin, maxBytes),
    },
    process.env,
  );
  const code = await runCli(argv, context);
  // Long-running commands (serve) keep the event loop alive and exit on a signal.
  process.exitCode = code;
}

/**
 * Writes to stdout or stderr until the reader goes away (`trust-auditor verify … | head`
 * closes the pipe): then the rest is dropped, as a command killed by SIGPIPE would drop
 * it, and the command still ends with its own exit code instead of an EPIPE stack trace.
 */
function pipeWriter(stream: NodeJS.WritableStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}
