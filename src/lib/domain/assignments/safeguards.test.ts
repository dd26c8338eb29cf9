import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Assignment } from '#domain/model';
import { at, World } from '#domain/test-support';
import { activeHoldersOf, wouldRemoveLastHolder } from './safeguards';

const GA = ROLE_IDS.GlobalAdministrator;
const PRA = ROLE_IDS.PrivilegedRoleAdministrator;

const get = (w: World, id: string): Assignment => {
  const a = w.state.assignments[id];
  if (!a) throw new Error(`no assignment ${id}`);
  return a;
};

describe('safeguards', () => {
  it('counts active assignments and activations, not eligibility or disabled users', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.addUser('linus', 'Linus');
    w.assign('e1', 'grace', GA, 'eligible');
    w.assign('a1', 'linus', GA, 'active');
    expect(activeHoldersOf(w.state, GA, at(1))).toEqual(new Set(['ada', 'linus']));
    w.activate('act1', 'e1', 'grace', at(1));
    const s = w.state;
    expect(activeHoldersOf(s, GA, at(2))).toEqual(new Set(['ada', 'linus', 'grace']));
    const linus = s.users['linus'];
    if (linus) linus.status = 'disabled';
    expect(activeHoldersOf(s, GA, at(2))).toEqual(new Set(['ada', 'grace']));
  });

  it('refuses to remove the last Global Administrator', () => {
    const w = World.setUp();
    expect(wouldRemoveLastHolder(w.state, get(w, 'bootstrap-ada'), at(10))?.code).toBe(
      'last-global-admin',
    );
    w.addUser('grace', 'Grace');
    w.assign('a1', 'grace', GA, 'active');
    expect(wouldRemoveLastHolder(w.state, get(w, 'bootstrap-ada'), at(10))).toBeNull();
  });

  it('counts a holder who holds the role two ways once each way', () => {
    const w = World.setUp();
    w.assign('e2', 'ada', GA, 'eligible');
    w.activate('act', 'e2', 'ada', at(5));
    // Removing the permanent one leaves Ada holding GA through her activation.
    expect(wouldRemoveLastHolder(w.state, get(w, 'bootstrap-ada'), at(10))).toBeNull();
    // Removing the eligible one (and so her activation) leaves the permanent one.
    expect(wouldRemoveLastHolder(w.state, get(w, 'e2'), at(10))).toBeNull();
  });

  it('refuses to remove the last eligible Global Administrator when none is active', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('e1', 'grace', GA, 'eligible');
    const s = w.state;
    const ada = s.users['ada'];
    if (ada) ada.status = 'disabled';
    const e1 = get(w, 'e1');
    expect(wouldRemoveLastHolder(s, e1, at(10))?.code).toBe('last-global-admin');
  });

  it('protects the last Privileged Role Administrator only when there is one', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.addUser('linus', 'Linus');
    w.assign('p1', 'grace', PRA, 'active');
    expect(wouldRemoveLastHolder(w.state, get(w, 'p1'), at(10))?.code).toBe(
      'last-privileged-role-admin',
    );
    w.assign('p2', 'linus', PRA, 'eligible');
    // Eligibility alone does not keep the tenant administrable.
    expect(wouldRemoveLastHolder(w.state, get(w, 'p2'), at(10))).toBeNull();
    expect(wouldRemoveLastHolder(w.state, get(w, 'p1'), at(10))?.code).toBe(
      'last-privileged-role-admin',
    );
    w.activate('act', 'p2', 'linus', at(10));
    expect(wouldRemoveLastHolder(w.state, get(w, 'p1'), at(11))).toBeNull();
  });

  it('says nothing about other roles', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('r1', 'grace', ROLE_IDS.SecurityReader, 'active');
    expect(wouldRemoveLastHolder(w.state, get(w, 'r1'), at(10))).toBeNull();
  });
});
