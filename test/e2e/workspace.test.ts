import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_AUTHORITY, demoResourcesDir } from '../../electron/core/provider/demo';
import { runBin, serveArgs, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';
import { launchChromium, navigateTo, screenshot } from './helpers';
import {
  confirmPinAndAdd,
  openMeasurement,
  openVendor,
  removeVendor,
  shownFingerprint,
  startAddingVendor,
  trustAuthorityKey,
} from './vendorActions';

const tempDir = useTempDirs();
const start = useProcesses();
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** `serve --demo --ui --tls auto`: its own CTP server publishes the demo over HTTPS. */
async function startDemoServer() {
  const dataDir = tempDir();
  // The last --tls wins: the demo's CTP API is served over HTTPS like a vendor's.
  const server = start(process.execPath, serveArgs(dataDir, '--tls', 'auto', '--demo', '--ui'));
  const [, origin, token] = await server.waitFor(
    /App\s+(https:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/,
    60_000,
  );
  const output = server.output();
  return {
    dataDir,
    origin: origin!,
    adminToken: token!,
    ctpBase: /CTP API\s+(\S+)/.exec(output)![1]!,
    fingerprint: /SHA-256 fingerprint (\S+)/.exec(output)![1]!,
    customerToken: /Token\s+acme-corp \([^)]*\): (\S+)/.exec(output)![1]!,
  };
}

async function openApp(origin: string, adminToken: string, colorScheme: 'light' | 'dark') {
  const context = await browser.newContext({
    colorScheme,
    viewport: { width: 1280, height: 860 },
    // The UI shares the self-signed certificate of --tls auto.
    ignoreHTTPSErrors: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${origin}/#token=${adminToken}`);
  await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor();
  return { context, page, errors };
}

/** The vendor's name as the page holds it: text only, no element inside. */
async function nameHtml(page: Page, name: string): Promise<string> {
  const html = await page
    .getByRole('link', { name, exact: true })
    .first()
    .evaluate((link) => link.innerHTML);
  return html.replace(/ data-v-\w+=""/g, '');
}

describe("the auditor's workspace in a real browser, against serve --demo --ui --tls auto", () => {
  it('adds its own CTP server as a vendor with a confirmed pin, syncs, browses, charts, graphs, trusts the authority and removes it', async () => {
    const server = await startDemoServer();
    const { context, page, errors } = await openApp(server.origin, server.adminToken, 'light');
    await screenshot(page, 'workspace-empty-light');

    // A name holding HTML and right-to-left text is text like any other.
    const name = '<b>Nimbus</b> ענן';
    await startAddingVendor(page, { name, url: server.ctpBase, token: server.customerToken });
    expect(await shownFingerprint(page)).toBe(server.fingerprint);
    await expect.poll(() => page.getByText('Not trusted by this computer').count()).toBe(1);
    await screenshot(page, 'workspace-add-vendor-light');
    await confirmPinAndAdd(page);

    // Added: the sync starts at once, with live progress, then its report.
    await page.getByText('Synced', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await nameHtml(page, name)).toBe('<bdi>&lt;b&gt;Nimbus&lt;/b&gt; ענן</bdi>');
    const row = page.locator('tbody tr').filter({ hasText: 'Nimbus' });
    await expect.poll(() => row.textContent()).toMatch(/\d+ met/);
    expect(await row.textContent()).toContain('unknown authority');

    // The vendor publishes new results; each sync from the vendor page takes the new one in.
    await openVendor(page, name);
    for (const [day, percentage] of [
      ['2099-01-01', 99.2],
      ['2099-01-02', 99.97],
    ] as const) {
      const file = join(server.dataDir, `result-${day}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          value: [{ percentage, probes: 21600, failed: 10 }],
          updateTime: `${day}T00:00:00Z`,
        }),
      );
      expect(
        runBin(['server', 'publish', 'eu-api-uptime', file, '--data-dir', server.dataDir]).status,
      ).toBe(0);
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByText('Synced', { exact: true }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Dismiss' }).click();
    }
    await page.getByRole('tab', { name: 'What changed in the last sync' }).click();
    await expect.poll(() => page.locator('#panel-changes').textContent()).toContain('uptime-30d');
    await page.getByRole('tab', { name: 'Resources' }).click();
    await screenshot(page, 'workspace-vendor-light');

    // The measurement: its chart is drawn, and its text alternative says what it shows.
    await openMeasurement(page, 'uptime-30d');
    await page.locator('.history-chart canvas').first().waitFor();
    await expect
      .poll(() => page.locator('.history-chart .visually-hidden').textContent())
      .toMatch(
        /^3 results of percentage from .* to 2099-01-02T00:00:00\.000Z, between 99\.2 and 99\.9\d*\.$/,
      );
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    expect(await page.locator('.history-table__body [role="row"]').count()).toBe(3);
    await page.getByRole('button', { name: 'Chart', exact: true }).click();

    // The graph: every node of the demo's supply chain, and the same as a list.
    await navigateTo(page, 'Supply chain');
    await page.locator('.vue-flow__node').first().waitFor();
    expect(await page.locator('.vue-flow__node').count()).toBe(5);
    expect(await page.locator('.outline').first().textContent()).toContain('bigcloud.example');
    await page.getByLabel('Search a provider').fill('postbox');
    await expect.poll(() => page.locator('.chain-node--found').count()).toBe(1);

    // Trusting the demo's monitoring authority verifies its signed results.
    const pem = createPublicKey(readFileSync(join(demoResourcesDir(), 'authority-key.pem'), 'utf8'))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    await page.goto(`${server.origin}/#/authorities`);
    await trustAuthorityKey(page, DEMO_AUTHORITY, pem);
    await navigateTo(page, 'Vendors');
    await expect.poll(() => row.textContent()).toMatch(/[1-9]\d* verified/);
    expect(await row.textContent()).not.toContain('unknown authority');

    await removeVendor(page, name);
    await page.getByText('No vendors yet').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a long name and a refused token clearly, in dark colours', async () => {
    const server = await startDemoServer();
    const { context, page, errors } = await openApp(server.origin, server.adminToken, 'dark');
    await startAddingVendor(page, {
      name: 'x'.repeat(100),
      url: server.ctpBase,
      token: 'wrong-token-0123456789',
    });
    await page
      .getByRole('dialog')
      .getByLabel(/I compared this fingerprint/)
      .check();
    await page.getByRole('dialog').getByRole('button', { name: 'Add vendor' }).click();
    await page
      .getByRole('dialog')
      .getByRole('alert')
      .filter({ hasText: 'refused the access token' })
      .waitFor();
    await screenshot(page, 'workspace-add-refused-dark');
    await page.getByRole('dialog').getByLabel('Access token').fill(server.customerToken);
    await page.getByRole('dialog').getByRole('button', { name: 'Add vendor' }).click();
    await page.getByText('Synced', { exact: true }).waitFor({ timeout: 30_000 });
    const link = page.getByRole('link', { name: 'x'.repeat(100) });
    // Long names stay in their column (clamped to two lines) and keep a tooltip.
    expect(await link.getAttribute('title')).toBe('x'.repeat(100));
    const box = await link.boundingBox();
    expect(box!.width).toBeLessThan(330);
    // The refused add is the one error the console shows (the RPC answered 422).
    expect(errors).toEqual([expect.stringMatching(/status of 422/)]);
    await context.close();
  });
});
