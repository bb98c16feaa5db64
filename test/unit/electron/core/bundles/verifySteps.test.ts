// The verifier's steps one by one (manifest, rules, coverage, signatures, report); the
// whole verification runs in verifyBundle.test.ts.
import { createPrivateKey } from 'node:crypto';

import { BSON } from 'bson';
import { describe, expect, it } from 'vitest';

import type { SignatureCheck } from '../../../../../shared/bundles';
import type { ArchiveFile } from '../../../../../electron/core/bundles/archive/readBundle';
import {
  embeddedSigningInput,
  signData,
} from '../../../../../electron/core/bundles/signing/signature';
import { createTrustStore } from '../../../../../electron/core/bundles/signing/trustStore';
import type { TrustStore } from '../../../../../electron/core/bundles/signing/trustStore';
import { buildReport, verdictOf } from '../../../../../electron/core/bundles/verify/bundleReport';
import { checkCoverage } from '../../../../../electron/core/bundles/verify/coverage';
import type { CoverageInput } from '../../../../../electron/core/bundles/verify/coverage';
import { examineRuleBytes } from '../../../../../electron/core/bundles/verify/examineRule';
import { readManifest } from '../../../../../electron/core/bundles/verify/manifest';
import { collectRules } from '../../../../../electron/core/bundles/verify/ruleSet';
import {
  checkSignatures,
  MAX_SIGNATURE_FILE_BYTES,
  openDetachedSignature,
} from '../../../../../electron/core/bundles/verify/signatureChecks';
import { useTempDirs } from '../../../../helpers/tempDir';
import { NOW, specRule, testKeys } from '../../../../fixtures/bundles';

const ruleFile = (path: string, value: unknown): ArchiveFile => ({
  path,
  kind: 'rule-file',
  bytes: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});
const examined = (files: ArchiveFile[], lenient = false) =>
  files.map((file) => ({
    path: file.path,
    content: file.bytes,
    examination: examineRuleBytes(file.path, file.bytes, lenient),
  }));
const codes = (findings: { code: string }[]): string[] => findings.map((finding) => finding.code);

describe('readManifest', () => {
  const manifestFile = (kind: ArchiveFile['kind'], bytes: Uint8Array): ArchiveFile => ({
    path: kind === 'manifest-bson' ? 'manifest.bson' : 'manifest.json',
    kind,
    bytes: Buffer.from(bytes),
  });

  it('decodes the one manifest, JSON or BSON', () => {
    const json = readManifest([manifestFile('manifest-json', Buffer.from('{"name":"a"}'))]);
    expect(json).toEqual({
      value: { name: 'a' },
      path: 'manifest.json',
      format: 'json',
      findings: [],
    });
    const bson = readManifest([manifestFile('manifest-bson', BSON.serialize({ name: 'b' }))]);
    expect(bson).toMatchObject({ value: { name: 'b' }, path: 'manifest.bson', format: 'bson' });
  });

  it.each([
    ['none', [], 'MANIFEST_MISSING'],
    [
      'two',
      [
        manifestFile('manifest-json', Buffer.from('{}')),
        manifestFile('manifest-bson', BSON.serialize({})),
      ],
      'MANIFEST_BOTH',
    ],
    ['bad JSON', [manifestFile('manifest-json', Buffer.from('{"name":'))], 'MANIFEST_PARSE'],
  ])('finds %s and says so', (_name, files, code) => {
    const read = readManifest([ruleFile('rules/ow-a.json', {}), ...files]);
    expect(read.value).toBeNull();
    expect(codes(read.findings)).toEqual([code]);
  });
});

