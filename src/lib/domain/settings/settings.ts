/**
 * Role settings (policy) with Entra's defaults, and the ranges an editor may choose from
 * (PRODUCT.md "Role settings, with defaults").
 */
import type {
  Assignment,
  NotificationEvent,
  NotificationRecipients,
  NotificationRule,
  NotificationSettings,
  RoleId,
  RoleSettings,
  ScopeId,
  TenantState,
} from '#domain/model';
import { getOwn } from '#domain/records';
import { reject, type Rejection } from '#domain/rejections';

/** The events and recipient kinds of the notification table, in PRODUCT.md's order. */
export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = [
  'assignedEligible',
  'assignedActive',
  'activated',
];
export const NOTIFICATION_RECIPIENTS: readonly NotificationRecipients[] = [
  'admins',
  'assignee',
  'approvers',
];
/** Most additional recipients one cell may name. */
export const MAX_ADDITIONAL_RECIPIENTS = 20;

const DEFAULT_RULE: NotificationRule = Object.freeze({
  defaultRecipients: true,
  additionalRecipients: Object.freeze([]) as unknown as string[],
  criticalOnly: false,
});

/** Entra's defaults: every cell on, no additional recipients, every notification (not critical only). */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = Object.freeze(
  Object.fromEntries(
    NOTIFICATION_EVENTS.map((event) => [
      event,
      Object.freeze(
        Object.fromEntries(NOTIFICATION_RECIPIENTS.map((kind) => [kind, DEFAULT_RULE])),
      ),
    ]),
  ),
) as NotificationSettings;

/** Words for the table's rows and columns. */
export const NOTIFICATION_EVENT_LABELS: Readonly<Record<NotificationEvent, string>> = {
  assignedEligible: 'Someone is assigned as eligible',
  assignedActive: 'Someone is assigned as active',
  activated: 'An eligible member activates the role',
};
export const NOTIFICATION_RECIPIENT_LABELS: Readonly<Record<NotificationRecipients, string>> = {
  admins: 'Administrators',
  assignee: 'Assignee or requester',
  approvers: 'Approvers',
};

/**
 * The settings of every role that has no override. Frozen, because it is shared by every
 * caller of `settingsFor`: copy it before editing.
 */
export const DEFAULT_ROLE_SETTINGS: RoleSettings = Object.freeze({
  maxActivationMinutes: 480,
  requirePasskeyOnActivation: true,
  requireJustification: true,
  requireTicket: false,
  requireApproval: false,
  approvers: Object.freeze([]) as unknown as RoleSettings['approvers'],
  approvalsRequired: 1,
  pendingTimeoutMinutes: 1440,
  allowPermanentEligible: true,
  eligibleExpiryDays: 365,
  allowPermanentActive: true,
  activeExpiryDays: 180,
  requirePasskeyOnActiveAssignment: false,
  requireJustificationOnActiveAssignment: true,
  offlineConfirmWindowMinutes: 480,
  notifications: DEFAULT_NOTIFICATION_SETTINGS,
});

/**
 * The key of a role's settings in `TenantState.settings`: the role id, or for a resource role
 * at a scope `roleId@scopeId` (per role × scope, PRODUCT.md "Role settings"). Group member and
 * owner settings are keyed by their pseudo-role ids, so they are per group × member/owner.
 * Custom role ids may not contain '@', so the keys cannot collide.
 */
export function settingsKey(roleId: RoleId, scopeId: ScopeId | null): string {
  return scopeId === null ? roleId : `${roleId}@${scopeId}`;
}

/**
 * The settings in force for a role (at `scopeId` for a resource role): its override, or the
 * defaults. Settings do not inherit down the resource tree: a scope without its own override
 * uses the defaults, never its parent's settings.
 */
export function settingsFor(
  state: TenantState,
  roleId: RoleId,
  scopeId: ScopeId | null = null,
): RoleSettings {
  return getOwn(state.settings, settingsKey(roleId, scopeId)) ?? DEFAULT_ROLE_SETTINGS;
}

/** The settings that govern an assignment: its role's, at its scope. */
export function settingsForAssignment(
  state: TenantState,
  assignment: Pick<Assignment, 'roleId' | 'scopeId'>,
): RoleSettings {
  return settingsFor(state, assignment.roleId, assignment.scopeId);
}

/** Inclusive integer ranges, and the expiry choices offered when permanence is not allowed. */
export const SETTING_RANGES = {
  maxActivationMinutes: { min: 30, max: 1440 },
  approvalsRequired: { min: 1, max: 5 },
  pendingTimeoutMinutes: { min: 15, max: 10080 },
  offlineConfirmWindowMinutes: { min: 0, max: 1440 },
  /** 15 days, 1, 3 and 6 months, 1 year. */
  expiryDays: [15, 30, 90, 180, 365],
} as const;

type RangedSetting = Exclude<keyof typeof SETTING_RANGES, 'expiryDays'>;

