// Import into a real auditor.db: strategies, versioning, idempotence, atomicity, real data.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AppError } from '../../../shared/errors';
import { createBundle } from '../../../electron/core/bundles/signing/createBundle';
import { createBundleImporter } from '../../../electron/core/bundles/import/importBundle';
import type { BundleImporter } from '../../../electron/core/bundles/import/importBundle';
import { createRulesRepository } from '../../../electron/core/bundles/import/rulesRepository';
import { signBundle } from '../../../electron/core/bundles/signing/signBundle';
import { createTrustStore } from '../../../electron/core/bundles/signing/trustStore';
import { createBundleVerifier } from '../../../electron/core/bundles/verify/verifyBundle';
import type { BundleVerifier } from '../../../electron/core/bundles/verify/verifyBundle';
import { openDatabase } from '../../../electron/core/store/database';
import type { SqliteDatabase } from '../../../electron/core/store/database';
import { loadMigrations } from '../../../electron/core/store/loadMigrations';
import { specRule, testKeys } from '../../fixtures/bundles';
import { SHARED } from '../../helpers/processes';

const FIXTURES = join(SHARED, 'fixtures', 'openwatch-rules-2025-10');

let dir: string;
let db: SqliteDatabase;
let verifier: BundleVerifier;
let importer: BundleImporter;
let tick = 0;
const clock = (): Date => new Date(Date.UTC(2025, 9, 23, 12, 0, tick++));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bundles-import-'));
  db = openDatabase({ path: join(dir, 'auditor.db'), migrations: loadMigrations('auditor') });
  const trustStore = createTrustStore({ dir: join(dir, 'trust') });
  await trustStore.add(testKeys().publicKey);
  verifier = createBundleVerifier({ trustStore });
  importer = createBundleImporter({ verifier, clock, repository: createRulesRepository(db) });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
/** Writes rules to a folder, makes and signs a bundle, returns its path. */
async function bundle(
  rules: Record<string, unknown>[],
  options: { sign?: boolean; version?: string } = {},
): Promise<string> {
  const folder = join(dir, `rules-${serial++}`);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(folder);
  for (const rule of rules)
    writeFileSync(join(folder, `${String(rule.rule_id)}.json`), JSON.stringify(rule));
  const created = await createBundle({
    dir: folder,
    name: 'b',
    version: options.version ?? '1.0.0',
    createdAt: '2025-10-01T00:00:00Z',
  });
  let bytes = created.bytes;
  if (options.sign !== false) {
    bytes = (
      await signBundle({ bundle: bytes, privateKeyPem: testKeys().privateKey, signer: 'Tester' })
    ).bundle;
  }
  const path = join(dir, `bundle-${serial++}.tar.gz`);
  writeFileSync(path, bytes);
  return path;
}

const snapshot = (): unknown => ({
  rules: db
    .prepare(
      'SELECT rule_id, version, is_latest, content_hash, effective_until FROM rules ORDER BY rule_id, version',
    )
    .all(),
  controls: db.prepare('SELECT count(*) AS n FROM rule_controls').get(),
});