describe('collectRules', () => {
  it('refuses the second file of a rule id, keeps both, and leaves out files that are not rules', () => {
    const set = collectRules(
      examined([
        ruleFile('rules/ow-a.json', specRule('ow-a')),
        ruleFile('rules/notes.txt', 'x'),
        ruleFile('rules/ow-b.json', specRule('ow-a')),
      ]),
      false,
    );
    expect(set.rules.map((rule) => [rule.path, rule.valid])).toEqual([
      ['rules/ow-a.json', true],
      ['rules/ow-b.json', false],
    ]);
    expect(codes(set.findings)).toEqual(['RULE_FILE_NAME', 'RULE_FILE_NAME', 'RULE_ID_DUPLICATE']);
    expect(set.findings.at(-1)?.message).toContain('also used by rules/ow-a.json');
  });

  it('counts each lenient mapping once per rule', () => {
    // Two aliased framework keys in one rule: the alias mapping applies twice to it.
    const legacy = (id: string) => ({
      ...specRule(id),
      _id: 'x',
      frameworks: {
        nist: { controls: ['AC-2'], applicable: true },
        stig: { controls: ['V-1'], applicable: true },
      },
    });
    const files = [
      ruleFile('rules/ow-a.json', legacy('ow-a')),
      ruleFile('rules/ow-b.json', legacy('ow-b')),
    ];
    const set = collectRules(examined(files, true), true);
    expect(set.rules[0]?.lenientMappings.filter((id) => id === 'framework_key_alias')).toHaveLength(
      2,
    );
    expect(set.lenientMappings).toEqual({ drop_internal_id: 2, framework_key_alias: 2 });
  });
});

describe('checkCoverage', () => {
  const rules = collectRules(
    examined([
      ruleFile('rules/ow-a.json', specRule('ow-a')),
      ruleFile('rules/ow-b.json', specRule('ow-b')),
    ]),
    false,
  ).rules;
  const hashOf = (path: string): string => rules.find((rule) => rule.path === path)?.fileHash ?? '';
  const input = (overrides: Partial<CoverageInput>): CoverageInput => ({
    manifestPath: 'manifest.json',
    ruleEntries: [
      { rule_id: 'ow-a', filename: 'ow-a.json', hash: hashOf('rules/ow-a.json') },
      { rule_id: 'ow-b', filename: 'ow-b.json', hash: hashOf('rules/ow-b.json') },
    ],
    ruleFilePaths: rules.map((rule) => rule.path),
    rules,
    signed: true,
    lenient: false,
    ...overrides,
  });

  it('finds nothing when every file is listed with its hash and rule id', () => {
    expect(checkCoverage(input({}))).toEqual([]);
  });

  it('finds entries listed twice, missing files, wrong rule ids, and marks a changed file invalid', () => {
    const copy = collectRules(
      examined([ruleFile('rules/ow-a.json', specRule('ow-a'))]),
      false,
    ).rules;
    const findings = checkCoverage(
      input({
        rules: copy,
        ruleFilePaths: ['rules/ow-a.json'],
        ruleEntries: [
          { rule_id: 'ow-x', filename: 'ow-a.json', hash: `sha256:${'0'.repeat(64)}` },
          { rule_id: 'ow-a', filename: 'ow-a.json', hash: hashOf('rules/ow-a.json') },
          { rule_id: 'ow-c', filename: 'ow-c.json', hash: hashOf('rules/ow-a.json') },
        ],
      }),
    );
    expect(codes(findings)).toEqual([
      'MANIFEST_HASH_MISMATCH',
      'MANIFEST_RULE_ENTRY_INVALID',
      'MANIFEST_RULE_ENTRY_INVALID',
      'MANIFEST_RULE_MISSING',
    ]);
    expect(findings.map((finding) => finding.path)).toEqual([
      'rules/ow-a.json',
      'manifest.json#/rules/0',
      'manifest.json#/rules/1',
      'manifest.json#/rules/2',
    ]);
    expect(copy[0]?.valid).toBe(false);
  });

  it('accepts a listed upper-case rule id for its lower-cased rule only when lenient', () => {
    const entries = [{ rule_id: 'OW-A', filename: 'ow-a.json', hash: hashOf('rules/ow-a.json') }];
    const paths = ['rules/ow-a.json'];
    const strict = checkCoverage(input({ ruleEntries: entries, ruleFilePaths: paths }));
    const lenient = checkCoverage(
      input({ ruleEntries: entries, ruleFilePaths: paths, lenient: true }),
    );
    expect(codes(strict)).toEqual(['MANIFEST_RULE_ENTRY_INVALID']);
    expect(lenient).toEqual([]);
  });

  it('refuses unlisted files under a signature and warns about them without one', () => {
    const entries = [{ rule_id: 'ow-a', filename: 'ow-a.json', hash: hashOf('rules/ow-a.json') }];
    expect(checkCoverage(input({ ruleEntries: entries }))).toMatchObject([
      { code: 'MANIFEST_RULE_UNLISTED', severity: 'error', path: 'rules/ow-b.json' },
    ]);
    expect(checkCoverage(input({ ruleEntries: entries, signed: false }))).toMatchObject([
      { code: 'MANIFEST_RULE_UNLISTED', severity: 'warning' },
    ]);
  });

  it('needs a rules list under a signature only', () => {
    expect(codes(checkCoverage(input({ ruleEntries: null })))).toEqual(['SIGNATURE_COVERAGE']);
    expect(checkCoverage(input({ ruleEntries: null, signed: false }))).toEqual([]);
  });
});

