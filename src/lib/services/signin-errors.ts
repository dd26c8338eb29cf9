/**
 * Sign-in's own words for a refused passkey prompt. Browsers answer a sign-in with no passkey for
 * this site the way they answer a closed prompt (NotAllowedError; Chromium at once, others once
 * the person closes their "no passkeys" sheet), and do not let a page tell the two apart, so
 * the words cover both and say what to do on a device that has none: add it from another one.
 */
import { PasskeyCancelledError } from '$lib/webauthn/passkeys';
import { describeError } from './errors';

export type SignInFailure = { title: string | undefined; message: string };

/** The title and words for a failed sign-in. */
export function describeSignInError(error: unknown): SignInFailure {
  if (error instanceof PasskeyCancelledError) {
    return {
      title: 'No passkey for Leasehold was found on this device',
      message:
        'The browser offered no Leasehold passkey here, or its prompt was closed. To use this device, open Devices → Add a device on a device where you are signed in, then open the link it makes on this one. If your passkey is on this device, try again.',
    };
  }
  return { title: undefined, message: describeError(error) };
}
