import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, canLimitToUnit, ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import { decide } from '#domain/decide';
import {
  assign,
  asUser,
  at,
  given,
  T0,
  tenant,
  tenantWithBounded,
  withSettings,
} from '#domain/test-support';
import { addDays } from '#domain/time';

const GA = ROLE_IDS.GlobalAdministrator;
const PRA = ROLE_IDS.PrivilegedRoleAdministrator;
const SR = ROLE_IDS.SecurityReader;
const GR = ROLE_IDS.GlobalReader;

describe('AssignRole', () => {
  const w = tenant();

  it('assigns permanently from now by default', () => {
    given(w.events)
      .when(assign({ roleId: PRA }), asUser('ada', at(1)))
      .then([
        {
          type: 'RoleAssigned',
          assignment: {
            id: 'new',
            principalId: 'grace',
            principalKind: 'user',
            scopeId: null,
            administrativeUnitId: null,
            roleId: PRA,
            type: 'eligible',
            startsAt: at(1),
            endsAt: null,
            createdAt: at(1),
            createdBy: 'ada',
            justification: 'Joins the security team',
            status: 'current',
            removedAt: null,
          },
        },
      ]);
  });

  it('treats a start in the past as now and keeps a future one', () => {
    const past = given(w.events)
      .when(assign({ startsAt: T0 }), asUser('ada', at(1)))
      .thenAccepts();
    expect(past[0]).toMatchObject({ assignment: { startsAt: at(1) } });
    const future = given(w.events)
      .when(assign({ startsAt: at(60) }), asUser('ada', at(1)))
      .thenAccepts();
    expect(future[0]).toMatchObject({ assignment: { startsAt: at(60) } });
  });

  it('checks permission, principal, role, id and times in that order', () => {
    given(w.events)
      .when(assign(), asUser('grace', at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(assign({ principalId: 'nobody', roleId: 'nope' }), asUser('ada', at(1)))
      .thenRejects('unknown-user');
    given(w.events)
      .when(assign({ roleId: 'nope', assignmentId: 'e1' }), asUser('ada', at(1)))
      .thenRejects('unknown-role');
    given(w.events)
      .when(assign({ assignmentId: 'e1', endsAt: 'soon' }), asUser('ada', at(1)))
      .thenRejects('duplicate-id');
    given(w.events)
      .when(assign({ endsAt: 'soon' }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
    given(w.events)
      .when(assign({ startsAt: '2026-03-02T10:00:00Z' }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
  });

  it('needs at least 5 minutes: exactly 5 is enough, 4:59.999 is not', () => {
    given(w.events)
      .when(assign({ endsAt: at(6) }), asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when(assign({ endsAt: '2026-03-02T09:05:59.999Z' }), asUser('ada', at(1)))
      .thenRejects('assignment-too-short');
    given(w.events)
      .when(assign({ startsAt: at(60), endsAt: at(65) }), asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when(assign({ endsAt: at(1) }), asUser('ada', at(1)))
      .thenRejects('assignment-too-short');
    given(w.events)
      .when(assign({ endsAt: T0 }), asUser('ada', at(1)))
      .thenRejects('assignment-too-short');
  });

  it('honours the role’s permanence and maximum length', () => {
    const state = withSettings(w.events, GR, {
      allowPermanentEligible: false,
      eligibleExpiryDays: 15,
    });
    const ctx = asUser('ada', at(1));
    expect(decide(assign(), state, ctx)).toMatchObject({
      rejection: { code: 'permanent-not-allowed' },
    });
    expect(decide(assign({ endsAt: addDays(at(1), 15) }), state, ctx).ok).toBe(true);
    expect(decide(assign({ endsAt: addDays(at(2), 15) }), state, ctx)).toMatchObject({
      rejection: { code: 'exceeds-max-assignment' },
    });
    // The maximum counts from the start, so a later start may end later.
    expect(decide(assign({ startsAt: at(60), endsAt: addDays(at(60), 15) }), state, ctx).ok).toBe(
      true,
    );
    // Active assignments have their own knob.
    expect(decide(assign({ assignmentType: 'active' }), state, ctx).ok).toBe(true);
  });

  it('needs a justification and, when set, a passkey for active assignments', () => {
    given(w.events)
      .when(assign({ assignmentType: 'active', justification: ' ' }), asUser('ada', at(1)))
      .thenRejects('justification-required');
    given(w.events)
      .when(assign({ justification: '' }), asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when(assign({ justification: 'j'.repeat(501) }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
    const state = withSettings(w.events, GR, { requirePasskeyOnActiveAssignment: true });
    const cmd = assign({ assignmentType: 'active' });
    expect(decide(cmd, state, asUser('ada', at(1), { passkey: false }))).toMatchObject({
      rejection: { code: 'confirmation-required' },
    });
    expect(decide(cmd, state, asUser('ada', at(1), { passkey: true })).ok).toBe(true);
  });

  it('refuses an overlapping assignment of the same type, not a disjoint one', () => {
    given(w.events)
      .when(assign({ assignmentId: 'e2', roleId: SR }), asUser('ada', at(1)))
      .thenRejects('already-assigned');
    given(w.events)
      .when(assign({ roleId: SR, assignmentType: 'active' }), asUser('ada', at(1)))
      .thenAccepts();
    const bounded = tenantWithBounded();
    given(bounded)
      .when(assign({ roleId: PRA, startsAt: at(60) }), asUser('ada', at(1)))
      .thenAccepts();
    given(bounded)
      .when(assign({ roleId: PRA, startsAt: at(59) }), asUser('ada', at(1)))
      .thenRejects('already-assigned');
  });
});

describe('RemoveAssignment', () => {
  it('removes it and ends activations made from it', () => {
    const w = tenant();
    w.activate('act1', 'e1', 'grace', at(5));
    given(w.events)
      .when(
        { type: 'RemoveAssignment', assignmentId: 'e1', justification: 'Left the team' },
        asUser('ada', at(10)),
      )
      .then([
        { type: 'AssignmentRemoved', assignmentId: 'e1', at: at(10) },
        { type: 'ActivationDeactivated', activationId: 'act1', at: at(10) },
      ]);
  });

  it('waits 5 minutes after creation: exactly 5 is enough', () => {
    const w = tenant();
    const remove: Command = { type: 'RemoveAssignment', assignmentId: 'e1', justification: '' };
    given(w.events)
      .when(remove, asUser('ada', '2026-03-02T09:04:59.999Z'))
      .thenRejects('too-early-to-remove');
    given(w.events)
      .when(remove, asUser('ada', at(5)))
      .thenAccepts();
  });

  it('checks permission and existence', () => {
    const w = tenant();
    const remove = (assignmentId: string): Command => ({
      type: 'RemoveAssignment',
      assignmentId,
      justification: '',
    });
    given(w.events)
      .when(remove('e1'), asUser('grace', at(10)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(remove('nope'), asUser('ada', at(10)))
      .thenRejects('unknown-assignment');
    const removed = [
      ...w.events,
      { type: 'AssignmentRemoved', assignmentId: 'e1', at: at(6) } as const,
    ];
    given(removed)
      .when(remove('e1'), asUser('ada', at(10)))
      .thenRejects('unknown-assignment');
  });

  it('keeps the last Global Administrator and Privileged Role Administrator', () => {
    const w = tenant();
    w.assign('p1', 'grace', PRA, 'active');
    const remove = (assignmentId: string): Command => ({
      type: 'RemoveAssignment',
      assignmentId,
      justification: '',
    });
    given(w.events)
      .when(remove('bootstrap-ada'), asUser('ada', at(10)))
      .thenRejects('last-global-admin');
    given(w.events)
      .when(remove('p1'), asUser('ada', at(10)))
      .thenRejects('last-privileged-role-admin');
    w.assign('g2', 'grace', GA, 'active');
    given(w.events)
      .when(remove('bootstrap-ada'), asUser('ada', at(10)))
      .thenAccepts();
  });
});

describe('AssignRole in an administrative unit', () => {
  const w = tenant();
  w.run(
    { type: 'CreateAdministrativeUnit', administrativeUnitId: 'paris', name: 'Paris' },
    asUser('ada'),
  );

  it('accepts a unit for exactly the directory roles canLimitToUnit allows', () => {
    const directory = BUILT_IN_ROLES.filter((r) => r.kind === 'directory');
    for (const role of directory) {
      const decision = decide(
        assign({ roleId: role.id, administrativeUnitId: 'paris' }),
        w.state,
        asUser('ada', at(1)),
      );
      expect([role.id, decision.ok]).toEqual([role.id, canLimitToUnit(role)]);
      if (!decision.ok) expect(decision.rejection.code).toBe('invalid-scope');
    }
    expect(canLimitToUnit({ id: GA, kind: 'directory' })).toBe(false);
    expect(canLimitToUnit({ id: PRA, kind: 'directory' })).toBe(false);
    expect(canLimitToUnit({ id: SR, kind: 'directory' })).toBe(true);
  });

  it('never limits a resource role or a group pseudo-role to a unit', () => {
    expect(canLimitToUnit({ id: ROLE_IDS.Reader, kind: 'resource' })).toBe(false);
    expect(canLimitToUnit({ id: 'group-member:sre', kind: 'group' })).toBe(false);
  });
});
