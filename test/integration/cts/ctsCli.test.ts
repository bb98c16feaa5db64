import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

import type { CtsTelemetry } from '../../../shared/cts';
import { cliInProcess } from '../../fixtures/cli';
import { ctsProvider } from '../../fixtures/cts';
import { serveArgs, SHARED, useProcesses } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const start = useProcesses();

const cli = cliInProcess;

const validate = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(
    JSON.parse(
      readFileSync(join(SHARED, 'fixtures', 'opencts', 'cts-schema.v1-2025-10-16.json'), 'utf8'),
    ) as object,
  );
})();

describe('trust-auditor cts', () => {
  it('prints the telemetry GET /cts serves (--json) or what drives each control, terminal-safe', async () => {
    const dir = tempDir();
    const file = join(dir, 'provider.json');
    const provider = ctsProvider();
    provider.compliance.frameworks[1]!.name = 'ISO\u001b[31m27001';
    writeFileSync(file, JSON.stringify(provider));
    expect((await cli(['server', 'import', file, '--data-dir', dir])).code).toBe(0);
    const json = await cli(['cts', '--json', '--data-dir', dir]);
    expect(json.code).toBe(0);
    const telemetry = JSON.parse(json.stdout) as CtsTelemetry;
    expect(validate(telemetry)).toBe(true);
    expect(telemetry.frameworks.map((f) => f.name)).toEqual(['SOC2', 'ISO\u001b[31m27001']);
    const text = (await cli(['cts', '--data-dir', dir])).stdout;
    expect(text).toContain('Posture partially_compliant (since ');
    expect(text).toContain('SOC2: partial, score 0.833, 3 controls');
    expect(text).toContain(
      '  CC7.1 Vulnerability management: partial ← m1 met, scan not_evidenced (no_objective)',
    );
    expect(text).toContain('  CC1.1 Integrity & "ethics": compliant (declared)');
    expect(text).not.toContain('\u001b');

    // A publish records the change at once; `cts` shows the new content.
    writeFileSync(join(dir, 'result.json'), JSON.stringify({ value: [{ percentage: 12 }] }));
    expect(
      (await cli(['server', 'publish', 'm1', join(dir, 'result.json'), '--data-dir', dir])).code,
    ).toBe(0);
    const after = JSON.parse(
      (await cli(['cts', '--json', '--data-dir', dir])).stdout,
    ) as CtsTelemetry;
    expect(after.frameworks[0]).toMatchObject({ status: 'partial', score: 1 / 3 });
    expect(Date.parse(after.timestamp)).toBeGreaterThanOrEqual(Date.parse(telemetry.timestamp));
  });

  it('says how to start when there is no mapping', async () => {
    const result = await cli(['cts', '--data-dir', tempDir()]);
    expect(result.stdout).toMatch(
      /^Posture unknown \(since .*\)\nNo frameworks: import a provider file with a "compliance" section\.\n$/,
    );
  });
});

describe('serve --public-cts (built CLI)', () => {
  it('serves the demo telemetry without a token only when asked', async () => {
    const open = start(process.execPath, serveArgs(tempDir(), '--demo', '--public-cts'));
    const [, origin] = await open.waitFor(/OpenCTS\s+(http:\/\/127\.0\.0\.1:\d+)\/cts \(public\)/);
    const response = await fetch(`${origin!}/cts`);
    expect(response.status).toBe(200);
    const telemetry = (await response.json()) as CtsTelemetry;
    expect(validate(telemetry)).toBe(true);
    expect(telemetry.frameworks.map((f) => f.name)).toEqual(['SOC2', 'ISO27001']);
    expect(telemetry.compliance_posture).toBe('partially_compliant');
    const metrics = await (await fetch(`${origin!}/cpx/metrics`)).text();
    expect(metrics).toMatch(/^opencts_compliance_score\{framework="ISO27001"\} 0\.\d+$/m);

    const closed = start(process.execPath, serveArgs(tempDir(), '--demo'));
    const [, other] = await closed.waitFor(/OpenCTS\s+(http:\/\/127\.0\.0\.1:\d+)\/cts\n/);
    expect((await fetch(`${other!}/cts`)).status).toBe(401);
    const token = 'demo-acme-token-not-secret';
    expect(
      (await fetch(`${other!}/cts`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
  });
});
