/**
 * `POST /api/invite/check` (docs/api.md): may this invite link still be used? The invite page asks
 * as soon as it opens, so a spent link says so before anyone types a name.
 *
 * It answers only what the token's holder could already learn from `POST /api/invite/options`:
 * the same lookup, so the same refusals (`invite-invalid` for an unknown or withdrawn link,
 * `invite-used`, `invite-expired`), and for a usable link the name the invite proposes, which the
 * options' registration `user` carries anyway. It starts no ceremony and changes nothing.
 */
import type { Invite } from '#domain/types';
import { hashToken, type Relay } from './relay';

/** The invite a token's hash opens, or a throw with the refusal `/api/invite/options` gives. */
export type InviteLookup = (relay: Relay, tokenHash: string) => Invite;

export type InviteCheck = { status: 'usable'; displayName: string };

/**
 * `token` is the secret from the invite link's `#token=…`, already checked to be a short string
 * the way `/api/invite/options` checks it; `lookup` is that endpoint's own invite lookup.
 */
export async function checkInvite(
  relay: Relay,
  token: string,
  lookup: InviteLookup,
): Promise<InviteCheck> {
  const invite = lookup(relay, await hashToken(token));
  return { status: 'usable', displayName: invite.displayName };
}
