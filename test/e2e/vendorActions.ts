/** One user action per helper, for the auditor's workspace pages (test/e2e/workspace.test.ts). */
import type { Page } from 'playwright-core';

export interface VendorForm {
  name: string;
  url: string;
  token: string;
}

/** Opens "Add vendor", fills the form, and asks for the server's certificate. */
export async function startAddingVendor(page: Page, form: VendorForm): Promise<void> {
  await page.getByRole('button', { name: 'Add vendor' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a vendor' });
  await dialog.getByLabel('Name').fill(form.name);
  await dialog.getByLabel('CtpBase URL').fill(form.url);
  await dialog.getByLabel('Access token').fill(form.token);
  await dialog.getByRole('button', { name: "Show the server's certificate" }).click();
  await dialog.getByText('SHA-256 fingerprint').waitFor();
}

/** The fingerprint the dialog shows, as one `AB:CD:…` string. */
export async function shownFingerprint(page: Page): Promise<string> {
  const rows = await page.getByRole('dialog').locator('.fingerprint__row').allTextContents();
  return rows.join(':');
}

/** Confirms the comparison and adds the vendor. */
export async function confirmPinAndAdd(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Add a vendor' });
  await dialog.getByLabel(/I compared this fingerprint/).check();
  await dialog.getByRole('button', { name: 'Add vendor' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Opens a vendor from the portfolio. */
export async function openVendor(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).first().click();
  await page.getByRole('tree').waitFor();
}

/** Opens a measurement from the vendor's tree. */
export async function openMeasurement(page: Page, name: string): Promise<void> {
  await page.getByRole('treeitem').filter({ hasText: name }).getByRole('link').first().click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** Trusts a public key for an authorityId on the Signing authorities page. */
export async function trustAuthorityKey(page: Page, id: string, pem: string): Promise<void> {
  await page.getByLabel('Authority id').fill(id);
  await page.getByLabel('Key or certificate text').fill(pem);
  await page.getByRole('button', { name: 'Trust it' }).click();
  await page.getByRole('status').filter({ hasText: 'verified again' }).waitFor();
}

/** Removes a vendor from the portfolio, confirming in the dialog. */
export async function removeVendor(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: `Remove ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}
