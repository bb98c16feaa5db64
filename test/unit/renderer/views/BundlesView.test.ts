import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import type { BundleFinding, BundleReport, FindingCode } from '../../../../shared/bundles';
import { AppError } from '../../../../shared/errors';
import BundlesView from '../../../../renderer/src/views/BundlesView.vue';
import {
  createTestApi,
  deferred,
  mountWithApp,
  sampleReport,
  settle,
  type TestApi,
} from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

async function mountBundles(testApi: TestApi = createTestApi()) {
  const mounted = await mountWithApp(BundlesView, testApi, { path: '/bundles' });
  wrapper = mounted.wrapper;
  return { wrapper: mounted.wrapper, testApi };
}

async function verify(view: VueWrapper, path: string, options: { lenient?: boolean } = {}) {
  await view.find('input#bundle-path').setValue(path);
  if (options.lenient) await view.find('input[type="checkbox"]').setValue(true);
  await view.find('form').trigger('submit');
  await settle();
}

function button(view: VueWrapper, text: string) {
  return view.findAll('button').find((item) => item.text().includes(text));
}

function signedReport(overrides: Partial<BundleReport> = {}): BundleReport {
  return sampleReport({
    verdict: 'verified',
    signatureMode: 'embedded',
    signer: 'ComplianceAsCode',
    keyId: 'fdbeaa982e015e45',
    signatures: [
      {
        mode: 'embedded',
        algorithm: 'SHA512',
        signer: 'ComplianceAsCode',
        keyId: 'fdbeaa982e015e45',
        signedAt: '2025-10-22T20:00:00Z',
        outcome: 'valid',
        trusted: true,
      },
    ],
    findingCounts: {},
    findings: [],
    counts: {
      entries: 5,
      ruleFiles: 3,
      validRules: 3,
      invalidRules: 0,
      errors: 0,
      warnings: 0,
      infos: 0,
    },
    ...overrides,
  });
}

function manyFindings(): BundleFinding[] {
  const findings: BundleFinding[] = [];
  for (let index = 0; index < 250; index++) {
    findings.push({
      code: 'RULE_ID_INVALID',
      severity: 'error',
      path: `rules/ow-bad_${index}.json#/rule_id`,
      message: `rule_id ${index} must start with ow-.`,
    });
  }
  for (let index = 0; index < 30; index++) {
    findings.push({
      code: 'RULE_FRAMEWORK_UNKNOWN',
      severity: 'warning',
      path: `rules/ow-ok_${index}.json#/frameworks/nist`,
      message: 'Unknown framework key "nist".',
    });
  }
  findings.push({
    code: 'MANIFEST_HASH_MISMATCH',
    severity: 'error',
    path: 'rules/ow-changed.json',
    message: 'The file does not match the sha256 the manifest lists.',
  });
  return findings;
}

function invalidReport(): BundleReport {
  const findings = manyFindings();
  const findingCounts: Partial<Record<FindingCode, number>> = {};
  for (const finding of findings)
    findingCounts[finding.code] = (findingCounts[finding.code] ?? 0) + 1;
  return sampleReport({
    verdict: 'invalid',
    findings,
    findingCounts,
    counts: {
      entries: 300,
      ruleFiles: 281,
      validRules: 30,
      invalidRules: 251,
      errors: 251,
      warnings: 30,
      infos: 0,
    },
  });
}

