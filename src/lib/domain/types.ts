/**
 * Leasehold's domain vocabulary. Pure data: no IO, no clock, no randomness.
 * Times are RFC 3339 UTC strings with millisecond precision (`2026-11-26T13:00:00.000Z`),
 * so they compare correctly as strings and canonicalise without floats.
 */

/** RFC 3339 UTC timestamp, as produced by `new Date(ms).toISOString()`. */
export type Iso = string;
export type UserId = string;
export type RoleId = string;
export type AssignmentId = string;
export type ActivationId = string;
export type InviteId = string;
export type DeviceId = string;
export type AlertId = string;
/** A node of the resource tree (management group, subscription, resource group, resource). */
export type ScopeId = string;
export type GroupId = string;
export type AdministrativeUnitId = string;

export type User = {
  id: UserId;
  displayName: string;
  status: 'active' | 'disabled';
  createdAt: Iso;
  /**
   * A break-glass (emergency) account: activates eligible roles without approval, and every
   * activation raises a high-severity alert. Absent means false: users created before the flag
   * existed, and read models built from older documents, carry no such field.
   */
  breakGlass?: boolean;
};

/** A WebAuthn credential registered to a user (WebAuthn L3 §6.1). */
export type Passkey = {
  /** base64url credential ID. */
  id: string;
  userId: UserId;
  /** base64url COSE public key, as returned by verifyRegistrationResponse. */
  publicKey: string;
  transports: string[];
  registeredAt: Iso;
  backedUp: boolean;
};

/** A browser profile's device key (ECDSA P-256), enrolled by a passkey ceremony over its public key. */
export type Device = {
  id: DeviceId;
  userId: UserId;
  /** Public JWK of the P-256 device key: { kty, crv, x, y }. */
  publicKey: DevicePublicKey;
  label: string;
  enrolledAt: Iso;
  revokedAt: Iso | null;
};

export type DevicePublicKey = { kty: 'EC'; crv: 'P-256'; x: string; y: string };

/**
 * 'directory': tenant-wide or in an administrative unit. 'resource': held at a scope of the
 * resource tree. 'group': the pseudo-roles `group-member:<groupId>` and `group-owner:<groupId>`
 * of PIM for Groups (never stored as roles; `findRole` derives them from the group).
 */
export type RoleKind = 'directory' | 'resource' | 'group';

/** The kinds of resource-tree node, from the top; a child's kind comes after its parent's. */
export type ScopeKind = 'management-group' | 'subscription' | 'resource-group' | 'resource';

/**
 * A node of the resource tree. Assignments at a scope apply at it and below it; role settings
 * do not inherit. A deleted scope keeps its record (ledger history names it) but covers nothing.
 */
export type Scope = {
  id: ScopeId;
  kind: ScopeKind;
  name: string;
  parentId: ScopeId | null;
  createdAt: Iso;
  deletedAt: Iso | null;
};

/** A set of users that directory-role assignments can be limited to (e.g. a User Administrator for one office). */
export type AdministrativeUnit = {
  id: AdministrativeUnitId;
  name: string;
  memberIds: UserId[];
  createdAt: Iso;
};

/**
 * A group for PIM for Groups. `memberIds` and `ownerIds` are permanent; just-in-time membership
 * and ownership are assignments of `group-member:<id>` / `group-owner:<id>`. Members of a nested
 * group are members of this one.
 */
export type Group = {
  id: GroupId;
  name: string;
  description: string;
  memberIds: UserId[];
  ownerIds: UserId[];
  nestedGroupIds: GroupId[];
  createdAt: Iso;
};

export type Role = {
  id: RoleId;
  name: string;
  description: string;
  kind: RoleKind;
  builtIn: boolean;
  createdAt: Iso;
};

