/**
 * The ledger entry, format version `LEDGER_ENTRY_VERSION`. Stored as the UTF-8 bytes of its
 * RFC 8785 canonical JSON; those exact bytes are the RFC 9162 Merkle leaf. Never re-serialise an
 * entry to verify it.
 */
import type { Rejection } from '#domain/rejections';
import type { Command } from '#domain/commands';
import type { DomainEvent } from '#domain/events';
import type { Iso, UserId } from '#domain/model';
import type { SignedCommand } from './messages';

/**
 * The version of the entry format: the relay writes it as every entry's `v`, the verifier refuses
 * any other. Bump it, with new golden vectors, when the format changes (ADR 0006).
 */
export const LEDGER_ENTRY_VERSION = 1;

/** Raw evidence of a passkey ceremony done over HTTP (registration or sign-in). */
export type CeremonyEvidence = {
  kind: 'registration' | 'authentication';
  /** base64url nonce; the WebAuthn challenge was enrolmentChallenge(nonce, devicePublicKey). */
  nonce: string;
  /** RegistrationResponseJSON or AuthenticationResponseJSON as the browser produced it. */
  response: unknown;
  origin: string;
  rpId: string;
};

export type LedgerEntry = {
  v: typeof LEDGER_ENTRY_VERSION;
  /** Leaf index, from 0, contiguous. */
  seq: number;
  /** Relay time when the entry was appended. */
  ts: Iso;
  /** command: a signed user command; ceremony: a passkey ceremony over HTTP; system: the relay's scheduler. */
  kind: 'command' | 'ceremony' | 'system';
  outcome: 'accepted' | 'rejected';
  /** The user who acted, when known (the device's owner for signed commands). */
  actor: UserId | null;
  /** The command's type, or 'unparsed' when it could not be read. */
  commandType: string;
  cmdId: string | null;
  /** kind 'command': the command exactly as received, signature and passkey evidence included. */
  signed: SignedCommand | null;
  /** kind 'ceremony' or 'system': the command the relay decided. */
  command: Command | null;
  ceremony: CeremonyEvidence | null;
  /** What happened when accepted; empty when rejected. */
  events: DomainEvent[];
  /** Why it was denied; its `detail` is absent when it has none, so such bytes stay as before. */
  rejection: Rejection | null;
  /**
   * Only on the relay's own `RotateRelayKey` entry (kind 'system'): the checkpoint key that
   * signs every checkpoint of size > seq, and the OLD key's Ed25519 signature over
   * utf8(`leasehold-key-rotation-v1\n${origin}\n${newPublicKey}\n${seq}\n`) (std base64).
   * Optional, so the canonical bytes of every other entry stay as they were.
   */
  keyRotation?: KeyRotation;
};

/** A checkpoint-key rotation, recorded in the ledger and signed by the key it replaces. */
export type KeyRotation = {
  /** signed-note key name of the new key (by convention the log origin). */
  newKeyName: string;
  /** std base64 of the raw 32-byte Ed25519 public key. */
  newPublicKey: string;
  /** std base64 Ed25519 signature by the old key over `keyRotationMessage`. */
  signature: string;
};
