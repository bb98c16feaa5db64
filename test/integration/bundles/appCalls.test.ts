import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { signBundle } from '../../../electron/core/bundles/signing/signBundle';
import { createLogger } from '../../../electron/core/logger';
import type { BundlesChangeEvent, EventMessage, TrustStoreListing } from '../../../shared/api';
import type {
  BundleImportRecord,
  BundleImportResult,
  BundleReport,
  KeyInspection,
  RuleDetail,
  RuleFacets,
  RulePage,
  TrustedKeyInfo,
} from '../../../shared/bundles';
import { useTempDirs } from '../../helpers/tempDir';
import { specRule, tarGz, manifestFor, testKeys, validBundle } from '../../fixtures/bundles';

const tempDir = useTempDirs();
let core: Core | null = null;
afterEach(async () => {
  await core?.dispose();
  core = null;
});

async function openBundles() {
  const dataDir = tempDir();
  core = await createCore({ dataDir, mode: 'headless', logger: createLogger({ level: 'silent' }) });
  const opened = core;
  const changes: BundlesChangeEvent[] = [];
  opened.events.subscribe((message: EventMessage) => {
    if (message.name === 'bundles.onDidChange') changes.push(message.payload as BundlesChangeEvent);
  });
  const call = <T>(name: string, argument?: unknown) =>
    opened.dispatcher.dispatch(name as never, argument) as Promise<T>;
  const file = (name: string, bytes: Buffer | string) => {
    const path = join(dataDir, name);
    writeFileSync(path, bytes);
    return path;
  };
  return { call, file, changes, dataDir };
}

/** A bundle whose rules map to distinct NIST 800-53 controls. */
function controlsBundle(): Buffer {
  const rules = [
    specRule('ow-accounts', {
      frameworks: { nist_800_53: { controls: ['AC-2(4)'], applicable: true } },
    }),
    specRule('ow-audit', {
      severity: 'high',
      frameworks: { nist_800_53: { controls: ['AU-12'], applicable: true } },
      platforms: ['ubuntu2204'],
    }),
  ];
  return tarGz([
    { path: 'manifest.json', body: JSON.stringify(manifestFor(2, { name: 'controls' })) },
    { path: 'rules/', type: 'Directory' },
    ...rules.map((rule) => ({
      path: `rules/${String(rule.rule_id)}.json`,
      body: JSON.stringify(rule),
    })),
  ]);
}

