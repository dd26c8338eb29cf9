/**
 * Relay nonces for passkey confirmations: a fresh one while online; offline, one from this
 * device's pool of pre-issued nonces, kept full and fresh while online.
 */
import {
  clearPool,
  needsRefill,
  poolOf,
  storeRefill,
  takePooledNonce,
  type NoncePoolReply,
} from '$lib/sync/nonce-pool';
import { RelayUnreachableError } from '$lib/sync/relay-http';
import type { DeviceRecord } from '$lib/webauthn/device-key';
import type { ConfirmationNonce } from '$lib/webauthn/passkeys';
import { offlineWindowFor, oldestUsableNonceIssue } from '#domain/confirmation/offline';
import type { Rejection } from '#domain/rejections';
import type { UserCommand } from '#domain/commands';
import type { DeviceId, TenantState } from '#domain/model';
import type { LocalDb } from './local-db';
import type { RelaySession } from './relay-session';

export type ConfirmationNoncesOptions = {
  db(): LocalDb;
  /** The enrolled device key; null once signed out. */
  device(): DeviceRecord | null;
  session: RelaySession;
  tenant(): TenantState;
};

/** One tab at a time refills the pool. */
const NONCE_POOL_LOCK = 'leasehold-nonce-pool';

export class ConfirmationNonces {
  readonly #options: ConfirmationNoncesOptions;

  constructor(options: ConfirmationNoncesOptions) {
    this.#options = options;
  }

  /**
   * A relay nonce for confirming this command: a fresh one while online; offline, one from the
   * pool that the relay will still accept for it (the offline window of its role, counted from
   * the nonce's issue time to the command's arrival).
   */
  async forCommand(
    command: UserCommand,
    device: DeviceRecord,
  ): Promise<ConfirmationNonce | Rejection> {
    const session = this.#options.session;
    if (navigator.onLine && !session.unreachable) {
      try {
        return await session.authorized<ConfirmationNonce>('/api/confirm/nonce', {});
      } catch (error) {
        if (!(error instanceof RelayUnreachableError)) throw error;
        session.markUnreachable();
      }
    }
    const window = offlineWindowFor(command, this.#options.tenant());
    if (window.minutes <= 0) {
      return {
        code: 'nonce-expired',
        message: `You are offline. ${window.reason ?? 'Offline confirmation is off for this role.'}`,
      };
    }
    const now = new Date().toISOString();
    const pooled = await takePooledNonce(
      this.#options.db().noncePool,
      device.deviceId,
      oldestUsableNonceIssue(window, now),
      now,
    );
    if (!pooled) {
      return {
        code: 'nonce-expired',
        message:
          'You are offline and this device has no offline confirmations left for this role. Connect to the network to confirm.',
      };
    }
    return pooled;
  }

  /**
   * Keeps this device's pool full and fresh while online. One tab at a time (Web Lock); unused
   * stale nonces are handed back so the device never holds more than the relay's K.
   */
  async refill(): Promise<void> {
    const device = this.#options.device();
    const session = this.#options.session;
    if (!device || !session.token || !navigator.onLine) return;
    const db = this.#options.db();
    const run = async () => {
      const pool = await poolOf(db.noncePool, device.deviceId);
      if (!needsRefill(pool, Date.now())) return;
      const retire = pool.map((n) => n.nonce);
      try {
        const reply = await session.authorized<NoncePoolReply>('/api/confirm/nonce-pool', {
          retire,
        });
        if (device !== this.#options.device()) return;
        await storeRefill(db.noncePool, device.deviceId, retire, reply);
      } catch (error) {
        console.warn('Could not refill the offline confirmation pool.', error);
      }
    };
    if (navigator.locks) await navigator.locks.request(NONCE_POOL_LOCK, run);
    else await run();
  }

  /** How many offline confirmations this device holds (for the devices page). */
  async left(): Promise<number> {
    const device = this.#options.device();
    if (!device) return 0;
    return (await poolOf(this.#options.db().noncePool, device.deviceId)).length;
  }

  /** A device the relay refused keeps none of its nonces. */
  forget(deviceId: DeviceId): Promise<void> {
    return clearPool(this.#options.db().noncePool, deviceId);
  }
}