describe('BundlesView', () => {
  it('shows the form with its hints and the CLI guidance before anything is verified', async () => {
    const { wrapper } = await mountBundles();
    expect(wrapper.find('h1').text()).toBe('Bundles');
    const input = wrapper.find('input#bundle-path');
    expect(wrapper.find('label[for="bundle-path"]').text()).toBe('Bundle file');
    expect(input.attributes('aria-describedby')).toBe('bundle-path-hint');
    expect(wrapper.find('#bundle-path-hint').text()).toContain('BUNDLE.tar.gz.sig');
    expect(wrapper.text()).toContain('Map legacy rule shapes (lenient)');
    expect(button(wrapper, 'Verify')!.attributes('disabled')).toBeDefined();
    expect(wrapper.text()).toContain('No bundles verified yet');
    expect(wrapper.text()).toContain('trust-auditor verify BUNDLE.tar.gz');
  });

  it('shows live progress while verifying, with the form disabled', async () => {
    const testApi = createTestApi();
    const answer = deferred<BundleReport>();
    testApi.handlers.verify = () => answer.promise;
    const { wrapper } = await mountBundles(testApi);
    await verify(wrapper, '/data/rules.tar.gz', { lenient: true });
    expect(testApi.verifyRequests).toEqual([{ path: '/data/rules.tar.gz', lenient: true }]);

    const bar = wrapper.find('[role="progressbar"]');
    expect(bar.exists()).toBe(true);
    expect(bar.attributes('aria-valuenow')).toBeUndefined();
    expect(wrapper.text()).toContain('Starting the verification');
    expect(wrapper.find('input#bundle-path').attributes('disabled')).toBeDefined();
    expect(button(wrapper, 'Verifying')!.attributes('disabled')).toBeDefined();
    expect(wrapper.text()).not.toContain('No bundles verified yet');

    testApi.emitProgress({
      path: '/elsewhere.tar.gz',
      phase: 'validate',
      done: 9,
      total: 9,
      current: 'x',
    });
    testApi.emitProgress({
      path: '/data/rules.tar.gz',
      phase: 'validate',
      done: 120,
      total: 400,
      current: 'rules/ow-accounts_tmout.json',
    });
    await settle();
    const live = wrapper.find('[role="progressbar"]');
    expect(live.attributes('aria-valuenow')).toBe('120');
    expect(live.attributes('aria-valuemax')).toBe('400');
    expect(wrapper.find('[aria-live="polite"]').text()).toContain('Checking the rules');
    expect(wrapper.text()).toContain('120 of 400 rule files');
    expect(wrapper.text()).toContain('rules/ow-accounts_tmout.json');
    expect(wrapper.find('.progress__fill').attributes('style')).toContain('width: 30%');

    testApi.emitProgress({
      path: '/data/rules.tar.gz',
      phase: 'read',
      done: 2048,
      total: 4096,
      current: null,
    });
    await settle();
    expect(wrapper.text()).toContain('Reading the archive');
    expect(wrapper.text()).toContain('2 KB of 4 KB');

    answer.resolve(signedReport());
    await settle();
    expect(wrapper.find('[role="progressbar"]').exists()).toBe(false);
    expect(wrapper.find('input#bundle-path').attributes('disabled')).toBeUndefined();
    expect(testApi.progressListenerCount()).toBe(0);
  });

  it('says who signed a verified bundle, with the facts, counts and a copyable hash', async () => {
    const testApi = createTestApi();
    testApi.handlers.verify = async () => signedReport();
    const { wrapper } = await mountBundles(testApi);
    await verify(wrapper, '/data/rules.tar.gz');
    const banner = wrapper.find('[data-testid="bundle-verdict"]');
    expect(banner.attributes('data-verdict')).toBe('verified');
    expect(banner.find('h2').text()).toBe('Verified');
    expect(banner.find('[aria-live="polite"]').exists()).toBe(true);
    expect(banner.text()).toContain(
      "Signed by ComplianceAsCode with key fdbeaa982e015e45; every file's hash matches.",
    );
    expect(banner.text()).toContain('The embedded RSA-PSS SHA512 signature verifies');
    expect(banner.text()).toContain('trust-auditor import /data/rules.tar.gz');

    const text = wrapper.text();
    expect(text).toContain('openwatch-rhel9');
    expect(text).toContain('1.4.0');
    expect(text).toContain('2.3 KB');
    expect(text).toContain('10 KB');
    expect(text).toContain('JSON');
    expect(text).toContain('42 ms');
    expect(wrapper.find('button[aria-label="Copy SHA-256"]').exists()).toBe(true);
    expect(wrapper.findAll('.stat').map((card) => card.text())).toEqual([
      'Rule files3',
      'Valid rules3',
      'Invalid rules0',
      'Errors0',
      'Warnings0',
    ]);
    expect(text).toContain('No findings: every check passed');
    expect(wrapper.find('#finding-code-chart-title').exists()).toBe(false);
    expect(text).not.toContain('No bundles verified yet');
  });

  it('explains a valid unsigned bundle: import needs --allow-unsigned', async () => {
    const { wrapper } = await mountBundles();
    await verify(wrapper, '/data/my bundle.tar.gz');
    const banner = wrapper.find('[data-testid="bundle-verdict"]');
    expect(banner.find('h2').text()).toBe('Valid, but unsigned');
    expect(banner.text()).toContain(
      'Valid, but nobody vouches for it: import needs --allow-unsigned.',
    );
    expect(banner.text()).toContain(
      "trust-auditor import '/data/my bundle.tar.gz' --allow-unsigned",
    );
  });

  it('explains an untrusted signature and how to trust the key', async () => {
    const testApi = createTestApi();
    testApi.handlers.verify = async () =>
      signedReport({
        verdict: 'untrusted',
        signatureMode: 'detached',
        signer: null,
        keyId: null,
        signatures: [
          {
            mode: 'detached',
            algorithm: 'SHA256',
            signer: 'Example Publisher',
            keyId: '0123456789abcdef',
            signedAt: null,
            outcome: 'unknown-key',
            trusted: false,
          },
        ],
      });
    const { wrapper } = await mountBundles(testApi);
    await verify(wrapper, '/data/rules.tar.gz');
    const banner = wrapper.find('[data-testid="bundle-verdict"]');
    expect(banner.find('h2').text()).toBe('Signed by a key you do not trust');
    expect(banner.text()).toContain('Signed by Example Publisher with key 0123456789abcdef');
    expect(banner.text()).toContain('not in your trust store');
    expect(banner.text()).toContain('trust-auditor bundle trust add KEY.pem');
    expect(wrapper.text()).toContain('Detached (.sig beside the bundle), RSA-PSS SHA256');
  });

  it('says what failed in an invalid bundle, charts codes and filters the findings', async () => {
    const testApi = createTestApi();
    testApi.handlers.verify = async () => invalidReport();
    const { wrapper } = await mountBundles(testApi);
    await verify(wrapper, '/data/bad.tar.gz');
    const banner = wrapper.find('[data-testid="bundle-verdict"]');
    expect(banner.find('h2').text()).toBe('Invalid: do not import');
    expect(banner.text()).toContain('251 errors');
    expect(banner.text()).toContain('1 file does not match its hash in the manifest');
    expect(banner.text()).toContain('250 of 281 rule files break the rule format');

    // The chart: errors first, most frequent first, with counts.
    const bars = wrapper.findAll('.chart__bar');
    expect(bars.map((bar) => bar.attributes('aria-label'))).toEqual([
      'RULE_ID_INVALID: 250 errors',
      'MANIFEST_HASH_MISMATCH: 1 error',
      'RULE_FRAMEWORK_UNKNOWN: 30 warnings',
    ]);

    // Errors first, 200 rows at first, then "Show more".
    expect(wrapper.findAll('tbody tr')[0]!.text()).toContain('Error');
    const rowCount = () => wrapper.findAll('tbody tr').length;
    expect(rowCount()).toBe(200);
    expect(wrapper.text()).toContain('Showing 200 of 281');
    expect(wrapper.findAll('th[scope="col"]').map((th) => th.text())).toEqual([
      'Severity',
      'Code',
      'Where',
      'Message',
    ]);
    await button(wrapper, 'Show more')!.trigger('click');
    expect(rowCount()).toBe(281);
    expect(wrapper.findAll('tbody tr')[250]!.text()).toContain('MANIFEST_HASH_MISMATCH');
    expect(wrapper.findAll('tbody tr')[251]!.text()).toContain('Warning');
    expect(button(wrapper, 'Show more')).toBeUndefined();

    // Severity filter.
    await button(wrapper, 'Warnings')!.trigger('click');
    expect(rowCount()).toBe(30);
    expect(wrapper.find('tbody').text()).toContain('RULE_FRAMEWORK_UNKNOWN');
    expect(wrapper.find('tbody tr').text()).toContain('rules/ow-ok_0.json');
    expect(wrapper.find('tbody tr .findings__pointer').text()).toBe('#/frameworks/nist');
    await button(wrapper, 'All')!.trigger('click');

    // Code filter through the select…
    await wrapper.find('select').setValue('MANIFEST_HASH_MISMATCH');
    expect(rowCount()).toBe(1);
    expect(wrapper.find('tbody').text()).toContain('does not match the sha256');
    // …and through the chart, which marks the chosen bar.
    await bars[0]!.trigger('click');
    expect(bars[0]!.attributes('aria-pressed')).toBe('true');
    expect((wrapper.find('select').element as HTMLSelectElement).value).toBe('RULE_ID_INVALID');
    expect(rowCount()).toBe(200);
    expect(wrapper.text()).toContain('Showing 200 of 250');
    await bars[0]!.trigger('click');
    expect(rowCount()).toBe(200);
    expect(wrapper.text()).toContain('Showing 200 of 281');

    // Both filters at once may match nothing.
    await button(wrapper, 'Warnings')!.trigger('click');
    await wrapper.find('select').setValue('RULE_FRAMEWORK_UNKNOWN');
    await button(wrapper, 'Errors')!.trigger('click');
    expect((wrapper.find('select').element as HTMLSelectElement).value).toBe('');
    expect(rowCount()).toBe(200);
  });

  it('shows the error with Retry, and retries the same request', async () => {
    const testApi = createTestApi();
    testApi.handlers.verify = () =>
      Promise.reject(
        new AppError('BUNDLE_FILE_UNREADABLE', 'Cannot read /data/missing.tar.gz: no such file.'),
      );
    const { wrapper } = await mountBundles(testApi);
    await verify(wrapper, '/data/missing.tar.gz');
    const alert = wrapper.find('[role="alert"]');
    expect(alert.text()).toContain('Could not verify the bundle');
    expect(alert.text()).toContain('Cannot read /data/missing.tar.gz: no such file.');
    expect(alert.text()).toContain('BUNDLE_FILE_UNREADABLE');
    expect(wrapper.text()).not.toContain('No bundles verified yet');

    testApi.handlers.verify = async () => sampleReport();
    await button(wrapper, 'Retry')!.trigger('click');
    await settle();
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="bundle-verdict"]').attributes('data-verdict')).toBe(
      'valid-unsigned',
    );
    expect(testApi.verifyRequests).toEqual([
      { path: '/data/missing.tar.gz' },
      { path: '/data/missing.tar.gz' },
    ]);
  });

  it('lists this session’s verifications and verifies one again', async () => {
    const testApi = createTestApi();
    const { wrapper } = await mountBundles(testApi);
    await verify(wrapper, '/data/one.tar.gz');
    testApi.handlers.verify = async () => signedReport();
    await verify(wrapper, '/data/two.tar.gz');
    const items = wrapper.findAll('.history__item');
    expect(items.map((item) => item.find('code').text())).toEqual([
      '/data/two.tar.gz',
      '/data/one.tar.gz',
    ]);
    expect(items[0]!.text()).toContain('Verified');
    expect(items[1]!.text()).toContain('Valid, unsigned');

    await items[1]!.find('button[aria-label="Verify /data/one.tar.gz again"]').trigger('click');
    await settle();
    expect(testApi.verifyRequests.at(-1)).toEqual({ path: '/data/one.tar.gz' });
    expect((wrapper.find('input#bundle-path').element as HTMLInputElement).value).toBe(
      '/data/one.tar.gz',
    );
  });
});

