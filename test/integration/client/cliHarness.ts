import { runCli } from '../../../electron/cli/program';
import { createCliContext } from '../../../electron/cli/context';

/** Runs the command line in this process with captured output. */
export async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { tty?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const context = createCliContext(
    {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      stderrIsTTY: options.tty === true,
      readStdin: async () => '',
    },
    env,
  );
  const code = await runCli(args, context);
  return { code, stdout, stderr };
}
