/**
 * The ledger entry, format version 1. Stored as the UTF-8 bytes of its RFC 8785 canonical JSON;
 * those exact bytes are the RFC 9162 Merkle leaf. Never re-serialise an entry to verify it.
 */
import type { Rejection } from '#domain/rejections';
import type { Command, DomainEvent, Iso, UserId } from '#domain/types';
import type { SignedCommand } from './messages';

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
  v: 1;
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
  rejection: Rejection | null;
};
