/**
 * Activation requests that need approval (PRODUCT.md "Lifecycle rules"): who may decide them,
 * how the quorum is counted, and what the app previews before a user asks. Beyond Entra's
 * first-approver-wins, a role may need M *distinct* approvers; the first deny still resolves
 * the request.
 */
import { isRequestPending, roleNameOf } from '#domain/activation/activation';
import { holdersOf, holdsRoleAt } from '#domain/assignments/holdings';
import { activeHoldersOf } from '#domain/assignments/safeguards';
import { findRole, groupOwnerRoleId, ROLE_IDS } from '#domain/catalogue';
import type {
  ActivationId,
  ActivationRequest,
  AssignmentId,
  GroupId,
  Iso,
  RequestId,
  RoleId,
  ScopeId,
  TenantState,
  UserId,
} from '#domain/model';
import { groupOfRole, isGroupOwner, membersOf } from '#domain/organisation/groups';
import { rolesHeldBy, SCOPE_ADMIN_ROLES } from '#domain/permissions';
import { getOwn, valuesOf } from '#domain/records';
import { reject, type Rejection } from '#domain/rejections';
import { settingsFor, settingsForAssignment } from '#domain/settings/settings';
import { instant, sentence } from '#domain/sentence';

/**
 * The id of the request an ActivateRole command creates when its role needs approval:
 * `req_` + the command's activationId. Deterministic, so the command needs no second id, a
 * retried command maps to the same request, and the fold finds the request an
 * ActivationStarted provisions without searching.
 */
export function requestIdFor(activationId: ActivationId): RequestId {
  return `req_${activationId}`;
}

/**
 * Who may approve or deny a request for `roleId` (at `scopeId` for a resource role) at `at`:
 * the people the role's settings name, each approver entry being a user or a group, so a
 * group stands for its members at `at` (permanent, nested and just-in-time ones while
 * active); only enabled users count. When none are named: for a resource role, the Owners and
 * User Access Administrators at its scope or above; for a group's membership or ownership, the
 * group's owners; otherwise, or when there are none of those, the enabled users actively holding
 * Privileged Role Administrator or Global Administrator (Entra's default for directory roles).
 * Evaluated when each decision is made, so an administrator who activates later, or a JIT
 * member of an approver group, may still decide. A set of people: someone named directly and
 * through a group is one approver, so the quorum counts distinct people. Includes the
 * requester when they qualify; `canApprove` excludes them. `requesterId`, when known, keeps a
 * default that only the requester could satisfy from stranding the request.
 */
export function approversFor(
  state: TenantState,
  roleId: RoleId,
  at: Iso,
  scopeId: ScopeId | null = null,
  requesterId: UserId | null = null,
): Set<UserId> {
  const settings = settingsFor(state, roleId, scopeId);
  const named = settings.approvers;
  if (named.length > 0) {
    const people = new Set<UserId>();
    const groups = state.groups;
    for (const id of named) {
      if (getOwn(state.users, id)) people.add(id);
      else if (getOwn(groups, id)) for (const m of membersOf(state, id, at)) people.add(m);
    }
    return new Set([...people].filter((id) => getOwn(state.users, id)?.status === 'active'));
  }
  // Entra has no default approvers for resource and group roles; ours are the people who manage
  // them: Owners and User Access Administrators at the scope or above, or the group's owners.
  const role = findRole(state, roleId);
  const managers =
    role?.kind === 'resource' && scopeId !== null
      ? scopeAdminsOf(state, scopeId, at)
      : role?.kind === 'group'
        ? groupOwnersOf(state, groupOfRole(roleId), at)
        : new Set<UserId>();
  // The requester never approves their own request: when the managers left without them cannot
  // reach the quorum (a scope's only Owner asking for a role there), the administrators join.
  const others = [...managers].filter((id) => id !== requesterId);
  if (managers.size > 0 && others.length >= settings.approvalsRequired) return managers;
  return new Set([
    ...managers,
    ...activeHoldersOf(state, ROLE_IDS.PrivilegedRoleAdministrator, at),
    ...activeHoldersOf(state, ROLE_IDS.GlobalAdministrator, at),
  ]);
}

/**
 * Whether `userId` is among `approversFor(roleId, scopeId)` at `at`, asked for one person: a
 * directory role naming no approvers has the Privileged Role and Global Administrators, so this
 * looks at the person's own roles instead of listing every administrator.
 */
export function isApproverOf(
  state: TenantState,
  userId: UserId,
  roleId: RoleId,
  at: Iso,
  scopeId: ScopeId | null = null,
): boolean {
  const named = settingsFor(state, roleId, scopeId).approvers.length > 0;
  if (!named && findRole(state, roleId)?.kind === 'directory') {
    if (getOwn(state.users, userId)?.status !== 'active') return false;
    const held = rolesHeldBy(state, userId, at);
    return held.has(ROLE_IDS.PrivilegedRoleAdministrator) || held.has(ROLE_IDS.GlobalAdministrator);
  }
  return approversFor(state, roleId, at, scopeId).has(userId);
}