const LABELS: Record<RangedSetting | 'eligibleExpiryDays' | 'activeExpiryDays', string> = {
  maxActivationMinutes: 'Activation maximum duration (minutes)',
  approvalsRequired: 'Approvals needed',
  pendingTimeoutMinutes: 'Pending-request timeout (minutes)',
  offlineConfirmWindowMinutes: 'Offline confirmation window (minutes)',
  eligibleExpiryDays: 'Eligible assignment expiry (days)',
  activeExpiryDays: 'Active assignment expiry (days)',
};

const RANGED_SETTINGS = [
  'maxActivationMinutes',
  'approvalsRequired',
  'pendingTimeoutMinutes',
  'offlineConfirmWindowMinutes',
] as const satisfies readonly RangedSetting[];

/** Every yes/no setting of a role. */
export const BOOLEAN_SETTINGS = [
  'requirePasskeyOnActivation',
  'requireJustification',
  'requireTicket',
  'requireApproval',
  'allowPermanentEligible',
  'allowPermanentActive',
  'requirePasskeyOnActiveAssignment',
  'requireJustificationOnActiveAssignment',
] as const satisfies readonly (keyof RoleSettings)[];

/** Every whole-number setting of a role. */
export const NUMBER_SETTINGS = [
  ...RANGED_SETTINGS,
  'eligibleExpiryDays',
  'activeExpiryDays',
] as const satisfies readonly (keyof RoleSettings)[];

/**
 * Why these settings cannot be saved (an 'invalid-value' rejection naming the first bad
 * setting), or null when they are all within range. Checks runtime types too, because settings
 * arrive from clients as JSON. Whether the approvers exist is for `decide`, which has the state.
 * Approver entries are user ids or group ids; `isGroup` says which are groups (an existing
 * group's id), whose members change over time, so M-of-N is only checked against a list of
 * users alone.
 */
export function validateRoleSettings(
  s: RoleSettings,
  isGroup: (id: string) => boolean = () => false,
): Rejection | null {
  if (typeof s !== 'object' || s === null) {
    return reject('invalid-value', 'Role settings must be an object of settings.');
  }
  for (const key of RANGED_SETTINGS) {
    const { min, max } = SETTING_RANGES[key];
    const value: unknown = s[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return reject(
        'invalid-value',
        `${LABELS[key]} must be a whole number from ${min} to ${max}.`,
      );
    }
  }
  for (const key of ['eligibleExpiryDays', 'activeExpiryDays'] as const) {
    const value: unknown = s[key];
    if (!(SETTING_RANGES.expiryDays as readonly unknown[]).includes(value)) {
      const choices = SETTING_RANGES.expiryDays.join(', ');
      return reject('invalid-value', `${LABELS[key]} must be one of ${choices}.`);
    }
  }
  for (const key of BOOLEAN_SETTINGS) {
    if (typeof s[key] !== 'boolean') {
      return reject('invalid-value', `The setting ${key} must be on or off.`);
    }
  }
  const approvers: unknown = s.approvers;
  if (!Array.isArray(approvers) || !approvers.every((a) => typeof a === 'string' && a !== '')) {
    return reject('invalid-value', 'Approvers must be a list of user and group ids.');
  }
  if (new Set(approvers).size !== approvers.length) {
    return reject('invalid-value', 'Each approver may be listed only once.');
  }
  const badNotifications = invalidNotifications(s.notifications);
  if (badNotifications) return badNotifications;
  // M-of-N needs N ≥ M, or no request could ever be granted. An empty list means the
  // Privileged Role and Global Administrators, whose number changes, so it is not checked;
  // nor is a list with a group in it, whose members change.
  const onlyUsers = approvers.every((a: string) => !isGroup(a));
  if (approvers.length > 0 && onlyUsers && s.approvalsRequired > approvers.length) {
    return reject(
      'invalid-value',
      `${LABELS.approvalsRequired} (${s.approvalsRequired}) cannot exceed the number of approvers (${approvers.length}).`,
    );
  }
  return null;
}

function invalidNotifications(n: unknown): Rejection | null {
  const fail = (what: string) => reject('invalid-value', `Notification settings: ${what}.`);
  if (typeof n !== 'object' || n === null) return fail('must be a table of events');
  for (const event of NOTIFICATION_EVENTS) {
    const row: unknown = (n as Record<string, unknown>)[event];
    if (typeof row !== 'object' || row === null) return fail(`${event} is missing`);
    for (const kind of NOTIFICATION_RECIPIENTS) {
      const rule = (row as Record<string, unknown>)[kind] as Partial<NotificationRule> | undefined;
      if (typeof rule !== 'object' || rule === null) return fail(`${event} → ${kind} is missing`);
      if (typeof rule.defaultRecipients !== 'boolean' || typeof rule.criticalOnly !== 'boolean') {
        return fail(`${event} → ${kind} must say on or off`);
      }
      const extra: unknown = rule.additionalRecipients;
      if (
        !Array.isArray(extra) ||
        extra.length > MAX_ADDITIONAL_RECIPIENTS ||
        !extra.every((id) => typeof id === 'string' && id !== '') ||
        new Set(extra).size !== extra.length
      ) {
        return fail(
          `${event} → ${kind} may name at most ${MAX_ADDITIONAL_RECIPIENTS} additional recipients, each once`,
        );
      }
    }
  }
  return null;
}