describe('BundlesView: importing', () => {
  it('says a bundle was imported already, imports again with the chosen strategy and shows the record', async () => {
    const testApi = createTestApi();
    const report = signedReport();
    const record = {
      id: 4,
      bundleSha256: report.bundle.sha256,
      name: 'openwatch-rhel9',
      version: '1.4.0',
      signer: 'ComplianceAsCode',
      keyId: 'fdbeaa982e015e45',
      signatureMode: 'embedded' as const,
      verdict: 'verified' as const,
      strategy: 'skip_all' as const,
      lenient: false,
      counts: { total: 3, inserted: 3, versioned: 0, unchanged: 0, skipped: 0, retired: 0 },
      importedAt: '2026-01-02T10:00:00Z',
    };
    testApi.handlers.verify = async () => report;
    testApi.bundles.handlers.previousImports = async () => [record];
    testApi.bundles.handlers.import = async () => ({
      importId: 5,
      strategy: 'version_increment',
      unsignedAllowed: false,
      lenient: true,
      counts: { total: 3, inserted: 0, versioned: 3, unchanged: 0, skipped: 0, retired: 0 },
      lenientMappings: {},
      report,
    });
    const { wrapper: view } = await mountBundles(testApi);
    await verify(view, '/data/rules.tar.gz', { lenient: true });
    expect(view.find('[data-testid="already-imported"]').text()).toContain('Already imported');
    expect(view.find('[data-testid="bundle-verdict"]').text()).not.toContain('Safe to import');
    await view.find('input[value="version_increment"]').setValue(true);
    await button(view, 'Import rules')!.trigger('click');
    await settle();
    expect(testApi.bundles.calls.find((call) => call.name === 'import')?.argument).toEqual({
      source: { path: '/data/rules.tar.gz' },
      strategy: 'version_increment',
      lenient: true,
    });
    expect(view.find('[data-testid="import-result"]').text()).toContain('import #5');
  });

  it('points at the lenient option when it would clear every error', async () => {
    const testApi = createTestApi();
    testApi.handlers.verify = async () =>
      sampleReport({ verdict: 'invalid', lenientWouldHelp: true });
    const { wrapper: view } = await mountBundles(testApi);
    await verify(view, '/data/legacy.tar.gz');
    expect(view.find('[data-testid="lenient-hint"]').text()).toContain(
      'Map legacy rule shapes (lenient)',
    );
  });
});