/** Enabled users holding Owner or User Access Administrator at `scopeId` or above, at `at`. */
function scopeAdminsOf(state: TenantState, scopeId: ScopeId, at: Iso): Set<UserId> {
  const people = new Set<UserId>();
  for (const roleId of SCOPE_ADMIN_ROLES) {
    for (const userId of holdersOf(state, roleId, at)) {
      if (holdsRoleAt(state, userId, roleId, scopeId, at)) people.add(userId);
    }
  }
  return people;
}

/** Enabled owners of the group at `at`: permanent ones and just-in-time ones while active. */
function groupOwnersOf(state: TenantState, groupId: GroupId | null, at: Iso): Set<UserId> {
  const group = groupId === null ? undefined : getOwn(state.groups, groupId);
  if (!group) return new Set();
  const candidates = new Set<UserId>([
    ...group.ownerIds,
    ...holdersOf(state, groupOwnerRoleId(group.id), at),
  ]);
  return new Set(
    [...candidates].filter(
      (id) => getOwn(state.users, id)?.status === 'active' && isGroupOwner(state, id, group.id, at),
    ),
  );
}

/** The scope whose settings govern a request: its assignment's (null when unknown or tenant-wide). */
function requestScope(state: TenantState, request: ActivationRequest): ScopeId | null {
  const assignment = getOwn(state.assignments, request.assignmentId);
  return assignment ? assignment.scopeId : null;
}

/** The people who may decide `request` at `at` (`approversFor` at the request's scope). */
export function approversOfRequest(
  state: TenantState,
  request: ActivationRequest,
  at: Iso,
): Set<UserId> {
  return approversFor(state, request.roleId, at, requestScope(state, request), request.principalId);
}

/** The distinct users who have approved the request so far. */
export function approvalsOf(request: ActivationRequest): Set<UserId> {
  return new Set(
    request.decisions.filter((d) => d.decision === 'approve').map((d) => d.approverId),
  );
}

/**
 * Why `userId` cannot approve or deny `request` at `at`, or null when they can (justification
 * and passkey aside, which `decide` checks next). The same checks, in the same order, as the
 * relay's verdict, so the approvals inbox never offers a button that would be refused.
 * Whether the user exists and is enabled is `decide`'s first check, not repeated here.
 */
export function canApprove(
  state: TenantState,
  userId: UserId,
  request: ActivationRequest,
  at: Iso,
): Rejection | null {
  const role = roleNameOf(state, request);
  if (request.status !== 'PendingApproval') {
    return reject(
      'request-not-pending',
      `This request to activate ${role} is no longer pending: it is ${request.status}.`,
    );
  }
  // Lapsed but not yet expired by the scheduler: decided as if it had been.
  if (!isRequestPending(request, at)) {
    return reject(
      'request-not-pending',
      sentence`This request to activate ${role} lapsed at ${instant(request.expiresAt)}.`,
    );
  }
  if (request.principalId === userId) {
    return reject('approver-is-requester', 'Nobody can approve or deny their own request.');
  }
  if (!approversOfRequest(state, request, at).has(userId)) {
    return reject('not-an-approver', `You are not an approver for ${role}.`);
  }
  const earlier = request.decisions.find((d) => d.approverId === userId);
  if (earlier) {
    const verb = earlier.decision === 'approve' ? 'approved' : 'denied';
    return reject(
      'already-decided',
      sentence`You already ${verb} this request at ${instant(earlier.at)}.`,
    );
  }
  return null;
}

/**
 * The requests `userId` could approve or deny at `at`, oldest first: the approvals inbox.
 */
export function requestsAwaiting(state: TenantState, userId: UserId, at: Iso): ActivationRequest[] {
  return valuesOf(state.requests)
    .filter((r) => canApprove(state, userId, r, at) === null)
    .sort((a, b) => compareText(a.requestedAt, b.requestedAt) || compareText(a.id, b.id));
}

/** What activating an assignment involves: the app's "who could approve" preview. */
export type ActivationPath = {
  needsApproval: boolean;
  /** Who could decide a request made now, without the requester; sorted by id. */
  approvers: UserId[];
  /** The quorum a request made now would need; 0 when no approval is needed. */
  approvalsRequired: number;
};

/**
 * Whether activating this assignment at `at` would start at once or create a request, and if
 * so who could approve it now and how many must. Approvers are evaluated again at each
 * decision (`approversFor`), so with the default approvers — administrators who may themselves
 * activate just in time — the list can be short or empty now and still be met later. Says
 * nothing about blockers: see `activationBlockers`.
 */
export function activationPath(
  state: TenantState,
  userId: UserId,
  assignmentId: AssignmentId,
  at: Iso,
): ActivationPath {
  const assignment = getOwn(state.assignments, assignmentId);
  const settings = assignment ? settingsForAssignment(state, assignment) : null;
  // A break-glass account never waits for approval (it raises an alert instead).
  const breakGlass = getOwn(state.users, userId)?.breakGlass === true;
  if (!assignment || !settings?.requireApproval || breakGlass) {
    return { needsApproval: false, approvers: [], approvalsRequired: 0 };
  }
  const approvers = [...approversFor(state, assignment.roleId, at, assignment.scopeId, userId)]
    .filter((id) => id !== userId)
    .sort();
  return { needsApproval: true, approvers, approvalsRequired: settings.approvalsRequired };
}

/** Code-unit order: the same on every client and the relay, whatever their locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
