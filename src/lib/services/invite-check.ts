/**
 * Whether an invite link can still be used (`POST /api/invite/check`), asked as the invite page
 * opens so that a spent link says so before anyone types a name.
 */
import type { InviteCheck } from '#protocol/http-api';
import { RelayHttpError, RelayUnreachableError, relayRequest } from '$lib/sync/relay-http';

export type InviteStatus =
  | InviteCheck
  /** Someone joined with it already. */
  | { status: 'used' }
  | { status: 'expired' }
  /** Withdrawn by an administrator, or not a link the relay knows (e.g. cut short when copied). */
  | { status: 'invalid' }
  | { status: 'unreachable' };

const REFUSALS: Record<string, InviteStatus> = {
  'invite-used': { status: 'used' },
  'invite-expired': { status: 'expired' },
  'invite-invalid': { status: 'invalid' },
};

/** `token` is the secret from the link's `#token=…`. */
export async function checkInvite(token: string): Promise<InviteStatus> {
  try {
    const answer = await relayRequest<InviteCheck>('/api/invite/check', { body: { token } });
    return { status: 'usable', displayName: answer.displayName };
  } catch (error) {
    if (error instanceof RelayUnreachableError) return { status: 'unreachable' };
    if (error instanceof RelayHttpError) {
      if (Object.hasOwn(REFUSALS, error.code)) return REFUSALS[error.code]!;
      // A token the relay will not even read (too long, say) is no invite either.
      if (error.code === 'invalid-request') return { status: 'invalid' };
    }
    throw error;
  }
}
