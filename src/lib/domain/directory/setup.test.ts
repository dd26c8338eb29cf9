import { describe, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { asSystem, at, deviceFor, given, passkeyFor, T0, World } from '#domain/test-support';

const GA = ROLE_IDS.GlobalAdministrator;

describe('CompleteSetup', () => {
  it('creates the bootstrap Global Administrator', () => {
    given([])
      .when(World.setupCommand(), asSystem(T0))
      .then([
        { type: 'SetupCompleted', at: T0 },
        {
          type: 'UserCreated',
          user: {
            id: 'ada',
            displayName: 'Ada',
            status: 'active',
            createdAt: T0,
            breakGlass: false,
          },
        },
        {
          type: 'PasskeyRegistered',
          passkey: { ...passkeyFor('ada'), userId: 'ada', registeredAt: T0 },
        },
        {
          type: 'DeviceEnrolled',
          device: { ...deviceFor('ada'), userId: 'ada', enrolledAt: T0, revokedAt: null },
        },
        {
          type: 'RoleAssigned',
          assignment: {
            id: 'bootstrap-ada',
            principalId: 'ada',
            principalKind: 'user',
            scopeId: null,
            administrativeUnitId: null,
            roleId: GA,
            type: 'active',
            startsAt: T0,
            endsAt: null,
            createdAt: T0,
            createdBy: 'system',
            justification: 'Bootstrap administrator created at setup',
            status: 'current',
            removedAt: null,
          },
        },
      ]);
  });

  it('happens once', () => {
    given(World.setUp().events)
      .when(World.setupCommand('eve'), asSystem(at(1)))
      .thenRejects('setup-already-done');
  });

  it('refuses a blank name or an unusable id', () => {
    given([])
      .when({ ...World.setupCommand(), displayName: '   ' }, asSystem())
      .thenRejects('invalid-value');
    given([]).when(World.setupCommand('__proto__'), asSystem()).thenRejects('invalid-value');
  });
});