/** Every additional recipient named anywhere in the table (for `decide` to check they exist). */
export function additionalRecipientsOf(n: NotificationSettings): string[] {
  return NOTIFICATION_EVENTS.flatMap((event) =>
    NOTIFICATION_RECIPIENTS.flatMap((kind) => n[event][kind].additionalRecipients),
  );
}

/**
 * What each setting is called in the audit diff and activity feed, phrased to sit mid-sentence
 * ("maximum activation 8 h → 4 h"); capitalise the first letter for a heading. The key order
 * is PRODUCT.md's table order, which `diffRoleSettings` follows.
 */
export const SETTING_LABELS: Readonly<Record<keyof RoleSettings, string>> = Object.freeze({
  maxActivationMinutes: 'maximum activation',
  requirePasskeyOnActivation: 'passkey on activation',
  requireJustification: 'justification on activation',
  requireTicket: 'ticket on activation',
  requireApproval: 'approval required',
  approvers: 'approvers',
  approvalsRequired: 'approvals needed',
  pendingTimeoutMinutes: 'pending-request timeout',
  allowPermanentEligible: 'permanent eligible assignments',
  eligibleExpiryDays: 'eligible assignments expire after',
  allowPermanentActive: 'permanent active assignments',
  activeExpiryDays: 'active assignments expire after',
  requirePasskeyOnActiveAssignment: 'passkey on active assignment',
  requireJustificationOnActiveAssignment: 'justification on active assignment',
  offlineConfirmWindowMinutes: 'offline confirmation window',
  notifications: 'notifications',
});

const SETTING_KEYS = Object.keys(SETTING_LABELS) as (keyof RoleSettings)[];

/** One changed setting, typed by its field so a view can format the values without casts. */
export type RoleSettingChange = {
  [K in keyof RoleSettings]-?: { field: K; before: RoleSettings[K]; after: RoleSettings[K] };
}[keyof RoleSettings];

/**
 * The settings that differ between `before` and `after`, in table order: the audit's diff view
 * of a RoleSettingsUpdated event. Approvers are a set, so listing them in another order is
 * no change.
 */
export function diffRoleSettings(before: RoleSettings, after: RoleSettings): RoleSettingChange[] {
  const changes: RoleSettingChange[] = [];
  for (const field of SETTING_KEYS) {
    const same =
      field === 'approvers'
        ? sameMembers(before.approvers, after.approvers)
        : field === 'notifications'
          ? JSON.stringify(before.notifications) === JSON.stringify(after.notifications)
          : before[field] === after[field];
    if (!same) {
      changes.push({ field, before: before[field], after: after[field] } as RoleSettingChange);
    }
  }
  return changes;
}

/**
 * Exactly the RoleSettings fields of `s`, approvers sorted: what the ledger stores. Unknown
 * keys from a client's JSON are dropped, and the sorted list makes "same approvers" one value.
 * Call only on settings `validateRoleSettings` accepted.
 */
export function normaliseRoleSettings(s: RoleSettings): RoleSettings {
  return {
    maxActivationMinutes: s.maxActivationMinutes,
    requirePasskeyOnActivation: s.requirePasskeyOnActivation,
    requireJustification: s.requireJustification,
    requireTicket: s.requireTicket,
    requireApproval: s.requireApproval,
    // Code-unit order, not a locale collator, so every client and the relay agree.
    approvers: [...s.approvers].sort(),
    approvalsRequired: s.approvalsRequired,
    pendingTimeoutMinutes: s.pendingTimeoutMinutes,
    allowPermanentEligible: s.allowPermanentEligible,
    eligibleExpiryDays: s.eligibleExpiryDays,
    allowPermanentActive: s.allowPermanentActive,
    activeExpiryDays: s.activeExpiryDays,
    requirePasskeyOnActiveAssignment: s.requirePasskeyOnActiveAssignment,
    requireJustificationOnActiveAssignment: s.requireJustificationOnActiveAssignment,
    offlineConfirmWindowMinutes: s.offlineConfirmWindowMinutes,
    notifications: normaliseNotifications(s.notifications),
  };
}

/** Exactly the table's fields, additional recipients sorted, in a fixed key order. */
function normaliseNotifications(n: NotificationSettings): NotificationSettings {
  return Object.fromEntries(
    NOTIFICATION_EVENTS.map((event) => [
      event,
      Object.fromEntries(
        NOTIFICATION_RECIPIENTS.map((kind) => {
          const rule = n[event][kind];
          return [
            kind,
            {
              defaultRecipients: rule.defaultRecipients,
              additionalRecipients: [...rule.additionalRecipients].sort(),
              criticalOnly: rule.criticalOnly,
            },
          ];
        }),
      ),
    ]),
  ) as NotificationSettings;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}
