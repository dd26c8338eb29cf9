import { describe, expect, it } from 'vitest';
import type { RoleSettings } from '#domain/model';
import {
  BOOLEAN_SETTINGS,
  DEFAULT_ROLE_SETTINGS,
  NUMBER_SETTINGS,
  diffRoleSettings,
  normaliseRoleSettings,
  SETTING_LABELS,
  validateRoleSettings,
} from './settings';

const withChange = (change: Partial<RoleSettings>): RoleSettings => ({
  ...DEFAULT_ROLE_SETTINGS,
  ...change,
});

describe('validateRoleSettings', () => {
  it('accepts the defaults', () => {
    expect(validateRoleSettings(DEFAULT_ROLE_SETTINGS)).toBeNull();
  });

  // [setting, value, accepted]: every range's both ends and one step beyond each.
  const boundaries: [keyof RoleSettings, unknown, boolean][] = [
    ['maxActivationMinutes', 30, true],
    ['maxActivationMinutes', 1440, true],
    ['maxActivationMinutes', 29, false],
    ['maxActivationMinutes', 1441, false],
    ['maxActivationMinutes', 60.5, false],
    ['maxActivationMinutes', '480', false],
    ['approvalsRequired', 1, true],
    ['approvalsRequired', 5, true],
    ['approvalsRequired', 0, false],
    ['approvalsRequired', 6, false],
    ['pendingTimeoutMinutes', 15, true],
    ['pendingTimeoutMinutes', 10080, true],
    ['pendingTimeoutMinutes', 14, false],
    ['pendingTimeoutMinutes', 10081, false],
    ['offlineConfirmWindowMinutes', 0, true],
    ['offlineConfirmWindowMinutes', 1440, true],
    ['offlineConfirmWindowMinutes', -1, false],
    ['offlineConfirmWindowMinutes', 1441, false],
    ['eligibleExpiryDays', 15, true],
    ['eligibleExpiryDays', 365, true],
    ['eligibleExpiryDays', 14, false],
    ['activeExpiryDays', 90, true],
    ['activeExpiryDays', 100, false],
    ['requireApproval', true, true],
    ['requireApproval', 'yes', false],
    ['approvers', ['grace'], true],
    ['approvers', ['grace', 'grace'], false],
    ['approvers', [''], false],
    ['approvers', 'grace', false],
  ];
  it.each(boundaries)('%s = %j → accepted: %s', (field, value, accepted) => {
    const result = validateRoleSettings(withChange({ [field]: value }));
    if (accepted) {
      expect(result).toBeNull();
    } else {
      expect(result?.code).toBe('invalid-value');
    }
  });

  it('names the field and its range', () => {
    expect(validateRoleSettings(withChange({ maxActivationMinutes: 29 }))?.message).toBe(
      'Activation maximum duration (minutes) must be a whole number from 30 to 1440.',
    );
    expect(validateRoleSettings(withChange({ approvalsRequired: 6 }))?.message).toBe(
      'Approvals needed must be a whole number from 1 to 5.',
    );
    expect(validateRoleSettings(withChange({ pendingTimeoutMinutes: 10081 }))?.message).toBe(
      'Pending-request timeout (minutes) must be a whole number from 15 to 10080.',
    );
  });

  it('needs at least as many named approvers as approvals, unless it uses the defaults', () => {
    expect(validateRoleSettings(withChange({ approvers: [], approvalsRequired: 5 }))).toBeNull();
    expect(
      validateRoleSettings(withChange({ approvers: ['a', 'b'], approvalsRequired: 2 })),
    ).toBeNull();
    expect(
      validateRoleSettings(withChange({ approvers: ['a', 'b'], approvalsRequired: 3 })),
    ).toMatchObject({ code: 'invalid-value', message: expect.stringMatching(/cannot exceed/) });
  });

  it('refuses something that is not settings at all', () => {
    expect(validateRoleSettings(null as unknown as RoleSettings)?.code).toBe('invalid-value');
  });
});

describe('SETTING_LABELS', () => {
  it('names every setting, once', () => {
    expect(Object.keys(SETTING_LABELS).sort()).toEqual(Object.keys(DEFAULT_ROLE_SETTINGS).sort());
    expect(new Set(Object.values(SETTING_LABELS)).size).toBe(
      Object.keys(DEFAULT_ROLE_SETTINGS).length,
    );
  });
});

describe('diffRoleSettings', () => {
  it('is empty for identical settings', () => {
    expect(diffRoleSettings(DEFAULT_ROLE_SETTINGS, withChange({}))).toEqual([]);
  });

  it('lists each changed field with both values, in table order', () => {
    const after = withChange({
      offlineConfirmWindowMinutes: 0,
      requireApproval: true,
      maxActivationMinutes: 240,
      approvers: ['grace'],
    });
    expect(diffRoleSettings(DEFAULT_ROLE_SETTINGS, after)).toEqual([
      { field: 'maxActivationMinutes', before: 480, after: 240 },
      { field: 'requireApproval', before: false, after: true },
      { field: 'approvers', before: [], after: ['grace'] },
      { field: 'offlineConfirmWindowMinutes', before: 480, after: 0 },
    ]);
  });

  it('treats approvers as a set', () => {
    const before = withChange({ approvers: ['a', 'b'] });
    expect(diffRoleSettings(before, withChange({ approvers: ['b', 'a'] }))).toEqual([]);
    expect(diffRoleSettings(before, withChange({ approvers: ['a', 'c'] }))).toHaveLength(1);
    expect(diffRoleSettings(before, withChange({ approvers: ['a'] }))).toHaveLength(1);
  });
});

describe('normaliseRoleSettings', () => {
  it('keeps only the known fields and sorts the approvers', () => {
    const messy = { ...withChange({ approvers: ['zoe', 'al'] }), extra: 'dropped' };
    const clean = normaliseRoleSettings(messy);
    expect(clean).toEqual(withChange({ approvers: ['al', 'zoe'] }));
    expect(clean).not.toHaveProperty('extra');
    expect(messy.approvers).toEqual(['zoe', 'al']);
  });
});

describe('setting lists', () => {
  it('name every setting of a role exactly once, so readers and validation miss none', () => {
    const listed = [...NUMBER_SETTINGS, ...BOOLEAN_SETTINGS, 'approvers', 'notifications'];
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(Object.keys(DEFAULT_ROLE_SETTINGS).sort());
  });
});
