/**
 * Commands: imperative, what a user (or the relay on their behalf) asks for. Each is decided by
 * `decide` (decide.ts), which hands it to its feature's decider.
 */
import type {
  ActivationId,
  AdministrativeUnitId,
  AssignmentId,
  AssignmentType,
  DeviceId,
  DevicePublicKey,
  GroupId,
  InviteId,
  Iso,
  Passkey,
  RequestId,
  RoleId,
  RoleSettings,
  ScopeId,
  ScopeKind,
  Ticket,
  UserId,
} from './model';

export type NewPasskey = Omit<Passkey, 'userId' | 'registeredAt'>;
export type NewDevice = { id: DeviceId; publicKey: DevicePublicKey; label: string };

/** Commands a signed-in user sends, signed by their device key. */
export type UserCommand =
  | {
      type: 'CreateInvite';
      inviteId: InviteId;
      tokenHash: string;
      displayName: string;
      /**
       * The administrative unit the invitee joins, or null. A User Administrator whose role is
       * limited to a unit must name that unit.
       */
      administrativeUnitId: AdministrativeUnitId | null;
    }
  | { type: 'RevokeInvite'; inviteId: InviteId }
  | { type: 'CreateRole'; roleId: RoleId; name: string; description: string }
  | {
      type: 'AssignRole';
      assignmentId: AssignmentId;
      principalId: UserId;
      /** 'group' makes the group's members inherit it. */
      principalKind: 'user' | 'group';
      roleId: RoleId;
      /** A scope for resource roles (where it is required); null for every other role. */
      scopeId: ScopeId | null;
      /** Limits a directory role to an administrative unit; null: the whole tenant. */
      administrativeUnitId: AdministrativeUnitId | null;
      assignmentType: AssignmentType;
      /** null: starts now. */
      startsAt: Iso | null;
      /** null: permanent. */
      endsAt: Iso | null;
      justification: string;
    }
  | { type: 'RemoveAssignment'; assignmentId: AssignmentId; justification: string }
  | {
      type: 'ActivateRole';
      activationId: ActivationId;
      assignmentId: AssignmentId;
      durationMinutes: number;
      /** null: now. A future start (≤ 30 days ahead, before the eligibility ends) schedules it. */
      startsAt: Iso | null;
      justification: string;
      ticket: Ticket | null;
    }
  /**
   * Several activations in one signed command, so one passkey ceremony covers them all; each
   * role's own settings still apply. All or nothing: the first rejected item rejects the bundle.
   */
  | {
      type: 'ActivateRoles';
      bundleId: string;
      items: BundleItem[];
      justification: string;
      ticket: Ticket | null;
    }
  /** Cancels a scheduled activation before it starts, or ends an active one early. */
  | { type: 'DeactivateRole'; activationId: ActivationId }
  | { type: 'RevokeDevice'; deviceId: DeviceId }
  /** Replaces a role's settings (manage-roles); the event records both old and new values. */
  | {
      type: 'UpdateRoleSettings';
      roleId: RoleId;
      settings: RoleSettings;
      /** Resource roles' settings are per role × scope (a scope required); null for others. */
      scopeId: ScopeId | null;
    }
  | { type: 'ApproveRequest'; requestId: RequestId; justification: string }
  | { type: 'DenyRequest'; requestId: RequestId; justification: string }
  /**
   * One verdict on several activation requests in one signed command, so one passkey ceremony
   * covers the listed decisions. All or nothing: the first request that cannot take the verdict
   * rejects the whole list, naming it.
   */
  | {
      type: 'DecideRequests';
      batchId: string;
      decision: 'approve' | 'deny';
      requestIds: RequestId[];
      justification: string;
    }
  | { type: 'CancelRequest'; requestId: RequestId; justification: string }
  /** The assignee asks to extend an assignment ending within 14 days. */
  | {
      type: 'RequestExtension';
      requestId: RequestId;
      assignmentId: AssignmentId;
      endsAt: Iso;
      justification: string;
    }
  /** The assignee asks to renew an assignment that expired within the last 30 days. */
  | {
      type: 'RequestRenewal';
      requestId: RequestId;
      assignmentId: AssignmentId;
      endsAt: Iso;
      justification: string;
    }
  /** An administrator decides an extension or renewal; null keeps what was asked / the type. */
  | {
      type: 'DecideExtension';
      requestId: RequestId;
      decision: 'approve' | 'deny';
      endsAt: Iso | null;
      assignmentType: AssignmentType | null;
      justification: string;
    }
  /**
   * An administrator changes a current assignment's period: its start while it has not started
   * (null: now), and its end, earlier or later (null: permanent, where the role allows it).
   */
  | {
      type: 'UpdateAssignment';
      assignmentId: AssignmentId;
      startsAt: Iso | null;
      endsAt: Iso | null;
      justification: string;
    }
  /** An administrator extends a current assignment directly; endsAt null makes it permanent. */
  | {
      type: 'ExtendAssignment';
      assignmentId: AssignmentId;
      endsAt: Iso | null;
      justification: string;
    }
  /** A Global Administrator marks or unmarks a break-glass account. */
  | { type: 'SetBreakGlass'; userId: UserId; breakGlass: boolean; justification: string }
  /** Global Administrator: a node of the resource tree; parentId null makes a root. */
  | {
      type: 'CreateScope';
      scopeId: ScopeId;
      kind: ScopeKind;
      name: string;
      parentId: ScopeId | null;
    }
  | { type: 'RenameScope'; scopeId: ScopeId; name: string }
  /** Only a scope with no child scopes; assignments left at it cover nothing any more. */
  | { type: 'DeleteScope'; scopeId: ScopeId }
  | { type: 'CreateAdministrativeUnit'; administrativeUnitId: AdministrativeUnitId; name: string }
  /** Replaces the unit's members. */
  | {
      type: 'SetAdministrativeUnitMembers';
      administrativeUnitId: AdministrativeUnitId;
      memberIds: UserId[];
    }
  /** The creator names the first owner (a group always has one). */
  | {
      type: 'CreateGroup';
      groupId: GroupId;
      name: string;
      description: string;
      ownerId: UserId;
    }
  | { type: 'AddGroupMember'; groupId: GroupId; userId: UserId }
  | { type: 'RemoveGroupMember'; groupId: GroupId; userId: UserId }
  | { type: 'AddGroupOwner'; groupId: GroupId; userId: UserId }
  | { type: 'RemoveGroupOwner'; groupId: GroupId; userId: UserId }
  /** Makes `childGroupId`'s members members of `groupId` too. */
  | { type: 'NestGroup'; groupId: GroupId; childGroupId: GroupId }
  | { type: 'UnnestGroup'; groupId: GroupId; childGroupId: GroupId };

