import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AlertsPage } from '../../shared/alerts';
import { sampleProvider } from '../fixtures/provider';
import { startProsody, type ProsodyServer } from '../fixtures/prosody';
import { runBin, serveArgs, startHeadlessServer, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';

import { launchChromium, screenshot } from './helpers';

const tempDir = useTempDirs();
const start = useProcesses();
let browser: Browser;
let prosody: ProsodyServer;
beforeAll(async () => {
  [browser, prosody] = await Promise.all([
    launchChromium(),
    startProsody(['provider:secret', 'auditor:secret']),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await prosody?.stop();
});

function files(dir: string) {
  return (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
}

/** Our CTP server with a notifier (built CLI): the vendor. */
async function vendorServer() {
  const dir = tempDir();
  const file = files(dir);
  const cli = (args: string[]) => runBin([...args, '--data-dir', dir]);
  expect(
    cli(['server', 'import', file('provider.json', JSON.stringify(sampleProvider()))]).status,
  ).toBe(0);
  const account = ['--service', prosody.service, '--ca', file('ca.pem', prosody.caPem!)];
  const set = cli([
    'server',
    'notifier',
    'set',
    'provider@localhost',
    '--password-file',
    file('pw', 'secret'),
    ...account,
  ]);
  expect(set.status).toBe(0);
  const server = start(process.execPath, serveArgs(dir));
  const [, base] = await server.waitFor(/CTP API\s+(http:\/\/127\.0\.0\.1:\d+\/ctp\/)/);
  return { base: base!, cli, file };
}

/** The auditor's app in headless mode, following the vendor, with an alerts account. */
async function auditorApp(vendorBase: string) {
  const dir = tempDir();
  const file = files(dir);
  const cli = (args: string[]) => runBin([...args, '--data-dir', dir]);
  expect(
    cli(['vendor', 'add', 'acme', vendorBase, '--token-file', file('token', 'acme-secret-token')])
      .status,
  ).toBe(0);
  expect(cli(['vendor', 'sync', 'acme']).status).toBe(0);
  const account = ['--service', prosody.service, '--ca', file('ca.pem', prosody.caPem!)];
  expect(
    cli([
      'alerts',
      'account',
      'set',
      'auditor@localhost',
      '--password-file',
      file('pw', 'secret'),
      ...account,
    ]).status,
  ).toBe(0);
  const app = await startHeadlessServer(start, dir);
  return { ...app, cli };
}

async function createTrigger(page: Page, condition: string): Promise<void> {
  await page.getByRole('link', { name: 'Triggers' }).click();
  await page.getByRole('heading', { level: 1, name: 'Triggers' }).waitFor();
  const measurement = page.getByLabel('Measurement');
  await expect.poll(() => measurement.locator('option').count()).toBeGreaterThan(1);
  await measurement.selectOption({ label: 'https://api.example.com › availability' });
  const editor = page.getByRole('textbox', { name: 'Condition (CTPScript)' });
  await editor.click();
  // A near miss first: the server's own static check answers in the editor.
  await page.keyboard.type('matchRegex(value[0].percentage, "9")');
  await page.locator('.cm-lintRange-error').first().waitFor();
  // Cleared first: typing over a selection of highlighted tokens makes Chrome's editing
  // add a style attribute, which our CSP refuses (harmless, but an error in the console).
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(condition);
  await page.getByTestId('trigger-preview').getByText('Would have fired').waitFor();
  await page.getByLabel('Name').fill('availability below SLA');
  await page.getByRole('button', { name: 'Create trigger' }).click();
  await page.getByRole('listitem').filter({ hasText: 'availability below SLA' }).waitFor();
}

describe('alerts end to end in a real browser (headless mode)', () => {
  it('creates a trigger from the app, receives its alert over XMPP, shows it live; body equal to the log entry', async () => {
    const vendor = await vendorServer();
    const app = await auditorApp(vendor.base);
    const errors: string[] = [];
    for (const [colorScheme, width] of [
      ['light', 1280],
      ['dark', 760],
    ] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error')
          errors.push(`${message.text()} @ ${JSON.stringify(message.location())}`);
      });
      await page.goto(`${app.origin}/#token=${app.token}`);
      // The link's name carries the unread count ("Alerts 1 unread") once there is one.
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: /^Alerts/ })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
      await page.getByText('Listening as auditor@localhost').waitFor({ timeout: 30_000 });
      if (colorScheme === 'light') {
        await createTrigger(page, 'value[0].percentage < 99.5').catch(async (error: unknown) => {
          await screenshot(page, 'triggers-failure');
          throw error;
        });
        await screenshot(page, `triggers-${colorScheme}`);
        await page.getByRole('link', { name: 'Alerts', exact: true }).first().click();
        await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
        const result = vendor.file(
          'result.json',
          JSON.stringify({ value: [{ percentage: 98.7 }] }),
        );
        expect(vendor.cli(['server', 'publish', 'm1', result]).status).toBe(0);
        // Live: the alert and the badge appear without a reload.
        await page.getByTestId('alert-item').first().waitFor({ timeout: 30_000 });
        await expect.poll(() => page.getByTestId('unread-badge').textContent()).toBe('1');
      } else {
        await page.getByTestId('alert-item').first().waitFor();
      }
      const item = page.getByTestId('alert-item').first();
      expect(await item.textContent()).toContain('value[0].percentage < 99.5');
      expect(await item.textContent()).toContain('[{"percentage":98.7}]');
      await screenshot(page, `alerts-${colorScheme}-${width}`);
      await context.close();
    }
    expect(errors).toEqual([]);
    const listed = app.cli(['alerts', 'list', '--json']);
    const page = JSON.parse(listed.stdout) as AlertsPage;
    const [alert] = page.items;
    const entry = await fetch(alert!.logUrl!, {
      headers: { authorization: 'Bearer acme-secret-token' },
    });
    expect(alert!.body).toBe(await entry.text());
    expect(alert).toMatchObject({
      origin: 'vendor',
      vendor: 'acme',
      channel: 'xmpp',
      sender: 'provider@localhost',
    });
  }, 180_000);
});
