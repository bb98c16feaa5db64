import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BundleReport } from '../../../../../shared/bundles';
import { readBundle } from '../../../../../electron/core/bundles/archive/readBundle';
import { signBundle } from '../../../../../electron/core/bundles/signing/signBundle';
import { createTrustStore } from '../../../../../electron/core/bundles/signing/trustStore';
import type { TrustStore } from '../../../../../electron/core/bundles/signing/trustStore';
import {
  createBundleVerifier,
  verdictPasses,
} from '../../../../../electron/core/bundles/verify/verifyBundle';
import {
  NOW,
  manifestFor,
  specRule,
  tarGz,
  testKeys,
  validBundle,
} from '../../../../fixtures/bundles';
import type { RawEntry } from '../../../../fixtures/bundles';

let dir: string;
let trustStore: TrustStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bundles-verify-'));
  trustStore = createTrustStore({ dir: join(dir, 'trust') });
  await trustStore.add(testKeys().publicKey, 'test');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clock = (): Date => NOW;
const verify = async (bytes: Buffer, options = {}): Promise<BundleReport> =>
  (await createBundleVerifier({ trustStore, clock }).verify(bytes, options)).report;
const codes = (report: BundleReport): string[] => report.findings.map((finding) => finding.code);

function bundleOf(
  manifest: unknown,
  rules: Record<string, unknown>[],
  extra: RawEntry[] = [],
): Buffer {
  return tarGz([
    { path: 'manifest.json', body: JSON.stringify(manifest) },
    ...rules.map((rule) => ({
      path: `rules/${String(rule.rule_id)}.json`,
      body: JSON.stringify(rule),
    })),
    ...extra,
  ]);
}

