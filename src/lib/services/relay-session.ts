/**
 * The session with the relay: the device key signs a relay challenge for a short-lived token (no
 * cookies, so no CSRF). One authentication runs at a time however many sockets ask; while the
 * relay cannot be reached it is tried again with backoff, and the local copy stays on screen.
 */
import { relayRequest, RelayHttpError, RelayUnreachableError } from '$lib/sync/relay-http';
import { signWithDeviceKey, type DeviceRecord } from '$lib/webauthn/device-key';
import { sessionSigningBytes } from '#protocol/confirmation';
import type { SessionChallenge, SessionGrant } from '#protocol/http-api';

/** An HTTP call to the relay with the session token. */
export type Authorized = <T>(path: string, body: unknown) => Promise<T>;

export type RelaySessionOptions = {
  /** The enrolled device key; null once signed out. */
  device(): DeviceRecord | null;
  /** Changes on every sign-out, so an answer to an earlier sign-in's request is dropped. */
  generation(): number;
  signedIn(): boolean;
  /** A fresh token: the sockets turned away for an old one connect with it. */
  onToken(token: string): void;
  /** The session is up after `connectWhenAuthenticated`: start the sockets. */
  onConnected(): void;
  /** Whether the relay can be reached changed. */
  onReachability(): void;
  /** The relay refused this device for good (revoked or unknown); `notice` says so to the user. */
  onDeviceLost(notice: string): Promise<void>;
};

/** The relay refused this device for good: it must enrol again. */
const DEVICE_GONE = new Set(['unknown-device', 'device-revoked']);

export class RelaySession {
  readonly #options: RelaySessionOptions;
  #token: string | null = null;
  #inFlight: Promise<void> | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #attempt = 0;
  #unreachable = false;

  constructor(options: RelaySessionOptions) {
    this.#options = options;
  }

  get token(): string | null {
    return this.#token;
  }

  /** True since a request found no relay, until a session is made again. */
  get unreachable(): boolean {
    return this.#unreachable;
  }

  markUnreachable(): void {
    this.#unreachable = true;
    this.#options.onReachability();
  }

  /** Authenticates, then connects; a relay out of reach is tried again with backoff. */
  connectWhenAuthenticated(): void {
    const generation = this.#options.generation();
    this.reauthenticate().then(
      () => {
        if (generation !== this.#options.generation()) return;
        this.#attempt = 0;
        this.#options.onConnected();
      },
      () => {
        if (generation !== this.#options.generation() || !this.#options.signedIn()) return;
        // Relay unreachable: keep the local copy on screen and try again with backoff.
        const wait = Math.min(30_000, 1000 * 2 ** this.#attempt++);
        this.#retry = setTimeout(() => {
          this.#retry = null;
          this.connectWhenAuthenticated();
        }, wait);
      },
    );
  }

  /** While waiting out a backoff: try now (the network came back). */
  retryNow(): void {
    if (!this.#retry) return;
    clearTimeout(this.#retry);
    this.#retry = null;
    this.connectWhenAuthenticated();
  }

  /** Gets a fresh session token; one request at a time however many sockets ask. */
  reauthenticate(): Promise<void> {
    this.#inFlight ??= this.#authenticate().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  /** An authenticated HTTP call; a 401 means the session lapsed: authenticate once and retry. */
  readonly authorized: Authorized = async <T>(path: string, body: unknown): Promise<T> => {
    if (!this.#token) await this.reauthenticate();
    try {
      return await relayRequest<T>(path, { body, token: this.#token });
    } catch (error) {
      if (!(error instanceof RelayHttpError) || error.status !== 401) throw error;
      await this.reauthenticate();
      return relayRequest<T>(path, { body, token: this.#token });
    }
  };

  /** Signed out: forget the token and any pending retry. */
  reset(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#token = null;
    this.#unreachable = false;
  }

  async #authenticate(): Promise<void> {
    const device = this.#options.device();
    if (!device) throw new Error('No device key.');
    try {
      const { challenge } = await relayRequest<SessionChallenge>('/api/session/challenge', {
        body: { deviceId: device.deviceId },
      });
      const signature = await signWithDeviceKey(device, sessionSigningBytes(challenge));
      const session = await relayRequest<SessionGrant>('/api/session', {
        body: { deviceId: device.deviceId, challenge, signature },
      });
      if (device !== this.#options.device()) return;
      this.#token = session.token;
      this.#unreachable = false;
      this.#options.onToken(session.token);
    } catch (error) {
      if (error instanceof RelayHttpError && DEVICE_GONE.has(error.code)) {
        await this.#options.onDeviceLost(
          error.code === 'device-revoked'
            ? 'This device was revoked. Sign in again with your passkey to keep using Leasehold here.'
            : 'The relay does not know this device any more. Sign in again with your passkey.',
        );
      } else if (error instanceof RelayUnreachableError) {
        this.markUnreachable();
      }
      throw error;
    }
  }
}
