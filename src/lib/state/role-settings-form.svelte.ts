/**
 * The role settings form: a copy of the settings in force for one role (at one scope, for a
 * resource role) that an administrator edits, what would change, and saving it.
 *
 * Every check is the domain's `validateRoleSettings`, the one the relay runs. A field's error is
 * the domain's verdict on that field alone, over the default settings (which pass), so the
 * message shows beside the control that causes it; anything it cannot place shows with the
 * changes.
 */
import { describeError, type CommandProgress } from '$lib/services';
import { updateRoleSettings } from '$lib/services/approvals';
import { findRole } from '#domain/catalogue';
import { describeRejection } from '#domain/describe';
import type { Sentence } from '#domain/sentence';
import { canManageRoleSettings } from '#domain/permissions';
import { getOwn } from '#domain/records';
import { liveScope } from '#domain/organisation/scopes';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  DEFAULT_ROLE_SETTINGS,
  diffRoleSettings,
  normaliseRoleSettings,
  NOTIFICATION_EVENT_LABELS,
  NOTIFICATION_EVENTS,
  NOTIFICATION_RECIPIENT_LABELS,
  NOTIFICATION_RECIPIENTS,
  SETTING_LABELS,
  SETTING_RANGES,
  settingsFor,
  validateRoleSettings,
} from '#domain/settings/settings';
import type {
  NotificationEvent,
  NotificationRecipients,
  NotificationSettings,
  RoleSettings,
  UserId,
} from '#domain/model';
import type { Clock } from './clock.svelte';
import type { SessionState } from './session.svelte';
import type { TenantStore } from './tenant.svelte';

/**
 * The controls the domain can refuse a value of, each with the settings its check reads
 * together: approvals needed is checked against the approvers (M of N).
 */
const FIELD_SETTINGS = {
  maxActivationMinutes: ['maxActivationMinutes'],
  approvalsRequired: ['approvers', 'approvalsRequired'],
  pendingTimeoutMinutes: ['pendingTimeoutMinutes'],
  eligibleExpiryDays: ['eligibleExpiryDays'],
  activeExpiryDays: ['activeExpiryDays'],
  offlineConfirmWindowMinutes: ['offlineConfirmWindowMinutes'],
} as const satisfies Record<string, readonly (keyof RoleSettings)[]>;

export type SettingsField = keyof typeof FIELD_SETTINGS;

/** The choices offered for the timeout and the offline window, within the domain's ranges. */
const TIMEOUTS = [15, 30, 60, 120, 240, 480, 720, 1440, 2880, 4320, 10080];
const WINDOWS = [0, 15, 30, 60, 120, 240, 480, 720, 1440];

export type RoleSettingsFormOptions = {
  session: SessionState;
  tenant: TenantStore;
  clock: Clock;
  /** The role in the address. */
  roleId(): string;
  /** The scope in the address (`?scope=`), for a resource role; '' for none. */
  scope: string;
};

/**
 * A deep, unfrozen copy: the shared defaults are frozen, and their cells are one shared rule
 * (which structuredClone would keep shared), so each cell gets its own object to edit.
 */
function copy(s: RoleSettings): RoleSettings {
  return {
    ...s,
    approvers: [...s.approvers],
    notifications: JSON.parse(JSON.stringify(s.notifications)) as NotificationSettings,
  };
}

function choicesWithin(
  choices: readonly number[],
  range: { min: number; max: number },
  current: number,
): number[] {
  const within = choices.filter((m) => m >= range.min && m <= range.max);
  return (within.includes(current) ? within : [...within, current]).sort((a, b) => a - b);
}

export class RoleSettingsForm {
  /** The scope chosen for a resource role's settings (they are per role × scope). */
  chosenScope = $state('');
  /** The form: a copy of the settings in force… */
  draft = $state<RoleSettings>(copy(DEFAULT_ROLE_SETTINGS));
  /** …with the maximum activation in hours, for people. */
  maxHours = $state<number | null>(DEFAULT_ROLE_SETTINGS.maxActivationMinutes / 60);

  busy = $state(false);
  /** Where the save is on its way; null before the first step. */
  progress = $state<CommandProgress | null>(null);
  error = $state<string | Sentence | null>(null);
  saved = $state('');