describe('verify: structure', () => {
  it('keeps rule content for an import only when asked to', async () => {
    const verifier = createBundleVerifier({ trustStore, clock });
    const plain = await verifier.verify(validBundle(2));
    expect(plain.rules.map((rule) => rule.load)).toEqual([null, null]);
    const forImport = await verifier.verify(validBundle(2), { keepContent: true });
    expect(forImport.rules.map((rule) => rule.load?.().rule_id)).toEqual([
      'ow-rule_0',
      'ow-rule_1',
    ]);
    expect(forImport.report).toEqual({ ...plain.report, durationMs: forImport.report.durationMs });
  });

  it('a valid unsigned bundle is valid-unsigned, and passes unless a signature is required', async () => {
    const report = await verify(validBundle(3));
    expect(report.verdict).toBe('valid-unsigned');
    expect(report.signatureMode).toBe('none');
    expect(report.counts).toMatchObject({ ruleFiles: 3, validRules: 3, errors: 0 });
    expect(codes(report)).toEqual(['SIGNATURE_MISSING']);
    expect(verdictPasses(report.verdict, false)).toBe(true);
    expect(verdictPasses(report.verdict, true)).toBe(false);
  });

  it('a hostile archive is invalid with its findings', async () => {
    const report = await verify(tarGz([{ path: '../x', body: '{}' }]));
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toEqual(['ARCHIVE_PATH_UNSAFE']);
  });

  it.each([
    [
      'no manifest',
      [{ path: 'rules/ow-a.json', body: JSON.stringify(specRule('ow-a')) }],
      'MANIFEST_MISSING',
    ],
    [
      'two manifests',
      [
        { path: 'manifest.json', body: JSON.stringify(manifestFor(0)) },
        { path: 'manifest.bson', body: Buffer.from(BSON.serialize(manifestFor(0))) },
      ],
      'MANIFEST_BOTH',
    ],
    ['manifest not JSON', [{ path: 'manifest.json', body: '{nope' }], 'MANIFEST_PARSE'],
    ['manifest an array', [{ path: 'manifest.json', body: '[]' }], 'MANIFEST_PARSE'],
    [
      'manifest bad UTF-8',
      [{ path: 'manifest.json', body: Buffer.from([0x7b, 0xff, 0x7d]) }],
      'MANIFEST_PARSE',
    ],
    [
      'manifest bad BSON',
      [{ path: 'manifest.bson', body: Buffer.from([5, 0, 0, 0, 1]) }],
      'MANIFEST_PARSE',
    ],
  ])('%s', async (_name, entries, code) => {
    expect(codes(await verify(tarGz(entries as RawEntry[])))).toContain(code);
  });

  it.each([
    ['name missing', { name: undefined }, 'MANIFEST_FIELD_MISSING', '#/name'],
    ['name empty', { name: '' }, 'MANIFEST_FIELD_INVALID', '#/name'],
    ['name too long', { name: 'n'.repeat(256) }, 'MANIFEST_FIELD_INVALID', '#/name'],
    ['version missing', { version: undefined }, 'MANIFEST_FIELD_MISSING', '#/version'],
    ['version not SemVer', { version: '1.0' }, 'MANIFEST_FIELD_INVALID', '#/version'],
    ['version leading zero', { version: '01.0.0' }, 'MANIFEST_FIELD_INVALID', '#/version'],
    ['rules_count missing', { rules_count: undefined }, 'MANIFEST_FIELD_MISSING', '#/rules_count'],
    ['rules_count zero', { rules_count: 0 }, 'MANIFEST_FIELD_INVALID', '#/rules_count'],
    ['rules_count a string', { rules_count: '2' }, 'MANIFEST_FIELD_INVALID', '#/rules_count'],
    ['rules_count wrong', { rules_count: 3 }, 'MANIFEST_RULES_COUNT', '#/rules_count'],
    ['created_at missing', { created_at: undefined }, 'MANIFEST_FIELD_MISSING', '#/created_at'],
    [
      'created_at without zone',
      { created_at: '2025-10-22T19:55:05' },
      'MANIFEST_FIELD_INVALID',
      '#/created_at',
    ],
    [
      'created_at impossible',
      { created_at: '2025-02-30T00:00:00Z' },
      'MANIFEST_FIELD_INVALID',
      '#/created_at',
    ],
    ['format unknown', { format: 'yaml' }, 'MANIFEST_FIELD_INVALID', '#/format'],
    ['format mismatch', { format: 'bson' }, 'MANIFEST_FORMAT_MISMATCH', '#/format'],
    ['description not a string', { description: 5 }, 'MANIFEST_FIELD_INVALID', '#/description'],
    ['rules not an array', { rules: {} }, 'MANIFEST_FIELD_INVALID', '#/rules'],
    [
      'rules entry bad hash',
      { rules: [{ rule_id: 'ow-rule_0', filename: 'ow-rule_0.json', hash: 'md5:x' }] },
      'MANIFEST_RULE_ENTRY_INVALID',
      '#/rules/0',
    ],
    [
      'rules entry path in filename',
      {
        rules: [
          { rule_id: 'ow-rule_0', filename: '../ow-rule_0.json', hash: `sha256:${'0'.repeat(64)}` },
        ],
      },
      'MANIFEST_RULE_ENTRY_INVALID',
      '#/rules/0',
    ],
  ])('manifest: %s', async (_name, overrides, code, pointer) => {
    const report = await verify(validBundle(2, overrides));
    expect(report.verdict).toBe('invalid');
    const finding = report.findings.find((item) => item.code === code);
    expect(finding?.path).toBe(`manifest.json${pointer}`);
    expect(finding?.message.length).toBeGreaterThan(20);
  });

  it('suggests rules_count when a manifest says rule_count', async () => {
    const report = await verify(validBundle(2, { rules_count: undefined, rule_count: 2 }));
    expect(
      report.findings.find((item) => item.code === 'MANIFEST_FIELD_MISSING')?.message,
    ).toContain('rule_count');
  });

  it('accepts a BSON manifest and BSON rules', async () => {
    const rule = specRule('ow-b');
    const report = await verify(
      tarGz([
        {
          path: 'manifest.bson',
          body: Buffer.from(BSON.serialize(manifestFor(1, { format: 'bson' }))),
        },
        { path: 'rules/ow-b.bson', body: Buffer.from(BSON.serialize(rule)) },
      ]),
    );
    expect(report.verdict).toBe('valid-unsigned');
    expect(report.bundle.manifestFormat).toBe('bson');
  });

  it('checks listed hashes even when unsigned, and reports missing and unlisted files', async () => {
    const rules = [specRule('ow-a'), specRule('ow-b'), specRule('ow-c')];
    const hash = (rule: Record<string, unknown>): string =>
      `sha256:${createHash('sha256').update(JSON.stringify(rule)).digest('hex')}`;
    const manifest = manifestFor(3, {
      rules: [
        { rule_id: 'ow-a', filename: 'ow-a.json', hash: hash(rules[0] ?? {}) },
        { rule_id: 'ow-b', filename: 'ow-b.json', hash: hash({ tampered: true }) },
        { rule_id: 'ow-z', filename: 'ow-z.json', hash: hash({}) },
      ],
    });
    const report = await verify(bundleOf(manifest, rules));
    expect(report.verdict).toBe('invalid');
    expect(report.findingCounts).toMatchObject({
      MANIFEST_HASH_MISMATCH: 1,
      MANIFEST_RULE_MISSING: 1,
      MANIFEST_RULE_UNLISTED: 1,
    });
    expect(report.findings.find((item) => item.code === 'MANIFEST_RULE_UNLISTED')?.severity).toBe(
      'warning',
    );
  });
});

