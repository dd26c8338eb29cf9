import { describe, it } from 'vitest';
import type { Command } from '#domain/commands';
import { asSystem, asUser, at, deviceFor, given, tenant } from '#domain/test-support';

describe('EnrolDevice', () => {
  const w = tenant();
  const enrol = (over: Partial<Extract<Command, { type: 'EnrolDevice' }>> = {}): Command => ({
    type: 'EnrolDevice',
    userId: 'grace',
    credentialId: 'cred-grace',
    device: deviceFor('grace', 2),
    ...over,
  });

  it('enrols a second device with the user’s own passkey', () => {
    given(w.events)
      .when(enrol(), asSystem(at(1)))
      .then([
        {
          type: 'DeviceEnrolled',
          device: { ...deviceFor('grace', 2), userId: 'grace', enrolledAt: at(1), revokedAt: null },
        },
      ]);
  });

  it('refuses unknown users, someone else’s passkey and taken ids', () => {
    given(w.events)
      .when(enrol({ userId: 'nobody' }), asSystem(at(1)))
      .thenRejects('unknown-user');
    given(w.events)
      .when(enrol({ credentialId: 'cred-ada' }), asSystem(at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(enrol({ credentialId: 'cred-nope' }), asSystem(at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(enrol({ device: deviceFor('ada') }), asSystem(at(1)))
      .thenRejects('duplicate-id');
  });
});

describe('RevokeDevice', () => {
  const w = tenant();
  const revoke = (deviceId: string): Command => ({ type: 'RevokeDevice', deviceId });

  it('lets anyone revoke their own device, and a Global Administrator anyone’s', () => {
    given(w.events)
      .when(revoke('device-grace'), asUser('grace', at(1)))
      .then([{ type: 'DeviceRevoked', deviceId: 'device-grace', at: at(1) }]);
    given(w.events)
      .when(revoke('device-grace'), asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when(revoke('device-ada'), asUser('grace', at(1)))
      .thenRejects('not-authorized');
  });

  it('refuses unknown and already revoked devices', () => {
    given(w.events)
      .when(revoke('nope'), asUser('grace', at(1)))
      .thenRejects('unknown-device');
    const revoked = [
      ...w.events,
      { type: 'DeviceRevoked', deviceId: 'device-grace', at: at(1) } as const,
    ];
    given(revoked)
      .when(revoke('device-grace'), asUser('grace', at(2)))
      .thenRejects('already-ended');
  });
});
