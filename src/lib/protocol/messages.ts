/**
 * Wire messages between the app and the relay (protocol version `PROTOCOL_VERSION`).
 *
 * Transport: the websocket at `/sync/commands?token=<session token>` carries JSON text frames
 * (this file); `/sync/<doc>?token=…` carries the y-websocket sync protocol for read-only
 * documents. HTTP endpoints are listed in docs/api.md.
 */
import type { Rejection, RejectionCode, RejectionDetail } from '#domain/rejections';
import type { UserCommand } from '#domain/commands';
import type { DeviceId, Iso } from '#domain/model';

/**
 * The version of the signed command format: every envelope carries it as `v`, and the relay
 * refuses any other. Bump it, with new golden vectors, when that format changes (ADR 0006).
 */
export const PROTOCOL_VERSION = 1;

/** Largest websocket frame the relay accepts, in bytes; larger frames close with 1009. */
export const MAX_FRAME_BYTES = 256 * 1024;

/** The WebAuthn assertion JSON produced by `startAuthentication` (AuthenticationResponseJSON). */
export type AssertionJSON = {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string;
  };
  clientExtensionResults: Record<string, unknown>;
  authenticatorAttachment?: string;
};

/**
 * What the user intends, exactly as shown to them. The passkey challenge binds to the canonical
 * JSON of this object (see `confirmationChallenge` in #protocol/confirmation).
 */
export type CommandIntent = {
  v: typeof PROTOCOL_VERSION;
  /** Client-chosen unique id (idempotency key): 16+ random bytes, base64url. */
  cmdId: string;
  deviceId: DeviceId;
  /** Client clock when the command was made; informational plus a freshness check. */
  issuedAt: Iso;
  command: UserCommand;
};

/** Passkey evidence bound to one intent through a single-use relay nonce. */
export type PasskeyConfirmation = {
  /** base64url nonce issued by the relay to this device. */
  nonce: string;
  assertion: AssertionJSON;
};

export type CommandEnvelope = CommandIntent & { confirmation: PasskeyConfirmation | null };

/** A command as sent: the envelope and the device key's ECDSA P-256/SHA-256 signature over canonical(envelope). */
export type SignedCommand = {
  envelope: CommandEnvelope;
  /** base64url IEEE P1363 (r‖s) signature, as WebCrypto produces. */
  signature: string;
};

export type ClientFrame = { t: 'command'; signed: SignedCommand } | { t: 'ping'; id?: string };

export type ServerFrame =
  | { t: 'hello'; userId: string; deviceId: DeviceId; seq: number }
  | { t: 'ack'; cmdId: string; seq: number; duplicate?: true }
  | {
      t: 'reject';
      cmdId: string | null;
      code: RejectionCode;
      message: string;
      /** The rejection's typed detail (instants, the list item at fault), when it has one. */
      detail?: RejectionDetail;
      /** Ledger seq of the entry recording the denial, when one was written. */
      seq: number | null;
      duplicate?: true;
    }
  | { t: 'error'; code: FrameErrorCode; message: string }
  | { t: 'pong'; id?: string; at: Iso };

/** Errors about a frame itself (not an attempted action), answered without a ledger entry. */
export type FrameErrorCode =
  | 'malformed-frame'
  | 'unknown-frame-type'
  | 'ill-formed-unicode'
  | 'nesting-too-deep'
  | 'processing-failed';

export type { Rejection };
