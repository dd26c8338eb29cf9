/**
 * Leasehold's domain vocabulary: the records a tenant's state is made of. Pure data: no IO, no
 * clock, no randomness. Commands are in commands.ts, events in events.ts.
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
   * activation raises a high-severity alert.
   */
  breakGlass: boolean;
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

/** Per-role settings (PRODUCT.md "Role settings, with defaults"). Durations in minutes or days. */
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
  notifications: NotificationSettings;
};

export type AssignmentType = 'eligible' | 'active';

/** An eligible or active assignment of a role to a principal; endsAt null means permanent. */
export type Assignment = {
  id: AssignmentId;
  /** A user id, or a group id when `principalKind` is 'group' (its members inherit it). */
  principalId: UserId;
  principalKind: 'user' | 'group';
  /** Resource roles: the scope it applies at and below. null: tenant-wide (directory roles). */
  scopeId: ScopeId | null;
  /** Directory roles: the administrative unit it is limited to. null: the whole tenant. */
  administrativeUnitId: AdministrativeUnitId | null;
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
   * activation starts at the later of this and the grant.
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
   * (14) after it was asked.
   */
  expiresAt: Iso;
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
  /** The administrative unit the invitee joins on accepting; null: none. */
  administrativeUnitId: AdministrativeUnitId | null;
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
  /** Extension and renewal requests. */
  assignmentRequests: Record<RequestId, AssignmentRequest>;
  /** Security alerts. */
  alerts: Record<AlertId, Alert>;
  /** The resource tree, deleted scopes included. */
  scopes: Record<ScopeId, Scope>;
  administrativeUnits: Record<AdministrativeUnitId, AdministrativeUnit>;
  /** PIM for Groups. */
  groups: Record<GroupId, Group>;
};
