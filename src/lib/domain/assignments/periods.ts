/**
 * When an assignment's period is acceptable: the role's permanence and expiry limits, the
 * 5-minute minimum, and no overlap with another assignment of the role to the same holder.
 * Shared by AssignRole, UpdateAssignment, ExtendAssignment and DecideExtension.
 */
import { MIN_ASSIGNMENT_MINUTES } from '#domain/activation/activation';
import type {
  Assignment,
  AssignmentType,
  Iso,
  RoleId,
  RoleSettings,
  ScopeId,
  TenantState,
  UserId,
} from '#domain/model';
import { valuesOf } from '#domain/records';
import { reject, type Rejection } from '#domain/rejections';
import { settingsFor } from '#domain/settings/settings';
import { addDays, minutesBetween } from '#domain/time';

/** Half-open periods [start, end) with null meaning "never ends". */
export function periodsOverlap(
  aStart: Iso,
  aEnd: Iso | null,
  bStart: Iso,
  bEnd: Iso | null,
): boolean {
  return (bEnd === null || aStart < bEnd) && (aEnd === null || bStart < aEnd);
}

/**
 * The latest end the role's settings allow for an assignment of `type` whose period is counted
 * from `from` (`eligibleExpiryDays` or `activeExpiryDays` later). Where the role allows permanent
 * assignments of that type there is no limit, and this is only the usual length.
 */
export function latestAssignmentEnd(settings: RoleSettings, type: AssignmentType, from: Iso): Iso {
  return addDays(
    from,
    type === 'eligible' ? settings.eligibleExpiryDays : settings.activeExpiryDays,
  );
}

/**
 * The end a form suggests for an assignment of `type` to `role` (at its scope, for a resource
 * role) whose period is counted from `from`: the longest the role's settings allow, so the
 * suggestion is never refused for its length. The deciders count from the start for AssignRole
 * and UpdateAssignment, and from the moment of the decision for extensions and renewals.
 */
export function defaultAssignmentEnd(
  state: TenantState,
  role: { roleId: RoleId; scopeId?: ScopeId | null },
  type: AssignmentType,
  from: Iso,
): Iso {
  return latestAssignmentEnd(settingsFor(state, role.roleId, role.scopeId ?? null), type, from);
}

/**
 * Why an assignment of `type` running to `endsAt` (null: permanent) from `from` breaks the
 * role's settings at `at`, or null: permanence allowed, at least 5 minutes ahead, and no
 * longer than the role's expiry limit.
 */
export function assignmentPeriodProblem(
  role: string,
  settings: RoleSettings,
  type: AssignmentType,
  from: Iso,
  endsAt: Iso | null,
  at: Iso,
): Rejection | null {
  const permanentAllowed =
    type === 'eligible' ? settings.allowPermanentEligible : settings.allowPermanentActive;
  if (endsAt === null) {
    return permanentAllowed
      ? null
      : reject('permanent-not-allowed', `${role} does not allow permanent ${type} assignments.`);
  }
  if (endsAt <= at || minutesBetween(from, endsAt) < MIN_ASSIGNMENT_MINUTES) {
    return reject(
      'assignment-too-short',
      `An assignment must last at least ${MIN_ASSIGNMENT_MINUTES} minutes and end in the future.`,
    );
  }
  const maxDays = type === 'eligible' ? settings.eligibleExpiryDays : settings.activeExpiryDays;
  if (!permanentAllowed && endsAt > latestAssignmentEnd(settings, type, from)) {
    return reject(
      'exceeds-max-assignment',
      `${role} allows ${type} assignments of at most ${maxDays} days.`,
    );
  }
  return null;
}

/** A current assignment of `roleId` and `type` to `principalId` whose period overlaps the given one. */
export function overlappingAssignment(
  state: TenantState,
  principalId: UserId,
  roleId: string,
  type: AssignmentType,
  startsAt: Iso,
  endsAt: Iso | null,
): Assignment | undefined {
  return valuesOf(state.assignments).find(
    (a) =>
      a.status === 'current' &&
      a.principalId === principalId &&
      a.roleId === roleId &&
      a.type === type &&
      periodsOverlap(a.startsAt, a.endsAt, startsAt, endsAt),
  );
}
