import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signBundle } from '../../electron/core/bundles/signing/signBundle';
import {
  createTrustStore,
  defaultTrustStoreDir,
} from '../../electron/core/bundles/signing/trustStore';
import { startHeadlessServer, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';
import { manifestFor, specRule, tarGz, testKeys, validBundle } from '../fixtures/bundles';
import { launchChromium, navigateTo, screenshot } from './helpers';

const tempDir = useTempDirs();
const start = useProcesses();
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * An older export gone wrong: some rule ids break the format, one rule file was changed
 * after the manifest listed its hash, and some rules use an unknown framework key.
 */
function brokenBundle(): Buffer {
  const rules: Record<string, unknown>[] = [];
  for (let index = 0; index < 24; index++) {
    const id = `ow-sshd_rule_${index}`;
    if (index % 8 === 3) rules.push(specRule(`ow-SSHD-Rule-${index}`));
    else if (index % 5 === 1) {
      rules.push(
        specRule(id, {
          frameworks: {
            nist: { controls: ['AC-2'], applicable: true },
            cis: { controls: ['5.2.1', '5.2.1'], applicable: true },
          },
        }),
      );
    } else rules.push(specRule(id));
  }
  const files = rules.map((rule) => ({
    path: `rules/${String(rule.rule_id)}.json`,
    body: JSON.stringify(rule),
  }));
  const hash = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
  const listed = files.map((file, index) => ({
    rule_id: file.path.slice('rules/'.length, -'.json'.length),
    filename: file.path.slice('rules/'.length),
    hash: hash(index === 6 ? `${file.body} ` : file.body),
  }));
  const manifest = manifestFor(rules.length, {
    name: 'openwatch-legacy-export',
    version: '0.9.2',
    rules: listed,
  });
  return tarGz([
    { path: 'manifest.json', body: JSON.stringify(manifest) },
    { path: 'rules/', type: 'Directory' },
    ...files,
  ]);
}

async function prepare() {
  const dataDir = tempDir();
  const bundles = tempDir();
  await createTrustStore({ dir: defaultTrustStoreDir(dataDir) }).add(
    testKeys().publicKey,
    'openwatch',
  );
  const signed = await signBundle({
    bundle: validBundle(12, { name: 'openwatch-rhel9-stig', version: '2.3.0' }),
    privateKeyPem: testKeys().privateKey,
    signer: 'ComplianceAsCode',
  });
  const paths = {
    verified: join(bundles, 'openwatch-rhel9-stig.tar.gz'),
    unsigned: join(bundles, 'unsigned.tar.gz'),
    broken: join(bundles, 'legacy-export.tar.gz'),
    missing: join(bundles, 'missing.tar.gz'),
  };
  writeFileSync(paths.verified, signed.bundle);
  writeFileSync(paths.unsigned, validBundle(3));
  writeFileSync(paths.broken, brokenBundle());
  const { origin, token } = await startHeadlessServer(start, dataDir);
  return { origin, token, paths };
}

/** Types the path, presses Enter and waits for the verdict heading. */
async function verifyPath(page: Page, path: string, heading: string): Promise<void> {
  const input = page.getByLabel('Bundle file');
  await input.fill(path);
  await input.press('Enter');
  await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
}

async function stat(page: Page, label: string): Promise<string> {
  const card = page.locator('.stat').filter({ has: page.getByText(label, { exact: true }) });
  return (await card.locator('dd').textContent()) ?? '';
}

describe('the Bundles page in a real browser (headless mode)', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`verifies bundles from a typed path and shows each verdict (${colorScheme})`, async () => {
      const { origin, token, paths } = await prepare();
      const context = await browser.newContext({
        colorScheme,
        viewport: { width: 1280, height: 820 },
      });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        // The missing file's RPC answers 400 on purpose; the browser logs that response.
        if (message.type() === 'error' && !message.text().includes('status of 400')) {
          pageErrors.push(message.text());
        }
      });

      await page.goto(`${origin}/#token=${token}`);
      await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor();
      await navigateTo(page, 'Bundles');
      await page.getByRole('heading', { name: 'No bundles verified yet' }).waitFor();

      // A broken bundle: invalid, with what failed and every finding.
      await verifyPath(page, paths.broken, 'Invalid: do not import');
      const verdict = page.getByTestId('bundle-verdict');
      expect(await verdict.getAttribute('data-verdict')).toBe('invalid');
      expect(await verdict.textContent()).toContain('does not match its hash in the manifest');
      expect(await stat(page, 'Rule files')).toBe('24');
      expect(await stat(page, 'Invalid rules')).toBe('4');
      expect(await stat(page, 'Errors')).toBe('4');
      expect(await stat(page, 'Warnings')).toBe('8');
      expect(await verdict.textContent()).toContain('3 of 24 rule files break the rule format');
      expect(await page.getByRole('button', { name: /^RULE_ID_INVALID: 3 errors$/ }).count()).toBe(
        1,
      );
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(5);
      await screenshot(page, `bundles-invalid-${colorScheme}`);

      // Filter by a code from the chart.
      await page.getByRole('button', { name: /^MANIFEST_HASH_MISMATCH/ }).click();
      expect(await page.locator('tbody tr').count()).toBe(1);

      // A valid unsigned bundle.
      await verifyPath(page, paths.unsigned, 'Valid, but unsigned');
      expect(await page.getByTestId('bundle-verdict').textContent()).toContain(
        'import needs --allow-unsigned',
      );
      expect(await stat(page, 'Rule files')).toBe('3');
      expect(await stat(page, 'Valid rules')).toBe('3');

      // A bundle signed with a trusted key.
      await verifyPath(page, paths.verified, 'Verified');
      expect(await page.getByTestId('bundle-verdict').textContent()).toContain(
        'Signed by ComplianceAsCode with key',
      );
      expect(await stat(page, 'Rule files')).toBe('12');
      expect(await stat(page, 'Errors')).toBe('0');
      expect(await page.getByText('openwatch-rhel9-stig', { exact: true }).count()).toBe(1);
      await screenshot(page, `bundles-verified-${colorScheme}`);

      // A missing file: the error, with Retry.
      await page.getByLabel('Bundle file').fill(paths.missing);
      await page.getByLabel('Bundle file').press('Enter');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('Could not verify the bundle');
      expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(1);
      await screenshot(page, `bundles-error-${colorScheme}`);

      // The session history lists all four, newest first.
      expect(await page.locator('.history__item').count()).toBe(4);

      // The broken one again, with the history: the page at its fullest.
      await page.getByRole('button', { name: `Verify ${paths.broken} again` }).click();
      await page.getByRole('heading', { level: 2, name: 'Invalid: do not import' }).waitFor();
      await screenshot(page, `bundles-report-${colorScheme}`);

      expect(pageErrors).toEqual([]);
      await context.close();
    });
  }
});