/** Per-role settings (PRODUCT.md "Role settings, with defaults"). Durations in minutes or days. */
/** The three events a role's notification settings cover (PRODUCT.md "Role settings"). */
export type NotificationEvent = 'assignedEligible' | 'assignedActive' | 'activated';
/** Who hears of them: administrators, the assignee or requester, and the role's approvers. */
export type NotificationRecipients = 'admins' | 'assignee' | 'approvers';
/**
 * One cell of the table: whether the default recipients of that kind are told, who else is, and
 * whether only notifications that need the recipient to act are sent.
 */
export type NotificationRule = {
  defaultRecipients: boolean;
  additionalRecipients: UserId[];
  criticalOnly: boolean;
};
export type NotificationSettings = Record<
  NotificationEvent,
  Record<NotificationRecipients, NotificationRule>
>;

export type RoleSettings = {
  maxActivationMinutes: number;
  requirePasskeyOnActivation: boolean;
  requireJustification: boolean;
  requireTicket: boolean;
  requireApproval: boolean;
  approvers: UserId[];
  approvalsRequired: number;
  pendingTimeoutMinutes: number;
  allowPermanentEligible: boolean;
  eligibleExpiryDays: number;
  allowPermanentActive: boolean;
  activeExpiryDays: number;
  requirePasskeyOnActiveAssignment: boolean;
  requireJustificationOnActiveAssignment: boolean;
  offlineConfirmWindowMinutes: number;
  /**
   * Optional: settings recorded before notifications existed have none, which reads as the
   * defaults (`notificationSettingsOf`); `normaliseRoleSettings` always sets it.
   */
  notifications?: NotificationSettings;
};

export type AssignmentType = 'eligible' | 'active';

/**
 * An eligible or active assignment of a role to a principal; endsAt null means permanent.
 * The optional fields are absent in assignments made before scopes and groups existed: read
 * them through `scopeOf`, `administrativeUnitOf`, `principalKindOf`.
 */
export type Assignment = {
  id: AssignmentId;
  /** A user id, or a group id when `principalKind` is 'group' (its members inherit it). */
  principalId: UserId;
  /** Absent means 'user'. */
  principalKind?: 'user' | 'group';
  /** Resource roles: the scope it applies at and below. Absent/null: tenant-wide (directory roles). */
  scopeId?: ScopeId | null;
  /** Directory roles: the administrative unit it is limited to. Absent/null: the whole tenant. */
  administrativeUnitId?: AdministrativeUnitId | null;
  roleId: RoleId;
  type: AssignmentType;
  startsAt: Iso;
  endsAt: Iso | null;
  createdAt: Iso;
  createdBy: UserId | 'system';
  justification: string;
  status: 'current' | 'removed';
  removedAt: Iso | null;
};

export type Ticket = { system: string; number: string };

/**
 * A just-in-time activation of an eligible assignment. Status 'active' with `startsAt` in the
 * future is a *scheduled* activation: it grants nothing until `startsAt` (see
 * `isActivationActive`, `isActivationScheduled`).
 */
export type Activation = {
  id: ActivationId;
  assignmentId: AssignmentId;
  principalId: UserId;
  roleId: RoleId;
  startsAt: Iso;
  endsAt: Iso;
  requestedAt: Iso;
  justification: string;
  ticket: Ticket | null;
  status: 'active' | 'deactivated' | 'expired';
  endedAt: Iso | null;
};

export type RequestId = string;

/** Request statuses, in Microsoft Graph's vocabulary (PRODUCT.md "Lifecycle rules"). */
export type RequestStatus =
  | 'PendingApproval'
  | 'PendingAdminDecision'
  | 'Granted'
  | 'Provisioned'
  | 'Denied'
  | 'Canceled'
  | 'Revoked'
  | 'Expired'
  | 'Failed';

export type ApprovalDecision = {
  approverId: UserId;
  decision: 'approve' | 'deny';
  justification: string;
  at: Iso;
};

