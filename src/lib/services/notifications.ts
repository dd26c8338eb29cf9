/**
 * OS notifications through the service worker registration (`registration.showNotification`),
 * while the app is open and the person allowed them on the Devices page: a new approval request
 * for them, and an activation of theirs that ends within 10 minutes. A click opens the page
 * (static/sw-notifications.js, imported by the generated service worker). Web Push, e-mail and
 * webhooks come later; nothing here is sent by the relay.
 */
import { isActivationActive } from '#domain/activation/status';
import { requestsAwaiting } from '#domain/approvals/requests';
import { findRole } from '#domain/catalogue';
import type { TenantState, UserId } from '#domain/model';

const ENDING_SOON_MS = 10 * 60_000;

export class Notifier {
  #seenRequests: Set<string> | null = null;
  #warnedActivations = new Set<string>();

  /**
   * Looks at the tenant state and shows what is new. The first look only remembers what is
   * there, so opening the app does not replay old requests.
   */
  async check(state: TenantState, userId: UserId, now: number): Promise<void> {
    const at = new Date(now).toISOString();
    const awaiting = requestsAwaiting(state, userId, at);
    const fresh = awaiting.filter((r) => !this.#seenRequests?.has(r.id));
    const firstLook = this.#seenRequests === null;
    this.#seenRequests = new Set(awaiting.map((r) => r.id));
    if (!allowed()) return;
    const ending = Object.values(state.activations).filter(
      (a) =>
        a.principalId === userId &&
        isActivationActive(a, at) &&
        Date.parse(a.endsAt) - now <= ENDING_SOON_MS &&
        !this.#warnedActivations.has(a.id),
    );
    // Remembered before the first await: a look that starts meanwhile (the timer and a state
    // change together) must not warn twice.
    for (const a of ending) this.#warnedActivations.add(a.id);
    if (!firstLook) {
      for (const r of fresh) {
        const who = state.users[r.principalId]?.displayName ?? 'Someone';
        await show(`Approval needed: ${roleName(state, r.roleId)}`, {
          body: `${who} asks to activate ${roleName(state, r.roleId)}: “${r.justification}”`,
          tag: `request-${r.id}`,
          data: { url: '/approvals' },
        });
      }
    }
    for (const a of ending) {
      // Whole minutes rounded down, as My roles counts down ("8 min left").
      const minutes = Math.floor((Date.parse(a.endsAt) - now) / 60_000);
      const when = minutes >= 1 ? `in ${minutes} min` : 'in less than a minute';
      // An activation cannot be extended: say when it ends, and what the person can do.
      await show(`${roleName(state, a.roleId)} ends ${when}`, {
        body: `It ends on its own at ${clockTime.format(new Date(a.endsAt))}. Finish your work, or activate it again when you need it.`,
        tag: `ending-${a.id}`,
        data: { url: '/roles' },
      });
    }
  }
}

/** "17:05 CET", as the app shows times (24-hour clock, the reader's time zone, named). */
const clockTime = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

function roleName(state: TenantState, roleId: string): string {
  return findRole(state, roleId)?.name ?? 'a role';
}

function allowed(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

/** How long to wait for the service worker to be active before showing without it. */
const WORKER_WAIT_MS = 5_000;

/**
 * Shows a notification through the service worker registration, so a click opens the page
 * (static/sw-notifications.js); `registration.showNotification` needs an active worker, which
 * a first visit may not have yet: wait for it a little. Without one (no service worker, as in
 * development), a page notification; mobile browsers have none of those and throw.
 */
async function show(title: string, options: NotificationOptions): Promise<void> {
  try {
    const registration = await activeRegistration();
    if (registration) await registration.showNotification(title, options);
    else new Notification(title, options);
  } catch (error) {
    console.warn('Could not show a notification.', error);
  }
}

async function activeRegistration(): Promise<ServiceWorkerRegistration | null> {
  const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
  if (!container) return null;
  const registration = await container.getRegistration();
  if (!registration) return null;
  if (registration.active) return registration;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>(
    (resolve) => (timer = setTimeout(() => resolve(null), WORKER_WAIT_MS)),
  );
  try {
    return await Promise.race([container.ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