/** One activation inside an ActivateRoles bundle. */
export type BundleItem = {
  activationId: ActivationId;
  assignmentId: AssignmentId;
  durationMinutes: number;
  startsAt: Iso | null;
};

/** Commands the relay issues itself after an HTTP passkey ceremony or from its scheduler. */
export type RelayCommand =
  | {
      type: 'CompleteSetup';
      userId: UserId;
      displayName: string;
      passkey: NewPasskey;
      device: NewDevice;
      assignmentId: AssignmentId;
    }
  | {
      type: 'AcceptInvite';
      inviteId: InviteId;
      tokenHash: string;
      userId: UserId;
      displayName: string;
      passkey: NewPasskey;
      device: NewDevice;
    }
  | { type: 'EnrolDevice'; userId: UserId; credentialId: string; device: NewDevice }
  /** "Add a device": another passkey and device key for an existing user (directory/devices.ts). */
  | { type: 'AddPasskey'; userId: UserId; passkey: NewPasskey; device: NewDevice }
  | { type: 'ExpireActivation'; activationId: ActivationId }
  | { type: 'ExpireAssignment'; assignmentId: AssignmentId }
  | { type: 'ExpireRequest'; requestId: RequestId };

export type Command = UserCommand | RelayCommand;
export type CommandType = Command['type'];
