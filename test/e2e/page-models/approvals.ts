/** Page models for approvals: role settings, requesting, the approvals inbox, My requests. */
import { expect, type Locator, type Page } from '@playwright/test';

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** Invites one person and returns their link, waiting for a link that differs from the last. */
export async function inviteLink(page: Page, name: string): Promise<string> {
  const users = page.getByRole('region', { name: 'Users' });
  const link = page.getByLabel('Invite link', { exact: true });
  const before = (await link.count()) > 0 ? await link.inputValue() : '';
  await users.getByLabel('Display name').fill(name);
  await users.getByRole('button', { name: 'Create invite link' }).click();
  await expect(link).toHaveValue(/\/invite#token=/);
  await expect(link).not.toHaveValue(before);
  await expect(users.getByText(`Send this single-use link to ${name}.`)).toBeVisible();
  return link.inputValue();
}

export type ApprovalSettings = {
  approvers: string[];
  approvalsRequired: number;
  /** As the choice reads, e.g. "1 hour". */
  timeout: string;
};

export class RoleSettingsPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async open(role: string) {
    await this.page.getByRole('link', { name: `Settings for ${role}` }).click();
    await expect(
      this.page.getByRole('heading', { name: `${role} settings`, level: 1 }),
    ).toBeVisible();
  }
  changes(): Locator {
    return this.page.getByRole('region', { name: 'Changes to save' });
  }
  async requireApproval(role: string, s: ApprovalSettings) {
    const save = this.page.getByRole('button', { name: 'Save' });
    await expect(save).toBeDisabled();
    await this.page.getByLabel('Approval required').check();
    const approvers = this.page.getByRole('group', { name: 'Approvers' });
    for (const name of s.approvers) await approvers.getByLabel(name).check();
    await this.page.getByLabel('Approvals needed').selectOption(String(s.approvalsRequired));
    await this.page.getByLabel('Pending-request timeout').selectOption({ label: s.timeout });
    await expect(this.changes().getByText('Approval required off → on')).toBeVisible();
    await save.click();
    await expect(
      this.changes().getByText(new RegExp(`^Saved \\d+ changes? to ${role}\\.$`)),
    ).toBeVisible();
    await expect(save).toBeDisabled();
  }
  async back() {
    await this.page.getByRole('link', { name: /Administration · Roles/ }).click();
    await expect(
      this.page.getByRole('heading', { name: 'Administration', level: 1 }),
    ).toBeVisible();
  }
}

export class RequesterPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  eligibleCard(role: string): Locator {
    return this.page
      .getByRole('region', { name: 'Eligible roles' })
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { name: role, exact: true }) });
  }
  async openMyRoles() {
    await nav(this.page).getByRole('link', { name: 'My roles' }).click();
    await expect(this.page.getByRole('heading', { name: 'My roles', level: 1 })).toBeVisible();
  }
  /** Asks for a role that needs approval; `says` is what the dialog must say before sending. */
  async request(role: string, opts: { minutes: number; justification: string; says: RegExp }) {
    await this.page.getByRole('button', { name: `Activate ${role}` }).click();
    const dialog = this.page.getByRole('dialog', { name: `Activate ${role}` });
    await expect(dialog.getByText(opts.says)).toBeVisible();
    await dialog.getByLabel(/Justification/).fill(opts.justification);
    await dialog.getByLabel('Hours').fill(String(Math.floor(opts.minutes / 60)));
    await dialog.getByLabel('Minutes').fill(String(opts.minutes % 60));
    await dialog.getByRole('button', { name: 'Request activation' }).click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }
  pendingRequest(role: string): Locator {
    return this.eligibleCard(role).getByRole('article', { name: 'Your request to activate it' });
  }
  activeNow(): Locator {
    return this.page.getByRole('region', { name: 'Active now' });
  }
  async openMyRequests() {
    await nav(this.page).getByRole('link', { name: 'My requests' }).click();
    await expect(this.page.getByRole('heading', { name: 'My requests', level: 1 })).toBeVisible();
  }
  /** A request on My requests, newest first: `index` 0 is the newest for that role. */
  requestCard(list: 'Requests waiting for approval' | 'Earlier requests', role: string): Locator {
    return this.page.getByRole('list', { name: list }).getByRole('article', { name: role }).first();
  }
}

export class ApprovalsPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async open() {
    await this.navLink().click();
    await expect(this.page.getByRole('heading', { name: 'Approvals', level: 1 })).toBeVisible();
  }
  navLink(): Locator {
    return this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Approvals/ });
  }
  awaiting(): Locator {
    return this.page.getByRole('region', { name: /^Waiting for you/ });
  }
  decided(): Locator {
    return this.page.getByRole('region', { name: 'Decided' });
  }
  card(requester: string, role: string): Locator {
    return this.awaiting().getByRole('article', { name: `${requester} · ${role}` });
  }
  async decide(
    verdict: 'Approve' | 'Deny',
    requester: string,
    role: string,
    justification: string,
  ) {
    await this.card(requester, role)
      .getByRole('button', { name: new RegExp(`^${verdict} `) })
      .click();
    const dialog = this.page.getByRole('dialog', { name: `${verdict} request` });
    await expect(dialog).toBeVisible();
    // The reason is required: the form says so before any passkey prompt.
    await dialog.getByRole('button', { name: verdict, exact: true }).click();
    await expect(dialog.getByText(/Give a reason/)).toBeVisible();
    await dialog.getByLabel(/Justification/).fill(justification);
    await dialog.getByRole('button', { name: verdict, exact: true }).click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }
  /** Ticks the requests and decides them together; returns the dialog, showing each outcome. */
  async decideSelected(
    verdict: 'Approve' | 'Deny',
    picks: { requester: string; role: string }[],
    justification: string,
  ): Promise<Locator> {
    for (const p of picks) {
      await this.awaiting().getByLabel(`Select ${p.requester}’s request for ${p.role}`).check();
    }
    await this.awaiting()
      .getByRole('button', { name: `${verdict} selected` })
      .click();
    const dialog = this.page.getByRole('dialog', { name: `${verdict} ${picks.length} requests` });
    await dialog.getByLabel(/Justification/).fill(justification);
    await dialog.getByRole('button', { name: `${verdict} ${picks.length}`, exact: true }).click();
    return dialog;
  }
}
