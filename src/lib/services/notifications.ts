/**
 * OS notifications through the service worker registration (`registration.showNotification`),
 * while the app is open and the person allowed them on the Devices page: a new approval request
 * for them, and an activation of theirs that ends within 10 minutes. A click opens the page
 * (static/sw-notifications.js, imported by the generated service worker). Web Push, e-mail and
 * webhooks come later; nothing here is sent by the relay.
 */
import { isActivationActive } from '#domain/activation';
import { requestsAwaiting } from '#domain/requests';
import { findRole } from '#domain/catalogue';
import type { TenantState, UserId } from '#domain/types';

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
    const ending = Object.values(state.activations).filter(
      (a) =>
        a.principalId === userId &&
        isActivationActive(a, at) &&
        Date.parse(a.endsAt) - now <= ENDING_SOON_MS &&
        !this.#warnedActivations.has(a.id),
    );
    if (!allowed()) return;
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
      this.#warnedActivations.add(a.id);
      const minutes = Math.max(1, Math.round((Date.parse(a.endsAt) - now) / 60_000));
      await show(`${roleName(state, a.roleId)} ends in ${minutes} min`, {
        body: 'Extend it or finish your work: the role ends on its own at its end time.',
        tag: `ending-${a.id}`,
        data: { url: '/roles' },
      });
    }
  }
}

function roleName(state: TenantState, roleId: string): string {
  return findRole(state, roleId)?.name ?? 'a role';
}

function allowed(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

async function show(title: string, options: NotificationOptions): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    if (registration) await registration.showNotification(title, options);
    else new Notification(title, options);
  } catch (error) {
    console.warn('Could not show a notification.', error);
  }
}
