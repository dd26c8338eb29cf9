import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Activation, Assignment } from '#domain/model';
import { DEFAULT_ROLE_SETTINGS } from '#domain/settings/settings';
import { at, T0, World } from '#domain/test-support';
import { addMinutes } from '#domain/time';
import {
  activationBlockers,
  activationStartWindow,
  activationEndsAt,
  activeActivationFor,
  canDeactivateAt,
  eligibleAssignmentsOf,
} from './activation';
import { isActivationActive, isAssignmentInForce } from './status';
import { activeRolesOf } from '#domain/assignments/holdings';

const activation = (over: Partial<Activation> = {}): Activation => ({
  id: 'act',
  assignmentId: 'e1',
  principalId: 'grace',
  roleId: ROLE_IDS.SecurityReader,
  startsAt: T0,
  endsAt: at(60),
  requestedAt: T0,
  justification: 'why',
  ticket: null,
  status: 'active',
  endedAt: null,
  ...over,
});

const assignment = (over: Partial<Assignment> = {}): Assignment => ({
  id: 'e1',
  principalId: 'grace',
  principalKind: 'user',
  scopeId: null,
  administrativeUnitId: null,
  roleId: ROLE_IDS.SecurityReader,
  type: 'eligible',
  startsAt: T0,
  endsAt: null,
  createdAt: T0,
  createdBy: 'ada',
  justification: '',
  status: 'current',
  removedAt: null,
  ...over,
});

describe('isActivationActive', () => {
  it('is active from startsAt up to, not including, endsAt', () => {
    const a = activation();
    expect(isActivationActive(a, addMinutes(T0, -1 / 60_000))).toBe(false);
    expect(isActivationActive(a, T0)).toBe(true);
    expect(isActivationActive(a, '2026-03-02T09:59:59.999Z')).toBe(true);
    expect(isActivationActive(a, at(60))).toBe(false);
  });

  it('is not active once deactivated or expired, whatever the time', () => {
    expect(isActivationActive(activation({ status: 'deactivated', endedAt: at(10) }), at(20))).toBe(
      false,
    );
    expect(isActivationActive(activation({ status: 'expired', endedAt: at(60) }), at(20))).toBe(
      false,
    );
  });
});

describe('isAssignmentInForce', () => {
  it('covers current assignments between start and end, permanent ones forever', () => {
    expect(isAssignmentInForce(assignment(), '2999-01-01T00:00:00.000Z')).toBe(true);
    expect(isAssignmentInForce(assignment({ startsAt: at(10) }), at(9))).toBe(false);
    expect(isAssignmentInForce(assignment({ endsAt: at(10) }), '2026-03-02T09:09:59.999Z')).toBe(
      true,
    );
    expect(isAssignmentInForce(assignment({ endsAt: at(10) }), at(10))).toBe(false);
    expect(isAssignmentInForce(assignment({ status: 'removed', removedAt: T0 }), at(1))).toBe(
      false,
    );
  });
});

describe('activationEndsAt', () => {
  it('is at + duration, capped by the eligible assignment’s end', () => {
    expect(activationEndsAt(assignment(), DEFAULT_ROLE_SETTINGS, 60, T0)).toBe(at(60));
    expect(activationEndsAt(assignment({ endsAt: at(30) }), DEFAULT_ROLE_SETTINGS, 60, T0)).toBe(
      at(30),
    );
    expect(activationEndsAt(assignment({ endsAt: at(90) }), DEFAULT_ROLE_SETTINGS, 60, T0)).toBe(
      at(60),
    );
  });

  it('never exceeds the role’s maximum', () => {
    expect(activationEndsAt(assignment(), DEFAULT_ROLE_SETTINGS, 10_000, T0)).toBe(at(480));
  });
});

describe('canDeactivateAt', () => {
  it('is five minutes after the start', () => {
    expect(canDeactivateAt(activation({ startsAt: at(3) }))).toBe(at(8));
  });
});