/** An activation that needs approval: granted when `approvalsRequired` distinct approvers approve. */
export type ActivationRequest = {
  id: RequestId;
  assignmentId: AssignmentId;
  principalId: UserId;
  roleId: RoleId;
  /** The activation to create when the request is granted. */
  activationId: ActivationId;
  durationMinutes: number;
  /**
   * The requested start of a scheduled activation, or null for "as soon as granted". The
   * activation starts at the later of this and the grant. Absent in requests made before
   * scheduling existed; the fold reads that as null.
   */
  startsAt: Iso | null;
  justification: string;
  ticket: Ticket | null;
  requestedAt: Iso;
  /** The request lapses (status Expired) when nobody decides by then. */
  expiresAt: Iso;
  /** Quorum, fixed when the request is made so later setting changes do not move the goalposts. */
  approvalsRequired: number;
  status: RequestStatus;
  decisions: ApprovalDecision[];
  resolvedAt: Iso | null;
  resolvedBy: UserId | 'system' | null;
  history: { status: RequestStatus; at: Iso; by: UserId | 'system' }[];
};

/** An admin's verdict on an extension or renewal request (DecideExtension). */
export type AdminDecision = {
  adminId: UserId;
  decision: 'approve' | 'deny';
  /** The end actually granted (approve) — the requested one unless the admin changed it. */
  endsAt: Iso | null;
  /** The assignment type actually granted (approve). */
  assignmentType: AssignmentType;
  justification: string;
  at: Iso;
};

/**
 * A user's request to extend an assignment that ends soon ('extend') or to renew one that
 * expired recently ('renew'), decided by an administrator (status PendingAdminDecision). Kept
 * apart from ActivationRequest: different deciders, no quorum, no timeout.
 */
export type AssignmentRequest = {
  id: RequestId;
  kind: 'extend' | 'renew';
  assignmentId: AssignmentId;
  principalId: UserId;
  roleId: RoleId;
  /** The assignment's type when asked; the admin may grant another. */
  assignmentType: AssignmentType;
  /** The end the requester asks for. */
  endsAt: Iso;
  justification: string;
  requestedAt: Iso;
  status: RequestStatus;
  decision: AdminDecision | null;
  /** For an approved renewal: the new assignment (`renewalAssignmentIdFor(id)`). */
  newAssignmentId: AssignmentId | null;
  /**
   * When it lapses (status Expired) if no administrator decided: ASSIGNMENT_REQUEST_TIMEOUT_DAYS
   * (14) after it was asked. Optional: requests recorded before timeouts never lapse.
   */
  expiresAt?: Iso;
  resolvedAt: Iso | null;
  resolvedBy: UserId | 'system' | null;
  history: { status: RequestStatus; at: Iso; by: UserId | 'system' }[];
};

export type AlertKind = 'break-glass-used';
export type AlertSeverity = 'low' | 'medium' | 'high';

/** A security alert (PRODUCT.md "Security alerts"), readable with 'read-alerts'. */
export type Alert = {
  id: AlertId;
  kind: AlertKind;
  severity: AlertSeverity;
  userId: UserId;
  roleId: RoleId;
  activationId: ActivationId;
  at: Iso;
};

export type Invite = {
  id: InviteId;
  /** base64url SHA-256 of the invite secret; the secret itself never reaches the relay's state. */
  tokenHash: string;
  displayName: string;
  createdBy: UserId;
  createdAt: Iso;
  expiresAt: Iso;
  acceptedBy: UserId | null;
  acceptedAt: Iso | null;
  revokedAt: Iso | null;
  /**
   * The administrative unit the invitee joins on accepting. Optional so invites recorded before
   * units existed still type-check; absent or null: none.
   */
  administrativeUnitId?: AdministrativeUnitId | null;
};

