import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, findRole, ROLE_IDS } from './catalogue';
import { hasPermission, PERMISSIONS, rolesHeldBy, type Permission } from './permissions';
import { at, World } from './test-support';
import type { RoleId } from './model';

const GA = ROLE_IDS.GlobalAdministrator;
const PRA = ROLE_IDS.PrivilegedRoleAdministrator;
const SA = ROLE_IDS.SecurityAdministrator;
const SR = ROLE_IDS.SecurityReader;
const GR = ROLE_IDS.GlobalReader;
const UA = ROLE_IDS.UserAdministrator;

/** The whole policy, spelled out: every role × every permission. */
const EXPECTED: Record<RoleId, readonly Permission[]> = {
  [GA]: [
    'manage-users',
    'manage-roles',
    'manage-assignments',
    'read-audit',
    'revoke-any-device',
    'cancel-any-request',
    'read-alerts',
    'manage-break-glass',
  ],
  [PRA]: ['manage-roles', 'manage-assignments', 'read-audit', 'cancel-any-request'],
  [SA]: ['read-audit', 'read-alerts'],
  [SR]: ['read-audit', 'read-alerts'],
  [GR]: ['read-audit', 'read-alerts'],
  [UA]: ['manage-users'],
  // Resource roles grant none of PIM's tenant-wide permissions (their power is scoped).
  [ROLE_IDS.Owner]: [],
  [ROLE_IDS.Contributor]: [],
  [ROLE_IDS.Reader]: [],
  [ROLE_IDS.UserAccessAdministrator]: [],
  helpdesk: [],
};

// One user per role, holding it through a permanent active assignment.
const world = World.setUp();
world.run(
  { type: 'CreateRole', roleId: 'helpdesk', name: 'Helpdesk', description: '' },
  { at: at(0), actor: { kind: 'user', userId: 'ada', deviceId: 'd' }, passkeyConfirmed: true },
);
world.run(
  { type: 'CreateScope', scopeId: 'sub', kind: 'subscription', name: 'Sub', parentId: null },
  { at: at(0), actor: { kind: 'user', userId: 'ada', deviceId: 'd' }, passkeyConfirmed: true },
);
const holderOf = (roleId: RoleId) => `holder-of-${roleId}`;
for (const roleId of Object.keys(EXPECTED)) {
  world.addUser(holderOf(roleId), `Holder of ${roleId}`);
  if (findRole(world.state, roleId)?.kind === 'resource') {
    // Resource roles are held at a scope.
    world.run(
      {
        type: 'AssignRole',
        principalKind: 'user',
        administrativeUnitId: null,
        assignmentId: `assign-${roleId}`,
        principalId: holderOf(roleId),
        roleId,
        assignmentType: 'active',
        startsAt: null,
        endsAt: null,
        justification: 'Owns the subscription',
        scopeId: 'sub',
      },
      { at: at(0), actor: { kind: 'user', userId: 'ada', deviceId: 'd' }, passkeyConfirmed: true },
    );
  } else {
    world.assign(`assign-${roleId}`, holderOf(roleId), roleId, 'active');
  }
}
const state = world.state;

describe('hasPermission', () => {
  it('covers every built-in role', () => {
    expect(Object.keys(EXPECTED)).toEqual(expect.arrayContaining(BUILT_IN_ROLES.map((r) => r.id)));
  });

  const cases = Object.entries(EXPECTED).flatMap(([roleId, granted]) =>
    PERMISSIONS.map((p) => [roleId, p, granted.includes(p)] as const),
  );
  it.each(cases)('%s → %s: %s', (roleId, permission, expected) => {
    expect(hasPermission(state, holderOf(roleId), permission, at(1))).toBe(expected);
  });

  it('denies users with no role, unknown users and disabled users', () => {
    const s = World.setUp();
    s.addUser('grace', 'Grace');
    const st = s.state;
    for (const p of PERMISSIONS) {
      expect(hasPermission(st, 'grace', p, at(1))).toBe(false);
      expect(hasPermission(st, 'nobody', p, at(1))).toBe(false);
      expect(hasPermission(st, 'constructor', p, at(1))).toBe(false);
    }
    expect(hasPermission(st, 'ada', 'manage-users', at(1))).toBe(true);
    const ada = st.users['ada'];
    if (ada) ada.status = 'disabled';
    expect(hasPermission(st, 'ada', 'manage-users', at(1))).toBe(false);
  });

  it('denies permissions it does not know', () => {
    expect(hasPermission(state, 'ada', 'launch-missiles' as Permission, at(1))).toBe(false);
    expect(hasPermission(state, 'ada', 'toString' as Permission, at(1))).toBe(false);
  });

  it('grants through an activation only while it is active', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('e1', 'grace', PRA, 'eligible');
    expect(hasPermission(w.state, 'grace', 'manage-roles', at(1))).toBe(false);
    w.activate('act1', 'e1', 'grace', at(1), 60);
    const s = w.state;
    expect(rolesHeldBy(s, 'grace', at(2))).toEqual(new Set([PRA]));
    expect(hasPermission(s, 'grace', 'manage-roles', at(2))).toBe(true);
    expect(hasPermission(s, 'grace', 'manage-roles', at(61))).toBe(false);
  });

  it('does not grant through a scheduled activation before it starts', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('e1', 'grace', PRA, 'eligible');
    w.activate('act1', 'e1', 'grace', at(1), 60, at(120));
    const s = w.state;
    expect(hasPermission(s, 'grace', 'manage-roles', at(119))).toBe(false);
    expect(hasPermission(s, 'grace', 'manage-roles', at(120))).toBe(true);
    expect(hasPermission(s, 'grace', 'manage-roles', at(180))).toBe(false);
  });

  it('does not count eligibility as holding a role', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('e1', 'grace', GA, 'eligible');
    expect(rolesHeldBy(w.state, 'grace', at(1)).size).toBe(0);
  });
});
