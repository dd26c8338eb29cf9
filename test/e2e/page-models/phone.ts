/**
 * Page models for phone use (issue 5): a phone-sized, touch browser profile, the layout audit
 * (no horizontal scroll, 44×44 CSS px touch targets) and the primary flows done with taps.
 */
import {
  expect,
  test,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from '@playwright/test';

/** An iPhone-12/13/14-sized screen: 390×844 CSS px, touch, mobile viewport handling. */
export const PHONE_SCREEN = { width: 390, height: 844 };

export async function phoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    viewport: PHONE_SCREEN,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 3,
  });
}

/** WCAG 2.5.5 (target size, enhanced) and Apple's HIG: 44×44 CSS px. */
export const MIN_TARGET = 44;

export type SmallTarget = { what: string; width: number; height: number };

export type PhoneAudit = {
  /** The layout viewport's width: a phone that zooms out to fit wide content widens it. */
  viewportWidth: number;
  /** How far the page scrolls sideways (0 when it does not). */
  horizontalOverflow: number;
  /** The widest elements sticking out of the viewport, when the page scrolls sideways. */
  overflowing: string[];
  /** Visible interactive elements smaller than 44×44 CSS px. */
  smallTargets: SmallTarget[];
  /** How many interactive elements were measured (so an empty audit cannot pass unnoticed). */
  measured: number;
  /** Each measured element with its target size, for the report. */
  targets: string[];
};

/**
 * Measures the page as it is now. Interactive: button, a[href], input, select, textarea,
 * [role=button], summary. Exempt, explicitly and narrowly:
 * - links inside a paragraph of running text (`p a[href]`): WCAG 2.5.5's "inline" exception;
 * - a checkbox or radio is measured by the box of its label when the label wraps it (a tap on
 *   the label toggles it, so the label is the target);
 * - elements that are not rendered (display: none, visibility: hidden, zero size) or are
 *   clipped to nothing (the `.visually-hidden` pattern).
 */
