/**
 * Events: past tense, what happened. State = fold(evolve, initialState(), events) (state.ts);
 * every accepted ledger entry carries the events its command produced.
 */
import type {
  ActivationId,
  ActivationRequest,
  Activation,
  AdminDecision,
  AdministrativeUnit,
  AdministrativeUnitId,
  Alert,
  ApprovalDecision,
  Assignment,
  AssignmentId,
  AssignmentRequest,
  AssignmentType,
  Device,
  DeviceId,
  Group,
  GroupId,
  Invite,
  InviteId,
  Iso,
  Passkey,
  RequestId,
  Role,
  RoleId,
  RoleSettings,
  Scope,
  ScopeId,
  User,
  UserId,
} from './model';

export type DomainEvent =
  | { type: 'SetupCompleted'; at: Iso }
  | { type: 'UserCreated'; user: User }
  | { type: 'PasskeyRegistered'; passkey: Passkey }
  | { type: 'DeviceEnrolled'; device: Device }
  | { type: 'DeviceRevoked'; deviceId: DeviceId; at: Iso }
  | { type: 'InviteCreated'; invite: Invite }
  | { type: 'InviteRevoked'; inviteId: InviteId; at: Iso }
  | { type: 'InviteAccepted'; inviteId: InviteId; userId: UserId; at: Iso }
  | { type: 'RoleCreated'; role: Role }
  | { type: 'RoleAssigned'; assignment: Assignment }
  | { type: 'AssignmentRemoved'; assignmentId: AssignmentId; at: Iso }
  | { type: 'AssignmentExpired'; assignmentId: AssignmentId; at: Iso }
  | { type: 'ActivationStarted'; activation: Activation }
  | { type: 'ActivationDeactivated'; activationId: ActivationId; at: Iso }
  | { type: 'ActivationExpired'; activationId: ActivationId; at: Iso }
  | {
      type: 'RoleSettingsUpdated';
      roleId: RoleId;
      /** Resource roles: the scope these settings are for; null for every other role. */
      scopeId: ScopeId | null;
      before: RoleSettings;
      after: RoleSettings;
      by: UserId;
      at: Iso;
    }
  | { type: 'ActivationRequested'; request: ActivationRequest }
  | { type: 'RequestApproved'; requestId: RequestId; decision: ApprovalDecision }
  | { type: 'RequestDenied'; requestId: RequestId; decision: ApprovalDecision }
  /** The quorum was reached; an ActivationStarted event follows in the same entry. */
  | { type: 'RequestGranted'; requestId: RequestId; at: Iso }
  | { type: 'RequestCanceled'; requestId: RequestId; by: UserId; justification: string; at: Iso }
  | { type: 'RequestExpired'; requestId: RequestId; at: Iso }
  /**
   * The request can no longer lead to an activation: its eligible assignment was removed or
   * ended while it waited, or the quorum was reached when the assignment was no longer in
   * force. `reason` is a sentence for people.
   */
  | { type: 'RequestFailed'; requestId: RequestId; reason: string; at: Iso }
  | {
      type: 'UserBreakGlassSet';
      userId: UserId;
      breakGlass: boolean;
      by: UserId;
      justification: string;
      at: Iso;
    }
  /** A break-glass account activated a role (and the like, as more alert kinds arrive). */
  | { type: 'AlertRaised'; alert: Alert }
  /** An extension or renewal request, status PendingAdminDecision. */
  | { type: 'AssignmentRequested'; request: AssignmentRequest }
  /**
   * An administrator decided an extension or renewal request. An approval is followed in the
   * same entry by AssignmentExtended (extend) or RoleAssigned (renew).
   */
  | {
      type: 'AssignmentRequestDecided';
      requestId: RequestId;
      decision: AdminDecision;
      /** The assignment an approval created (a renewal, or an extension that came too late). */
      newAssignmentId: AssignmentId | null;
    }
  /**
   * A current assignment's end (and possibly its type) changed: an extension by an
   * administrator. The type is `assignmentType` because `type` names the event.
   */
  | {
      type: 'AssignmentExtended';
      assignmentId: AssignmentId;
      endsAt: Iso | null;
      assignmentType: AssignmentType;
      at: Iso;
    }
  /** UpdateAssignment: the period before and after, for the audit's diff. */
  | {
      type: 'AssignmentUpdated';
      assignmentId: AssignmentId;
      before: { startsAt: Iso; endsAt: Iso | null };
      after: { startsAt: Iso; endsAt: Iso | null };
      at: Iso;
    }
  | { type: 'ScopeCreated'; scope: Scope }
  | { type: 'ScopeRenamed'; scopeId: ScopeId; name: string; at: Iso }
  | { type: 'ScopeDeleted'; scopeId: ScopeId; at: Iso }
  | { type: 'AdministrativeUnitCreated'; unit: AdministrativeUnit }
  | {
      type: 'AdministrativeUnitMembersSet';
      administrativeUnitId: AdministrativeUnitId;
      memberIds: UserId[];
      at: Iso;
    }
  | { type: 'GroupCreated'; group: Group }
  | { type: 'GroupMemberAdded'; groupId: GroupId; userId: UserId; at: Iso }
  | { type: 'GroupMemberRemoved'; groupId: GroupId; userId: UserId; at: Iso }
  | { type: 'GroupOwnerAdded'; groupId: GroupId; userId: UserId; at: Iso }
  | { type: 'GroupOwnerRemoved'; groupId: GroupId; userId: UserId; at: Iso }
  | { type: 'GroupNested'; groupId: GroupId; childGroupId: GroupId; at: Iso }
  | { type: 'GroupUnnested'; groupId: GroupId; childGroupId: GroupId; at: Iso };

export type EventType = DomainEvent['type'];