describe('verify: rules (every deviation of every rule)', () => {
  it.each([
    ['rule_id missing', { rule_id: undefined }, 'RULE_FIELD_MISSING', '/rule_id'],
    ['rule_id without ow-', { rule_id: 'account' }, 'RULE_ID_INVALID', '/rule_id'],
    ['rule_id upper case', { rule_id: 'ow-Upper' }, 'RULE_ID_INVALID', '/rule_id'],
    ['rule_id hyphen', { rule_id: 'ow-a-b' }, 'RULE_ID_INVALID', '/rule_id'],
    ['rule_id too long', { rule_id: `ow-${'a'.repeat(253)}` }, 'RULE_ID_INVALID', '/rule_id'],
    ['metadata missing', { metadata: undefined }, 'RULE_FIELD_MISSING', '/metadata'],
    [
      'metadata.name missing',
      { metadata: { description: 'x' } },
      'RULE_FIELD_MISSING',
      '/metadata/name',
    ],
    ['metadata.name empty', { metadata: { name: ' ' } }, 'RULE_FIELD_INVALID', '/metadata/name'],
    ['severity missing', { severity: undefined }, 'RULE_FIELD_MISSING', '/severity'],
    ['severity unknown word', { severity: 'severe' }, 'RULE_SEVERITY_INVALID', '/severity'],
    ['scanner_type missing', { scanner_type: undefined }, 'RULE_FIELD_MISSING', '/scanner_type'],
    ['scanner_type empty', { scanner_type: '' }, 'RULE_FIELD_INVALID', '/scanner_type'],
    ['version missing', { version: undefined }, 'RULE_FIELD_MISSING', '/version'],
    ['version an object', { version: {} }, 'RULE_FIELD_INVALID', '/version'],
    ['is_latest missing', { is_latest: undefined }, 'RULE_FIELD_MISSING', '/is_latest'],
    ['is_latest a string', { is_latest: 'yes' }, 'RULE_FIELD_INVALID', '/is_latest'],
    ['frameworks missing', { frameworks: undefined }, 'RULE_FIELD_MISSING', '/frameworks'],
    ['frameworks an array', { frameworks: [] }, 'RULE_FIELD_INVALID', '/frameworks'],
    [
      'frameworks nested by version',
      { frameworks: { cis: { controls_v8: ['1.1'] } } },
      'RULE_FRAMEWORK_SHAPE',
      '/frameworks/cis',
    ],
    [
      'framework without controls',
      { frameworks: { cis: { applicable: true } } },
      'RULE_FRAMEWORK_SHAPE',
      '/frameworks/cis/controls',
    ],
    [
      'framework without applicable',
      { frameworks: { cis: { controls: [] } } },
      'RULE_FRAMEWORK_SHAPE',
      '/frameworks/cis/applicable',
    ],
    [
      'framework controls not strings',
      { frameworks: { cis: { controls: [1], applicable: true } } },
      'RULE_FRAMEWORK_SHAPE',
      '/frameworks/cis/controls',
    ],
    ['platforms missing', { platforms: undefined }, 'RULE_FIELD_MISSING', '/platforms'],
    ['platforms a string', { platforms: 'rhel8' }, 'RULE_FIELD_INVALID', '/platforms'],
    ['platform empty', { platforms: [''] }, 'RULE_FIELD_INVALID', '/platforms/0'],
  ])('%s', async (_name, overrides, code, pointer) => {
    const rule = specRule('ow-a', overrides);
    const report = await verify(
      tarGz([
        { path: 'manifest.json', body: JSON.stringify(manifestFor(1)) },
        { path: 'rules/ow-a.json', body: JSON.stringify(rule) },
      ]),
    );
    expect(report.verdict).toBe('invalid');
    expect(report.findings.map((item) => [item.code, item.path])).toContainEqual([
      code,
      `rules/ow-a.json#${pointer}`,
    ]);
  });

  it('warns about unknown framework keys and duplicate controls without failing', async () => {
    const rule = specRule('ow-a', {
      frameworks: {
        nist: { controls: ['AC-2'], applicable: true },
        cis: { controls: ['1.1', '1.1'], applicable: true },
      },
    });
    const report = await verify(bundleOf(manifestFor(1), [rule]));
    expect(report.verdict).toBe('valid-unsigned');
    expect(report.findingCounts).toMatchObject({
      RULE_FRAMEWORK_UNKNOWN: 1,
      RULE_CONTROL_DUPLICATE: 1,
    });
  });

  it('reports every deviation of one rule together', async () => {
    const rule = { rule_id: 'ow-a', _id: 'ow-a', frameworks: { nist: { '800-53r5': ['AC-2'] } } };
    const report = await verify(bundleOf(manifestFor(1), [rule]));
    expect(report.findingCounts).toMatchObject({
      RULE_FIELD_MISSING: 6,
      RULE_FRAMEWORK_SHAPE: 1,
      RULE_FRAMEWORK_UNKNOWN: 1,
      RULE_BOOKKEEPING_FIELD: 1,
    });
  });

  it('reports file-name mismatches, duplicate ids, parse errors and non-rule files', async () => {
    const report = await verify(
      tarGz([
        { path: 'manifest.json', body: JSON.stringify(manifestFor(4)) },
        { path: 'rules/ow-a.json', body: JSON.stringify(specRule('ow-b')) },
        { path: 'rules/ow-b.json', body: JSON.stringify(specRule('ow-b')) },
        { path: 'rules/ow-c.json', body: '{not json' },
        { path: 'rules/ow-d.yaml', body: 'rule_id: ow-d' },
      ]),
    );
    expect(report.findingCounts).toMatchObject({
      RULE_FILE_NAME: 2,
      RULE_ID_DUPLICATE: 1,
      RULE_PARSE: 1,
    });
    expect(report.counts.invalidRules).toBe(report.counts.ruleFiles - report.counts.validRules);
  });

  it('refuses a rule that is not UTF-8 instead of reading it with replacement characters', async () => {
    const text = JSON.stringify(specRule('ow-a'));
    const latin1 = Buffer.from(text.replace('"ow-a"', '"ow-a\u00e9"'), 'latin1');
    const report = await verify(
      tarGz([
        { path: 'manifest.json', body: JSON.stringify(manifestFor(1)) },
        { path: 'rules/ow-a.json', body: latin1 },
      ]),
    );
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        code: 'RULE_PARSE',
        path: 'rules/ow-a.json',
        message: expect.stringContaining('is not valid UTF-8'),
      }),
    );
    // A byte order mark is tolerated.
    const bom = await verify(
      tarGz([
        { path: 'manifest.json', body: JSON.stringify(manifestFor(1)) },
        { path: 'rules/ow-a.json', body: `\ufeff${text}` },
      ]),
    );
    expect(bom.findingCounts.RULE_PARSE).toBeUndefined();
  });
});

