/**
 * Page models for notifications: OS notifications (issue 5) — turning them on from the Devices
 * page, and what the app's service worker registration has on screen
 * (`registration.getNotifications()`) — and the in-app notification centre.
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';

export type ShownNotification = { title: string; body: string; tag: string; url: string | null };

export class DevicesPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  async open() {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Devices' })
      .click();
    await expect(this.page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
  }
  notifications() {
    return this.page.getByRole('region', { name: 'Notifications' });
  }
  /**
   * Turns notifications on as a person does: the button asks the browser, which says yes
   * because the profile allows notifications for the app's origin (a test cannot click a
   * browser permission prompt).
   */
  async allowNotifications(context: BrowserContext, origin: string) {
    const section = this.notifications();
    const button = section.getByRole('button', { name: 'Turn on notifications' });
    await expect(button).toBeVisible();
    await context.grantPermissions(['notifications'], { origin });
    await button.click();
    await expect(section.getByText(/Notifications are on/)).toBeVisible();
  }
}

/** Waits for the app's service worker to be active (it shows the notifications). */
export async function serviceWorkerReady(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/**
 * The notifications the app's service worker registration shows now, by title (Chromium does not
 * list them in the order they were shown).
 */
export async function shownNotifications(page: Page): Promise<ShownNotification[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const shown = await registration.getNotifications();
    return shown
      .map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        url: (n.data as { url?: string } | null)?.url ?? null,
      }))
      .sort((a, b) => a.title.localeCompare(b.title));
  });
}

export type DisplayedNotification = { title: string; body: string; tag: string };

/**
 * Every notification the browser displayed for the app, in order, duplicates and replacements
 * (same tag) included: DevTools' background-services log (CDP `BackgroundService`, service
 * `notifications`, event "Notification displayed"). `registration.getNotifications()` only lists
 * what is still on screen, and a second notification with the same tag replaces the first there.
 */
export async function recordDisplayedNotifications(
  context: BrowserContext,
  page: Page,
): Promise<{ displayed(): DisplayedNotification[] }> {
  const cdp = await context.newCDPSession(page);
  const displayed: DisplayedNotification[] = [];
  cdp.on('BackgroundService.backgroundServiceEventReceived', ({ backgroundServiceEvent: e }) => {
    if (e.service !== 'notifications' || e.eventName !== 'Notification displayed') return;
    const meta = (key: string) => e.eventMetadata.find((m) => m.key === key)?.value ?? '';
    displayed.push({ title: meta('Title'), body: meta('Body'), tag: e.instanceId });
  });
  await cdp.send('BackgroundService.startObserving', { service: 'notifications' });
  await cdp.send('BackgroundService.setRecording', {
    shouldRecord: true,
    service: 'notifications',
  });
  return { displayed: () => [...displayed] };
}

/** The in-app notification centre (`/notifications`) and its link in the main navigation. */
export class NotificationCentre {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  /** Its accessible name carries the unread count: "Notifications 1 unread". */
  navLink() {
    return this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Notifications/ });
  }
  async open() {
    await this.navLink().click();
    await expect(this.page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
  }
  list() {
    return this.page.getByRole('list', { name: 'Notifications' });
  }
  /** The items saying `text`. */
  item(text: string | RegExp) {
    return this.list().getByRole('listitem').filter({ hasText: text });
  }
}
