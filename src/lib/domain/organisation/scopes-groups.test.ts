import { describe, expect, it } from 'vitest';
import { eligibleAssignmentsOf } from '#domain/activation/activation';
import { approversFor } from '#domain/approvals/requests';
import { holdsRoleAt } from '#domain/assignments/holdings';
import { activeHoldersOf } from '#domain/assignments/safeguards';
import { findRole, groupMemberRoleId, groupOwnerRoleId, ROLE_IDS } from '#domain/catalogue';
import type { Command, UserCommand } from '#domain/commands';
import { decide } from '#domain/decide';
import type { ScopeKind, TenantState } from '#domain/model';
import { canManageAssignment, hasPermission, rolesHeldBy } from '#domain/permissions';
import { dueWork, nextDueAt } from '#domain/schedule/due-work';
import { DEFAULT_ROLE_SETTINGS, settingsFor, settingsKey } from '#domain/settings/settings';
import { asSystem, asUser, at, given, World } from '#domain/test-support';
import { groupsOfUser, isGroupOwner, membersOf } from './groups';

const { GlobalAdministrator: GA, PrivilegedRoleAdministrator: PRA, Owner, Reader } = ROLE_IDS;

/**
 * A tenant with a resource tree:
 *   mg (management-group)
 *   ├─ sub1 (subscription) ─ rg1 (resource-group) ─ vm1 (resource)
 *   └─ sub2 (subscription)
 * and users ada (GA), olive, bo, cy.
 */
function tree(): World {
  const w = World.setUp();
  for (const id of ['olive', 'bo', 'cy']) w.addUser(id, id);
  const scope = (scopeId: string, kind: ScopeKind, parentId: string | null) =>
    w.run({ type: 'CreateScope', scopeId, kind, name: scopeId, parentId }, asUser('ada'));
  scope('mg', 'management-group', null);
  scope('sub1', 'subscription', 'mg');
  scope('sub2', 'subscription', 'mg');
  scope('rg1', 'resource-group', 'sub1');
  scope('vm1', 'resource', 'rg1');
  return w;
}

const assignAt = (
  w: World,
  assignmentId: string,
  principalId: string,
  roleId: string,
  scopeId: string | null,
  type: 'eligible' | 'active' = 'active',
  by = 'ada',
  when = at(0),
) =>
  decide(
    {
      type: 'AssignRole',
      principalKind: 'user',
      administrativeUnitId: null,
      assignmentId,
      principalId,
      roleId,
      assignmentType: type,
      startsAt: null,
      endsAt: null,
      justification: 'Runs the platform team',
      scopeId,
    },
    w.state,
    asUser(by, when),
  );

const mustAssign = (...args: Parameters<typeof assignAt>) => {
  const d = assignAt(...args);
  if (!d.ok) throw new Error(`${d.rejection.code}: ${d.rejection.message}`);
  args[0].events.push(...d.events);
};