describe('signature checks', () => {
  const tempDir = useTempDirs();
  let keyId = '';
  /** A trust store holding the test key. */
  const trusted = async (): Promise<TrustStore> => {
    const trustStore = createTrustStore({ dir: tempDir() });
    keyId = (await trustStore.add(testKeys().publicKey)).keyId;
    return trustStore;
  };
  const signatureOver = (data: Buffer, overrides: Record<string, unknown> = {}) => ({
    algorithm: 'SHA256',
    signature: signData('SHA256', data, createPrivateKey(testKeys().privateKey)),
    signer: 'Test',
    public_key_id: keyId,
    signed_at: '2025-10-23T00:00:00Z',
    ...overrides,
  });

  it('opens no detached signature when there is none, and refuses a file too large or not JSON', () => {
    expect(openDetachedSignature(null)).toEqual({ detached: null, checks: [], findings: [] });
    for (const bytes of [Buffer.alloc(MAX_SIGNATURE_FILE_BYTES + 1), Buffer.from('{')]) {
      const opened = openDetachedSignature(bytes);
      expect(opened.detached).toBeNull();
      expect(codes(opened.findings)).toEqual(['SIGNATURE_DETACHED_UNREADABLE']);
      expect(opened.checks).toMatchObject([{ mode: 'detached', outcome: 'malformed' }]);
    }
  });

  it('verifies a detached signature over the bytes streamed through it, and refuses other bytes', async () => {
    const store = await trusted();
    const data = Buffer.from('the archive bytes');
    for (const [streamed, outcome] of [
      [data, 'valid'],
      [Buffer.from('other bytes'), 'invalid'],
    ] as const) {
      const opened = openDetachedSignature(Buffer.from(JSON.stringify(signatureOver(data))));
      opened.detached?.stream.update(streamed);
      const { checks } = await checkSignatures({
        trustStore: store,
        now: NOW.getTime(),
        manifest: null,
        manifestPath: 'manifest.json',
        detached: opened.detached,
      });
      expect(checks).toMatchObject([{ mode: 'detached', outcome, trusted: true }]);
    }
  });

  it('checks the embedded signature over the manifest without it', async () => {
    const store = await trusted();
    const manifest: Record<string, unknown> = { name: 'b', version: '1.0.0' };
    manifest.signature = signatureOver(embeddedSigningInput(manifest));
    const outcome = await checkSignatures({
      trustStore: store,
      now: NOW.getTime(),
      manifest,
      manifestPath: 'manifest.json',
      detached: null,
    });
    expect(outcome).toEqual({
      checks: [expect.objectContaining({ mode: 'embedded', outcome: 'valid', keyId })],
      findings: [],
    });
  });

  it('cannot check a key it does not trust, refuses a short signature before looking, and a malformed one', async () => {
    const store = createTrustStore({ dir: tempDir() });
    const check = async (signature: unknown) =>
      checkSignatures({
        trustStore: store,
        now: NOW.getTime(),
        manifest: { name: 'b', signature },
        manifestPath: 'manifest.json',
        detached: null,
      });
    keyId = '0123456789abcdef';
    const unknown = await check(signatureOver(Buffer.from('x')));
    expect(unknown.checks).toMatchObject([{ outcome: 'unknown-key', trusted: false }]);
    expect(unknown.findings).toMatchObject([
      {
        code: 'SIGNATURE_KEY_UNKNOWN',
        severity: 'warning',
        path: 'manifest.json#/signature/public_key_id',
      },
    ]);
    const weak = await check(signatureOver(Buffer.from('x'), { signature: 'ab'.repeat(128) }));
    expect(weak.checks).toMatchObject([{ outcome: 'invalid' }]);
    expect(codes(weak.findings)).toEqual(['SIGNATURE_KEY_WEAK']);
    const malformed = await check('not an object');
    expect(malformed.checks).toMatchObject([{ mode: 'embedded', outcome: 'malformed' }]);
    expect(codes(malformed.findings)).toEqual(['SIGNATURE_MALFORMED']);
  });
});

