/**
 * The role settings form checks nothing itself: every error it shows is the domain's verdict
 * (validateRoleSettings), placed beside the control whose value causes it.
 */
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '$lib/services';
import { ROLE_IDS } from '#domain/catalogue';
import {
  DEFAULT_ROLE_SETTINGS,
  MAX_ADDITIONAL_RECIPIENTS,
  validateRoleSettings,
} from '#domain/settings/settings';
import { T0, World } from '#domain/test-support';
import type { UserCommand } from '#domain/commands';
import type { RoleSettings } from '#domain/model';
import type { Clock } from './clock.svelte';
import { RoleSettingsForm } from './role-settings-form.svelte';
import type { SessionState } from './session.svelte';
import type { TenantStore } from './tenant.svelte';

const SR = ROLE_IDS.SecurityReader;

/** The domain's message for these settings over the defaults. */
const domainSays = (change: Partial<RoleSettings>, isGroup?: (id: string) => boolean) =>
  validateRoleSettings({ ...DEFAULT_ROLE_SETTINGS, ...change }, isGroup)?.message;

function formFor(world: World) {
  const sent: UserCommand[] = [];
  const session = {
    userId: 'ada',
    submit: async (command: UserCommand): Promise<CommandResult> => {
      sent.push(command);
      return { ok: true, cmdId: 'c1', seq: 9 };
    },
  } as unknown as SessionState;
  const tenant = { state: world.state } as TenantStore;
  const clock = { iso: T0 } as Clock;
  const form = new RoleSettingsForm({ session, tenant, clock, roleId: () => SR, scope: '' });
  form.follow();
  return { form, sent };
}

function world(): World {
  const w = World.setUp();
  w.addUser('bo', 'Bo');
  w.addUser('cy', 'Cy');
  w.run(
    { type: 'CreateGroup', groupId: 'leads', name: 'Leads', description: '', ownerId: 'ada' },
    {
      at: T0,
      actor: { kind: 'user', userId: 'ada', deviceId: 'device-ada' },
      passkeyConfirmed: true,
    },
  );
  return w;
}

describe('RoleSettingsForm', () => {
  it('is filled from the settings in force, in hours, with nothing to save', () => {
    const { form } = formFor(world());
    expect(form.allowed).toBe(true);
    expect(form.maxHours).toBe(DEFAULT_ROLE_SETTINGS.maxActivationMinutes / 60);
    expect(form.invalid).toBeNull();
    expect(form.changes).toEqual([]);
    expect(Object.values(form.errors).every((e) => e === null)).toBe(true);
  });

  it('shows the domain’s verdict on the maximum activation beside it', () => {
    const { form } = formFor(world());
    form.maxHours = 0.25;
    expect(form.errors.maxActivationMinutes).toBe(domainSays({ maxActivationMinutes: 15 }));
    expect(form.errors.maxActivationMinutes).toBeTruthy();
    expect(form.invalid?.code).toBe('invalid-value');
    expect(form.formError).toBeNull();
    expect(form.changes).toEqual([]);
    form.maxHours = null;
    expect(form.errors.maxActivationMinutes).toBe(domainSays({ maxActivationMinutes: NaN }));
  });

  it('places the M-of-N refusal at approvals needed, and not with a group among the approvers', () => {
    const { form } = formFor(world());
    form.draft.requireApproval = true;
    form.toggleApprover('bo', true);
    form.draft.approvalsRequired = 2;
    expect(form.errors.approvalsRequired).toBe(
      domainSays({ approvers: ['bo'], approvalsRequired: 2 }),
    );
    expect(form.errors.approvalsRequired).toBeTruthy();
    form.toggleApprover('leads', true);
    expect(form.errors.approvalsRequired).toBeNull();
    expect(form.invalid).toBeNull();
  });

  it('places a notification cell’s refusal at that cell', () => {
    const { form } = formFor(world());
    const many = Array.from({ length: MAX_ADDITIONAL_RECIPIENTS + 1 }, (_, i) => `u${i}`);
    form.draft.notifications!.activated.approvers.additionalRecipients = many;
    expect(form.notificationError('activated', 'approvers')).toMatch(/at most/);
    expect(form.notificationError('activated', 'admins')).toBeNull();
    expect(form.invalid).not.toBeNull();
    expect(form.formError).toBeNull();
  });

  it('saves the changed settings as one UpdateRoleSettings command', async () => {
    const { form, sent } = formFor(world());
    form.maxHours = 4;
    form.draft.requireTicket = true;
    expect(form.changes.map((c) => c.field)).toEqual(['maxActivationMinutes', 'requireTicket']);
    await form.save();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      type: 'UpdateRoleSettings',
      roleId: SR,
      settings: { maxActivationMinutes: 240, requireTicket: true },
    });
    expect(form.saved).toBe('Saved 2 changes to Security Reader.');
    expect(form.error).toBeNull();
    expect(form.busy).toBe(false);
  });
});