describe('the resource tree', () => {
  it('follows the kind order, so it is at most four deep and acyclic', () => {
    const w = tree();
    const ctx = asUser('ada');
    const create = (scopeId: string, kind: ScopeKind, parentId: string | null) =>
      given(w.events).when({ type: 'CreateScope', scopeId, kind, name: 'x', parentId }, ctx);
    create('deep', 'resource', 'vm1').thenRejects('invalid-scope');
    create('mg2', 'management-group', 'sub1').thenRejects('invalid-scope');
    create('sub3', 'subscription', 'sub1').thenRejects('invalid-scope');
    create('rg9', 'resource-group', 'nowhere').thenRejects('unknown-scope');
    create('mg', 'management-group', null).thenRejects('duplicate-id');
    create('lonely-sub', 'subscription', null).thenAccepts();
  });

  it('is shaped by Global Administrators only', () => {
    const w = tree();
    mustAssign(w, 'pra-bo', 'bo', PRA, null);
    given(w.events)
      .when(
        { type: 'CreateScope', scopeId: 'x', kind: 'subscription', name: 'x', parentId: null },
        asUser('bo', at(1)),
      )
      .thenRejects('not-authorized');
    given(w.events)
      .when({ type: 'RenameScope', scopeId: 'sub1', name: 'Prod' }, asUser('bo', at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when({ type: 'RenameScope', scopeId: 'sub1', name: 'Prod' }, asUser('ada', at(1)))
      .thenAccepts();
  });

  it('deletes only empty scopes', () => {
    const w = tree();
    given(w.events)
      .when({ type: 'DeleteScope', scopeId: 'rg1' }, asUser('ada'))
      .thenRejects('scope-not-empty');
    given(w.events).when({ type: 'DeleteScope', scopeId: 'vm1' }, asUser('ada')).thenAccepts();
  });

  it('applies an assignment at its scope and every scope below, never above or beside', () => {
    const w = tree();
    mustAssign(w, 'reader-bo', 'bo', Reader, 'sub1');
    const s = w.state;
    const cases: [string | null, boolean][] = [
      ['sub1', true],
      ['rg1', true],
      ['vm1', true],
      ['mg', false],
      ['sub2', false],
      [null, false],
    ];
    for (const [scope, expected] of cases) {
      expect([scope, holdsRoleAt(s, 'bo', Reader, scope, at(1))]).toEqual([scope, expected]);
    }
  });

  it('keeps resource roles at a scope and directory roles off the tree', () => {
    const w = tree();
    expect(assignAt(w, 'x1', 'bo', Reader, null)).toMatchObject({
      rejection: { code: 'invalid-scope' },
    });
    expect(assignAt(w, 'x2', 'bo', ROLE_IDS.SecurityReader, 'sub1')).toMatchObject({
      rejection: { code: 'invalid-scope' },
    });
    expect(assignAt(w, 'x3', 'bo', Reader, 'nowhere')).toMatchObject({
      rejection: { code: 'unknown-scope' },
    });
    expect(findRole(w.state, Owner)?.kind).toBe('resource');
  });

  it('does not inherit role settings down the tree', () => {
    const w = tree();
    w.run(
      {
        type: 'UpdateRoleSettings',
        roleId: Reader,
        scopeId: 'sub1',
        settings: { ...DEFAULT_ROLE_SETTINGS, maxActivationMinutes: 60 },
      },
      asUser('ada'),
    );
    const s = w.state;
    expect(settingsFor(s, Reader, 'sub1').maxActivationMinutes).toBe(60);
    expect(settingsFor(s, Reader, 'rg1')).toBe(DEFAULT_ROLE_SETTINGS);
    expect(settingsFor(s, Reader)).toBe(DEFAULT_ROLE_SETTINGS);
    expect(Object.keys(s.settings)).toEqual([settingsKey(Reader, 'sub1')]);
    // An eligible Reader at rg1 activates under rg1's (default) settings, not sub1's.
    mustAssign(w, 'e-rg1', 'bo', Reader, 'rg1', 'eligible');
    w.activate('act-rg1', 'e-rg1', 'bo', at(1), 120);
    mustAssign(w, 'e-sub1', 'cy', Reader, 'sub1', 'eligible');
    given(w.events)
      .when(
        {
          type: 'ActivateRole',
          activationId: 'act-sub1',
          assignmentId: 'e-sub1',
          durationMinutes: 120,
          startsAt: null,
          justification: 'Deploy',
          ticket: null,
        },
        asUser('cy', at(2)),
      )
      .thenRejects('exceeds-max-duration');
    // Resource settings need a scope; directory ones refuse one.
    given(w.events)
      .when(
        {
          type: 'UpdateRoleSettings',
          scopeId: null,
          roleId: Reader,
          settings: { ...DEFAULT_ROLE_SETTINGS, requireTicket: true },
        },
        asUser('ada'),
      )
      .thenRejects('invalid-scope');
    given(w.events)
      .when(
        {
          type: 'UpdateRoleSettings',
          roleId: GA,
          scopeId: 'sub1',
          settings: { ...DEFAULT_ROLE_SETTINGS, requireTicket: true },
        },
        asUser('ada'),
      )
      .thenRejects('invalid-scope');
  });

  it('refuses to activate an eligibility whose scope was deleted (outside-scope)', () => {
    const w = tree();
    mustAssign(w, 'e-vm1', 'bo', Reader, 'vm1', 'eligible');
    w.run({ type: 'DeleteScope', scopeId: 'vm1' }, asUser('ada', at(1)));
    given(w.events)
      .when(
        {
          type: 'ActivateRole',
          activationId: 'a1',
          assignmentId: 'e-vm1',
          durationMinutes: 60,
          startsAt: null,
          justification: 'Deploy',
          ticket: null,
        },
        asUser('bo', at(2)),
      )
      .thenRejects('outside-scope');
    expect(holdsRoleAt(w.state, 'bo', Reader, 'vm1', at(2))).toBe(false);
  });
});

describe('who may assign where (Owner and User Access Administrator at a scope)', () => {
  const w = tree();
  mustAssign(w, 'owner-olive', 'olive', Owner, 'sub1');
  mustAssign(w, 'uaa-cy', 'cy', ROLE_IDS.UserAccessAdministrator, 'rg1');
  const cases: [string, string, string, string | null, boolean][] = [
    // actor, role, at scope, expected
    ['olive', Reader, 'rg1', true],
    ['olive', Reader, 'sub1', true],
    ['olive', Owner, 'vm1', true],
    ['olive', Reader, 'sub2', false],
    ['olive', Reader, 'mg', false],
    ['olive', ROLE_IDS.SecurityReader, null, false],
    ['cy', Reader, 'vm1', true],
    ['cy', Reader, 'sub1', false],
    ['bo', Reader, 'vm1', false],
    ['ada', Reader, 'sub2', true],
  ].map(
    ([a, r, s, e]) =>
      [a, r, s, s as string | null, e] as [string, string, string, string | null, boolean],
  );
  it.each(cases)('%s assigning %s at %s', (actor, roleId, _label, scopeId, ok) => {
    expect(canManageAssignment(w.state, actor, roleId, scopeId, at(1))).toBe(ok);
    const d = assignAt(
      w,
      `new-${actor}-${roleId}-${String(scopeId)}`,
      'bo',
      roleId,
      scopeId,
      'eligible',
      actor,
      at(1),
    );
    expect(d.ok ? 'accepted' : d.rejection.code).toBe(ok ? 'accepted' : 'not-authorized');
  });

  it('lets an Owner remove only what lies under their scope', () => {
    const v = tree();
    mustAssign(v, 'owner-olive', 'olive', Owner, 'sub1');
    mustAssign(v, 'r-rg1', 'bo', Reader, 'rg1', 'eligible');
    mustAssign(v, 'r-sub2', 'bo', Reader, 'sub2', 'eligible');
    const remove = (assignmentId: string) =>
      given(v.events).when(
        { type: 'RemoveAssignment', assignmentId, justification: 'done' },
        asUser('olive', at(10)),
      );
    remove('r-rg1').thenAccepts();
    remove('r-sub2').thenRejects('not-authorized');
    remove('bootstrap-ada').thenRejects('not-authorized');
  });

  it('gives scoped holders none of PIM’s tenant-wide permissions', () => {
    expect(hasPermission(w.state, 'olive', 'manage-assignments', at(1))).toBe(false);
    expect(rolesHeldBy(w.state, 'olive', at(1))).toEqual(new Set([Owner]));
  });
});

/** Groups: eng ⊃ platform ⊃ sre (nested three deep); sre has bo; eng is owned by olive. */
function groups(): World {
  const w = tree();
  const run = (command: Command) => w.run(command, asUser('ada'));
  for (const [groupId, ownerId] of [
    ['eng', 'olive'],
    ['platform', 'ada'],
    ['sre', 'ada'],
    ['ops', 'ada'],
  ]) {
    run({
      type: 'CreateGroup',
      groupId: groupId!,
      name: groupId!,
      description: '',
      ownerId: ownerId!,
    });
  }
  run({ type: 'NestGroup', groupId: 'eng', childGroupId: 'platform' });
  run({ type: 'NestGroup', groupId: 'platform', childGroupId: 'sre' });
  run({ type: 'AddGroupMember', groupId: 'sre', userId: 'bo' });
  return w;
}

const groupAssign = (
  w: World,
  assignmentId: string,
  groupId: string,
  roleId: string,
  type: 'eligible' | 'active',
  scopeId: string | null = null,
  by = 'ada',
) =>
  w.run(
    {
      type: 'AssignRole',
      scopeId: null,
      administrativeUnitId: null,
      assignmentId,
      principalId: groupId,
      principalKind: 'group',
      roleId,
      assignmentType: type,
      startsAt: null,
      endsAt: null,
      justification: 'Team access',
      ...(scopeId !== null ? { scopeId } : {}),
    },
    asUser(by),
  );

describe('PIM for Groups', () => {
  it('resolves membership through groups nested three deep', () => {
    const s = groups().state;
    expect(groupsOfUser(s, 'bo', at(1))).toEqual(new Set(['sre', 'platform', 'eng']));
    expect(membersOf(s, 'eng', at(1))).toEqual(['bo']);
    expect(groupsOfUser(s, 'cy', at(1))).toEqual(new Set());
  });

  it('refuses a nesting that would make a cycle', () => {
    const w = groups();
    given(w.events)
      .when({ type: 'NestGroup', groupId: 'sre', childGroupId: 'eng' }, asUser('ada'))
      .thenRejects('group-cycle');
    given(w.events)
      .when({ type: 'NestGroup', groupId: 'sre', childGroupId: 'sre' }, asUser('ada'))
      .thenRejects('group-cycle');
    given(w.events)
      .when({ type: 'NestGroup', groupId: 'ops', childGroupId: 'eng' }, asUser('ada'))
      .thenAccepts();
  });

  it('survives a cycle in a malformed read model without looping', () => {
    const s: TenantState = groups().state;
    s.groups!['sre']!.nestedGroupIds.push('eng');
    expect(groupsOfUser(s, 'bo', at(1))).toEqual(new Set(['sre', 'platform', 'eng']));
  });

  it('lets members inherit a group’s eligibility and activate it for themselves', () => {
    const w = groups();
    groupAssign(w, 'eng-reader', 'eng', Reader, 'eligible', 'sub1');
    expect(eligibleAssignmentsOf(w.state, 'bo', at(1)).map((a) => a.id)).toEqual(['eng-reader']);
    expect(eligibleAssignmentsOf(w.state, 'cy', at(1))).toEqual([]);
    w.activate('bo-act', 'eng-reader', 'bo', at(1));
    expect(w.state.activations['bo-act']).toMatchObject({
      principalId: 'bo',
      assignmentId: 'eng-reader',
    });
    expect(holdsRoleAt(w.state, 'bo', Reader, 'rg1', at(2))).toBe(true);
    given(w.events)
      .when(
        {
          type: 'ActivateRole',
          activationId: 'cy-act',
          assignmentId: 'eng-reader',
          durationMinutes: 60,
          startsAt: null,
          justification: 'x',
          ticket: null,
        },
        asUser('cy', at(2)),
      )
      .thenRejects('not-eligible');
    // Leaving the group takes the activated role away at once.
    w.run({ type: 'RemoveGroupMember', groupId: 'sre', userId: 'bo' }, asUser('ada', at(3)));
    expect(holdsRoleAt(w.state, 'bo', Reader, 'rg1', at(4))).toBe(false);
  });

  it('counts members of a group with an active role as holders (permissions and safeguards)', () => {
    const w = groups();
    groupAssign(w, 'eng-pra', 'eng', PRA, 'active');
    expect(hasPermission(w.state, 'bo', 'manage-roles', at(1))).toBe(true);
    expect(activeHoldersOf(w.state, PRA, at(1))).toEqual(new Set(['bo']));
    // Taking bo out would remove the last active Privileged Role Administrator.
    given(w.events)
      .when({ type: 'RemoveGroupMember', groupId: 'sre', userId: 'bo' }, asUser('ada', at(10)))
      .thenRejects('last-privileged-role-admin');
    given(w.events)
      .when(
        { type: 'UnnestGroup', groupId: 'platform', childGroupId: 'sre' },
        asUser('ada', at(10)),
      )
      .thenRejects('last-privileged-role-admin');
  });

  it('makes a JIT member inherit while the membership is active, and not after it expires', () => {
    const w = groups();
    groupAssign(w, 'ops-reader', 'ops', Reader, 'active', 'sub2');
    w.assign('cy-jit', 'cy', groupMemberRoleId('ops'), 'eligible');
    expect(holdsRoleAt(w.state, 'cy', Reader, 'sub2', at(1))).toBe(false);
    w.activate('cy-in', 'cy-jit', 'cy', at(1), 60);
    expect(groupsOfUser(w.state, 'cy', at(2))).toEqual(new Set(['ops']));
    expect(holdsRoleAt(w.state, 'cy', Reader, 'sub2', at(2))).toBe(true);
    expect(holdsRoleAt(w.state, 'cy', Reader, 'sub2', at(61))).toBe(false);
    w.run({ type: 'ExpireActivation', activationId: 'cy-in' }, asSystem(at(62)));
    expect(holdsRoleAt(w.state, 'cy', Reader, 'sub2', at(62))).toBe(false);
  });

  it('keeps separate settings for a group’s membership and ownership', () => {
    const w = groups();
    w.configure(groupMemberRoleId('eng'), { maxActivationMinutes: 60 });
    expect(settingsFor(w.state, groupMemberRoleId('eng')).maxActivationMinutes).toBe(60);
    expect(settingsFor(w.state, groupOwnerRoleId('eng'))).toBe(DEFAULT_ROLE_SETTINGS);
    expect(settingsFor(w.state, groupMemberRoleId('ops'))).toBe(DEFAULT_ROLE_SETTINGS);
  });

  it('gives a group’s owners power over that group only', () => {
    const w = groups();
    const olive = (command: UserCommand) => given(w.events).when(command, asUser('olive', at(1)));
    olive({ type: 'AddGroupMember', groupId: 'eng', userId: 'cy' }).thenAccepts();
    olive({ type: 'AddGroupOwner', groupId: 'eng', userId: 'cy' }).thenAccepts();
    olive({ type: 'AddGroupMember', groupId: 'ops', userId: 'cy' }).thenRejects('not-authorized');
    olive({ type: 'NestGroup', groupId: 'eng', childGroupId: 'ops' }).thenAccepts();
    olive({ type: 'NestGroup', groupId: 'ops', childGroupId: 'eng' }).thenRejects('not-authorized');
    olive({
      type: 'CreateGroup',
      groupId: 'mine',
      name: 'Mine',
      description: '',
      ownerId: 'olive',
    }).thenRejects('not-authorized');
    olive({
      type: 'UpdateRoleSettings',
      scopeId: null,
      roleId: groupMemberRoleId('eng'),
      settings: { ...DEFAULT_ROLE_SETTINGS, requireApproval: true },
    }).thenAccepts();
    olive({
      type: 'UpdateRoleSettings',
      scopeId: null,
      roleId: groupMemberRoleId('ops'),
      settings: { ...DEFAULT_ROLE_SETTINGS, requireApproval: true },
    }).thenRejects('not-authorized');
    const jit = (roleId: string) =>
      olive({
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId: `j-${roleId}`,
        principalId: 'cy',
        roleId,
        assignmentType: 'eligible',
        startsAt: null,
        endsAt: null,
        justification: 'x',
      });
    jit(groupMemberRoleId('eng')).thenAccepts();
    jit(groupOwnerRoleId('eng')).thenAccepts();
    jit(groupMemberRoleId('ops')).thenRejects('not-authorized');
    jit(Reader).thenRejects('not-authorized');
    jit(GA).thenRejects('not-authorized');
  });

  it('makes a JIT owner an owner only while the ownership is active', () => {
    const w = groups();
    w.assign('cy-own', 'cy', groupOwnerRoleId('ops'), 'eligible');
    expect(isGroupOwner(w.state, 'cy', 'ops', at(1))).toBe(false);
    w.activate('cy-own-act', 'cy-own', 'cy', at(1), 60);
    expect(isGroupOwner(w.state, 'cy', 'ops', at(2))).toBe(true);
    expect(isGroupOwner(w.state, 'cy', 'ops', at(61))).toBe(false);
  });

  it('never removes the last owner of a group', () => {
    const w = groups();
    given(w.events)
      .when({ type: 'RemoveGroupOwner', groupId: 'eng', userId: 'olive' }, asUser('ada'))
      .thenRejects('last-group-owner');
    w.run({ type: 'AddGroupOwner', groupId: 'eng', userId: 'cy' }, asUser('ada'));
    given(w.events)
      .when({ type: 'RemoveGroupOwner', groupId: 'eng', userId: 'olive' }, asUser('ada'))
      .thenAccepts();
  });

  it('refuses to make a group its own member', () => {
    const w = groups();
    given(w.events)
      .when(
        {
          type: 'AssignRole',
          scopeId: null,
          administrativeUnitId: null,
          assignmentId: 'self',
          principalId: 'eng',
          principalKind: 'group',
          roleId: groupMemberRoleId('eng'),
          assignmentType: 'active',
          startsAt: null,
          endsAt: null,
          justification: 'x',
        },
        asUser('ada'),
      )
      .thenRejects('group-cycle');
  });
});

describe('administrative units', () => {
  it('limits a User Administrator in a unit: no tenant-wide manage-users', () => {
    const w = tree();
    w.run(
      { type: 'CreateAdministrativeUnit', administrativeUnitId: 'paris', name: 'Paris' },
      asUser('ada'),
    );
    w.run(
      {
        type: 'SetAdministrativeUnitMembers',
        administrativeUnitId: 'paris',
        memberIds: ['cy', 'bo', 'bo'],
      },
      asUser('ada'),
    );
    expect(w.state.administrativeUnits!['paris']!.memberIds).toEqual(['bo', 'cy']);
    w.run(
      {
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        assignmentId: 'ua-paris',
        principalId: 'olive',
        roleId: ROLE_IDS.UserAdministrator,
        assignmentType: 'active',
        startsAt: null,
        endsAt: null,
        justification: 'Paris desk',
        administrativeUnitId: 'paris',
      },
      asUser('ada'),
    );
    expect(hasPermission(w.state, 'olive', 'manage-users', at(1))).toBe(false);
    given(w.events)
      .when(
        {
          type: 'CreateInvite',
          administrativeUnitId: null,
          inviteId: 'i9',
          tokenHash: 'h',
          displayName: 'New',
        },
        asUser('olive', at(1)),
      )
      .thenRejects('not-authorized');
    given(w.events)
      .when(
        {
          type: 'AssignRole',
          principalKind: 'user',
          scopeId: null,
          assignmentId: 'ga-au',
          principalId: 'olive',
          roleId: GA,
          assignmentType: 'active',
          startsAt: null,
          endsAt: null,
          justification: 'x',
          administrativeUnitId: 'paris',
        },
        asUser('ada'),
      )
      .thenRejects('invalid-scope');
    given(w.events)
      .when(
        {
          type: 'SetAdministrativeUnitMembers',
          administrativeUnitId: 'paris',
          memberIds: ['nobody'],
        },
        asUser('ada'),
      )
      .thenRejects('unknown-user');
    given(w.events)
      .when(
        { type: 'CreateAdministrativeUnit', administrativeUnitId: 'x', name: 'X' },
        asUser('olive'),
      )
      .thenRejects('not-authorized');
  });

  /** Units Paris and Lyon; Olive is User Administrator limited to Paris. */
  function units(): World {
    const w = tree();
    for (const [id, name] of [
      ['paris', 'Paris'],
      ['lyon', 'Lyon'],
    ]) {
      w.run(
        { type: 'CreateAdministrativeUnit', administrativeUnitId: id!, name: name! },
        asUser('ada'),
      );
    }
    w.run(
      {
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        assignmentId: 'ua-paris',
        principalId: 'olive',
        roleId: ROLE_IDS.UserAdministrator,
        assignmentType: 'active',
        startsAt: null,
        endsAt: null,
        justification: 'Paris desk',
        administrativeUnitId: 'paris',
      },
      asUser('ada'),
    );
    return w;
  }
  const invite = (inviteId: string, administrativeUnitId?: string | null) =>
    ({
      type: 'CreateInvite',
      administrativeUnitId: null,
      inviteId,
      tokenHash: `hash-${inviteId}`,
      displayName: 'Nina New',
      ...(administrativeUnitId !== undefined ? { administrativeUnitId } : {}),
    }) as const;

  it.each([
    ['olive', 'paris', 'accepted'],
    ['olive', 'lyon', 'not-authorized'],
    ['olive', null, 'not-authorized'],
    ['olive', undefined, 'not-authorized'],
    ['ada', 'lyon', 'accepted'],
    ['ada', null, 'accepted'],
    ['ada', 'nowhere', 'unknown-administrative-unit'],
    ['bo', 'paris', 'not-authorized'],
  ] as const)('%s inviting into %s: %s', (who, unit, outcome) => {
    const when = given(units().events).when(invite('i1', unit), asUser(who, at(1)));
    if (outcome === 'accepted') {
      const [event] = when.thenAccepts();
      expect(event).toMatchObject({
        type: 'InviteCreated',
        invite: unit ? { administrativeUnitId: unit } : {},
      });
    } else when.thenRejects(outcome);
  });

  it('tells a unit-limited User Administrator which unit they may invite into', () => {
    const decision = given(units().events)
      .when(invite('i1'), asUser('olive', at(1)))
      .thenRejects('not-authorized');
    expect(!decision.ok && decision.rejection.message).toMatch(/limited to Paris/);
  });

  it('makes the invitee a member of the unit on accepting, and lets only its admins withdraw it', () => {
    const w = units();
    w.run(invite('i-paris', 'paris'), asUser('olive', at(1)));
    w.run(invite('i-lyon', 'lyon'), asUser('ada', at(1)));
    given(w.events)
      .when({ type: 'RevokeInvite', inviteId: 'i-lyon' }, asUser('olive', at(2)))
      .thenRejects('not-authorized');
    given(w.events)
      .when({ type: 'RevokeInvite', inviteId: 'i-paris' }, asUser('olive', at(2)))
      .thenAccepts();
    w.run(
      {
        type: 'AcceptInvite',
        inviteId: 'i-paris',
        tokenHash: 'hash-i-paris',
        userId: 'nina',
        displayName: 'Nina New',
        passkey: World.setupCommand('nina').passkey,
        device: World.setupCommand('nina').device,
      },
      asSystem(at(3)),
    );
    expect(w.state.administrativeUnits!['paris']!.memberIds).toEqual(['nina']);
    expect(w.state.administrativeUnits!['lyon']!.memberIds).toEqual([]);
    // Once her unit role ends, Olive invites nobody.
    w.run(
      { type: 'RemoveAssignment', assignmentId: 'ua-paris', justification: 'Left the desk' },
      asUser('ada', at(10)),
    );
    given(w.events)
      .when(invite('i2', 'paris'), asUser('olive', at(11)))
      .thenRejects('not-authorized');
  });
});

describe('the last Global Administrator does not expire', () => {
  /** Ada's permanent GA is removed, leaving Grace's time-bound one (ends at +60). */
  function lastGaEnding(): World {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.addUser('linus', 'Linus');
    w.assign('grace-ga', 'grace', GA, 'active', { endsAt: at(60) });
    w.run(
      { type: 'RemoveAssignment', assignmentId: 'bootstrap-ada', justification: 'left' },
      asUser('ada', at(10)),
    );
    return w;
  }

  it('refuses ExpireAssignment, keeps the scheduler quiet, and keeps the role in force', () => {
    const w = lastGaEnding();
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'grace-ga' }, asSystem(at(61)))
      .thenRejects('last-global-admin');
    expect(dueWork(w.state, at(61))).toEqual([]);
    expect(nextDueAt(w.state)).toBeNull();
    expect(hasPermission(w.state, 'grace', 'manage-assignments', at(61))).toBe(true);
    expect(activeHoldersOf(w.state, GA, at(61))).toEqual(new Set(['grace']));
  });

  it('lets it expire once someone else holds the role', () => {
    const w = lastGaEnding();
    w.run(
      {
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId: 'linus-ga',
        principalId: 'linus',
        roleId: GA,
        assignmentType: 'active',
        startsAt: null,
        endsAt: null,
        justification: 'cover',
      },
      asUser('grace', at(20)),
    );
    expect(dueWork(w.state, at(61))).toEqual([
      { type: 'ExpireAssignment', assignmentId: 'grace-ga' },
    ]);
    w.run({ type: 'ExpireAssignment', assignmentId: 'grace-ga' }, asSystem(at(61)));
    expect(hasPermission(w.state, 'grace', 'manage-assignments', at(61))).toBe(false);
  });

  it('of two ending together, expires one and holds the other', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.addUser('linus', 'Linus');
    w.assign('g1', 'grace', GA, 'active', { endsAt: at(60) });
    w.assign('g2', 'linus', GA, 'active', { endsAt: at(60) });
    w.run(
      { type: 'RemoveAssignment', assignmentId: 'bootstrap-ada', justification: 'left' },
      asUser('ada', at(10)),
    );
    const due = dueWork(w.state, at(61));
    expect(due).toEqual([{ type: 'ExpireAssignment', assignmentId: 'g1' }]);
    w.run(due[0]!, asSystem(at(61)));
    expect(dueWork(w.state, at(62))).toEqual([]);
    expect(activeHoldersOf(w.state, GA, at(62))).toEqual(new Set(['linus']));
  });

  it('holds the last active Privileged Role Administrator the same way', () => {
    const w = World.setUp();
    w.addUser('pat', 'Pat');
    w.assign('pat-pra', 'pat', PRA, 'active', { endsAt: at(60) });
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'pat-pra' }, asSystem(at(61)))
      .thenRejects('last-privileged-role-admin');
    expect(dueWork(w.state, at(61))).toEqual([]);
  });

  it('holds the last eligible Global Administrator when no GA is active', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('grace-e', 'grace', GA, 'eligible', { endsAt: at(60) });
    const s = w.state;
    s.users['ada']!.status = 'disabled';
    expect(
      decide({ type: 'ExpireAssignment', assignmentId: 'grace-e' }, s, asSystem(at(61))),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'last-global-admin' },
    });
  });
});

