/**
 * Device-key sessions (docs/api.md "Sessions"): the relay issues a challenge, the enrolled device
 * signs it, and the relay answers a bearer token for HTTP and websockets.
 */
import { getOwn } from '#domain/records';
import { randomId } from '#ledger/bytes';
import { sessionSigningBytes, verifyDeviceSignature } from '#protocol/confirmation';
import { isoAt } from '../clock';
import { log } from '../log';
import type { Session } from '../pipeline';
import { HttpError } from './http-errors';
import { bearer, str } from './request';
import type { PostRoutes, RouteContext } from './route';

/** The caller's session, or a 401 that tells the app to sign in again. */
export async function requireSession({ relay, req }: RouteContext): Promise<Session> {
  const session = await relay.resolveSession(bearer(req));
  if (!session) throw new HttpError(401, 'unauthenticated', 'Sign in again.');
  return session;
}

export const sessionRoutes: Pick<PostRoutes, '/api/session/challenge' | '/api/session'> = {
  '/api/session/challenge': async ({ relay, sessionChallenges }, body) => {
    const deviceId = str(body, 'deviceId', 64);
    const device = getOwn(relay.state.devices, deviceId);
    if (!device)
      throw new HttpError(
        404,
        'unknown-device',
        'This device is not enrolled. Sign in with your passkey.',
      );
    if (device.revokedAt)
      throw new HttpError(
        403,
        'device-revoked',
        'This device was revoked. Sign in with your passkey.',
      );
    const challenge = randomId(32);
    const expiresAt = sessionChallenges.put(challenge, { deviceId });
    return { challenge, expiresAt: isoAt(expiresAt) };
  },
  '/api/session': async ({ relay, sessionChallenges }, body) => {
    const deviceId = str(body, 'deviceId', 64);
    const challenge = str(body, 'challenge', 64);
    const signature = str(body, 'signature', 256);
    const issued = sessionChallenges.take(challenge);
    if (!issued || issued.value.deviceId !== deviceId || issued.expired) {
      throw new HttpError(401, 'challenge-invalid', 'The sign-in challenge is unknown or expired.');
    }
    const device = getOwn(relay.state.devices, deviceId);
    if (!device) throw new HttpError(404, 'unknown-device', 'This device is not enrolled.');
    if (device.revokedAt) throw new HttpError(403, 'device-revoked', 'This device was revoked.');
    if (
      !(await verifyDeviceSignature(device.publicKey, signature, sessionSigningBytes(challenge)))
    ) {
      log('warn', 'session signature refused', { deviceId });
      throw new HttpError(401, 'bad-signature', 'The device signature does not verify.');
    }
    const session = await relay.createSession(device.userId, device.id);
    return { ...session, userId: device.userId };
  },
};