describe('verify: signatures', () => {
  const signed = async (
    mode: 'embedded' | 'detached',
    algorithm?: 'SHA256' | 'SHA384' | 'SHA512',
  ) =>
    signBundle({
      bundle: validBundle(3),
      privateKeyPem: testKeys().privateKey,
      signer: 'Test Signer',
      mode,
      algorithm,
      clock,
    });

  /** A bundle signed with its manifest embedded, taken apart: manifest and rules, parsed. */
  const signedParts = async () => {
    const result = await signed('embedded');
    const archive = await readBundle(result.bundle);
    const [manifestFile, ...ruleFiles] = archive.files;
    const parse = (bytes: Buffer | undefined) =>
      JSON.parse(bytes?.toString() ?? '{}') as Record<string, unknown>;
    return {
      manifest: parse(manifestFile?.bytes),
      rules: ruleFiles.map((file) => parse(file.bytes)),
      ruleFiles,
    };
  };

  it.each(['SHA256', 'SHA384', 'SHA512'] as const)(
    'embedded %s verifies with a trusted key',
    async (algorithm) => {
      const result = await signed('embedded', algorithm);
      const report = await verify(result.bundle);
      expect(report.verdict).toBe('verified');
      expect(report.signatureMode).toBe('embedded');
      expect(report.signer).toBe('Test Signer');
      expect(report.keyId).toBe(result.signature.public_key_id);
      expect(report.counts.errors).toBe(0);
    },
  );

  it('detached verifies over the raw bytes', async () => {
    const result = await signed('detached');
    const verifier = createBundleVerifier({ trustStore, clock });
    const { report } = await verifier.verify(result.bundle, {
      detachedSignature: Buffer.from(result.detachedSignature ?? ''),
    });
    expect(report.verdict).toBe('verified');
    expect(report.signatureMode).toBe('detached');
    const file = join(dir, 'b.tar.gz');
    writeFileSync(file, result.bundle);
    writeFileSync(`${file}.sig`, result.detachedSignature ?? '');
    expect((await verifier.verifyFile(file)).report.verdict).toBe('verified');
    const tampered = Buffer.from(result.bundle);
    tampered.writeUInt8((tampered.at(-5) ?? 0) ^ 1, tampered.length - 5);
    const bad = await verifier.verify(tampered, {
      detachedSignature: Buffer.from(result.detachedSignature ?? ''),
    });
    expect(bad.report.verdict).toBe('invalid');
  });

  it('an embedded signature by an unknown key is untrusted', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const result = await signBundle({
      bundle: validBundle(2),
      privateKeyPem: other.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      signer: 'Stranger',
      clock,
    });
    const report = await verify(result.bundle);
    expect(report.verdict).toBe('untrusted');
    expect(codes(report)).toContain('SIGNATURE_KEY_UNKNOWN');
    expect(verdictPasses(report.verdict, true)).toBe(false);
  });

  it('a changed rule breaks the hash; a changed manifest breaks the signature', async () => {
    const { manifest, rules } = await signedParts();

    const changedRule = bundleOf(manifest, [{ ...rules[0], severity: 'low' }, ...rules.slice(1)]);
    const ruleReport = await verify(changedRule);
    expect(ruleReport.verdict).toBe('invalid');
    expect(codes(ruleReport)).toContain('MANIFEST_HASH_MISMATCH');

    const changedManifest = bundleOf({ ...manifest, description: 'changed' }, rules);
    const manifestReport = await verify(changedManifest);
    expect(manifestReport.verdict).toBe('invalid');
    expect(codes(manifestReport)).toContain('SIGNATURE_INVALID');

    const extraRule = bundleOf({ ...manifest }, [...rules, specRule('ow-extra')]);
    const extraReport = await verify(extraRule);
    expect(codes(extraReport)).toEqual(expect.arrayContaining(['MANIFEST_RULE_UNLISTED']));
    expect(extraReport.verdict).toBe('invalid');
  });

  it('a signed manifest with no canonical form (deep nesting, a lone surrogate) is invalid, not a crash', async () => {
    const { manifest, ruleFiles } = await signedParts();
    const manifestText = JSON.stringify(manifest).slice(0, -1);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const hostile of [`${manifestText},"deep":${deep}}`, `${manifestText},"x":"\\ud800"}`]) {
      const report = await verify(
        tarGz([
          { path: 'manifest.json', body: hostile },
          ...ruleFiles.map((file) => ({ path: file.path, body: file.bytes })),
        ]),
      );
      expect(report.verdict).toBe('invalid');
      expect(report.findings).toContainEqual(
        expect.objectContaining({
          code: 'SIGNATURE_INVALID',
          message: expect.stringMatching(/no canonical JSON form/),
        }),
      );
    }
  });

  it('a signed manifest without a rules list is refused (no full coverage)', async () => {
    const { manifest, rules } = await signedParts();
    delete manifest.rules;
    expect(codes(await verify(bundleOf(manifest, rules)))).toContain('SIGNATURE_COVERAGE');
  });

  it.each([
    ['MD5 algorithm', { algorithm: 'MD5' }, 'SIGNATURE_ALGORITHM'],
    ['non-hex signature', { signature: 'zz' }, 'SIGNATURE_MALFORMED'],
    ['bad key id', { public_key_id: 'XYZ' }, 'SIGNATURE_MALFORMED'],
    ['no signer', { signer: '' }, 'SIGNATURE_MALFORMED'],
    ['signed_at unparsable', { signed_at: 'yesterday' }, 'SIGNATURE_SIGNED_AT'],
    ['signed_at in the future', { signed_at: '2025-10-23T12:06:00Z' }, 'SIGNATURE_SIGNED_AT'],
    ['short signature (weak key)', { signature: 'ab'.repeat(128) }, 'SIGNATURE_KEY_WEAK'],
  ])('a signature with %s is invalid', async (_name, change, code) => {
    const { manifest, rules } = await signedParts();
    manifest.signature = { ...(manifest.signature as object), ...change };
    const report = await verify(bundleOf(manifest, rules));
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain(code);
  });

  it('a signed_at within the 5-minute skew is fine', async () => {
    const result = await signBundle({
      bundle: validBundle(1),
      privateKeyPem: testKeys().privateKey,
      signer: 'Skewed',
      clock: () => new Date(NOW.getTime() + 4 * 60 * 1000),
    });
    expect((await verify(result.bundle)).verdict).toBe('verified');
  });

  it('a malformed detached signature file is reported', async () => {
    const verifier = createBundleVerifier({ trustStore, clock });
    const { report } = await verifier.verify(validBundle(1), {
      detachedSignature: Buffer.from('not json'),
    });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('SIGNATURE_DETACHED_UNREADABLE');
  });
});

describe('verify: the lenient hint', () => {
  // Frameworks nested by version: an error unless mapped (lenientMapping.ts).
  const legacy = (id: string) => ({
    ...specRule(id),
    frameworks: { nist_800_53: { '800-53r5': ['AC-2'] } },
  });

  it('says the lenient mapping would help when legacy shapes are the only errors', async () => {
    const bytes = bundleOf(manifestFor(2), [legacy('ow-a'), specRule('ow-b')]);
    const strict = await verify(bytes);
    expect([strict.verdict, strict.lenientWouldHelp]).toEqual(['invalid', true]);
    const lenient = await verify(bytes, { lenient: true });
    expect([lenient.verdict, lenient.lenientWouldHelp]).toEqual(['valid-unsigned', false]);
  });

  it('does not, when another error remains that the mapping cannot clear', async () => {
    const broken = { ...specRule('ow-c'), severity: 'apocalyptic' };
    const report = await verify(bundleOf(manifestFor(2), [legacy('ow-a'), broken]));
    expect([report.verdict, report.lenientWouldHelp]).toEqual(['invalid', false]);
    expect((await verify(validBundle(2))).lenientWouldHelp).toBe(false);
  });
});
