import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

import { ROOT } from '../helpers/processes';

/** Debian's Chromium (CI installs it); Playwright's own browser download is not possible here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One Chromium for the tests of a file, launched before them and closed after. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error('Chromium is not launched yet');
    return browser;
  };
}

/** A new 1280×820 page on the headless app, opened with its token; `errors` gathers page errors. */
export async function openApp(browser: Browser, origin: string, token: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/#token=${token}`);
  return { page, errors };
}

/** One user action per helper: go to an area through the main navigation. */
export async function navigateTo(page: Page, area: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: area, exact: true })
    .click();
  await page.getByRole('heading', { level: 1, name: area }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // From the top: a full-page capture of a scrolled page draws fixed elements (the hidden
  // "Skip to content" link) at the scroll offset, in the middle of the page.
  await page.evaluate('window.scrollTo(0, 0)');
  // Pointer and focus off the links: a navigation link hovered or focused shows its
  // tooltip in the narrow layout.
  await page.mouse.move(0, 0);
  await page.evaluate('document.activeElement?.blur()');
  // The caret stays as it is: hiding it injects a style element, which our CSP refuses.
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    fullPage: true,
    caret: 'initial',
    // A tooltip still fading out after the blur is drawn gone.
    animations: 'disabled',
  });
}

/** `NAME-light-wide.png` … `NAME-dark-narrow.png`: both themes, 1280 and 640 pixels wide. */
export async function screenshotThemes(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const [width, size] of [
      [1280, 'wide'],
      [640, 'narrow'],
    ] as const) {
      await page.setViewportSize({ width, height: 820 });
      await screenshot(page, `${name}-${colorScheme}-${size}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  await page.setViewportSize({ width: 1280, height: 820 });
}
