// The notifier's outbox on the Server page: a notification refused by the XMPP server is
// shown failed with its reason, and Retry sends it once its recipient exists (real
// Prosody, the built CLI's `serve --ui`, a customer's trigger through the CTP API).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sampleProvider } from '../fixtures/provider';
import { startProsody, type ProsodyServer } from '../fixtures/prosody';
import { runBin, startHeadlessServer, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';
import { openApp, screenshotThemes, useChromium } from './helpers';

const tempDir = useTempDirs();
const start = useProcesses();
const browser = useChromium();
let prosody: ProsodyServer;
beforeAll(async () => {
  prosody = await startProsody(['provider:secret']);
});
afterAll(async () => {
  await prosody?.stop();
});

/** A data folder with the sample provider and the notifier's account, through the CLI. */
function providerData() {
  const dir = tempDir();
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const cli = (args: string[]) => runBin([...args, '--data-dir', dir]);
  expect(
    cli(['server', 'import', file('provider.json', JSON.stringify(sampleProvider()))]).status,
  ).toBe(0);
  const account = ['--service', prosody.service, '--ca', file('ca.pem', prosody.caPem!)];
  const set = cli(
    ['server', 'notifier', 'set', 'provider@localhost'].concat([
      '--password-file',
      file('pw', 'secret'),
      ...account,
    ]),
  );
  expect(set.status).toBe(0);
  return { dir, cli, file };
}

describe('the outbox on the Server page, in a real browser', () => {
  it('shows a refused notification failed with its reason, and Retry sends it', async () => {
    const { dir, cli, file } = providerData();
    const { origin, token } = await startHeadlessServer(start, dir);
    // A customer's trigger notifying an account that does not exist yet.
    const created = await fetch(`${origin}/ctp/serviceViews/sv1/triggers`, {
      method: 'POST',
      headers: { authorization: 'Bearer acme-secret-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        measurement: `${origin}/ctp/measurements/m1`,
        condition: 'value[0].percentage < 99',
        notification: 'xmpp:late@localhost',
      }),
    });
    expect(created.status).toBe(201);
    const published = cli([
      'server',
      'publish',
      'm1',
      file('r.json', '{"value":[{"percentage":97}]}'),
    ]);
    expect(published.status).toBe(0);

    const { page, errors } = await openApp(browser(), origin, token);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Server' })
      .click();
    const outbox = page.getByTestId('notifier-outbox');
    const row = outbox.getByTestId('outbox-row').first();
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/failed/);
    expect(await row.innerText()).toMatch(/service-unavailable/);
    await outbox.getByRole('button', { name: /Retry all failed \(1\)/ }).waitFor();
    await screenshotThemes(page, 'server-outbox');

    await prosody.register('late', 'secret');
    await row.getByRole('button', { name: /^Retry notification \d+$/ }).click();
    // Queued again, then sent by the running notifier: the view follows without a reload.
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/sent/);
    expect(await row.innerText()).toMatch(/Earlier: .*service-unavailable/);
    expect(await outbox.getByRole('button', { name: /Retry all failed/ }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
