/** Turns failures on the way to the relay into plain words for people. */
import { RelayHttpError, RelayUnreachableError } from '$lib/sync/relay-http';
import { DeviceMismatchError, PasskeyCancelledError } from '$lib/webauthn/passkeys';

const RELAY_ERROR_TEXT: Record<string, string> = {
  'invalid-request': 'The relay did not understand the request. Reload the page and try again.',
  'setup-already-done': 'Leasehold is already set up. Sign in with your passkey instead.',
  'setup-token-invalid':
    'This setup link is not valid. Use the exact link the relay printed when it first started.',
  'invite-invalid': 'This invite link is not valid. Ask your administrator for a new one.',
  'invite-expired': 'This invite link has expired. Ask your administrator for a new one.',
  'invite-used': 'This invite link has already been used. Ask your administrator for a new one.',
  'ceremony-unknown': 'The passkey request is no longer known to the relay. Try again.',
  'ceremony-expired': 'The passkey request took too long and expired. Try again.',
  'passkey-invalid': 'The relay could not verify your passkey. Try again.',
  'unknown-credential':
    'This passkey is not registered with Leasehold. Use the passkey you created when you joined.',
  'device-revoked': 'This device was revoked. Sign in again with your passkey.',
  'unknown-device': 'The relay does not know this device. Sign in again with your passkey.',
};

export function describeError(error: unknown): string {
  if (error instanceof PasskeyCancelledError) {
    return 'The passkey prompt was closed or timed out before it finished. Try again when you are ready.';
  }
  if (error instanceof RelayUnreachableError) {
    return 'The Leasehold relay cannot be reached. Check your connection and try again.';
  }
  if (error instanceof RelayHttpError) {
    return RELAY_ERROR_TEXT[error.code] ?? error.message;
  }
  if (error instanceof DeviceMismatchError) return error.message;
  if (error instanceof Error && error.name === 'InvalidStateError') {
    return 'This authenticator already holds a Leasehold passkey for this account.';
  }
  if (error instanceof Error && error.message) return `Something went wrong: ${error.message}`;
  return 'Something went wrong. Try again.';
}

/** True when the failure is about reaching the relay (so the user should retry when online). */
export function isOffline(error: unknown): boolean {
  return error instanceof RelayUnreachableError;
}
