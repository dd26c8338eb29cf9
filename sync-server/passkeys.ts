/**
 * The relay as WebAuthn relying party (WebAuthn L3 §7.1 registration, §7.2 authentication),
 * through @simplewebauthn/server. Challenges are bytes derived from what they bind
 * (#protocol/confirmation); they are passed as Uint8Array so the library does not re-encode them.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { fromBase64Url, toBase64Url, utf8 } from '#ledger/bytes';
import type { NewPasskey } from '#domain/commands';
import type { Passkey } from '#domain/model';
import { log } from './log';

export type RelyingParty = { rpName: string; rpId: string; origin: string };

/** The WebAuthn JSON of the HTTP API's ceremonies, as the relay's library types it. */
export type RelayWebAuthn = {
  creationOptions: PublicKeyCredentialCreationOptionsJSON;
  requestOptions: PublicKeyCredentialRequestOptionsJSON;
  registrationResponse: RegistrationResponseJSON;
  authenticationResponse: AuthenticationResponseJSON;
};

const TIMEOUT_MS = 120_000;

export async function registrationOptions(
  rp: RelyingParty,
  user: { id: string; displayName: string },
  challenge: Uint8Array,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpId,
    userName: user.displayName,
    userDisplayName: user.displayName,
    userID: new Uint8Array(utf8(user.id)),
    challenge: new Uint8Array(challenge),
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    // Discoverable, user-verifying credentials: a passkey, not a second factor.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

export async function authenticationOptions(
  rp: RelyingParty,
  challenge: Uint8Array,
  allowCredentials: { id: string; transports?: string[] }[] = [],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.rpId,
    challenge: new Uint8Array(challenge),
    timeout: TIMEOUT_MS,
    userVerification: 'required',
    allowCredentials: allowCredentials.map((c) => ({
      id: c.id,
      transports: c.transports as never,
    })),
  });
}

/** Verifies an attestation against the expected challenge; null (logged) when it does not hold. */
export async function verifyRegistration(
  rp: RelyingParty,
  response: unknown,
  expectedChallenge: Uint8Array,
): Promise<NewPasskey | null> {
  try {
    const result = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: toBase64Url(expectedChallenge),
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpId,
      requireUserVerification: true,
    });
    if (!result.verified) return null;
    const info = result.registrationInfo;
    return {
      id: info.credential.id,
      publicKey: toBase64Url(info.credential.publicKey),
      transports: (info.credential.transports ?? []).map(String),
      backedUp: info.credentialBackedUp,
    };
  } catch (error) {
    log('info', 'passkey registration refused', { reason: (error as Error).message });
    return null;
  }
}

/**
 * Verifies an assertion by a known passkey against the expected challenge. Never throws: a bad
 * signature, a missing UV flag, a wrong origin or a wrong challenge all answer false.
 */
export async function verifyAssertion(
  rp: RelyingParty,
  response: unknown,
  expectedChallenge: Uint8Array,
  passkey: Passkey,
): Promise<boolean> {
  try {
    const result = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: toBase64Url(expectedChallenge),
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpId,
      // Sign counters are no replay defence (synced passkeys report 0): the single-use nonce is.
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(fromBase64Url(passkey.publicKey)),
        counter: 0,
        transports: passkey.transports,
      },
      requireUserVerification: true,
    });
    return result.verified;
  } catch (error) {
    log('info', 'passkey assertion refused', { reason: (error as Error).message });
    return false;
  }
}