  readonly #session: SessionState;
  readonly #tenant: TenantStore;
  readonly #clock: Clock;
  readonly #roleId: () => string;
  /** What the form was filled from; edits are measured against it. */
  #baseline = $state.raw<RoleSettings | null>(null);
  /** Which role × scope the form was filled for: another scope starts from its own settings. */
  #filledFor: string | null = null;

  constructor(options: RoleSettingsFormOptions) {
    this.#session = options.session;
    this.#tenant = options.tenant;
    this.#clock = options.clock;
    this.#roleId = options.roleId;
    this.chosenScope = options.scope;
  }

  /** An approver entry that names an existing group (groups approve through their members). */
  isGroup = (id: string): boolean => getOwn(this.#tenant.state.groups, id) !== undefined;

  readonly role = $derived.by(() => findRole(this.#tenant.state, this.#roleId()));
  /** GA/PRA for every role; a group's owners for its membership and ownership settings. */
  readonly allowed = $derived.by(() => {
    const userId = this.#session.userId;
    return (
      userId !== null &&
      canManageRoleSettings(this.#tenant.state, userId, this.#roleId(), this.#clock.iso)
    );
  });
  /** Resource roles' settings are per role × scope and never inherited: a scope must be chosen. */
  readonly perScope = $derived(this.role?.kind === 'resource');
  readonly scopeId = $derived.by(() =>
    this.perScope && this.chosenScope && liveScope(this.#tenant.state, this.chosenScope)
      ? this.chosenScope
      : null,
  );
  /** What the settings are for, e.g. "Contributor on rg-payments". */
  readonly forWhat = $derived.by(() => {
    if (!this.role) return '';
    const scope = this.scopeId ? liveScope(this.#tenant.state, this.scopeId) : undefined;
    return this.scopeId ? `${this.role.name} on ${scope?.name ?? ''}` : this.role.name;
  });
  /** The settings in force now. */
  readonly current = $derived.by(() =>
    settingsFor(this.#tenant.state, this.#roleId(), this.scopeId),
  );

  /** The settings the form would save. */
  readonly candidate = $derived<RoleSettings>({
    ...this.draft,
    maxActivationMinutes:
      typeof this.maxHours === 'number' && Number.isFinite(this.maxHours)
        ? Math.round(this.maxHours * 60)
        : NaN,
  });

  /** The domain's verdict on the whole form: the same check the relay runs. */
  readonly invalid = $derived(validateRoleSettings(this.candidate, this.isGroup));

  /** Each control's error: the domain's verdict on the settings it sets, alone. */
  readonly errors = $derived(
    Object.fromEntries(
      Object.entries(FIELD_SETTINGS).map(([field, keys]) => [
        field,
        this.#verdictOn(Object.fromEntries(keys.map((key) => [key, this.candidate[key]]))),
      ]),
    ) as Record<SettingsField, string | null>,
  );

  /** Each notification cell's error (by `${event}.${recipients}`), checked the same way. */
  readonly #notificationErrors = $derived.by(() => {
    const errors: Record<string, string> = {};
    const table = this.candidate.notifications;
    if (!table) return errors;
    for (const event of NOTIFICATION_EVENTS) {
      for (const kind of NOTIFICATION_RECIPIENTS) {
        const error = this.#verdictOn({
          notifications: {
            ...DEFAULT_NOTIFICATION_SETTINGS,
            [event]: { ...DEFAULT_NOTIFICATION_SETTINGS[event], [kind]: table[event][kind] },
          },
        });
        if (error) errors[`${event}.${kind}`] = error;
      }
    }
    return errors;
  });

  /** The domain's refusal when no control's own check explains it. */
  readonly formError = $derived(
    this.invalid &&
      Object.values(this.errors).every((e) => e === null) &&
      Object.keys(this.#notificationErrors).length === 0
      ? describeRejection(this.invalid)
      : null,
  );

  /** What saving would change, against the settings in force now; none while invalid. */
  readonly changes = $derived(
    this.invalid ? [] : diffRoleSettings(this.current, normaliseRoleSettings(this.candidate)),
  );

  /** Someone else changed the settings in force since the form was filled. */
  readonly changedElsewhere = $derived(
    this.#baseline !== null && diffRoleSettings(this.#baseline, this.current).length > 0,
  );

  /** People who may approve or be notified: active users, and disabled ones already chosen. */
  readonly people = $derived.by(() =>
    Object.values(this.#tenant.state.users)
      .filter((u) => u.status === 'active' || this.draft.approvers.includes(u.id))
      .sort((a, b) => a.displayName.localeCompare(b.displayName)),
  );

  readonly quorumChoices = Array.from(
    { length: SETTING_RANGES.approvalsRequired.max - SETTING_RANGES.approvalsRequired.min + 1 },
    (_, i) => SETTING_RANGES.approvalsRequired.min + i,
  );
  readonly timeoutChoices = $derived(
    choicesWithin(TIMEOUTS, SETTING_RANGES.pendingTimeoutMinutes, this.draft.pendingTimeoutMinutes),
  );
  readonly windowChoices = $derived(
    choicesWithin(
      WINDOWS,
      SETTING_RANGES.offlineConfirmWindowMinutes,
      this.draft.offlineConfirmWindowMinutes,
    ),
  );
  readonly expiryChoices: readonly number[] = SETTING_RANGES.expiryDays;
  /** The notification table's rows (events) and columns (recipients), with their names. */
  readonly notificationTable = NOTIFICATION_EVENTS.map((event) => ({
    event,
    label: NOTIFICATION_EVENT_LABELS[event],
    cells: NOTIFICATION_RECIPIENTS.map((kind) => ({
      kind,
      label: NOTIFICATION_RECIPIENT_LABELS[kind],
    })),
  }));
  /** The maximum activation's range, in hours. */
  readonly maxHoursRange = {
    min: SETTING_RANGES.maxActivationMinutes.min / 60,
    max: SETTING_RANGES.maxActivationMinutes.max / 60,
  };

  /** A setting's name to sit mid-sentence: "permanent eligible assignments". */
  name(key: keyof RoleSettings): string {
    return SETTING_LABELS[key];
  }

  /** A setting's name as a label: "Maximum activation". */
  label(key: keyof RoleSettings): string {
    const name = SETTING_LABELS[key];
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  notificationError(event: NotificationEvent, kind: NotificationRecipients): string | null {
    return this.#notificationErrors[`${event}.${kind}`] ?? null;
  }

  toggleApprover(id: UserId, on: boolean): void {
    this.draft.approvers = on
      ? [...this.draft.approvers, id]
      : this.draft.approvers.filter((a) => a !== id);
  }

  /**
   * Fills the form once the role's settings are known, and follows changes from elsewhere
   * (another admin, or the relay catching up) while nothing has been edited here. Run it in an
   * $effect.
   */
  follow(): void {
    const now = this.current;
    const key = `${this.#roleId()}@${this.scopeId ?? ''}`;
    const baseline = this.#baseline;
    const edited =
      baseline !== null &&
      diffRoleSettings(baseline, $state.snapshot(this.candidate) as RoleSettings).length > 0;
    if (baseline === null || this.#filledFor !== key || (!edited && baseline !== now)) {
      this.#fill(now);
      this.#filledFor = key;
    }
  }

  /** Back to the settings in force. */
  reset(): void {
    this.#fill(this.current);
    this.error = null;
  }

  async save(): Promise<void> {
    this.error = null;
    this.saved = '';
    const role = this.role;
    if (this.invalid || this.changes.length === 0 || !role || (this.perScope && !this.scopeId)) {
      return;
    }
    const settings = $state.snapshot(this.candidate) as RoleSettings;
    const count = this.changes.length;
    this.busy = true;
    this.progress = null;
    try {
      const result = await this.#session.submit(
        updateRoleSettings(role.id, settings, this.scopeId),
        (p) => (this.progress = p),
      );
      if (result.ok) {
        this.saved = `Saved ${count} ${count === 1 ? 'change' : 'changes'} to ${this.forWhat}.`;
        this.#baseline = normaliseRoleSettings(settings);
      } else {
        this.error = describeRejection(result.rejection);
      }
    } catch (e) {
      this.error = describeError(e);
    } finally {
      this.busy = false;
    }
  }

  #fill(from: RoleSettings): void {
    this.draft = copy(from);
    this.maxHours = from.maxActivationMinutes / 60;
    this.#baseline = from;
  }

  /**
   * The domain's message about these settings, over defaults that pass; null when it accepts.
   * Settings are durations, counts and people, never instants: the text is all there is to say.
   */
  #verdictOn(values: Partial<RoleSettings>): string | null {
    const rejection = validateRoleSettings({ ...DEFAULT_ROLE_SETTINGS, ...values }, this.isGroup);
    return rejection ? describeRejection(rejection).text : null;
  }
}
