/** Page models: what a person sees and does, found by role and accessible name. */
import { expect, type Page } from '@playwright/test';

export class SetupPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async createFirstAdmin(name: string) {
    await expect(this.page.getByRole('heading', { name: 'Set up Leasehold' })).toBeVisible();
    await this.page.getByLabel('Display name').fill(name);
    await this.page.getByRole('button', { name: 'Create passkey' }).click();
    await this.page.waitForURL('**/roles');
  }
}

export class InvitePage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async join(name: string) {
    await expect(this.page.getByRole('heading', { name: 'Join Leasehold' })).toBeVisible();
    await this.page.getByLabel('Display name').fill(name);
    await this.page.getByRole('button', { name: 'Create passkey' }).click();
    await this.page.waitForURL('**/roles');
  }
}

export class AdminPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async open() {
    await this.page.getByRole('link', { name: 'Administration' }).click();
    await expect(
      this.page.getByRole('heading', { name: 'Administration', level: 1 }),
    ).toBeVisible();
  }
  async invite(name: string): Promise<string> {
    const users = this.page.getByRole('region', { name: 'Users' });
    await users.getByLabel('Display name').fill(name);
    await users.getByRole('button', { name: 'Create invite link' }).click();
    const link = this.page.getByLabel('Invite link', { exact: true });
    await expect(link).toHaveValue(/\/invite#token=/);
    return link.inputValue();
  }
  async createRole(name: string, description: string) {
    await this.page.getByLabel('Name', { exact: true }).fill(name);
    await this.page.getByLabel('Description').fill(description);
    await this.page.getByRole('button', { name: 'Create role' }).click();
    await expect(this.page.getByRole('heading', { name })).toBeVisible();
  }
  async makeEligible(person: string, role: string, justification: string) {
    await this.page.getByLabel('Person').selectOption({ label: person });
    await this.page.getByLabel('Role', { exact: true }).selectOption({ label: role });
    await this.page.getByLabel('Justification', { exact: true }).fill(justification);
    await this.page.getByRole('button', { name: 'Assign role' }).click();
    await expect(this.page.getByText(`${person} is now eligible for ${role}.`)).toBeVisible();
  }
  activeNow() {
    return this.page.getByRole('region', { name: 'Active right now' });
  }
}

export class MyRolesPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  activeNow() {
    return this.page.getByRole('region', { name: 'Active now' });
  }
  eligible() {
    return this.page.getByRole('region', { name: 'Eligible roles' });
  }
  async activate(role: string, opts: { hours: number; minutes: number; justification: string }) {
    await this.page.getByRole('button', { name: `Activate ${role}` }).click();
    const dialog = this.page.getByRole('dialog', { name: `Activate ${role}` });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(/Justification/).fill(opts.justification);
    await dialog.getByLabel('Hours').fill(String(opts.hours));
    await dialog.getByLabel('Minutes').fill(String(opts.minutes));
    await dialog.getByRole('button', { name: 'Activate' }).click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }
}

export class AuditPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async open() {
    await this.page.getByRole('link', { name: 'Audit' }).click();
    await expect(this.page.getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible();
  }
  entries() {
    return this.page
      .getByRole('list', { name: 'Audit entries, newest first' })
      .getByRole('listitem');
  }
}
