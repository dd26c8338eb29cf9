import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { applyEvent } from '#domain/state';
import { asSystem, at, decideOk, given, tenant } from '#domain/test-support';
import { dueWork, nextDueAt } from './due-work';

const PRA = ROLE_IDS.PrivilegedRoleAdministrator;

describe('expiry', () => {
  function scheduled() {
    const w = tenant();
    w.assign('b1', 'grace', PRA, 'eligible', { endsAt: at(60) });
    w.activate('act1', 'e1', 'grace', at(1), 30);
    w.activate('act2', 'b1', 'grace', at(10), 120);
    return w;
  }

  it('ExpireActivation records the real end time', () => {
    const w = scheduled();
    given(w.events)
      .when({ type: 'ExpireActivation', activationId: 'act1' }, asSystem(at(31)))
      .then([{ type: 'ActivationExpired', activationId: 'act1', at: at(31) }]);
    given(w.events)
      .when({ type: 'ExpireActivation', activationId: 'act1' }, asSystem(at(45)))
      .then([{ type: 'ActivationExpired', activationId: 'act1', at: at(31) }]);
    given(w.events)
      .when({ type: 'ExpireActivation', activationId: 'act1' }, asSystem(at(30)))
      .thenRejects('not-active');
    given(w.events)
      .when({ type: 'ExpireActivation', activationId: 'nope' }, asSystem(at(30)))
      .thenRejects('unknown-activation');
  });

  it('ExpireAssignment also expires what was activated from it', () => {
    const w = scheduled();
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'b1' }, asSystem(at(70)))
      .then([
        { type: 'AssignmentExpired', assignmentId: 'b1', at: at(60) },
        { type: 'ActivationExpired', activationId: 'act2', at: at(60) },
      ]);
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'b1' }, asSystem(at(59)))
      .thenRejects('not-active');
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'e1' }, asSystem(at(59)))
      .thenRejects('not-active');
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'nope' }, asSystem(at(59)))
      .thenRejects('unknown-assignment');
  });

  it('dueWork lists what has ended, activations first, and all of it is accepted', () => {
    const w = scheduled();
    expect(nextDueAt(w.state)).toBe(at(31));
    expect(dueWork(w.state, at(30))).toEqual([]);
    expect(dueWork(w.state, at(31))).toEqual([{ type: 'ExpireActivation', activationId: 'act1' }]);
    const due = dueWork(w.state, at(60));
    expect(due).toEqual([
      { type: 'ExpireActivation', activationId: 'act1' },
      { type: 'ExpireActivation', activationId: 'act2' },
      { type: 'ExpireAssignment', assignmentId: 'b1' },
    ]);
    const state = w.state;
    for (const command of due) {
      for (const event of decideOk(command, state, asSystem(at(60)))) applyEvent(state, event);
    }
    expect(dueWork(state, at(60))).toEqual([]);
    expect(nextDueAt(state)).toBeNull();
  });
});