describe('queries over state', () => {
  const world = World.setUp();
  world.addUser('grace', 'Grace');
  world.assign('e1', 'grace', ROLE_IDS.SecurityReader, 'eligible');
  world.assign('e2', 'grace', ROLE_IDS.GlobalReader, 'eligible', { endsAt: at(30) });
  world.assign('a1', 'grace', ROLE_IDS.UserAdministrator, 'active');
  world.activate('act1', 'e1', 'grace', at(1), 60);
  const state = world.state;

  it('lists eligible assignments in force and activations active at the time', () => {
    expect(eligibleAssignmentsOf(state, 'grace', at(2)).map((a) => a.id)).toEqual(['e1', 'e2']);
    expect(eligibleAssignmentsOf(state, 'grace', at(30)).map((a) => a.id)).toEqual(['e1']);
    const activeOf = (userId: string, when: string) =>
      activeRolesOf(state, userId, when).activations.map((a) => a.id);
    expect(activeOf('grace', at(2))).toEqual(['act1']);
    expect(activeOf('grace', at(61))).toEqual([]);
    expect(activeOf('ada', at(2))).toEqual([]);
    expect(activeActivationFor(state, 'e1', at(2))?.id).toBe('act1');
    expect(activeActivationFor(state, 'e1', at(61))).toBeUndefined();
  });

  it('explains why an assignment cannot be activated', () => {
    const codes = (userId: string, id: string, when: string) =>
      activationBlockers(state, userId, id, when).map((r) => r.code);
    expect(codes('grace', 'e2', at(2))).toEqual([]);
    expect(codes('grace', 'e1', at(2))).toEqual(['already-active']);
    expect(codes('grace', 'e1', at(61))).toEqual([]);
    expect(codes('grace', 'e2', at(30))).toEqual(['assignment-ended']);
    expect(codes('grace', 'a1', at(2))).toEqual(['not-eligible']);
    expect(codes('ada', 'e2', at(2))).toEqual(['not-eligible']);
    expect(codes('grace', 'missing', at(2))).toEqual(['unknown-assignment']);
    expect(codes('nobody', 'e2', at(2))).toEqual(['not-authorized']);
  });

  it('shows timing, but not approval, which is a path rather than a wall', () => {
    const later = World.setUp();
    later.addUser('grace', 'Grace');
    later.run(
      {
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId: 'future',
        principalId: 'grace',
        roleId: ROLE_IDS.SecurityReader,
        assignmentType: 'eligible',
        startsAt: at(60),
        endsAt: null,
        justification: '',
      },
      { at: T0, actor: { kind: 'user', userId: 'ada', deviceId: 'd' }, passkeyConfirmed: true },
    );
    later.configure(ROLE_IDS.SecurityReader, { requireApproval: true });
    const s = later.state;
    expect(activationBlockers(s, 'grace', 'future', at(1)).map((r) => r.code)).toEqual([
      'assignment-not-started',
    ]);
    expect(activationBlockers(s, 'grace', 'future', at(60))).toEqual([]);
  });

  it('reports a pending request until it lapses', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('e1', 'grace', ROLE_IDS.SecurityReader, 'eligible');
    w.configure(ROLE_IDS.SecurityReader, { requireApproval: true, pendingTimeoutMinutes: 15 });
    w.activate('act1', 'e1', 'grace', at(1));
    const codes = (when: string) =>
      activationBlockers(w.state, 'grace', 'e1', when).map((r) => r.code);
    expect(codes(at(2))).toEqual(['request-pending']);
    expect(codes('2026-03-02T09:15:59.999Z')).toEqual(['request-pending']);
    expect(codes(at(16))).toEqual([]);
  });
});

describe('activationStartWindow', () => {
  it('given a request at 10:02, then it suggests 11:05 and allows up to 30 days ahead', () => {
    expect(activationStartWindow('2026-12-01T10:02:30.000Z')).toEqual({
      latest: '2026-12-31T10:02:30.000Z',
      suggested: '2026-12-01T11:05:00.000Z',
    });
  });

  it('given a request on a five-minute mark, then the suggestion is exactly an hour later', () => {
    expect(activationStartWindow('2026-12-01T10:05:00.000Z').suggested).toBe(
      '2026-12-01T11:05:00.000Z',
    );
  });
});
