// The bundle commands through runCli, in-process, against real files and a real auditor.db.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createCliContext } from '../../../electron/cli/context';
import { runCli } from '../../../electron/cli/program';
import { manifestFor, specRule, tarGz } from '../../fixtures/bundles';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bundles-cli-'));
  mkdirSync(join(dir, 'rules'));
  for (const id of ['ow-a', 'ow-b'])
    writeFileSync(join(dir, 'rules', `${id}.json`), JSON.stringify(specRule(id)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], env: Record<string, string> = {}, tty = false) {
  let stdout = '';
  let stderr = '';
  const context = createCliContext(
    {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      stderrIsTTY: tty,
      readStdin: () => Promise.resolve(''),
    },
    { TRUST_AUDITOR_DATA: join(dir, 'data'), ...env },
  );
  const code = await runCli(argv, context);
  return { code, stdout, stderr };
}

describe('bundle CLI', () => {
  it('keygen, create, sign, trust, verify, import: the whole round trip', async () => {
    const keygen = await cli(['bundle', 'keygen', join(dir, 'signer')]);
    expect(keygen.code).toBe(0);
    const keyId = /Key id:\s+([0-9a-f]{16})/.exec(keygen.stdout)?.[1];
    expect(keyId).toBeDefined();
    expect((await cli(['bundle', 'keygen', join(dir, 'signer')])).code).toBe(2);

    const bundle = join(dir, 'b.tar.gz');
    expect(
      (
        await cli([
          'bundle',
          'create',
          join(dir, 'rules'),
          bundle,
          '--name',
          'demo',
          '--created-at',
          '2025-10-01T00:00:00Z',
        ])
      ).code,
    ).toBe(0);
    const again = await cli(['bundle', 'create', join(dir, 'rules'), bundle]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');

    const unsigned = await cli(['verify', bundle]);
    expect(unsigned.code).toBe(0);
    expect(unsigned.stdout).toContain('VALID, UNSIGNED');
    expect((await cli(['verify', bundle, '--require-signature'])).code).toBe(1);

    expect(
      (
        await cli([
          'bundle',
          'sign',
          bundle,
          '--key',
          join(dir, 'signer.pem'),
          '--signer',
          'Demo Org',
        ])
      ).code,
    ).toBe(0);
    const untrusted = await cli(['verify', bundle, '--json']);
    expect(JSON.parse(untrusted.stdout)).toMatchObject({ verdict: 'untrusted' });
    expect((await cli(['verify', bundle, '--require-signature'])).code).toBe(1);

    const trust = await cli(['bundle', 'trust', 'add', join(dir, 'signer.pub.pem')]);
    expect(trust.stdout).toContain(keyId);
    const list = await cli(['bundle', 'trust', 'list', '--json']);
    expect(JSON.parse(list.stdout).keys[0].keyId).toBe(keyId);

    const verified = await cli(['verify', bundle, '--require-signature', '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      verdict: 'verified',
      signatureMode: 'embedded',
      signer: 'Demo Org',
      keyId,
    });

    const imported = await cli(['import', bundle, '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout).counts).toMatchObject({ inserted: 2 });
    expect(existsSync(join(dir, 'data', 'auditor.db'))).toBe(true);
    const second = await cli(['import', bundle, '--strategy', 'replace_all']);
    expect(second.stdout).toContain('2 unchanged');

    // A separate trust folder with --keys: the same bundle is untrusted there.
    mkdirSync(join(dir, 'empty-keys'));
    const elsewhere = await cli(['verify', bundle, '--keys', join(dir, 'empty-keys'), '--json']);
    expect(JSON.parse(elsewhere.stdout).verdict).toBe('untrusted');
    // A --keys folder that does not exist is a usage error, not an untrusted signer.
    const missing = await cli(['verify', bundle, '--keys', join(dir, 'no-such-keys'), '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain(
      `the trust-store folder ${join(dir, 'no-such-keys')}: it does not exist`,
    );

    const detachedBundle = join(dir, 'd.tar.gz');
    await cli(['bundle', 'create', join(dir, 'rules'), detachedBundle]);
    expect(
      (
        await cli([
          'bundle',
          'sign',
          detachedBundle,
          '--key',
          join(dir, 'signer.pem'),
          '--detached',
          '--algorithm',
          'SHA256',
        ])
      ).code,
    ).toBe(0);
    expect(JSON.parse(readFileSync(`${detachedBundle}.sig`, 'utf8'))).toMatchObject({
      algorithm: 'SHA256',
      public_key_id: keyId,
    });
    const detached = await cli(['verify', detachedBundle, '--json']);
    expect(JSON.parse(detached.stdout)).toMatchObject({
      verdict: 'verified',
      signatureMode: 'detached',
    });

    expect((await cli(['bundle', 'trust', 'remove', keyId ?? ''])).code).toBe(0);
    expect((await cli(['bundle', 'trust', 'remove', keyId ?? ''])).code).toBe(2);
  });

  it('import refuses unsigned content unless allowed, and then says so loudly', async () => {
    const bundle = join(dir, 'u.tar.gz');
    await cli(['bundle', 'create', join(dir, 'rules'), bundle]);
    const refused = await cli(['import', bundle]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--allow-unsigned');
    const allowed = await cli(['import', bundle, '--allow-unsigned']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('WARNING: imported UNSIGNED content');
    const env = await cli(['import', bundle], { REQUIRE_BUNDLE_SIGNATURE: 'false' });
    expect(env.code).toBe(0);
    expect(env.stderr).toContain('UNSIGNED');
  });

  it('exit codes: 1 for an invalid bundle, 2 for usage and input errors', async () => {
    writeFileSync(join(dir, 'junk.tar.gz'), 'junk');
    const invalid = await cli(['verify', join(dir, 'junk.tar.gz'), '--json']);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout).findings[0].code).toBe('ARCHIVE_NOT_GZIP');
    expect((await cli(['verify', join(dir, 'missing.tar.gz')])).code).toBe(2);
    expect((await cli(['verify'])).code).toBe(2);
    expect((await cli(['import', join(dir, 'junk.tar.gz'), '--strategy', 'merge'])).code).toBe(2);
    expect((await cli(['import', join(dir, 'junk.tar.gz'), '--allow-unsigned'])).code).toBe(1);
  });

  it('says when the lenient mapping would clear every error', async () => {
    const legacy = {
      ...specRule('ow-legacy'),
      frameworks: { nist_800_53: { '800-53r5': ['AC-2'] } },
    };
    writeFileSync(
      join(dir, 'legacy.tar.gz'),
      tarGz([
        { path: 'manifest.json', body: JSON.stringify(manifestFor(1)) },
        { path: 'rules/ow-legacy.json', body: JSON.stringify(legacy) },
      ]),
    );
    const verified = await cli(['verify', join(dir, 'legacy.tar.gz')]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(
      'hint       every error is a legacy rule shape that `import --lenient` maps',
    );
    const imported = await cli([
      'import',
      join(dir, 'legacy.tar.gz'),
      '--lenient',
      '--allow-unsigned',
    ]);
    expect(imported.code).toBe(0);
  });

  it('draws a progress bar on a terminal only', async () => {
    const bundle = join(dir, 'p.tar.gz');
    await cli(['bundle', 'create', join(dir, 'rules'), bundle]);
    expect((await cli(['verify', bundle], {}, true)).stderr).toContain('%');
    expect((await cli(['verify', bundle], {}, false)).stderr).toBe('');
  });
});
