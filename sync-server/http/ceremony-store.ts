/**
 * What the relay remembers between the two steps of a passkey ceremony or a device-key sign-in:
 * short-lived, in memory, bounded. A restart just asks the person to try again.
 */
import type { DevicePublicKey } from '#domain/model';
import type { Clock } from '../clock';

/** A started passkey ceremony, until its verify step arrives. */
export type PendingCeremony = {
  kind: 'setup' | 'invite' | 'signin' | 'add-device';
  /** Bound into the WebAuthn challenge together with the device key (enrolmentChallenge). */
  nonce: string;
  devicePublicKey: DevicePublicKey;
  deviceLabel: string;
  displayName: string;
  userId: string;
  /** The setup, invite or device-link secret the ceremony started with ('' for sign-in). */
  token: string;
  inviteId: string | null;
};

/** A session challenge, until the device's signature over it arrives. */
export type PendingSessionChallenge = { deviceId: string };

export const CEREMONY_TTL_MS = 5 * 60_000;
export const SESSION_CHALLENGE_TTL_MS = 2 * 60_000;
/** Most pending items one store keeps: a flood of starts evicts the oldest, never grows memory. */
export const MAX_PENDING = 10_000;

/** Single-use items under random ids, each valid for `ttlMs` from when it was put. */
export class CeremonyStore<T> {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #ttlMs: number;
  readonly #maxSize: number;
  readonly #items = new Map<string, { value: T; expiresAt: number }>();

  constructor(clock: Pick<Clock, 'now'>, ttlMs: number, maxSize = MAX_PENDING) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#maxSize = maxSize;
  }

  get size(): number {
    return this.#items.size;
  }

  /** Remembers `value` under `id`; the oldest item goes when the store is full. Answers the expiry (ms). */
  put(id: string, value: T): number {
    if (this.#items.size >= this.#maxSize) this.#items.delete(this.#items.keys().next().value!);
    const expiresAt = this.#clock.now() + this.#ttlMs;
    this.#items.set(id, { value, expiresAt });
    return expiresAt;
  }

  /**
   * Removes and answers the item under `id` — used or not, it is gone, so a replayed step finds
   * nothing — with whether its time had run out; null when there is none.
   */
  take(id: string): { value: T; expired: boolean } | null {
    const item = this.#items.get(id);
    if (!item) return null;
    this.#items.delete(id);
    return { value: item.value, expired: item.expiresAt < this.#clock.now() };
  }
}