export async function auditPhoneLayout(page: Page): Promise<PhoneAudit> {
  return page.evaluate((min) => {
    const root = document.scrollingElement ?? document.documentElement;
    const viewport = root.clientWidth;
    const horizontalOverflow = Math.max(0, root.scrollWidth - viewport);
    const describe = (el: Element): string => {
      const label = el instanceof HTMLInputElement ? el.labels?.[0]?.textContent : null;
      const name = el.getAttribute('aria-label') ?? label ?? el.textContent ?? '';
      const id = el.id ? `#${el.id}` : '';
      const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
      const type = el.getAttribute('type') ? `[type=${el.getAttribute('type')}]` : '';
      return `${el.tagName.toLowerCase()}${id}${cls}${type} "${name.replace(/\s+/g, ' ').trim().slice(0, 60)}"`;
    };
    const overflowing: string[] = [];
    if (horizontalOverflow > 0) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > viewport + 0.5 && r.width > 0)
          overflowing.push(`${describe(el)} right=${Math.round(r.right)}`);
      }
    }
    const rendered = (el: Element): boolean => {
      if (!el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true })) return false;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return false;
      // Clipped to nothing by itself or an ancestor (visually hidden).
      for (let e: Element | null = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.clip === 'rect(0px, 0px, 0px, 0px)' || s.clipPath === 'inset(50%)') return false;
      }
      return true;
    };
    const selector =
      'button, a[href], input:not([type=hidden]), select, textarea, [role=button], summary';
    const smallTargets: { what: string; width: number; height: number }[] = [];
    const measured: string[] = [];
    for (const el of document.querySelectorAll(selector)) {
      if (!rendered(el)) continue;
      if (el.matches('p a[href]')) continue;
      let box = el.getBoundingClientRect();
      if (
        el instanceof HTMLInputElement &&
        (el.type === 'checkbox' || el.type === 'radio') &&
        el.closest('label')
      ) {
        box = el.closest('label')!.getBoundingClientRect();
      }
      measured.push(`${describe(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
      // Half a pixel of slack for sub-pixel layout (1.35rem-type sizes).
      if (box.width + 0.5 < min || box.height + 0.5 < min) {
        smallTargets.push({
          what: describe(el),
          width: Math.round(box.width * 10) / 10,
          height: Math.round(box.height * 10) / 10,
        });
      }
    }
    return {
      viewportWidth: window.innerWidth,
      horizontalOverflow,
      overflowing: overflowing.slice(0, 8),
      smallTargets,
      measured: measured.length,
      targets: measured,
    };
  }, MIN_TARGET);
}

/** Asserts the audit on the page as it is now; `where` names the screen in failures. */
export async function expectPhoneFriendly(page: Page, where: string) {
  const audit = await auditPhoneLayout(page);
  await test.info().attach(`phone audit: ${where}`, {
    body: JSON.stringify(audit, null, 2),
    contentType: 'application/json',
  });
  expect(audit.measured, `${where}: interactive elements measured`).toBeGreaterThan(0);
  expect
    .soft(audit.viewportWidth, `${where}: not zoomed out to fit`)
    .toBe(page.viewportSize()?.width);
  // Soft: one run lists every finding on every screen.
  expect
    .soft(
      { horizontalOverflow: audit.horizontalOverflow, overflowing: audit.overflowing },
      `${where}: no horizontal scroll`,
    )
    .toEqual({ horizontalOverflow: 0, overflowing: [] });
  expect.soft(audit.smallTargets, `${where}: touch targets below 44×44 CSS px`).toEqual([]);
}

/** My roles, driven with taps. */
export class PhoneRolesPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async open() {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'My roles' })
      .tap();
    await expect(this.page.getByRole('heading', { name: 'My roles', level: 1 })).toBeVisible();
  }
  activeNow(): Locator {
    return this.page.getByRole('region', { name: 'Active now' });
  }
  eligible(): Locator {
    return this.page.getByRole('region', { name: 'Eligible roles' });
  }
  /** Opens the activation dialog with a tap and fills it in; returns the dialog unsent. */
  async startActivation(
    role: string,
    opts: { hours: number; minutes: number; justification: string },
  ): Promise<Locator> {
    await this.page.getByRole('button', { name: `Activate ${role}` }).tap();
    const dialog = this.page.getByRole('dialog', { name: `Activate ${role}` });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(/Justification/).fill(opts.justification);
    await dialog.getByLabel('Hours').fill(String(opts.hours));
    await dialog.getByLabel('Minutes').fill(String(opts.minutes));
    return dialog;
  }
  scheduled(): Locator {
    return this.page.getByRole('region', { name: 'Scheduled' });
  }
  /** Opens the activation dialog with a tap, taps "Later" and picks the start; returns it unsent. */
  async startSchedule(
    role: string,
    opts: { date: string; time: string; justification: string },
  ): Promise<Locator> {
    await this.page.getByRole('button', { name: `Activate ${role}` }).tap();
    const dialog = this.page.getByRole('dialog', { name: `Activate ${role}` });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Later').tap();
    await dialog.getByLabel('Start date').fill(opts.date);
    await dialog.getByLabel('Start time').fill(opts.time);
    await expect(dialog.getByText(/starts in/)).toBeVisible();
    await dialog.getByLabel(/Justification/).fill(opts.justification);
    await dialog.getByLabel('Hours').fill('1');
    await dialog.getByLabel('Minutes').fill('0');
    return dialog;
  }
  /** Taps the dialog's send button (`Activate` or `Request activation`); the passkey confirms. */
  async send(dialog: Locator, button: 'Activate' | 'Request activation' | 'Schedule') {
    await dialog.getByRole('button', { name: button, exact: true }).tap();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }
}

/** The approvals inbox, driven with taps. */
export class PhoneApprovalsPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async open() {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Approvals/ })
      .tap();
    await expect(this.page.getByRole('heading', { name: 'Approvals', level: 1 })).toBeVisible();
  }
  awaiting(): Locator {
    return this.page.getByRole('region', { name: /^Waiting for you/ });
  }
  card(requester: string, role: string): Locator {
    return this.awaiting().getByRole('article', { name: `${requester} · ${role}` });
  }
  /** Ticks the requests with taps and opens the bulk dialog; returns it unsent. */
  async startBulk(
    verdict: 'Approve' | 'Deny',
    picks: { requester: string; role: string }[],
  ): Promise<Locator> {
    for (const p of picks) {
      const box = this.awaiting().getByLabel(`Select ${p.requester}’s request for ${p.role}`);
      await box.tap();
      await expect(box).toBeChecked();
    }
    await this.awaiting()
      .getByRole('button', { name: `${verdict} selected` })
      .tap();
    const dialog = this.page.getByRole('dialog', { name: `${verdict} ${picks.length} requests` });
    await expect(dialog).toBeVisible();
    return dialog;
  }
  /** Taps Approve on a request and fills in the reason; returns the dialog unsent. */
  async startApproval(requester: string, role: string, justification: string): Promise<Locator> {
    await this.card(requester, role)
      .getByRole('button', { name: /^Approve / })
      .tap();
    const dialog = this.page.getByRole('dialog', { name: 'Approve request' });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(/Justification/).fill(justification);
    return dialog;
  }
  async send(dialog: Locator) {
    await dialog.getByRole('button', { name: 'Approve', exact: true }).tap();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }
}
