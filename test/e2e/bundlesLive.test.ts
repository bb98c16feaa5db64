// The Bundles pages follow the command line: a bundle imported and a key trusted by the
// built CLI in a terminal while the app's pages are open show without a reload.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { manifestFor, specRule, tarGz, testKeys } from '../fixtures/bundles';
import { runBin, startHeadlessServer, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';
import { navigateTo, openApp, useChromium } from './helpers';

const tempDir = useTempDirs();
const start = useProcesses();
const browser = useChromium();

function oneRuleBundle(): Buffer {
  const rule = specRule('ow-sshd_disable_root', {
    metadata: { name: 'Disable SSH root login', description: 'd' },
    frameworks: { nist_800_53: { controls: ['IA-2'], applicable: true } },
  });
  return tarGz([
    {
      path: 'manifest.json',
      body: JSON.stringify(manifestFor(1, { name: 'sshd', version: '1.0.0' })),
    },
    { path: 'rules/', type: 'Directory' },
    { path: 'rules/ow-sshd_disable_root.json', body: JSON.stringify(rule) },
  ]);
}

describe('Bundles pages follow changes made in a terminal (headless mode)', () => {
  it('shows a rule imported and a key trusted by the built CLI while the pages are open', async () => {
    const dataDir = tempDir();
    const files = tempDir();
    const bundlePath = join(files, 'sshd.tar.gz');
    const keyPath = join(files, 'publisher.pem');
    writeFileSync(bundlePath, oneRuleBundle());
    writeFileSync(keyPath, testKeys().publicKey);
    const { origin, token } = await startHeadlessServer(start, dataDir);
    const { page, errors } = await openApp(browser(), origin, token);
    await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor();
    await navigateTo(page, 'Bundles');

    await page
      .getByRole('navigation', { name: 'Bundles pages' })
      .getByRole('link', { name: 'Imported rules' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Imported rules' }).waitFor();
    expect(await page.getByTestId('rule-row').count()).toBe(0);
    const imported = runBin(['import', bundlePath, '--allow-unsigned', '--data-dir', dataDir]);
    expect(imported.status).toBe(0);
    const row = page.getByTestId('rule-row').filter({ hasText: 'ow-sshd_disable_root' });
    await row.waitFor({ timeout: 15_000 });
    // The import history follows too.
    await page.getByRole('heading', { name: 'Import history' }).waitFor();

    await page
      .getByRole('navigation', { name: 'Bundles pages' })
      .getByRole('link', { name: 'Trust store' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Trust store' }).waitFor();
    await page.getByText('No trusted keys yet').waitFor();
    const added = runBin([
      'bundle',
      'trust',
      'add',
      keyPath,
      '--name',
      'publisher',
      '--data-dir',
      dataDir,
    ]);
    expect(added.status).toBe(0);
    await page
      .getByTestId('trusted-key')
      .filter({ hasText: 'publisher' })
      .waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
  });
});
