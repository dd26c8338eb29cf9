/**
 * Confirmation nonces (docs/api.md "Passkey confirmation"): a fresh one for a confirmation made
 * online, and a pool of K per device for confirmations made offline. Each is single-use and bound
 * to the device; the pipeline spends it when the confirmed command arrives.
 */
import { MAX_OFFLINE_WINDOW_MINUTES } from '#domain/confirmation/offline';
import { randomId } from '#ledger/bytes';
import type { AllowedCredential } from '#protocol/http-api';
import { isoAt } from '../clock';
import { log } from '../log';
import type { HttpHost } from '../relay-host';
import { HttpError } from './http-errors';
import type { PostRoutes } from './route';
import { requireSession } from './sessions';

const NONCE_TTL_MS = 5 * 60_000;
/** Most unused pooled nonces one device may hold (K): bounds what a stolen device can pre-sign. */
export const NONCE_POOL_SIZE = 8;

/** The user's passkeys, so the browser offers only those for the confirmation. */
function credentialsOf(relay: HttpHost, userId: string): AllowedCredential[] {
  return Object.values(relay.state.passkeys)
    .filter((p) => p.userId === userId)
    .map((p) => ({ id: p.id, transports: p.transports }));
}

export const nonceRoutes: Pick<PostRoutes, '/api/confirm/nonce' | '/api/confirm/nonce-pool'> = {
  '/api/confirm/nonce': async (ctx) => {
    const { relay } = ctx;
    const session = await requireSession(ctx);
    const nonce = randomId(32);
    const now = relay.clock.now();
    const expiresAt = isoAt(now + NONCE_TTL_MS);
    await relay.storage.putNonce({
      nonce,
      deviceId: session.deviceId,
      userId: session.userId,
      expiresAt,
      usedSeq: null,
      kind: 'online',
      issuedAt: isoAt(now),
    });
    return {
      nonce,
      expiresAt,
      rpId: relay.rp.rpId,
      allowCredentials: credentialsOf(relay, session.userId),
    };
  },
  /**
   * Tops the device's pool of offline confirmation nonces up to K (body `{ retire?: string[] }`:
   * unused nonces the device gives up first, e.g. stale ones). A device never holds more than K
   * live ones; nonces already spent on queued commands stay live until those arrive. Each is
   * single-use, bound to the device, and expires after the longest offline window (24 h); the
   * pipeline accepts it only within the window of the role the command concerns, at arrival.
   */
  '/api/confirm/nonce-pool': async (ctx, body) => {
    const { relay } = ctx;
    const session = await requireSession(ctx);
    const retire: unknown = body.retire ?? [];
    if (
      !Array.isArray(retire) ||
      retire.length > NONCE_POOL_SIZE * 4 ||
      !retire.every((n) => typeof n === 'string' && n.length <= 100)
    ) {
      throw new HttpError(400, 'invalid-request', '"retire" must be a short list of nonces.');
    }
    const now = relay.clock.now();
    const issuedAt = isoAt(now);
    const expiresAt = isoAt(now + MAX_OFFLINE_WINDOW_MINUTES * 60_000);
    await relay.storage.retirePoolNonces(session.deviceId, retire as string[], issuedAt);
    const live = await relay.storage.countLivePoolNonces(session.deviceId, issuedAt);
    const nonces: { nonce: string; issuedAt: string; expiresAt: string }[] = [];
    for (let i = live; i < NONCE_POOL_SIZE; i++) {
      const nonce = randomId(32);
      await relay.storage.putNonce({
        nonce,
        deviceId: session.deviceId,
        userId: session.userId,
        expiresAt,
        usedSeq: null,
        kind: 'pool',
        issuedAt,
      });
      nonces.push({ nonce, issuedAt, expiresAt });
    }
    log('info', 'nonce pool issued', { deviceId: session.deviceId, issued: nonces.length });
    return {
      nonces,
      poolSize: NONCE_POOL_SIZE,
      rpId: relay.rp.rpId,
      allowCredentials: credentialsOf(relay, session.userId),
    };
  },
};
