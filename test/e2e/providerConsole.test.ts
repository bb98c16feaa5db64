import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { startHeadlessServer, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';
import { sampleProvider } from '../fixtures/provider';
import { screenshotThemes, useChromium } from './helpers';

const tempDir = useTempDirs();
const start = useProcesses();
const browser = useChromium();

async function openServerPage(page: Page, origin: string, token: string, link: string) {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/#token=${token}`);
  await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Server' })
    .click();
  await page
    .getByRole('navigation', { name: 'Server pages' })
    .getByRole('link', { name: link })
    .click();
  return errors;
}

/** On the Import page: the dry run of the file, then Apply, waiting for "Imported". */
async function importProviderFile(page: Page, path: string, screenshotName?: string) {
  await page.getByLabel('Provider data (JSON)').fill(path);
  await page.getByRole('button', { name: 'Dry run' }).click();
  await page.getByRole('heading', { name: 'Dry run: nothing was written yet' }).waitFor();
  expect(await page.getByTestId('import-report').innerText()).toContain('serviceViews[0]');
  if (screenshotName !== undefined) await screenshotThemes(page, screenshotName);
  await page.getByRole('button', { name: 'Apply the import' }).click();
  await page.getByRole('heading', { name: 'Imported', exact: true }).waitFor();
}

/** A customer's CTP client: a request with its bearer token, over real HTTP. */
function ctp(origin: string, token: string, path: string, body?: unknown) {
  return fetch(`${origin}/ctp/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('the provider console in a real browser (headless mode, real CTP API)', () => {
  it('imports provider data after a dry run, publishes, and shows the customer trigger that fired', async () => {
    const dataDir = tempDir();
    const providerPath = join(tempDir(), 'provider.json');
    writeFileSync(providerPath, JSON.stringify(sampleProvider()));
    const { origin, token } = await startHeadlessServer(start, dataDir);
    const page = await (
      await browser().newContext({ viewport: { width: 1280, height: 820 } })
    ).newPage();
    const errors = await openServerPage(page, origin, token, 'Import');

    await importProviderFile(page, providerPath, 'server-import');

    // A customer (account acme, from the document) sets a trigger through the CTP API.
    const created = await ctp(origin, 'acme-secret-token', 'serviceViews/sv1/triggers', {
      name: 'below SLA',
      measurement: `${origin}/ctp/measurements/m1`,
      condition: 'value[0].percentage < 99.9',
      notification: 'xmpp:ops@example.com',
    });
    expect(created.status).toBe(201);

    await page.getByRole('link', { name: 'Published' }).click();
    await page.getByRole('tree').waitFor();
    await page
      .getByRole('treeitem')
      .filter({ hasText: 'availability-percentage' })
      .getByRole('link')
      .click();
    const detail = page.getByTestId('measurement-console');
    await detail.getByRole('heading', { name: 'availability-percentage' }).waitFor();
    await detail.getByRole('textbox', { name: 'percentage (number)' }).fill('98.5');
    await detail.getByRole('button', { name: 'Publish' }).click();
    const report = page.getByTestId('publish-report');
    await report.waitFor();
    expect(await report.innerText()).toMatch(/Objective:\s*false/);
    expect(await page.getByTestId('fired-trigger').innerText()).toContain('below SLA fired');
    // The console shows the trigger's new status and its log entry, live.
    await expect.poll(() => detail.getByTestId('console-trigger').innerText()).toContain('true');
    await detail.getByTestId('log-entry').first().waitFor();
    await screenshotThemes(page, 'server-published');
    expect(errors).toEqual([]);
  });

  it('creates a token shown once, then revokes it: the CTP API answers 401', async () => {
    const dataDir = tempDir();
    const providerPath = join(tempDir(), 'provider.json');
    writeFileSync(providerPath, JSON.stringify(sampleProvider()));
    const { origin, token } = await startHeadlessServer(start, dataDir);
    const page = await (
      await browser().newContext({ viewport: { width: 1280, height: 820 } })
    ).newPage();
    const errors = await openServerPage(page, origin, token, 'Import');
    await importProviderFile(page, providerPath);

    await page.getByRole('link', { name: 'Accounts and triggers' }).click();
    await page.getByLabel('Name', { exact: true }).fill('initech');
    await page.getByLabel(/other customer/).check();
    await page.getByRole('button', { name: 'Create account and token' }).click();
    const issued = page.getByTestId('issued-token');
    await issued.waitFor();
    const secret = (await issued.locator('code').innerText()).trim();
    expect((await ctp(origin, secret, 'serviceViews/sv2')).status).toBe(200);
    await screenshotThemes(page, 'server-accounts');
    await issued.getByRole('button', { name: 'I copied it' }).click();
    await issued.waitFor({ state: 'detached' });
    // The token is never shown again.
    expect(await page.getByText(secret).count()).toBe(0);

    const account = page.getByRole('article', { name: 'Account initech' });
    await account.getByRole('button', { name: 'Revoke' }).click();
    await account.getByRole('button', { name: 'Revoke it?' }).click();
    await account.getByText(/^Revoked/).waitFor();
    expect((await ctp(origin, secret, 'serviceViews/sv2')).status).toBe(401);
    expect(errors).toEqual([]);
  });
});

describe('the Settings page in a real browser', () => {
  it('shows the workspace and switches the theme', async () => {
    const dataDir = tempDir();
    const { origin, token } = await startHeadlessServer(start, dataDir);
    const page = await (
      await browser().newContext({ viewport: { width: 1280, height: 820 } })
    ).newPage();
    await page.goto(`${origin}/#token=${token}`);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Settings' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(await page.getByTestId('data-dir').innerText()).toBe(dataDir);
    await screenshotThemes(page, 'settings');
    await page.getByLabel('Dark').check();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
  });
});