describe('the bundles calls of the app (real archives, real SQLite, real keys)', () => {
  it('verifies, imports with a strategy, says it was imported already, and finds rules by control', async () => {
    const { call, file, changes } = await openBundles();
    const path = file('controls.tar.gz', controlsBundle());
    const report = await call<BundleReport>('bundles.verify', { path });
    expect(report.verdict).toBe('valid-unsigned');
    const lookup = { sha256: report.bundle.sha256, name: 'controls', version: '1.0.0' };
    await expect(call('bundles.previousImports', lookup)).resolves.toEqual([]);

    await expect(
      call('bundles.import', { source: { path }, strategy: 'skip_all' }),
    ).rejects.toMatchObject({ code: 'BUNDLE_SIGNATURE_REQUIRED' });
    const result = await call<BundleImportResult>('bundles.import', {
      source: { path },
      strategy: 'skip_unchanged_update_changed',
      allowUnsigned: true,
    });
    expect(result).toMatchObject({ unsignedAllowed: true, counts: { total: 2, inserted: 2 } });
    expect(changes).toEqual([{ reason: 'imported' }]);

    const previous = await call<BundleImportRecord[]>('bundles.previousImports', lookup);
    expect(previous).toMatchObject([{ id: result.importId, name: 'controls', version: '1.0.0' }]);
    expect(await call('bundles.imports')).toEqual(previous);

    // AC-2 finds its enhancement AC-2(4), in any case; AU-12 is not AC-2.
    const byControl = await call<RulePage>('bundles.rules', {
      framework: 'nist_800_53',
      control: 'ac-2',
    });
    expect(byControl.total).toBe(1);
    expect(byControl.rules.map((rule) => rule.ruleId)).toEqual(['ow-accounts']);
    const byText = await call<RulePage>('bundles.rules', { text: 'AUDIT', severity: 'high' });
    expect(byText.rules.map((rule) => rule.ruleId)).toEqual(['ow-audit']);
    const facets = await call<RuleFacets>('bundles.ruleFacets');
    expect(facets).toEqual({
      rules: 2,
      frameworks: [{ key: 'nist_800_53', rules: 2 }],
      platforms: ['rhel8', 'rhel9', 'ubuntu2204'],
      severities: ['high', 'medium'],
    });

    const rule = await call<RuleDetail>('bundles.rule', { ruleId: 'ow-audit' });
    expect(rule.versions.map((version) => version.version)).toEqual([1]);
    expect(rule.imports.map((record) => record.id)).toEqual([result.importId]);
    await expect(call('bundles.rule', { ruleId: 'ow-none' })).rejects.toMatchObject({
      code: 'BUNDLE_RULE_NOT_FOUND',
    });
  });

  it('verifies and imports an uploaded bundle', async () => {
    const { call } = await openBundles();
    const base64 = validBundle(3).toString('base64');
    const report = await call<BundleReport>('bundles.verify', {
      upload: { name: 'rules.tar.gz', base64 },
    });
    expect(report.counts.ruleFiles).toBe(3);
    const result = await call<BundleImportResult>('bundles.import', {
      source: { upload: { name: 'rules.tar.gz', base64 } },
      strategy: 'version_increment',
      allowUnsigned: true,
    });
    expect(result.counts.inserted).toBe(3);
  });

  it('names a damaged file by its size and SHA-256, and resolves a relative path from the working folder', async () => {
    const { call, file } = await openBundles();
    const junk = Buffer.alloc(4096, 0x41);
    const path = file('junk.tar.gz', junk);
    const report = await call<BundleReport>('bundles.verify', { path });
    expect(report.verdict).toBe('invalid');
    expect(report.bundle).toMatchObject({
      compressedBytes: 4096,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const relative = join('no-such-folder', 'b.tar.gz');
    await expect(call('bundles.verify', { path: relative })).rejects.toMatchObject({
      message: expect.stringContaining(join(process.cwd(), relative)),
    });
  });

  it('inspects a key before trusting it, trusts it, and the signed bundle turns verified', async () => {
    const { call, file, changes } = await openBundles();
    const signed = await signBundle({
      bundle: validBundle(2),
      privateKeyPem: testKeys().privateKey,
      signer: 'Publisher',
    });
    const path = file('signed.tar.gz', signed.bundle);
    expect((await call<BundleReport>('bundles.verify', { path })).verdict).toBe('untrusted');

    const keyPath = file('publisher.pem', testKeys().publicKey);
    const inspected = await call<KeyInspection>('bundles.inspectKey', {
      source: { path: keyPath },
    });
    expect(inspected).toMatchObject({
      keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
      bits: 2048,
      trustedAs: null,
    });
    expect(await call<TrustStoreListing>('bundles.trustedKeys')).toMatchObject({
      keys: [],
      problems: [],
    });

    const trusted = await call<TrustedKeyInfo & { added: boolean }>('bundles.trustKey', {
      source: {
        upload: {
          name: 'publisher.pem',
          base64: Buffer.from(testKeys().publicKey).toString('base64'),
        },
      },
      name: 'publisher',
    });
    expect(trusted).toMatchObject({ keyId: inspected.keyId, added: true, name: 'publisher' });
    const listing = await call<TrustStoreListing>('bundles.trustedKeys');
    expect(listing.keys).toMatchObject([
      { keyId: inspected.keyId, bits: 2048, addedAt: expect.any(String) },
    ]);
    expect(
      (await call<KeyInspection>('bundles.inspectKey', { source: { path: keyPath } })).trustedAs,
    ).toBe('publisher');
    const verified = await call<BundleReport>('bundles.verify', { path });
    expect(verified).toMatchObject({
      verdict: 'verified',
      signer: 'Publisher',
      keyId: inspected.keyId,
    });

    await call('bundles.untrustKey', { keyId: inspected.keyId });
    expect((await call<BundleReport>('bundles.verify', { path })).verdict).toBe('untrusted');
    expect(changes).toEqual([{ reason: 'keys' }, { reason: 'keys' }]);
    await expect(call('bundles.untrustKey', { keyId: inspected.keyId })).rejects.toMatchObject({
      code: 'BUNDLE_KEY_NOT_FOUND',
    });
    await expect(
      call('bundles.trustKey', { source: { path: file('not-a-key.pem', 'hello') } }),
    ).rejects.toMatchObject({ code: 'BUNDLE_KEY_INVALID' });
  });
});
