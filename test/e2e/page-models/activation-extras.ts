/**
 * Page models for the activation extras (issue 3): bundle and scheduled activation, extension
 * requests, break-glass accounts and alerts. Elements are found by role and accessible name.
 */
import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';

/** Counts passkey assertions made by a page's virtual authenticator. */
export type AssertionCounter = {
  /** CDP WebAuthn.credentialAsserted events so far. */
  asserted(): number;
  /** The sum of the authenticator's credential sign counts. */
  signCount(): Promise<number>;
};

/**
 * A browser profile's page with a virtual platform authenticator whose assertions are counted
 * (the shared fixture's `openProfile` does not expose its CDP session).
 */
export async function openCountingProfile(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; passkey: AssertionCounter }> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
  await page.goto(new URL('/', url).href);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  let asserted = 0;
  cdp.on('WebAuthn.credentialAsserted', () => asserted++);
  await page.goto(url);
  return {
    page,
    passkey: {
      asserted: () => asserted,
      async signCount() {
        const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
        return credentials.reduce((sum, c) => sum + c.signCount, 0);
      },
    },
  };
}

/** The local `yyyy-mm-dd` and `hh:mm` of the page's clock plus `ms`, as date/time inputs take. */
export async function localInputsIn(page: Page, ms: number) {
  return page.evaluate((ahead) => {
    const d = new Date(Date.now() + ahead);
    const pad = (n: number) => String(n).padStart(2, '0');
    return {
      date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
      time: `${pad(d.getHours())}:${pad(d.getMinutes())}`,
      /** As the app's lists show a date ("26 Dec 2026"). */
      shown: new Intl.DateTimeFormat('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
      }).format(d),
    };
  }, ms);
}

export class ExtrasRolesPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  eligible(): Locator {
    return this.page.getByRole('region', { name: 'Eligible roles' });
  }
  activeNow(): Locator {
    return this.page.getByRole('region', { name: 'Active now' });
  }
  scheduled(): Locator {
    return this.page.getByRole('region', { name: 'Scheduled' });
  }
  card(role: string): Locator {
    return this.eligible()
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { name: role, exact: true }) });
  }
  /** Ticks the roles and opens the bundle dialog. */
  async openBundle(roles: string[]): Promise<Locator> {
    for (const role of roles) await this.eligible().getByLabel(`Select ${role}`).check();
    await this.eligible().getByRole('button', { name: 'Activate selected' }).click();
    const dialog = this.page.getByRole('dialog', { name: `Activate ${roles.length} roles` });
    await expect(dialog).toBeVisible();
    return dialog;
  }
  /** Schedules a role to start `aheadMs` from now (browser clock). */
  async schedule(role: string, aheadMs: number, justification: string) {
    await this.page.getByRole('button', { name: `Activate ${role}` }).click();
    const dialog = this.page.getByRole('dialog', { name: `Activate ${role}` });
    await dialog.getByLabel('Later').check();
    const at = await localInputsIn(this.page, aheadMs);
    await dialog.getByLabel('Start date').fill(at.date);
    await dialog.getByLabel('Start time').fill(at.time);
    await expect(dialog.getByText(/starts in/)).toBeVisible();
    await dialog.getByLabel(/Justification/).fill(justification);
    await dialog.getByLabel('Hours').fill('1');
    await dialog.getByLabel('Minutes').fill('0');
    await dialog.getByRole('button', { name: 'Schedule' }).click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }
  async requestExtension(role: string, endsOn: string, justification: string) {
    await this.page.getByRole('button', { name: `Request extension of ${role}` }).click();
    const dialog = this.page.getByRole('dialog', { name: `Extend ${role}` });
    await dialog.getByLabel('New end date').fill(endsOn);
    await dialog.getByLabel(/Justification/).fill(justification);
    await dialog.getByRole('button', { name: 'Send extension request' }).click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }
}

export class ExtrasAdminPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  /** Makes `person` eligible for `role` until the end of the local day `endsOn`. */
  async makeEligibleUntil(person: string, role: string, endsOn: string, justification: string) {
    await this.page.getByLabel('Person').selectOption({ label: person });
    await this.page.getByLabel('Role', { exact: true }).selectOption({ label: role });
    await this.page.getByLabel('Permanent').uncheck();
    await this.page.getByLabel('Ends on').fill(endsOn);
    await this.page.getByLabel('Justification', { exact: true }).fill(justification);
    await this.page.getByRole('button', { name: 'Assign role' }).click();
    await expect(this.page.getByText(`${person} is now eligible for ${role}.`)).toBeVisible();
    await this.page.getByLabel('Permanent').check();
  }
  extensionRequests(): Locator {
    return this.page.getByRole('region', { name: 'Extension and renewal requests' });
  }
  async approveExtension(person: string, role: string, justification: string) {
    await this.extensionRequests()
      .getByRole('button', { name: `Approve extension of ${role} for ${person}` })
      .click();
    const dialog = this.page.getByRole('dialog', { name: `Approve extension for ${person}` });
    await dialog.getByLabel(/Justification/).fill(justification);
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }
  users(): Locator {
    return this.page.getByRole('region', { name: 'Users' });
  }
  async markBreakGlass(person: string, justification: string) {
    await this.users()
      .getByRole('switch', { name: `Break-glass account: ${person}` })
      .click();
    const dialog = this.page.getByRole('dialog', {
      name: `Make ${person} a break-glass account`,
    });
    await dialog.getByLabel(/Justification/).fill(justification);
    await dialog.getByRole('button', { name: 'Make break-glass' }).click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }
  async openAlerts() {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Alerts/ })
      .click();
    await expect(this.page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  }
}
