// The alerts account on the Settings page: checked in the form with core's rules, set in
// place, connected to a real XMPP server (Prosody), changed and removed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startProsody, type ProsodyServer } from '../fixtures/prosody';
import { startHeadlessServer, useProcesses } from '../helpers/processes';
import { useTempDirs } from '../helpers/tempDir';
import { openApp, screenshotThemes, useChromium } from './helpers';

const tempDir = useTempDirs();
const start = useProcesses();
const browser = useChromium();
let prosody: ProsodyServer;
beforeAll(async () => {
  prosody = await startProsody(['auditor:secret']);
});
afterAll(async () => {
  await prosody?.stop();
});

describe('the alerts account on the Settings page, in a real browser', () => {
  it('names a bad JID, sets the account in place and shows it listening', async () => {
    const dataDir = tempDir();
    const { origin, token } = await startHeadlessServer(start, dataDir);
    const { page, errors } = await openApp(browser(), origin, token);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Settings' })
      .click();
    const section = page.getByTestId('alerts-account');
    await section.getByText('No account yet').waitFor();

    await section.getByLabel('Account (JID)').fill('auditor@localhost/laptop');
    await section.getByLabel('Password').fill('secret');
    await section.getByLabel(/^Server/).fill(prosody.service);
    await section.getByRole('button', { name: 'Save and connect' }).click();
    await section.getByText(/bare JID \(auditor@localhost\), without "\/resource"/).waitFor();
    await screenshotThemes(page, 'settings-account-invalid');

    await section.getByLabel('Account (JID)').fill('auditor@localhost');
    await section.getByLabel(/^CA certificate/).fill(prosody.caPem!);
    await section.getByRole('button', { name: 'Save and connect' }).click();
    await section.getByTestId('alerts-jid').waitFor();
    // The listener logs in with it: the state follows live.
    await section.getByText('Listening as auditor@localhost').waitFor({ timeout: 20_000 });
    await screenshotThemes(page, 'settings-account');

    await section.getByRole('button', { name: 'Remove…' }).click();
    await section.getByRole('button', { name: 'Remove the account' }).click();
    await section.getByText('No account yet').waitFor();
    expect(errors).toEqual([]);
  });
});