/** The whole authoritative state of a tenant: the fold of accepted ledger events. */
export type TenantState = {
  setupCompletedAt: Iso | null;
  users: Record<UserId, User>;
  passkeys: Record<string, Passkey>;
  devices: Record<DeviceId, Device>;
  /** Custom roles only; built-in roles come from the catalogue. */
  customRoles: Record<RoleId, Role>;
  /** Settings overrides; a role without an entry uses the defaults. */
  settings: Record<RoleId, RoleSettings>;
  assignments: Record<AssignmentId, Assignment>;
  activations: Record<ActivationId, Activation>;
  invites: Record<InviteId, Invite>;
  requests: Record<RequestId, ActivationRequest>;
  /**
   * Extension and renewal requests. Optional only so read models written before it existed
   * still type-check; `initialState` always sets it; read it through `assignmentRequestsOf`.
   */
  assignmentRequests?: Record<RequestId, AssignmentRequest>;
  /** Security alerts; optional for the same reason; read through `alertsOf`. */
  alerts?: Record<AlertId, Alert>;
  /** The resource tree; optional for the same reason; read through `scopesOf`. */
  scopes?: Record<ScopeId, Scope>;
  /** Administrative units; read through `administrativeUnitsOf`. */
  administrativeUnits?: Record<AdministrativeUnitId, AdministrativeUnit>;
  /** PIM for Groups; read through `groupsOf`. */
  groups?: Record<GroupId, Group>;
};

// ---------------------------------------------------------------------------------------------
// Commands: imperative, what a user (or the relay on their behalf) asks for.
// ---------------------------------------------------------------------------------------------

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
       * Optional: the invitee joins this administrative unit. A User Administrator whose role is
       * limited to a unit must name that unit.
       */
      administrativeUnitId?: AdministrativeUnitId | null;
    }
  | { type: 'RevokeInvite'; inviteId: InviteId }
  | { type: 'CreateRole'; roleId: RoleId; name: string; description: string }
  | {
      type: 'AssignRole';
      assignmentId: AssignmentId;
      principalId: UserId;
      /** Optional: absent means 'user'; 'group' makes the group's members inherit it. */
      principalKind?: 'user' | 'group';
      roleId: RoleId;
      /** Optional: required for resource roles, refused for others. */
      scopeId?: ScopeId | null;
      /** Optional: limits a directory role to an administrative unit. */
      administrativeUnitId?: AdministrativeUnitId | null;
      assignmentType: AssignmentType;
      /** Omitted or null: starts now. */
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
      /** Optional: resource roles' settings are per role × scope, and required then. */
      scopeId?: ScopeId | null;
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
  /** "Add a device": another passkey and device key for an existing user (domain/devices.ts). */
  | { type: 'AddPasskey'; userId: UserId; passkey: NewPasskey; device: NewDevice }
  | { type: 'ExpireActivation'; activationId: ActivationId }
  | { type: 'ExpireAssignment'; assignmentId: AssignmentId }
  | { type: 'ExpireRequest'; requestId: RequestId };

export type Command = UserCommand | RelayCommand;
export type CommandType = Command['type'];

// ---------------------------------------------------------------------------------------------
// Events: past tense, what happened. State = fold(evolve, initialState(), events).
// ---------------------------------------------------------------------------------------------

export type DomainEvent =
  | { type: 'SetupCompleted'; at: Iso }
  /** Ledger entries from before break-glass carry no `breakGlass`; the fold reads false. */
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
      /** Resource roles: the scope these settings are for. Absent in older entries: none. */
      scopeId?: ScopeId | null;
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

// ---------------------------------------------------------------------------------------------
// Deciding.
// ---------------------------------------------------------------------------------------------

/** Who is acting and when; arrives from the relay (or the client's preview), never from the clock. */
export type DecisionContext = {
  at: Iso;
  /** The signed-in user (device-key verified), or 'system' for the relay's own commands. */
  actor: { kind: 'user'; userId: UserId; deviceId: DeviceId } | { kind: 'system' };
  /** True when the relay verified a passkey assertion bound to this exact command. */
  passkeyConfirmed: boolean;
};
