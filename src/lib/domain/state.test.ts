import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from './catalogue';
import { applyEvent, evolve, foldEvents, initialState } from './state';
import { at, T0, World } from './test-support';
import type { DomainEvent } from './events';

describe('state', () => {
  it('starts empty and not set up', () => {
    expect(initialState()).toEqual({
      setupCompletedAt: null,
      users: {},
      passkeys: {},
      devices: {},
      customRoles: {},
      settings: {},
      assignments: {},
      activations: {},
      invites: {},
      requests: {},
      assignmentRequests: {},
      alerts: {},
      scopes: {},
      administrativeUnits: {},
      groups: {},
    });
  });

  it('folds setup into a bootstrap Global Administrator', () => {
    const state = World.setUp().state;
    expect(state.setupCompletedAt).toBe(T0);
    expect(state.users['ada']).toEqual({
      id: 'ada',
      displayName: 'Ada',
      status: 'active',
      createdAt: T0,
      breakGlass: false,
    });
    expect(state.passkeys['cred-ada']?.userId).toBe('ada');
    expect(state.devices['device-ada']?.revokedAt).toBeNull();
    expect(state.assignments['bootstrap-ada']).toMatchObject({
      roleId: ROLE_IDS.GlobalAdministrator,
      type: 'active',
      endsAt: null,
      status: 'current',
    });
  });

  it('marks ends with status and time, without touching the events', () => {
    const world = World.setUp();
    world.addUser('grace', 'Grace');
    world.assign('e1', 'grace', ROLE_IDS.SecurityReader, 'eligible');
    world.activate('act1', 'e1', 'grace', at(1));
    const started = world.events.find((e) => e.type === 'ActivationStarted');
    const snapshot = structuredClone(started);
    const more: DomainEvent[] = [
      { type: 'ActivationDeactivated', activationId: 'act1', at: at(10) },
      { type: 'AssignmentExpired', assignmentId: 'e1', at: at(20) },
      { type: 'AssignmentRemoved', assignmentId: 'bootstrap-ada', at: at(30) },
      { type: 'DeviceRevoked', deviceId: 'device-grace', at: at(40) },
      { type: 'InviteRevoked', inviteId: 'invite-grace', at: at(50) },
    ];
    const state = foldEvents([...world.events, ...more]);
    expect(state.activations['act1']).toMatchObject({ status: 'deactivated', endedAt: at(10) });
    expect(state.assignments['e1']).toMatchObject({ status: 'removed', removedAt: at(20) });
    expect(state.assignments['bootstrap-ada']).toMatchObject({
      status: 'removed',
      removedAt: at(30),
    });
    expect(state.devices['device-grace']?.revokedAt).toBe(at(40));
    expect(state.invites['invite-grace']).toMatchObject({ acceptedBy: 'grace', revokedAt: at(50) });
    expect(started).toEqual(snapshot);
  });

  it('expires an activation with status expired', () => {
    const state = initialState();
    applyEvent(state, {
      type: 'ActivationStarted',
      activation: {
        id: 'a',
        assignmentId: 'e',
        principalId: 'u',
        roleId: 'r',
        startsAt: T0,
        endsAt: at(60),
        requestedAt: T0,
        justification: 'x',
        ticket: null,
        status: 'active',
        endedAt: null,
      },
    });
    applyEvent(state, { type: 'ActivationExpired', activationId: 'a', at: at(60) });
    expect(state.activations['a']).toMatchObject({ status: 'expired', endedAt: at(60) });
  });

  it('ignores events about records it does not have', () => {
    const state = initialState();
    applyEvent(state, { type: 'ActivationExpired', activationId: 'ghost', at: T0 });
    applyEvent(state, { type: 'InviteAccepted', inviteId: 'ghost', userId: 'u', at: T0 });
    expect(state).toEqual(initialState());
  });

  it('keeps a __proto__ id as data, not as a prototype', () => {
    const state = initialState();
    applyEvent(state, {
      type: 'UserCreated',
      user: {
        id: '__proto__',
        displayName: 'Mallory',
        status: 'active',
        createdAt: T0,
        breakGlass: false,
      },
    });
    expect(Object.getPrototypeOf(state.users)).toBe(Object.prototype);
    expect(Object.keys(state.users)).toEqual(['__proto__']);
  });

  it('evolve leaves its input alone', () => {
    const before = initialState();
    const after = evolve(before, { type: 'SetupCompleted', at: T0 });
    expect(before.setupCompletedAt).toBeNull();
    expect(after.setupCompletedAt).toBe(T0);
  });
});
