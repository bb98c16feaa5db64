import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHeadlessServer, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';
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

async function startHeadless() {
  return startHeadlessServer(start, tempDir());
}

describe('the app in a real browser (headless mode)', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`opens with the printed link, navigates every area and shows the server's status (${colorScheme})`, async () => {
      const { origin, token } = await startHeadless();
      const context = await browser.newContext({
        colorScheme,
        viewport: { width: 1280, height: 820 },
      });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });

      await page.goto(`${origin}/#token=${token}`);
      await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor();
      // The token leaves the address bar at once.
      expect(page.url()).not.toContain(token);
      await screenshot(page, `vendors-${colorScheme}`);

      for (const area of ['Alerts', 'Bundles', 'Settings']) {
        await navigateTo(page, area);
        await screenshot(page, `${area.toLowerCase()}-${colorScheme}`);
      }

      await navigateTo(page, 'Server');
      // server.status over the RPC transport: the URL and fingerprint state of this server.
      await expect.poll(() => page.getByText(`${origin}/ctp/`).count()).toBeGreaterThan(0);
      await screenshot(page, `server-${colorScheme}`);

      await navigateTo(page, 'About');
      await expect.poll(() => page.getByText(process.versions.node).count()).toBeGreaterThan(0);
      await screenshot(page, `about-${colorScheme}`);

      // Keyboard: the skip link moves focus to the content; nav links work with Enter.
      await page.getByRole('link', { name: 'Skip to content' }).focus();
      await page.keyboard.press('Enter');
      expect(await page.locator('#main:focus').count()).toBe(1);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Vendors', exact: true })
        .focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor();

      expect(pageErrors).toEqual([]);
      await context.close();
    });
  }

  it('calls the RPC from the page with the token, and is refused without it', async () => {
    const { origin, token } = await startHeadless();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/#token=${token}`);
    await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor();
    const answers = await page.evaluate(async (adminToken) => {
      const call = (headers: Record<string, string>) =>
        fetch('/app/rpc/server.status', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{}',
        }).then(async (response) => ({ status: response.status, body: await response.json() }));
      return [await call({ authorization: `Bearer ${adminToken}` }), await call({})];
    }, token);
    expect(answers[0]).toMatchObject({
      status: 200,
      body: { result: { listening: true, tls: { mode: 'off' } } },
    });
    expect(answers[1]).toMatchObject({
      status: 401,
      body: { error: { code: 'APP_UNAUTHORIZED' } },
    });
    await context.close();
  });

  it('explains how to get in when opened without the token', async () => {
    const { origin } = await startHeadless();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { level: 1, name: 'Access token needed' }).waitFor();
    await screenshot(page, 'unauthorized');
    await context.close();
  });
});
