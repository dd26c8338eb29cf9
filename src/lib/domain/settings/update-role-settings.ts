/**
 * UpdateRoleSettings: replacing a role's settings (PRODUCT.md "Role settings, with defaults"),
 * per role × scope for resource roles. The event records the settings before and after, so the
 * audit can show the difference.
 */
import { findRole } from '#domain/catalogue';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { RoleSettings, TenantState } from '#domain/model';
import { liveScope } from '#domain/organisation/scopes';
import { canManageRoleSettings, PERMISSION_ROLE_NAMES } from '#domain/permissions';
import { getOwn } from '#domain/records';
import { reject } from '#domain/rejections';
import {
  additionalRecipientsOf,
  diffRoleSettings,
  normaliseRoleSettings,
  settingsFor,
  validateRoleSettings,
} from './settings';

/**
 * Decides UpdateRoleSettings: who may (manage-roles, or a group's owner for its own group),
 * that the settings are valid and name active approvers and recipients, and that something changed.
 */
export function updateRoleSettings(
  command: CommandOf<'UpdateRoleSettings'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  if (!canManageRoleSettings(state, ctx.actor.id, command.roleId, ctx.at)) {
    return refuse(
      reject(
        'not-authorized',
        `Only ${PERMISSION_ROLE_NAMES['manage-roles']} (or a group's owner, for its own) can change role settings; activate such a role first.`,
      ),
    );
  }
  const role = findRole(state, command.roleId);
  if (!role) return refuse(reject('unknown-role', `There is no role ${command.roleId}.`));
  // Resource roles' settings are per role × scope (and never inherited); others have no scope.
  const scopeId = command.scopeId;
  if (role.kind === 'resource' && scopeId === null) {
    return refuse(
      reject('invalid-scope', `${role.name}'s settings are set per scope: choose one.`),
    );
  }
  if (role.kind !== 'resource' && scopeId !== null) {
    return refuse(reject('invalid-scope', `${role.name}'s settings apply tenant-wide.`));
  }
  if (scopeId !== null && !liveScope(state, scopeId)) {
    return refuse(reject('unknown-scope', `There is no scope ${scopeId}.`));
  }
  const isGroup = (id: string) => getOwn(state.groups, id) !== undefined;
  const invalid = validateRoleSettings(command.settings, isGroup);
  if (invalid) return refuse(invalid);
  const after = normaliseRoleSettings(command.settings);
  // Approvers must be able to act now; a disabled or unknown id would be a silent hole. A
  // group approver stands for its members (`approversFor`).
  const missing = after.approvers.find(
    (id) => !isGroup(id) && getOwn(state.users, id)?.status !== 'active',
  );
  if (missing !== undefined) {
    return refuse(
      reject('unknown-user', `There is no active user or group ${missing} to approve.`),
    );
  }
  // Additional notification recipients are people who can read the notification centre.
  const unknownRecipient = additionalRecipientsOf(after.notifications).find(
    (id) => getOwn(state.users, id)?.status !== 'active',
  );
  if (unknownRecipient !== undefined) {
    return refuse(reject('unknown-user', `There is no active user ${unknownRecipient} to notify.`));
  }
  const current = settingsFor(state, role.id, scopeId);
  // The ledger has no empty changes: an unchanged save is a mistake worth telling about.
  if (diffRoleSettings(current, after).length === 0) {
    return refuse(reject('invalid-value', `Nothing changed in ${role.name}’s settings.`));
  }
  // A plain copy: `current` may be the frozen shared defaults.
  const before: RoleSettings = { ...current, approvers: [...current.approvers] };
  return accept({
    type: 'RoleSettingsUpdated',
    roleId: role.id,
    scopeId,
    before,
    after,
    by: ctx.actor.id,
    at: ctx.at,
  });
}
