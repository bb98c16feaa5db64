import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { cliInProcess } from '../../fixtures/cli';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** A JSON result of exactly `bytes` bytes. */
function resultOf(bytes: number): string {
  const frame = '{"value":[{"note":""}]}';
  return `{"value":[{"note":"${'x'.repeat(bytes - frame.length)}"}]}`;
}

describe('inputs named on the command line are bounded', () => {
  it('refuses a result over 1 MiB to publish, from a file or stdin, before reading it', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.json');
    writeFileSync(big, resultOf(1024 * 1024 + 1));
    const fromFile = await cliInProcess(['--data-dir', dir, 'server', 'publish', 'm1', big]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toBe(
      `error: the result file ${big} is larger than 1 MiB; nothing was read.\n`,
    );
    const fromStdin = await cliInProcess(
      ['--data-dir', dir, 'server', 'publish', 'm1', '-'],
      resultOf(1024 * 1024 + 1),
    );
    expect(fromStdin.code).toBe(2);
    expect(fromStdin.stderr).toBe(
      'error: Standard input is larger than 1 MiB; nothing was read.\n',
    );
  });

  it('reads a result of exactly 1 MiB (then the server judges it: no such measurement)', async () => {
    const dir = tempDir();
    const exact = await cliInProcess(
      ['--data-dir', dir, 'server', 'publish', 'm1', '-'],
      resultOf(1024 * 1024),
    );
    expect(exact.code).toBe(2);
    expect(exact.stderr).not.toContain('larger than');
    expect(exact.stderr).toContain('m1');
  });
});
