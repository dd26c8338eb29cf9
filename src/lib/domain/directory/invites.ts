/**
 * Invites: a User Administrator (or one limited to an administrative unit) invites someone by
 * link; the invitee accepts with a passkey through the relay (AcceptInvite), or the invite is
 * withdrawn. Only a hash of the link's secret ever reaches the domain.
 */
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { DomainEvent } from '#domain/events';
import type { Iso, TenantState } from '#domain/model';
import { canManageUsersIn, PERMISSION_ROLE_NAMES, unitsManagedBy } from '#domain/permissions';
import { getOwn } from '#domain/records';
import { reject } from '#domain/rejections';
import { instant, sentence } from '#domain/sentence';
import { addDays } from '#domain/time';
import { invalidName, newIdProblem } from '#domain/validation';
import { newDevice, newPasskey } from './devices';
import { newUser } from './setup';

/** How long an invite link stays usable. */
export const INVITE_LIFETIME_DAYS = 7;

/**
 * Decides CreateInvite: by manage-users, or by a User Administrator limited to a unit for that
 * unit only; a display name, a new id and the secret's hash. It expires INVITE_LIFETIME_DAYS on.
 */
export function createInvite(
  command: CommandOf<'CreateInvite'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const unitId = command.administrativeUnitId;
  if (unitId !== null && !getOwn(state.administrativeUnits, unitId)) {
    return refuse(
      reject('unknown-administrative-unit', `There is no administrative unit ${String(unitId)}.`),
    );
  }
  if (!canManageUsersIn(state, ctx.actor.id, unitId, ctx.at)) {
    const units = unitsManagedBy(state, ctx.actor.id, ctx.at);
    return refuse(
      reject(
        'not-authorized',
        units.length > 0
          ? `Your User Administrator role is limited to ${units.map((u) => unitName(state, u)).join(', ')}: invite people into ${units.length === 1 ? 'that unit' : 'one of those units'}.`
          : `Only ${PERMISSION_ROLE_NAMES['manage-users']} can invite people; activate such a role first.`,
      ),
    );
  }
  const bad =
    invalidName(command.displayName, 'The invitee’s display name') ??
    newIdProblem(state.invites, command.inviteId, 'invite') ??
    (typeof command.tokenHash === 'string' && command.tokenHash !== ''
      ? null
      : reject('invalid-value', 'The invite is missing its token hash.'));
  if (bad) return refuse(bad);
  return accept({
    type: 'InviteCreated',
    invite: {
      id: command.inviteId,
      tokenHash: command.tokenHash,
      displayName: command.displayName.trim(),
      createdBy: ctx.actor.id,
      createdAt: ctx.at,
      expiresAt: addDays(ctx.at, INVITE_LIFETIME_DAYS),
      acceptedBy: null,
      acceptedAt: null,
      revokedAt: null,
      administrativeUnitId: unitId,
    },
  });
}

function unitName(state: TenantState, unitId: string): string {
  return getOwn(state.administrativeUnits, unitId)?.name ?? unitId;
}

/** Decides RevokeInvite: withdraws an invite nobody has used yet, once. */
export function revokeInvite(
  command: CommandOf<'RevokeInvite'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const invite = getOwn(state.invites, command.inviteId);
  if (!canManageUsersIn(state, ctx.actor.id, invite?.administrativeUnitId ?? null, ctx.at)) {
    return refuse(
      reject(
        'not-authorized',
        `Only ${PERMISSION_ROLE_NAMES['manage-users']} (or a User Administrator of the invite’s administrative unit) can withdraw invites.`,
      ),
    );
  }
  if (!invite) return refuse(reject('unknown-invite', `There is no invite ${command.inviteId}.`));
  if (invite.acceptedAt !== null) {
    return refuse(reject('invite-used', `The invite for ${invite.displayName} was already used.`));
  }
  if (invite.revokedAt !== null) {
    return refuse(
      reject('invite-revoked', `The invite for ${invite.displayName} was already withdrawn.`),
    );
  }
  return accept({ type: 'InviteRevoked', inviteId: invite.id, at: ctx.at });
}

/**
 * Decides AcceptInvite (a relay command, after the passkey ceremony): the invitee becomes a user
 * with that passkey and device, and a member of the invite's administrative unit if it has one.
 */
export function acceptInvite(
  command: CommandOf<'AcceptInvite'>,
  state: TenantState,
  at: Iso,
): Decision {
  const invite = getOwn(state.invites, command.inviteId);
  // A wrong secret looks exactly like a missing invite, so ids cannot be probed.
  if (!invite || invite.tokenHash !== command.tokenHash) {
    return refuse(reject('unknown-invite', 'This invite link is not valid.'));
  }
  if (invite.revokedAt !== null) {
    return refuse(reject('invite-revoked', 'This invite was withdrawn by an administrator.'));
  }
  if (invite.acceptedAt !== null) {
    return refuse(reject('invite-used', 'This invite has already been used.'));
  }
  if (at >= invite.expiresAt) {
    return refuse(
      reject('invite-expired', sentence`This invite expired at ${instant(invite.expiresAt)}.`),
    );
  }
  const bad =
    newIdProblem(state.users, command.userId, 'user') ??
    newIdProblem(state.devices, command.device.id, 'device') ??
    newIdProblem(state.passkeys, command.passkey.id, 'passkey') ??
    invalidName(command.displayName, 'Your display name');
  if (bad) return refuse(bad);
  const { userId } = command;
  const events: DomainEvent[] = [
    { type: 'UserCreated', user: newUser(userId, command.displayName, at) },
    { type: 'PasskeyRegistered', passkey: newPasskey(userId, command.passkey, at) },
    { type: 'DeviceEnrolled', device: newDevice(userId, command.device, at) },
    { type: 'InviteAccepted', inviteId: invite.id, userId, at },
  ];
  // An invite into an administrative unit makes the newcomer a member of it (if it still exists).
  const unit = getOwn(state.administrativeUnits, invite.administrativeUnitId ?? '');
  if (unit) {
    events.push({
      type: 'AdministrativeUnitMembersSet',
      administrativeUnitId: unit.id,
      memberIds: [...new Set([...unit.memberIds, userId])].sort(),
      at,
    });
  }
  return accept(...events);
}
