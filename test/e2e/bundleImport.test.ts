import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { signBundle } from '../../electron/core/bundles/signing/signBundle';
import { startHeadlessServer, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';
import { manifestFor, specRule, tarGz, testKeys } from '../fixtures/bundles';
import { navigateTo, screenshotThemes, useChromium } from './helpers';

const tempDir = useTempDirs();
const start = useProcesses();
const browser = useChromium();

/** A bundle of rules mapped to distinct NIST 800-53 controls. */
function stigBundle(): Buffer {
  const rules = [
    specRule('ow-account_disable_inactive', {
      metadata: { name: 'Disable inactive accounts', description: 'd' },
      severity: 'high',
      frameworks: { nist_800_53: { controls: ['AC-2(3)'], applicable: true } },
    }),
    specRule('ow-audit_rules_login', {
      metadata: { name: 'Audit login events', description: 'd' },
      frameworks: { nist_800_53: { controls: ['AU-12'], applicable: true } },
    }),
    specRule('ow-sshd_disable_root', {
      metadata: { name: 'Disable SSH root login', description: 'd' },
      frameworks: { nist_800_53: { controls: ['IA-2'], applicable: true } },
    }),
  ];
  const manifest = manifestFor(rules.length, { name: 'rhel9-stig', version: '2.3.0' });
  return tarGz([
    { path: 'manifest.json', body: JSON.stringify(manifest) },
    { path: 'rules/', type: 'Directory' },
    ...rules.map((rule) => ({
      path: `rules/${String(rule.rule_id)}.json`,
      body: JSON.stringify(rule),
    })),
  ]);
}

async function openApp(page: Page, origin: string, token: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/#token=${token}`);
  await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor();
  await navigateTo(page, 'Bundles');
  return errors;
}

/** Types the path, presses Enter and waits for the verdict heading. */
async function verifyPath(page: Page, path: string, heading: string): Promise<void> {
  const input = page.getByLabel('Bundle file');
  await input.fill(path);
  await input.press('Enter');
  await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
}

describe('bundles from verified to imported, in a real browser (headless mode)', () => {
  it('trusts a key, sees the bundle turn verified, imports it and finds a rule by its NIST control', async () => {
    const dataDir = tempDir();
    const files = tempDir();
    const signed = await signBundle({
      bundle: stigBundle(),
      privateKeyPem: testKeys().privateKey,
      signer: 'ComplianceAsCode',
    });
    const bundlePath = join(files, 'rhel9-stig.tar.gz');
    const keyPath = join(files, 'complianceascode.pem');
    writeFileSync(bundlePath, signed.bundle);
    writeFileSync(keyPath, testKeys().publicKey);
    const { origin, token } = await startHeadlessServer(start, dataDir);
    const page = await (
      await browser().newContext({ viewport: { width: 1280, height: 820 } })
    ).newPage();
    const errors = await openApp(page, origin, token);

    // Unknown signer: the banner links to the trust store.
    await verifyPath(page, bundlePath, 'Signed by a key you do not trust');
    await page.getByRole('link', { name: 'Open the trust store' }).click();
    await page.getByRole('heading', { level: 1, name: 'Trust store' }).waitFor();
    await page.getByText('No trusted keys yet').waitFor();
    await page.getByLabel('Public key (PEM)').fill(keyPath);
    await page.getByRole('button', { name: 'Read the key' }).click();
    const keyId = (
      await page.getByTestId('inspected-key').locator('code').first().innerText()
    ).trim();
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    await page.getByLabel('Name (optional)').fill('ComplianceAsCode');
    // Trusting needs the out-of-band comparison first.
    const trust = page.getByRole('button', { name: 'Trust this key' });
    expect(await trust.isDisabled()).toBe(true);
    await page.getByLabel(/I compared this key id/).check();
    await trust.click();
    await page.getByTestId('trusted-key').filter({ hasText: keyId }).waitFor();
    await screenshotThemes(page, 'trust-store');

    // The same bundle now verifies, and imports.
    await page.getByRole('link', { name: 'Verify and import' }).click();
    await verifyPath(page, bundlePath, 'Verified');
    await page.getByRole('button', { name: 'Import rules' }).click();
    await page.getByTestId('import-result').waitFor();
    expect(await page.getByTestId('import-result').innerText()).toContain('New rules\n3');
    await page.getByTestId('already-imported').waitFor();
    await screenshotThemes(page, 'bundles-import');

    // Found by its control's family, in lower case: AC-2 finds AC-2(3).
    await page.getByRole('link', { name: 'Browse the imported rules' }).click();
    await page.getByRole('heading', { level: 1, name: 'Imported rules' }).waitFor();
    await page.getByLabel('Framework').selectOption('nist_800_53');
    await page.getByLabel('Control').fill('ac-2');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('rule-row').count()).toBe(1);
    expect(await page.getByTestId('rule-row').innerText()).toContain('ow-account_disable_inactive');
    await screenshotThemes(page, 'rules');
    await page.getByRole('link', { name: 'ow-account_disable_inactive' }).click();
    await page.getByRole('heading', { level: 1, name: 'Disable inactive accounts' }).waitFor();
    expect(await page.getByText('rhel9-stig 2.3.0').count()).toBeGreaterThan(0);

    // Verified again: "already imported" instead of "safe to import".
    await page.getByRole('link', { name: 'Verify and import' }).click();
    await verifyPath(page, bundlePath, 'Verified');
    await page.getByTestId('already-imported').waitFor();
    expect(errors).toEqual([]);
  });

  it('verifies and imports a bundle uploaded from the browser', async () => {
    const dataDir = tempDir();
    const bundlePath = join(tempDir(), 'uploaded.tar.gz');
    writeFileSync(bundlePath, stigBundle());
    const { origin, token } = await startHeadlessServer(start, dataDir);
    const page = await (
      await browser().newContext({ viewport: { width: 1280, height: 820 } })
    ).newPage();
    const errors = await openApp(page, origin, token);
    // "Choose file…" opens the browser's picker in headless mode: the file is uploaded.
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose file…' }).click();
    await (await chooser).setFiles(bundlePath);
    await page.getByText('uploaded from this browser').waitFor();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page
      .getByRole('heading', { level: 2, name: 'Valid, but unsigned', exact: true })
      .waitFor();
    await page.getByLabel(/Import it although nobody signed it/).check();
    await page.getByRole('button', { name: 'Import rules' }).click();
    await page.getByTestId('import-result').waitFor();
    expect(await page.getByTestId('import-result').innerText()).toContain('New rules\n3');
    expect(errors).toEqual([]);
  });
});
