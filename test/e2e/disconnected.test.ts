// The headless page when its server goes away and comes back: a real `serve --ui` (built
// CLI), killed and started again on the same port and data folder, and a real Chromium.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { sampleProvider } from '../fixtures/provider';
import { BIN, ROOT, serveArgs, startHeadlessServer, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';
import { navigateTo, screenshot, useChromium } from './helpers';

const tempDir = useTempDirs();
const start = useProcesses();
const browser = useChromium();

function banner(page: Page) {
  return page.getByRole('alert').filter({ hasText: 'is not answering' });
}

/** The count a stat card of the Server page shows. */
function statCard(page: Page, label: string) {
  return page.locator('.stat').filter({ hasText: label });
}

/** The banner in both themes, wide and narrow, for docs/screenshots. */
async function screenshotBanner(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const [width, name] of [
      [1280, 'wide'],
      [640, 'narrow'],
    ] as const) {
      await page.setViewportSize({ width, height: 760 });
      await screenshot(page, `disconnected-${colorScheme}-${name}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 820 });
}

describe('the page when the headless server goes away', () => {
  it('says so on every page, retries, and clears by itself when the server is back', async () => {
    const dataDir = tempDir();
    const first = await startHeadlessServer(start, dataDir);
    const { origin, token } = first;
    const address = new URL(origin).host;
    const context = await browser().newContext({ viewport: { width: 1280, height: 820 } });
    const page = await context.newPage();
    await page.goto(`${origin}/#token=${token}`);
    await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor();
    await navigateTo(page, 'Server');
    await page.getByText(`${origin}/ctp/`).waitFor();
    expect(await banner(page).count()).toBe(0);

    await first.server.stop('SIGKILL');
    await banner(page).waitFor();
    expect(await banner(page).innerText()).toContain(`The server at ${address} is not answering.`);
    await expect.poll(() => page.getByTestId('server-live').innerText()).toContain('Not updating');
    await screenshotBanner(page);
    // Every page says it, not only the one that was open.
    expect(await page.getByTestId('server-state').innerText()).toBe('Not answering');
    await navigateTo(page, 'Vendors');
    await banner(page).waitFor();
    // Retry with the server still down: the attempt fails and the banner stays.
    const retry = banner(page).getByRole('button', { name: 'Retry' });
    await expect.poll(() => retry.isEnabled()).toBe(true);
    await retry.click();
    await expect.poll(() => banner(page).innerText()).toMatch(/Retrying in \d+ s\./);

    // Back on the same port and data folder (so with the same admin token).
    const port = new URL(origin).port;
    const args = serveArgs(dataDir, '--ui').map((arg, index, all) =>
      all[index - 1] === '--port' ? port : arg,
    );
    const second = start(process.execPath, args);
    await second.waitFor(/App\s+http:\/\/127\.0\.0\.1:\d+\/#token=/);
    await banner(page).waitFor({ state: 'detached', timeout: 30_000 });

    // The Server page is live again: a change from another process shows without Refresh.
    await navigateTo(page, 'Server');
    await page.getByText(`${origin}/ctp/`).waitFor();
    await expect.poll(() => page.getByTestId('server-live').innerText()).toMatch(/live/i);
    expect(await page.getByTestId('server-state').innerText()).toBe('Listening');
    await expect.poll(() => statCard(page, 'Service views').innerText()).toMatch(/\n0$/);
    const provider = join(dataDir, 'provider.json');
    writeFileSync(provider, JSON.stringify(sampleProvider()));
    await promisify(execFile)(
      process.execPath,
      [BIN, 'server', 'import', provider, '--data-dir', dataDir],
      { cwd: ROOT },
    );
    await expect
      .poll(() => statCard(page, 'Service views').innerText(), { timeout: 10_000 })
      .toMatch(/\n2$/);
    await expect.poll(() => statCard(page, 'Accounts').innerText()).toMatch(/\n2$/);
    await context.close();
  });
});
