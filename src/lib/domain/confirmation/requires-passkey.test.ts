import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { UserCommand } from '#domain/commands';
import { activate, assign, at, tenant, withSettings } from '#domain/test-support';
import { requiresPasskeyConfirmation } from './requires-passkey';

const PRA = ROLE_IDS.PrivilegedRoleAdministrator;
const SR = ROLE_IDS.SecurityReader;

describe('requiresPasskeyConfirmation', () => {
  const w = tenant();
  it('follows the role settings', () => {
    const state = withSettings(w.events, PRA, {
      requirePasskeyOnActiveAssignment: true,
      requirePasskeyOnActivation: false,
    });
    const check = (c: UserCommand) => requiresPasskeyConfirmation(c, state, at(1));
    expect(check(activate() as UserCommand)).toBe(true);
    expect(check(activate({ assignmentId: 'nope' }) as UserCommand)).toBe(false);
    expect(check(assign({ roleId: PRA, assignmentType: 'active' }) as UserCommand)).toBe(true);
    expect(check(assign({ roleId: PRA, assignmentType: 'eligible' }) as UserCommand)).toBe(false);
    expect(check(assign({ roleId: SR, assignmentType: 'active' }) as UserCommand)).toBe(false);
    expect(check({ type: 'DeactivateRole', activationId: 'x' })).toBe(false);
  });
});
