/**
 * Passkey evidence in ledger entries, re-verified from the stored bytes alone: the assertion a
 * confirmed command carries (WebAuthn L3 §7.2, challenge = confirmationChallenge over the
 * intent), and the registration (§7.1) or sign-in assertion of a ceremony entry (challenge =
 * enrolmentChallenge over the enrolled device key). Each assertion must be by a passkey that an
 * earlier accepted entry registered, with ceremony evidence, for the same user.
 *
 * Isomorphic: ECMAScript and WebCrypto only.
 */
import type { DevicePublicKey } from '#domain/model';
import { confirmationChallenge, enrolmentChallenge, intentOf } from './confirmation';
import type { LedgerEntry } from './ledger-entry';
import type { CommandEnvelope } from './messages';
import { fail, VerificationFailure } from './verification-failure';
import { verifyAssertionEvidence, verifyRegistrationEvidence } from './webauthn-verify';

/** A passkey registered in the verified prefix, with the ceremony it was registered in. */
export type RegisteredPasskey = {
  /** base64url COSE public key from the PasskeyRegistered event. */
  publicKey: string;
  userId: string;
  /** origin and RP ID of the registration ceremony; '' when the entry had no evidence. */
  origin: string;
  rpId: string;
  seq: number;
};

/**
 * What became of an entry's evidence: it had none, it was not required (a rejected entry may
 * hold evidence the relay refused; that is why it was rejected), or it verified.
 */
export type EvidenceVerdict = 'none' | 'skipped' | 'checked';

/**
 * WebAuthn evidence of an accepted entry: confirmations, registrations, sign-ins.
 * @param passkeys the passkeys registered by earlier entries, by credential id
 * @throws VerificationFailure naming the entry when the evidence does not verify
 */
export async function checkEntryEvidence(
  entry: LedgerEntry,
  passkeys: ReadonlyMap<string, RegisteredPasskey>,
): Promise<EvidenceVerdict> {
  const seq = entry.seq;
  const confirmation = entry.kind === 'command' ? entry.signed?.envelope?.confirmation : null;
  const ceremony = entry.kind === 'ceremony' ? entry.ceremony : null;
  if (!confirmation && !ceremony) return 'none';
  if (entry.outcome !== 'accepted') return 'skipped';
  const why = (reason: string): never => fail(seq, `entry ${seq}: ${reason}`);
  try {
    if (confirmation) {
      const envelope = entry.signed!.envelope as CommandEnvelope;
      const id = (confirmation.assertion as { id?: unknown } | undefined)?.id;
      const passkey = passkeyFor(passkeys, id, seq);
      if (passkey.userId !== entry.actor) {
        why(
          `the confirming passkey belongs to ${passkey.userId}, not to the actor ${String(entry.actor)}`,
        );
      }
      const result = await verifyAssertionEvidence({
        assertion: confirmation.assertion,
        expectedChallenge: await confirmationChallenge(confirmation.nonce, intentOf(envelope)),
        origin: passkey.origin,
        rpId: passkey.rpId,
        cosePublicKey: passkey.publicKey,
      });
      if (!result.ok) why(`passkey confirmation does not verify: ${result.reason}`);
      return 'checked';
    }
    const command = entry.command as {
      type?: string;
      device?: { publicKey?: DevicePublicKey };
      credentialId?: string;
    } | null;
    const devicePublicKey = command?.device?.publicKey;
    if (!ceremony || !devicePublicKey) return why('ceremony entry without a device key to bind');
    const expectedChallenge = await enrolmentChallenge(ceremony.nonce, devicePublicKey);
    if (ceremony.kind === 'registration') {
      const registered = entry.events.filter((e) => e.type === 'PasskeyRegistered');
      if (registered.length === 0) why('registration ceremony registered no passkey');
      for (const event of registered) {
        const result = await verifyRegistrationEvidence({
          response: ceremony.response,
          expectedChallenge,
          origin: ceremony.origin,
          rpId: ceremony.rpId,
          credentialId: event.passkey.id,
          cosePublicKey: event.passkey.publicKey,
        });
        if (!result.ok) why(`passkey registration evidence does not verify: ${result.reason}`);
      }
      return 'checked';
    }
    const id = (ceremony.response as { id?: unknown } | undefined)?.id;
    if (command?.credentialId !== undefined && id !== command.credentialId) {
      why('the sign-in assertion is by another passkey than the one the command names');
    }
    const passkey = passkeyFor(passkeys, id, seq);
    if (passkey.userId !== entry.actor) {
      why(`the signing-in passkey belongs to ${passkey.userId}, not to ${String(entry.actor)}`);
    }
    const result = await verifyAssertionEvidence({
      assertion: ceremony.response,
      expectedChallenge,
      origin: passkey.origin,
      rpId: passkey.rpId,
      cosePublicKey: passkey.publicKey,
    });
    if (!result.ok) why(`sign-in assertion does not verify: ${result.reason}`);
    return 'checked';
  } catch (error) {
    if (error instanceof VerificationFailure) throw error;
    return why(`passkey evidence is malformed: ${(error as Error).message}`);
  }
}

/** Adds the passkeys an accepted entry registered, with the ceremony that registered them. */
export function rememberPasskeys(
  entry: LedgerEntry,
  passkeys: Map<string, RegisteredPasskey>,
): void {
  if (entry.outcome !== 'accepted') return;
  for (const event of entry.events) {
    if (event.type !== 'PasskeyRegistered') continue;
    passkeys.set(event.passkey.id, {
      publicKey: event.passkey.publicKey,
      userId: event.passkey.userId,
      origin: entry.ceremony?.origin ?? '',
      rpId: entry.ceremony?.rpId ?? '',
      seq: entry.seq,
    });
  }
}

function passkeyFor(
  passkeys: ReadonlyMap<string, RegisteredPasskey>,
  id: unknown,
  seq: number,
): RegisteredPasskey {
  const passkey = typeof id === 'string' ? passkeys.get(id) : undefined;
  if (!passkey) {
    return fail(seq, `entry ${seq}: passkey ${String(id)} was not registered by an earlier entry`);
  }
  if (passkey.origin === '') {
    fail(seq, `entry ${seq}: passkey ${String(id)} was registered without ceremony evidence`);
  }
  return passkey;
}
