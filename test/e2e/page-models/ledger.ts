/** Page models for the verifiable ledger: the audit index, entry detail, exports, tamper alarm. */
import { expect, type Download, type Locator, type Page } from '@playwright/test';

export class LedgerAuditPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async open() {
    await this.page.getByRole('link', { name: 'Audit', exact: true }).click();
    await expect(this.page.getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible();
  }
  tab(name: 'My audit' | 'All entries') {
    return this.page.getByRole('tab', { name });
  }
  status() {
    return this.page
      .getByRole('status')
      .filter({ hasText: /Ledger verified|Verification|Checking the relay/ });
  }
  async expectVerified() {
    await expect(this.page.getByText('Ledger verified.')).toBeVisible({ timeout: 20_000 });
  }
  filters() {
    return this.page.getByRole('form', { name: 'Filters' });
  }
  async filterBy(label: 'Outcome' | 'Role' | 'Type' | 'Done by' | 'Concerning', option: string) {
    await this.filters().getByLabel(label, { exact: true }).selectOption({ label: option });
  }
  async search(text: string) {
    await this.filters().getByLabel('Search justifications').fill(text);
  }
  matchCount() {
    return this.page.getByRole('status').filter({ hasText: /match/ });
  }
  entries(): Locator {
    return this.page
      .getByRole('list', { name: 'Audit entries, newest first' })
      .getByRole('listitem');
  }
  async openEntry(entry: Locator) {
    await entry.getByRole('link', { name: /Details of entry #\d+/ }).click();
    await expect(this.page.getByRole('heading', { name: /^Entry #\d+$/, level: 1 })).toBeVisible();
  }
  async reverifyPasskey() {
    await this.page.getByRole('button', { name: 'Re-verify passkey' }).click();
  }
  passkeySection() {
    return this.page.getByRole('region', { name: 'Passkey evidence' });
  }
  inclusionSection() {
    return this.page.getByRole('region', { name: 'In the signed ledger' });
  }
  async download(button: 'Download CSV' | 'Download the whole ledger'): Promise<Download> {
    const downloading = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: button }).click();
    return downloading;
  }
}

/** The tamper alarm shown on every page while a ledger check has failed. */
export class TamperAlarm {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  alert() {
    return this.page.getByRole('alert').filter({ hasText: 'Tamper alarm' });
  }
  async acknowledge() {
    await this.alert().getByRole('button', { name: 'I have read this alarm' }).first().click();
  }
}