describe('the report', () => {
  const check = (
    mode: SignatureCheck['mode'],
    outcome: SignatureCheck['outcome'],
    trusted: boolean,
  ): SignatureCheck => ({
    mode,
    algorithm: 'SHA512',
    signer: mode,
    keyId: `${mode}-key`,
    signedAt: null,
    outcome,
    trusted,
  });

  it.each([
    [1, [check('embedded', 'valid', true)], 'invalid'],
    [0, [], 'valid-unsigned'],
    [0, [check('embedded', 'valid', true), check('detached', 'valid', true)], 'verified'],
    [0, [check('embedded', 'valid', true), check('detached', 'unknown-key', false)], 'untrusted'],
    [0, [check('detached', 'malformed', false)], 'untrusted'],
  ] as const)('%i errors and %j → %s', (errors, signatures, verdict) => {
    expect(verdictOf(errors, signatures)).toBe(verdict);
  });

  const report = (signatures: SignatureCheck[]) =>
    buildReport({
      findings: [{ code: 'RULE_CONTROL_DUPLICATE', severity: 'warning', path: 'x', message: 'm' }],
      signatures,
      archive: null,
      manifest: { name: 'n', version: 7 },
      manifestFormat: 'json',
      ruleStats: { files: 3, valid: 2 },
      started: performance.now(),
      verdictOverride: null,
    });

  it('adds SIGNATURE_MISSING to an unsigned bundle and counts it', () => {
    const unsigned = report([]);
    expect(unsigned).toMatchObject({
      verdict: 'valid-unsigned',
      signatureMode: 'none',
      counts: { ruleFiles: 3, validRules: 2, invalidRules: 1, errors: 0, warnings: 1, infos: 1 },
      findingCounts: { RULE_CONTROL_DUPLICATE: 1, SIGNATURE_MISSING: 1 },
      bundle: { name: 'n', version: null, manifestFormat: 'json' },
    });
    expect(codes(unsigned.findings)).toEqual(['RULE_CONTROL_DUPLICATE', 'SIGNATURE_MISSING']);
  });

  it('names the detached signature when both verified, and the first one when none did', () => {
    const both = report([check('embedded', 'valid', true), check('detached', 'valid', true)]);
    expect(both).toMatchObject({
      signatureMode: 'detached',
      signer: 'detached',
      keyId: 'detached-key',
    });
    const none = report([check('embedded', 'unknown-key', false)]);
    expect(none).toMatchObject({ verdict: 'untrusted', signatureMode: 'embedded', signer: null });
  });
});
