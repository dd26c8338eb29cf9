import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROLE_SETTINGS,
  settingsFor,
  validateRoleSettings,
} from '#domain/settings/settings';
import { allRoles, BUILT_IN_ROLES, findRole, ROLE_IDS } from './catalogue';
import type { Role, RoleSettings } from './model';
import { initialState } from './state';

const custom = (id: string, name: string): Role => ({
  id,
  name,
  description: '',
  kind: 'directory',
  builtIn: false,
  createdAt: '2026-03-02T09:00:00.000Z',
});

describe('catalogue', () => {
  it('has the six built-in directory roles and four resource roles with stable ids', () => {
    expect(BUILT_IN_ROLES.map((r) => [r.id, r.name])).toEqual([
      ['global-administrator', 'Global Administrator'],
      ['privileged-role-administrator', 'Privileged Role Administrator'],
      ['security-administrator', 'Security Administrator'],
      ['security-reader', 'Security Reader'],
      ['global-reader', 'Global Reader'],
      ['user-administrator', 'User Administrator'],
      ['owner', 'Owner'],
      ['contributor', 'Contributor'],
      ['reader', 'Reader'],
      ['user-access-administrator', 'User Access Administrator'],
    ]);
    for (const [i, role] of BUILT_IN_ROLES.entries()) {
      expect(role).toMatchObject({
        kind: i < 6 ? 'directory' : 'resource',
        builtIn: true,
        createdAt: '1970-01-01T00:00:00.000Z',
      });
      expect(role.description.length).toBeGreaterThan(0);
    }
    expect(Object.values(ROLE_IDS).sort()).toEqual(BUILT_IN_ROLES.map((r) => r.id).sort());
  });

  it('finds built-in and custom roles, and nothing inherited', () => {
    const state = initialState();
    state.customRoles['helpdesk'] = custom('helpdesk', 'Helpdesk');
    expect(findRole(state, ROLE_IDS.SecurityReader)?.name).toBe('Security Reader');
    expect(findRole(state, 'helpdesk')?.name).toBe('Helpdesk');
    expect(findRole(state, 'nope')).toBeUndefined();
    expect(findRole(state, 'constructor')).toBeUndefined();
    expect(findRole(state, 'toString')).toBeUndefined();
  });

  it('lists built-ins first, then custom roles by name', () => {
    const state = initialState();
    state.customRoles['b'] = custom('b', 'zebra keeper');
    state.customRoles['a'] = custom('a', 'Auditor 10');
    state.customRoles['c'] = custom('c', 'Auditor 9');
    expect(
      allRoles(state)
        .map((r) => r.name)
        .slice(BUILT_IN_ROLES.length),
    ).toEqual(['Auditor 9', 'Auditor 10', 'zebra keeper']);
    expect(allRoles(state).slice(0, BUILT_IN_ROLES.length)).toEqual([...BUILT_IN_ROLES]);
  });
});

describe('settings', () => {
  it('defaults follow PRODUCT.md', () => {
    const CELL = { defaultRecipients: true, additionalRecipients: [], criticalOnly: false };
    expect(DEFAULT_ROLE_SETTINGS).toEqual({
      maxActivationMinutes: 480,
      requirePasskeyOnActivation: true,
      requireJustification: true,
      requireTicket: false,
      requireApproval: false,
      approvers: [],
      approvalsRequired: 1,
      pendingTimeoutMinutes: 1440,
      allowPermanentEligible: true,
      eligibleExpiryDays: 365,
      allowPermanentActive: true,
      activeExpiryDays: 180,
      requirePasskeyOnActiveAssignment: false,
      requireJustificationOnActiveAssignment: true,
      offlineConfirmWindowMinutes: 480,
      // Notifications: all on, level all (every event × recipient kind).
      notifications: {
        assignedEligible: { admins: CELL, assignee: CELL, approvers: CELL },
        assignedActive: { admins: CELL, assignee: CELL, approvers: CELL },
        activated: { admins: CELL, assignee: CELL, approvers: CELL },
      },
    });
    expect(validateRoleSettings(DEFAULT_ROLE_SETTINGS)).toBeNull();
    expect(Object.isFrozen(DEFAULT_ROLE_SETTINGS)).toBe(true);
  });

  it('uses a role override when there is one', () => {
    const state = initialState();
    const override = { ...DEFAULT_ROLE_SETTINGS, maxActivationMinutes: 60 };
    state.settings[ROLE_IDS.GlobalAdministrator] = override;
    expect(settingsFor(state, ROLE_IDS.GlobalAdministrator)).toBe(override);
    expect(settingsFor(state, ROLE_IDS.SecurityReader)).toBe(DEFAULT_ROLE_SETTINGS);
    expect(settingsFor(state, 'constructor')).toBe(DEFAULT_ROLE_SETTINGS);
  });

  const edges: [Partial<RoleSettings>, boolean][] = [
    [{ maxActivationMinutes: 30 }, true],
    [{ maxActivationMinutes: 29 }, false],
    [{ maxActivationMinutes: 1440 }, true],
    [{ maxActivationMinutes: 1441 }, false],
    [{ maxActivationMinutes: 60.5 }, false],
    [{ approvalsRequired: 1 }, true],
    [{ approvalsRequired: 0 }, false],
    [{ approvalsRequired: 5 }, true],
    [{ approvalsRequired: 6 }, false],
    [{ pendingTimeoutMinutes: 15 }, true],
    [{ pendingTimeoutMinutes: 14 }, false],
    [{ pendingTimeoutMinutes: 10080 }, true],
    [{ pendingTimeoutMinutes: 10081 }, false],
    [{ offlineConfirmWindowMinutes: 0 }, true],
    [{ offlineConfirmWindowMinutes: -1 }, false],
    [{ offlineConfirmWindowMinutes: 1440 }, true],
    [{ offlineConfirmWindowMinutes: 1441 }, false],
    [{ eligibleExpiryDays: 15 }, true],
    [{ eligibleExpiryDays: 14 }, false],
    [{ activeExpiryDays: 90 }, true],
    [{ activeExpiryDays: 100 }, false],
    [{ approvers: ['ada', 'ada'] }, false],
    [{ approvers: ['ada', 'grace'] }, true],
    [{ requireTicket: 'yes' as unknown as boolean }, false],
  ];
  it.each(edges)('validates %o → %s', (change, valid) => {
    const result = validateRoleSettings({ ...DEFAULT_ROLE_SETTINGS, ...change });
    if (valid) expect(result).toBeNull();
    else expect(result?.code).toBe('invalid-value');
  });
});
