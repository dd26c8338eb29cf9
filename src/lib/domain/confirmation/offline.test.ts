import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { at, World } from '#domain/test-support';
import {
  OFFLINE_ARRIVAL_MARGIN_MINUTES,
  offlineWindowFor,
  oldestUsableNonceIssue,
  pooledNonceRefusal,
} from './offline';

const SR = ROLE_IDS.SecurityReader;
const PRA = ROLE_IDS.PrivilegedRoleAdministrator;

function world(): World {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  w.addUser('ap1', 'Approver');
  w.assign('e1', 'grace', SR, 'eligible');
  w.assign('e2', 'grace', PRA, 'eligible');
  return w;
}

const activate = (assignmentId: string) =>
  ({
    type: 'ActivateRole',
    activationId: 'act1',
    assignmentId,
    durationMinutes: 60,
    startsAt: null,
    justification: 'Incident 42',
    ticket: null,
  }) as const;

describe('offlineWindowFor', () => {
  it("gives an activation its role's window (default 480 minutes)", () => {
    expect(offlineWindowFor(activate('e1'), world().state)).toEqual({
      minutes: 480,
      roleId: SR,
      reason: null,
    });
  });

  it('gives a bundle the shortest window among its roles', () => {
    const w = world();
    w.configure(PRA, { offlineConfirmWindowMinutes: 30 });
    const bundle = {
      type: 'ActivateRoles' as const,
      bundleId: 'b1',
      items: [
        { activationId: 'a1', assignmentId: 'e1', durationMinutes: 60, startsAt: null },
        { activationId: 'a2', assignmentId: 'e2', durationMinutes: 60, startsAt: null },
      ],
      justification: 'Incident 42',
      ticket: null,
    };
    expect(offlineWindowFor(bundle, w.state)).toMatchObject({ minutes: 30, roleId: PRA });
  });

  it("gives a decision on a request the request's role window", () => {
    const w = world();
    w.configure(SR, { requireApproval: true, approvers: ['ap1'], offlineConfirmWindowMinutes: 60 });
    w.activate('act1', 'e1', 'grace', at(1));
    const approve = { type: 'ApproveRequest' as const, requestId: 'req_act1', justification: 'ok' };
    expect(offlineWindowFor(approve, w.state)).toMatchObject({ minutes: 60, roleId: SR });
  });

  it('is 0, with a reason naming the role, when the role turned offline confirmation off', () => {
    const w = world();
    w.configure(SR, { offlineConfirmWindowMinutes: 0 });
    const window = offlineWindowFor(activate('e1'), w.state);
    expect(window.minutes).toBe(0);
    expect(window.reason).toMatch(/Offline confirmation is off for the role Security Reader/);
  });

  it('is 0 for unknown targets and for commands that are not activations or decisions', () => {
    const state = world().state;
    expect(offlineWindowFor(activate('nope'), state).minutes).toBe(0);
    expect(
      offlineWindowFor({ type: 'RevokeDevice', deviceId: 'device-grace' }, state),
    ).toMatchObject({ minutes: 0, reason: expect.stringContaining('RevokeDevice') });
  });
});

describe('pooledNonceRefusal', () => {
  const window = { minutes: 60, roleId: SR, reason: null };
  it('accepts a nonce issued within the window and refuses one issued before it', () => {
    expect(pooledNonceRefusal(window, at(0), at(60))).toBeNull();
    expect(pooledNonceRefusal(window, at(0), at(61))).toMatch(/offline window of 60 minutes/);
  });
  it('refuses everything when the window is 0', () => {
    expect(pooledNonceRefusal({ minutes: 0, roleId: SR, reason: 'off' }, at(0), at(0))).toBe('off');
  });
});

describe('oldestUsableNonceIssue', () => {
  const window = { minutes: 480, roleId: SR, reason: null };

  it('keeps a minute of the window for the trip to the relay', () => {
    expect(OFFLINE_ARRIVAL_MARGIN_MINUTES).toBe(1);
    expect(oldestUsableNonceIssue(window, at(1000))).toBe(at(1000 - 479));
  });

  it('picks only nonces the relay still accepts when the command arrives within the margin', () => {
    const oldest = oldestUsableNonceIssue(window, at(1000));
    expect(
      pooledNonceRefusal(window, oldest, at(1000 + OFFLINE_ARRIVAL_MARGIN_MINUTES)),
    ).toBeNull();
    // Arriving later than that, the same nonce is too old.
    expect(
      pooledNonceRefusal(window, oldest, at(1000 + OFFLINE_ARRIVAL_MARGIN_MINUTES + 1)),
    ).not.toBeNull();
  });
});
