/**
 * Websocket close codes the relay uses. 4400–4499 are terminal for y-websocket 3.1's provider
 * (it stops reconnecting), which is what each of these means: retrying will not help.
 */
export const CloseCode = {
  /** RFC 6455: a frame larger than MAX_FRAME_BYTES. */
  MessageTooBig: 1009,
  /** The relay is shutting down; reconnect later. */
  GoingAway: 1001,
  /** No session token, or an unknown, expired or revoked one: authenticate again. */
  Unauthenticated: 4401,
  /** The signed-in user may not read this document. */
  Forbidden: 4403,
  /** No such document. */
  UnknownDocument: 4404,
  /** The client tried to write an authoritative (read-only) document. */
  ReadOnlyDocument: 4409,
  /** A y-websocket frame that could not be decoded. */
  MalformedSyncFrame: 4400,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];