describe('import', () => {
  it('imports a signed bundle and records it', async () => {
    const path = await bundle([
      specRule('ow-a'),
      specRule('ow-b', { severity: 'high', platforms: ['ubuntu2204'] }),
    ]);
    const result = await importer.importFile(path);
    expect(result.counts).toMatchObject({ total: 2, inserted: 2 });
    expect(result.unsignedAllowed).toBe(false);
    const [record] = importer.rules.listImports();
    expect(record).toMatchObject({
      name: 'b',
      version: '1.0.0',
      signer: 'Tester',
      signatureMode: 'embedded',
      verdict: 'verified',
      strategy: 'skip_unchanged_update_changed',
    });
    expect(record?.bundleSha256).toBe(result.report.bundle.sha256);
    expect(record?.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(
      importer.rules
        .findRules({ framework: 'nist_800_53', control: 'AC-2' })
        .map((rule) => rule.ruleId),
    ).toEqual(['ow-a', 'ow-b']);
    expect(importer.rules.findRules({ severity: 'high' }).map((rule) => rule.ruleId)).toEqual([
      'ow-b',
    ]);
    expect(importer.rules.findRules({ platform: 'ubuntu2204' }).map((rule) => rule.ruleId)).toEqual(
      ['ow-b'],
    );
    expect(importer.rules.findRules({ framework: 'cis' })).toHaveLength(2);
    expect(importer.rules.getRule('ow-a')?.document.rule_id).toBe('ow-a');
  });

  it('is idempotent: the same bundle twice changes no rule', async () => {
    const path = await bundle([specRule('ow-a'), specRule('ow-b')]);
    await importer.importFile(path);
    const before = snapshot();
    for (const strategy of [
      'skip_unchanged_update_changed',
      'version_increment',
      'replace_all',
      'skip_all',
    ] as const) {
      const again = await importer.importFile(path, { strategy });
      expect(again.counts.inserted + again.counts.versioned + again.counts.retired).toBe(0);
    }
    expect(snapshot()).toEqual(before);
  });

  it('the content hash ignores bookkeeping fields and key order', async () => {
    await importer.importFile(await bundle([specRule('ow-a')]));
    const reordered = Object.fromEntries(
      Object.entries(
        specRule('ow-a', { version: '9.9.9', updated_at: 'later', _id: 'x' }),
      ).reverse(),
    );
    const result = await importer.importFile(
      await bundle([reordered as Record<string, unknown>], { version: '1.0.1' }),
    );
    expect(result.counts.unchanged).toBe(1);
  });

  it('skip_unchanged_update_changed writes a new version and keeps the old one', async () => {
    await importer.importFile(await bundle([specRule('ow-a'), specRule('ow-b')]));
    const result = await importer.importFile(
      await bundle([specRule('ow-a', { severity: 'critical' }), specRule('ow-b')], {
        version: '1.1.0',
      }),
    );
    expect(result.counts).toMatchObject({ versioned: 1, unchanged: 1 });
    const history = importer.rules.ruleHistory('ow-a');
    expect(history.map((rule) => [rule.version, rule.isLatest, rule.severity])).toEqual([
      [1, false, 'medium'],
      [2, true, 'critical'],
    ]);
    expect(history[0]?.effectiveUntil).toBe(history[1]?.effectiveFrom);
    expect(importer.rules.findRules({ latestOnly: false, framework: 'cis' })).toHaveLength(3);
  });

  it('skip_all leaves existing rules alone and inserts new ones', async () => {
    await importer.importFile(await bundle([specRule('ow-a')]));
    const result = await importer.importFile(
      await bundle([specRule('ow-a', { severity: 'low' }), specRule('ow-c')]),
      { strategy: 'skip_all' },
    );
    expect(result.counts).toMatchObject({ skipped: 1, inserted: 1 });
    expect(importer.rules.getRule('ow-a')?.severity).toBe('medium');
  });

  it('version_increment versions every rule of a new bundle, even unchanged ones', async () => {
    await importer.importFile(await bundle([specRule('ow-a')]));
    const result = await importer.importFile(
      await bundle([specRule('ow-a')], { version: '2.0.0' }),
      { strategy: 'version_increment' },
    );
    expect(result.counts.versioned).toBe(1);
    expect(importer.rules.ruleHistory('ow-a').map((rule) => rule.version)).toEqual([1, 2]);
  });

  it('replace_all retires rules missing from the bundle, keeping their history', async () => {
    await importer.importFile(await bundle([specRule('ow-a'), specRule('ow-b')]));
    const result = await importer.importFile(
      await bundle([specRule('ow-a')], { version: '2.0.0' }),
      { strategy: 'replace_all' },
    );
    expect(result.counts).toMatchObject({ unchanged: 1, retired: 1 });
    expect(importer.rules.getRule('ow-b')).toBeNull();
    expect(importer.rules.ruleHistory('ow-b')[0]?.effectiveUntil).not.toBeNull();
    expect(importer.rules.countRules({ latestOnly: true })).toBe(1);
  });

  it('a failure in the middle leaves the previous state intact', async () => {
    await importer.importFile(await bundle([specRule('ow-a'), specRule('ow-b')]));
    const before = snapshot();
    const imports = importer.rules.listImports().length;
    const real = createRulesRepository(db);
    let inserted = 0;
    const failing = createBundleImporter({
      verifier,
      clock,
      repository: {
        ...real,
        insertRuleVersion(rule) {
          inserted += 1;
          if (inserted === 3) throw new Error('disk full (simulated)');
          return real.insertRuleVersion(rule);
        },
      },
    });
    const next = await bundle(
      [
        specRule('ow-a', { severity: 'low' }),
        specRule('ow-b', { severity: 'low' }),
        specRule('ow-c'),
        specRule('ow-d'),
      ],
      { version: '2.0.0' },
    );
    await expect(failing.importFile(next)).rejects.toMatchObject({ code: 'BUNDLE_IMPORT_FAILED' });
    expect(snapshot()).toEqual(before);
    expect(importer.rules.listImports()).toHaveLength(imports);
  });

  it('refuses a rule with no canonical form (a lone surrogate) and writes nothing', async () => {
    await importer.importFile(await bundle([specRule('ow-a')]));
    const before = snapshot();
    const imports = importer.rules.listImports().length;
    const hostile = await bundle(
      [specRule('ow-a', { severity: 'low' }), specRule('ow-b', { metadata: { name: 'B \ud800' } })],
      { version: '2.0.0' },
    );
    await expect(importer.importFile(hostile)).rejects.toMatchObject({
      code: 'BUNDLE_INVALID',
      message: expect.stringMatching(/rules\/ow-b\.json cannot be stored: .*lone surrogate/),
    });
    expect(snapshot()).toEqual(before);
    expect(importer.rules.listImports()).toHaveLength(imports);
  });

  it('refuses to import a verification that kept no rule content', async () => {
    const verification = await verifier.verifyFile(await bundle([specRule('ow-a')]));
    await expect(importer.importVerified(verification)).rejects.toMatchObject({
      code: 'BUNDLE_IMPORT_FAILED',
    });
    expect(importer.rules.listImports()).toEqual([]);
  });

  it('refuses unsigned bundles unless allowed, and invalid ones always', async () => {
    const unsigned = await bundle([specRule('ow-a')], { sign: false });
    await expect(importer.importFile(unsigned)).rejects.toMatchObject({
      code: 'BUNDLE_SIGNATURE_REQUIRED',
    });
    expect(importer.rules.countRules()).toBe(0);
    const result = await importer.importFile(unsigned, { allowUnsigned: true });
    expect(result.unsignedAllowed).toBe(true);
    expect(importer.rules.listImports()[0]).toMatchObject({
      verdict: 'valid-unsigned',
      signatureMode: 'none',
    });
    writeFileSync(join(dir, 'bad.tar.gz'), 'not a bundle');
    await expect(
      importer.importFile(join(dir, 'bad.tar.gz'), { allowUnsigned: true }),
    ).rejects.toBeInstanceOf(AppError);
    await expect(
      importer.importFile(unsigned, { strategy: 'merge' as never }),
    ).rejects.toMatchObject({ code: 'BUNDLE_STRATEGY_INVALID' });
  });
});

describe('the 1,290 real OpenWatch rules', () => {
  it('verify reports each deviation; --lenient import maps them', async () => {
    const created = await createBundle({
      dir: FIXTURES,
      allowInvalid: true,
      createdAt: '2025-10-23T00:00:00Z',
    });
    expect(created.ruleCount).toBe(1290);
    const path = join(dir, 'real.tar.gz');
    writeFileSync(path, created.bytes);

    const { report } = await verifier.verifyFile(path);
    expect(report.verdict).toBe('invalid');
    expect(report.counts.ruleFiles).toBe(1290);
    // The deviations the fixture README counts, each reported per rule.
    const missing = (field: string): number =>
      report.findings.filter(
        (item) => item.code === 'RULE_FIELD_MISSING' && item.path.endsWith(`#/${field}`),
      ).length;
    expect(missing('scanner_type')).toBe(1290);
    expect(missing('is_latest')).toBe(1290);
    expect(missing('platforms')).toBe(1290);
    expect(report.findingCounts.RULE_ID_INVALID).toBe(5);
    expect(report.findingCounts.RULE_BOOKKEEPING_FIELD).toBe(1290);
    const nestedFiles = new Set(
      report.findings
        .filter((item) => item.code === 'RULE_FRAMEWORK_SHAPE')
        .map((item) => item.path.split('#')[0]),
    );
    expect(nestedFiles.size).toBe(952);
    const unknownKeyFiles = new Set(
      report.findings
        .filter((item) => item.code === 'RULE_FRAMEWORK_UNKNOWN')
        .map((item) => item.path.split('#')[0]),
    );
    expect(unknownKeyFiles.size).toBe(879);
    const duplicateFiles = new Set(
      report.findings
        .filter((item) => item.code === 'RULE_CONTROL_DUPLICATE')
        .map((item) => item.path.split('#')[0]),
    );
    expect(duplicateFiles.size).toBe(203);

    await expect(importer.importFile(path, { allowUnsigned: true })).rejects.toMatchObject({
      code: 'BUNDLE_INVALID',
    });
    const result = await importer.importFile(path, { allowUnsigned: true, lenient: true });
    expect(result.counts.inserted).toBe(1290);
    expect(result.lenientMappings).toMatchObject({
      scanner_type_default: 1290,
      is_latest_default: 1290,
      platforms_from_implementations: 1290,
      framework_nested_by_version: 952,
      framework_key_alias: 879,
      control_duplicates_removed: 203,
      rule_id_lowercase: 5,
    });
    expect(importer.rules.getRule('ow-ensure_gpg_keys_are_configured')).not.toBeNull();
    expect(
      importer.rules.findRules({ framework: 'nist_800_53', limit: 10_000 }).length,
    ).toBeGreaterThan(700);
    expect(importer.rules.findRules({ platform: 'rhel8', limit: 10_000 }).length).toBe(666);
    expect(importer.rules.findRules({ severity: 'unknown', limit: 10_000 })).toHaveLength(142);
    const again = await importer.importFile(path, { allowUnsigned: true, lenient: true });
    expect(again.counts.unchanged).toBe(1290);
    expect(readdirSync(FIXTURES)).toHaveLength(1291);
  });
});
