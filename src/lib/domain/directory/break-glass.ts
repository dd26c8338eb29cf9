/**
 * SetBreakGlass: a Global Administrator marks or unmarks an emergency account, which then
 * activates eligible roles without approval and raises an alert each time (activate-role.ts).
 */
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { TenantState } from '#domain/model';
import { requirePermission } from '#domain/permissions';
import { getOwn } from '#domain/records';
import { reject } from '#domain/rejections';
import { invalidText } from '#domain/validation';

/** SetBreakGlass: a Global Administrator marks or unmarks an emergency account. */
export function setBreakGlass(
  command: CommandOf<'SetBreakGlass'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const denied = requirePermission(
    state,
    ctx,
    'manage-break-glass',
    'designate break-glass accounts',
  );
  if (denied) return refuse(denied);
  const user = getOwn(state.users, command.userId);
  if (!user) return refuse(reject('unknown-user', `There is no user ${command.userId}.`));
  if (typeof command.breakGlass !== 'boolean') {
    return refuse(reject('invalid-value', 'Break-glass must be on or off.'));
  }
  if (user.breakGlass === command.breakGlass) {
    return refuse(
      reject(
        'invalid-value',
        `${user.displayName} is ${command.breakGlass ? 'already' : 'not'} a break-glass account.`,
      ),
    );
  }
  const badText = invalidText(command.justification, 'A justification', { required: true });
  if (badText) return refuse(badText);
  // An account that skips approval is as sensitive as an approval: always confirmed.
  if (!ctx.passkeyConfirmed) {
    return refuse(
      reject('confirmation-required', 'Confirm this break-glass change with your passkey.'),
    );
  }
  return accept({
    type: 'UserBreakGlassSet',
    userId: user.id,
    breakGlass: command.breakGlass,
    by: ctx.actor.id,
    justification: command.justification.trim(),
    at: ctx.at,
  });
}
