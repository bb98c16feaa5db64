import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'vitest';

import { createCliContext } from '../../../electron/cli/context';
import { runCli } from '../../../electron/cli/program';
import type { RunningServer } from './ourServer';

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

/** Follows our server as vendor `name` through `vendor add` (token file, pinned fingerprint). */
export async function addVendor(
  dataDir: string,
  server: RunningServer,
  name = 'acme',
): Promise<void> {
  const tokenFile = join(dataDir, `${name}.token`);
  writeFileSync(tokenFile, server.token);
  const added = await cli([
    '--data-dir',
    dataDir,
    'vendor',
    'add',
    name,
    server.ctpBase,
    '--token-file',
    tokenFile,
    '--fingerprint',
    server.fingerprint,
  ]);
  expect(added).toMatchObject({ code: 0, stderr: '' });
}
