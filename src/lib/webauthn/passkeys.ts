/**
 * Passkey ceremonies (WebAuthn L3, through @simplewebauthn/browser). Every ceremony enrols the
 * device key: the relay builds the WebAuthn challenge from the device's public key
 * (`enrolmentChallenge`), so the ledger proves which passkey enrolled which device.
 * Command confirmation builds its challenge here, from the exact intent that will be sent.
 */
import {
  startAuthentication,
  startRegistration,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { toBase64Url } from '#ledger/bytes';
import { confirmationChallenge } from '#protocol/confirmation';
import type { AssertionJSON, CommandIntent, PasskeyConfirmation } from '#protocol/messages';
import type { DeviceId, UserId } from '#domain/model';
import type { DeviceRecord } from './device-key';

/** How a ceremony reaches the relay's HTTP API (JSON in, JSON out, throws on an error answer). */
export type CeremonyTransport = {
  post<T>(path: string, body: unknown): Promise<T>;
};

export type EnrolmentResult = { userId: UserId; deviceId: DeviceId; seq: number };

type CeremonyStart<O> = { ceremonyId: string; optionsJSON: O };

/** Thrown when the user dismisses the passkey prompt or the browser refuses it. */
export class PasskeyCancelledError extends Error {
  override name = 'PasskeyCancelledError';
}

/** The relay enrolled a different device than the one this browser holds. */
export class DeviceMismatchError extends Error {
  override name = 'DeviceMismatchError';
}

/** The setup link's or invite link's secret, read from `#token=…` (never sent as a query). */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token && token.length > 0 ? token : null;
}

/** First Global Administrator: registers a passkey with the one-time setup token. */
export function registerWithSetupToken(
  transport: CeremonyTransport,
  device: DeviceRecord,
  token: string,
  displayName: string,
): Promise<EnrolmentResult> {
  return register(transport, '/api/setup', device, { token, displayName });
}

/**
 * Another device of an existing user ("Add a device"): registers this device's own passkey with
 * the single-use link a signed-in device made.
 */
export function registerWithDeviceLink(
  transport: CeremonyTransport,
  device: DeviceRecord,
  token: string,
): Promise<EnrolmentResult> {
  return register(transport, '/api/add-device', device, { token });
}

/** A new member: registers a passkey with an invite token. */
export function registerWithInvite(
  transport: CeremonyTransport,
  device: DeviceRecord,
  token: string,
  displayName: string,
): Promise<EnrolmentResult> {
  return register(transport, '/api/invite', device, { token, displayName });
}

/** An existing member on a new browser profile: a discoverable passkey sign-in enrols the key. */
export async function signInWithPasskey(
  transport: CeremonyTransport,
  device: DeviceRecord,
): Promise<EnrolmentResult> {
  const start = await transport.post<CeremonyStart<PublicKeyCredentialRequestOptionsJSON>>(
    '/api/signin/options',
    { devicePublicKey: device.publicKey, deviceLabel: device.label },
  );
  const response = await withPrompt(() => startAuthentication({ optionsJSON: start.optionsJSON }));
  const result = await transport.post<EnrolmentResult>('/api/signin/verify', {
    ceremonyId: start.ceremonyId,
    response: plainJson(response),
  });
  return checkDevice(result, device);
}

async function register(
  transport: CeremonyTransport,
  base: '/api/setup' | '/api/invite' | '/api/add-device',
  device: DeviceRecord,
  fields: { token: string; displayName?: string },
): Promise<EnrolmentResult> {
  const start = await transport.post<CeremonyStart<PublicKeyCredentialCreationOptionsJSON>>(
    `${base}/options`,
    { ...fields, devicePublicKey: device.publicKey, deviceLabel: device.label },
  );
  const response: RegistrationResponseJSON = await withPrompt(() =>
    startRegistration({ optionsJSON: start.optionsJSON }),
  );
  const result = await transport.post<EnrolmentResult>(`${base}/verify`, {
    ceremonyId: start.ceremonyId,
    response: plainJson(response),
  });
  return checkDevice(result, device);
}

function checkDevice(result: EnrolmentResult, device: DeviceRecord): EnrolmentResult {
  // The relay derives the id from the key we sent; a different id means it enrolled another key.
  if (result.deviceId !== device.deviceId) {
    throw new DeviceMismatchError('The relay enrolled a different device key than this one.');
  }
  return result;
}

/** What `POST /api/confirm/nonce` answers. */
export type ConfirmationNonce = {
  nonce: string;
  expiresAt: string;
  rpId: string;
  allowCredentials: { id: string; transports?: string[] }[];
};

/**
 * Asks the user's passkey to confirm exactly this intent. The challenge is computed here from
 * the intent the app shows and will send (WYSIWYS is the app's job: authenticators show no text).
 */
export async function confirmIntent(
  issued: ConfirmationNonce,
  intent: CommandIntent,
): Promise<PasskeyConfirmation> {
  const challenge = await confirmationChallenge(issued.nonce, intent);
  const optionsJSON: PublicKeyCredentialRequestOptionsJSON = {
    challenge: toBase64Url(challenge),
    rpId: issued.rpId,
    allowCredentials: issued.allowCredentials.map((c) => ({
      id: c.id,
      type: 'public-key' as const,
      ...(c.transports
        ? {
            transports: c.transports as NonNullable<
              PublicKeyCredentialRequestOptionsJSON['allowCredentials']
            >[number]['transports'],
          }
        : {}),
    })),
    userVerification: 'required',
    timeout: 60_000,
  };
  const response: AuthenticationResponseJSON = await withPrompt(() =>
    startAuthentication({ optionsJSON }),
  );
  return { nonce: issued.nonce, assertion: plainJson(response) as AssertionJSON };
}

/** Browsers report a dismissed or timed-out prompt as NotAllowedError / AbortError. */
async function withPrompt<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const cause = (error as { cause?: unknown } | null)?.cause;
    const causeName = cause instanceof Error ? cause.name : '';
    if ([name, causeName].some((n) => n === 'NotAllowedError' || n === 'AbortError')) {
      throw new PasskeyCancelledError('The passkey prompt was cancelled or timed out.');
    }
    throw error;
  }
}

/** Drops undefined members so the value canonicalises (RFC 8785 has no undefined). */
function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
