import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { VendorCts } from '../../../shared/cts';
import type { VendorEvidence } from '../../../shared/ctsEvidence';
import { cliInProcess } from '../../fixtures/cli';
import { useCtsPair } from '../../fixtures/cts';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const pair = useCtsPair();

const cli = cliInProcess;

describe('trust-auditor vendor cts | evidence | edit --cts', () => {
  it("shows a vendor's telemetry and checks its evidence from the command line", async () => {
    const { listening } = await pair.provider(tempDir());
    const dir = tempDir();
    const data = ['--data-dir', dir];
    writeFileSync(join(dir, 'token'), 'acme-secret-token');
    expect(
      (
        await cli([
          'vendor',
          'add',
          'acme',
          listening.ctpBase,
          '--token-file',
          join(dir, 'token'),
          '--fingerprint',
          listening.fingerprint256!,
          ...data,
        ])
      ).code,
    ).toBe(0);
    expect((await cli(['vendor', 'cts', 'acme', ...data])).stdout).toContain(
      'Not read yet: `vendor sync` reads it.',
    );
    expect((await cli(['vendor', 'sync', 'acme', ...data])).code).toBe(0);

    const shown = await cli(['vendor', 'cts', 'acme', ...data]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`acme: telemetry at ${new URL(listening.ctpBase).origin}/cts`);
    expect(shown.stdout).toMatch(/Attestation PINNED_NOW \(key [\w-]{43}\): first key seen/);
    expect(shown.stdout).toContain(
      'Claims against our CTP data: 0 contradicted, 0 consistent, 3 agree, 0 unverifiable, 1 declared',
    );
    const view = JSON.parse(
      (await cli(['vendor', 'cts', 'acme', '--json', ...data])).stdout,
    ) as VendorCts;
    expect(view.current!.valid).toBe(true);

    // sha256("test") is CC7.2's digest; a stranger file matches nothing (exit 1).
    writeFileSync(join(dir, 'monitoring.txt'), 'test');
    writeFileSync(join(dir, 'holiday.jpg'), 'holiday');
    const checked = await cli([
      'vendor',
      'evidence',
      'acme',
      '--check',
      join(dir, 'monitoring.txt'),
      join(dir, 'holiday.jpg'),
      ...data,
    ]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(
      /^VERIFIED +sha256 sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 \(SOC2 CC7\.2\)$/m,
    );
    expect(checked.stdout).toContain('file holiday.jpg sha256:');
    expect(checked.stdout).toContain(': unmatched');
    const evidence = JSON.parse(
      (await cli(['vendor', 'evidence', 'acme', '--json', ...data])).stdout,
    ) as VendorEvidence;
    expect(evidence.counts).toMatchObject({ verified: 1, unchecked: 2, cannot_check: 1 });
    expect(
      (await cli(['vendor', 'evidence', 'acme', '--check', join(dir, 'missing'), ...data])).code,
    ).toBe(2);

    expect((await cli(['vendor', 'cts', 'acme', '--accept-key', 'nope', ...data])).stderr).toMatch(
      /has offered no attestation key "nope"/,
    );
    const moved = await cli([
      'vendor',
      'edit',
      'acme',
      '--cts',
      'https://127.0.0.1:1/telemetry/',
      ...data,
    ]);
    expect(moved.stdout).toContain(
      'OpenCTS telemetry of acme is read at https://127.0.0.1:1/telemetry.',
    );
    expect((await cli(['vendor', 'edit', 'acme', '--cts', 'ftp://x', ...data])).stderr).toMatch(
      /must be https/,
    );
    await cli(['vendor', 'sync', 'acme', ...data]);
    expect((await cli(['vendor', 'cts', 'acme', ...data])).stdout).toMatch(
      /Last read .*: failed \(https:\/\/127\.0\.0\.1:1\/telemetry: /,
    );
    expect((await cli(['vendor', 'edit', 'acme', '--cts', 'default', ...data])).stdout).toContain(
      `read at ${new URL(listening.ctpBase).origin}/cts.`,
    );
  });
});