describe('default approvers when a role names none', () => {
  it('are the Owners and User Access Administrators at the scope or above, for a resource role', () => {
    const w = tree();
    w.addUser('uaa', 'Uma');
    w.addUser('side', 'Sid');
    mustAssign(w, 'own-mg', 'olive', ROLE_IDS.Owner, 'mg');
    mustAssign(w, 'uaa-sub1', 'uaa', ROLE_IDS.UserAccessAdministrator, 'sub1');
    mustAssign(w, 'own-sub2', 'side', ROLE_IDS.Owner, 'sub2');
    // Eligible Owners do not decide until they activate.
    mustAssign(w, 'own-rg1', 'cy', ROLE_IDS.Owner, 'rg1', 'eligible');
    expect([...approversFor(w.state, ROLE_IDS.Contributor, at(1), 'rg1')].sort()).toEqual([
      'olive',
      'uaa',
    ]);
    expect([...approversFor(w.state, ROLE_IDS.Contributor, at(1), 'sub2')].sort()).toEqual([
      'olive',
      'side',
    ]);
    // Named approvers still win.
    w.run(
      {
        type: 'UpdateRoleSettings',
        roleId: ROLE_IDS.Contributor,
        scopeId: 'rg1',
        settings: { ...DEFAULT_ROLE_SETTINGS, requireApproval: true, approvers: ['bo'] },
      },
      asUser('ada', at(1)),
    );
    expect([...approversFor(w.state, ROLE_IDS.Contributor, at(2), 'rg1')]).toEqual(['bo']);
  });

  it('add the administrators when only the requester manages the scope, so the request can be decided', () => {
    const w = tree();
    mustAssign(w, 'own-sub1', 'olive', ROLE_IDS.Owner, 'sub1');
    mustAssign(w, 'contrib', 'olive', ROLE_IDS.Contributor, 'sub1', 'eligible');
    w.run(
      {
        type: 'UpdateRoleSettings',
        roleId: ROLE_IDS.Contributor,
        scopeId: 'sub1',
        settings: { ...DEFAULT_ROLE_SETTINGS, requireApproval: true },
      },
      asUser('ada', at(1)),
    );
    expect([...approversFor(w.state, ROLE_IDS.Contributor, at(2), 'sub1', 'olive')].sort()).toEqual(
      ['ada', 'olive'],
    );
    w.activate('olive-act', 'contrib', 'olive', at(2));
    // Ada, the Global Administrator, decides Olive's request; Olive cannot.
    given(w.events)
      .when(
        { type: 'ApproveRequest', requestId: 'req_olive-act', justification: 'Own scope' },
        asUser('olive', at(3)),
      )
      .thenRejects('approver-is-requester');
    w.decideRequest('req_olive-act', 'ada', at(3));
    expect(w.state.activations['olive-act']).toMatchObject({ status: 'active' });
  });

  it('fall back to Privileged Role and Global Administrators when nobody manages the scope', () => {
    const w = tree();
    expect([...approversFor(w.state, ROLE_IDS.Contributor, at(1), 'vm1')]).toEqual(['ada']);
    expect([...approversFor(w.state, ROLE_IDS.SecurityReader, at(1))]).toEqual(['ada']);
  });

  it('are the group’s owners, permanent and just-in-time while active, for its membership', () => {
    const w = tree();
    w.run(
      { type: 'CreateGroup', groupId: 'sre', name: 'SRE', description: '', ownerId: 'olive' },
      asUser('ada'),
    );
    mustAssign(w, 'jit-owner', 'cy', groupOwnerRoleId('sre'), null, 'eligible');
    const member = groupMemberRoleId('sre');
    expect([...approversFor(w.state, member, at(1))]).toEqual(['olive']);
    w.activate('cy-owns', 'jit-owner', 'cy', at(1));
    expect([...approversFor(w.state, member, at(2))].sort()).toEqual(['cy', 'olive']);
    // Ada (GA) is no approver of the group's membership while it has owners.
    expect(approversFor(w.state, member, at(2)).has('ada')).toBe(false);
  });
});
