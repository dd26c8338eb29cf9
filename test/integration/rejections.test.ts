import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { UserCommand } from '#domain/commands';
import { randomId } from '#ledger/bytes';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { ServerFrame } from '#protocol/messages';
import {
  CommandClient,
  TestUser,
  post,
  relayWithTwoUsers,
  type TestRelay,
} from './support/harness';

const MIN = 60_000;

describe('signed commands: every bad input gets its own rejection, and the relay keeps serving', () => {
  let h: TestRelay;
  let admin: TestUser;
  let user: TestUser;
  let adminCmd: CommandClient;
  let userCmd: CommandClient;
  const assignmentId = `a_${randomId(8)}`;

  /** The admin makes the user eligible for a role. */
  const assignEligible = async (id: string, roleId: string) =>
    adminCmd.send(
      await admin.signed({
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId: id,
        principalId: user.userId,
        roleId,
        assignmentType: 'eligible',
        startsAt: null,
        endsAt: null,
        justification: '',
      }),
    );

  beforeAll(async () => {
    ({ h, admin, user, adminCmd, userCmd } = await relayWithTwoUsers());
    expect((await assignEligible(assignmentId, ROLE_IDS.GlobalReader)).t).toBe('ack');
  });
  afterAll(async () => {
    adminCmd.close();
    userCmd.close();
    await h.close();
  });

  const entryAt = (seq: number | null | undefined): LedgerEntry =>
    JSON.parse(
      h.relay.projection.docs.audit.getArray<string>('entries').get(seq ?? -1),
    ) as LedgerEntry;
  const activate = (
    over: Partial<Extract<UserCommand, { type: 'ActivateRole' }>> = {},
  ): UserCommand => ({
    type: 'ActivateRole',
    activationId: `act_${randomId(8)}`,
    assignmentId,
    durationMinutes: 60,
    startsAt: null,
    justification: 'Checking the audit trail',
    ticket: null,
    ...over,
  });
  /** The relay still answers a well-formed command after the bad one. */
  const stillServing = async () => {
    const pong = userCmd.next((f) => f.t === 'pong');
    userCmd.sendRaw(JSON.stringify({ t: 'ping', id: 'alive' }));
    expect(await pong).toMatchObject({ t: 'pong', id: 'alive' });
  };
  const expectDenied = (reply: ServerFrame, code: string) => {
    expect(reply).toMatchObject({ t: 'reject', code });
    const seq = reply.t === 'reject' ? reply.seq : null;
    expect(entryAt(seq)).toMatchObject({ outcome: 'rejected', rejection: { code } });
  };

  it('rejects a forged device signature and logs it', async () => {
    const signed = await user.signed(activate(), { confirm: true });
    signed.envelope.command = { ...signed.envelope.command, durationMinutes: 480 } as UserCommand;
    expectDenied(await userCmd.send(signed), 'bad-signature');
    await stillServing();
  });

  it('answers an exact resend with the first outcome and applies it once', async () => {
    const signed = await user.signed(activate(), { confirm: true });
    const first = await userCmd.send(signed);
    expect(first).toMatchObject({ t: 'ack' });
    const size = h.relay.ledger.size;
    const again = await userCmd.send(signed);
    expect(again).toMatchObject({
      t: 'ack',
      duplicate: true,
      seq: first.t === 'ack' ? first.seq : -1,
    });
    expect(h.relay.ledger.size).toBe(size);
  });

  it('rejects a reused cmdId carrying a different command', async () => {
    const first = await userCmd.send(
      await user.signed({ type: 'RevokeInvite', inviteId: 'inv_nothing' }),
    );
    expect(first.t).toBe('reject');
    const cmdId = first.t === 'reject' ? first.cmdId! : '';
    expectDenied(
      await userCmd.send(
        await user.signed({ type: 'RevokeInvite', inviteId: 'inv_other' }, { intent: { cmdId } }),
      ),
      'replayed-command',
    );
  });

  it('rejects a command naming an unknown device', async () => {
    expectDenied(
      await userCmd.send(await user.signed(activate(), { intent: { deviceId: 'd_unknown' } })),
      'unknown-device',
    );
  });

  it('rejects a command signed by another device of the same user, and one from a revoked device', async () => {
    // A second device of the same user, enrolled by signing in with the same passkey.
    const phone = await TestUser.create(h);
    phone.authenticator.credentials.push(...user.authenticator.credentials);
    const options = await post<{ ceremonyId: string; optionsJSON: { challenge: string } }>(
      h,
      '/api/signin/options',
      { devicePublicKey: phone.publicKey, deviceLabel: 'Phone' },
    );
    const response = await phone.authenticator.assert(options.body.optionsJSON.challenge);
    const verify = await post<{ userId: string }>(h, '/api/signin/verify', {
      ceremonyId: options.body.ceremonyId,
      response,
    });
    expect(verify).toMatchObject({ status: 200, body: { userId: user.userId } });
    phone.userId = user.userId;
    const fromPhone = await phone.signed(activate());
    expectDenied(await userCmd.send(fromPhone), 'device-not-yours');

    const revoke = await userCmd.send(
      await user.signed({ type: 'RevokeDevice', deviceId: phone.deviceId }),
    );
    expect(revoke.t).toBe('ack');
    expectDenied(await userCmd.send(await phone.signed(activate())), 'device-revoked');
    const session = await post(h, '/api/session/challenge', { deviceId: phone.deviceId });
    expect(session).toMatchObject({ status: 403, body: { error: { code: 'device-revoked' } } });
  });

  it('rejects a passkey assertion made for a different command', async () => {
    const other = user.intent(activate({ durationMinutes: 5 }));
    expectDenied(
      await userCmd.send(await user.signed(activate(), { confirm: true, challengeFor: other })),
      'confirmation-invalid',
    );
  });

  it('rejects a tampered passkey signature and one without user verification', async () => {
    expectDenied(
      await userCmd.send(
        await user.signed(activate(), { confirm: true, tamper: { badSignature: true } }),
      ),
      'confirmation-invalid',
    );
    expectDenied(
      await userCmd.send(
        await user.signed(activate(), { confirm: true, tamper: { noUserVerification: true } }),
      ),
      'confirmation-invalid',
    );
    expectDenied(
      await userCmd.send(
        await user.signed(activate(), { confirm: true, tamper: { origin: 'http://evil.example' } }),
      ),
      'confirmation-invalid',
    );
  });

  it('rejects unknown, reused and expired confirmation nonces', async () => {
    expectDenied(
      await userCmd.send(await user.signed(activate(), { confirm: true, nonce: randomId(32) })),
      'nonce-unknown',
    );
    // Another device's nonce is not this device's.
    const adminNonce = await admin.nonce();
    expectDenied(
      await userCmd.send(await user.signed(activate(), { confirm: true, nonce: adminNonce })),
      'nonce-unknown',
    );

    // A nonce is spent by the command it confirmed even when the domain refuses that command:
    // this test's own eligibility, activated once, refuses a second activation.
    const ownAssignment = `a_${randomId(8)}`;
    expect(await assignEligible(ownAssignment, ROLE_IDS.SecurityReader)).toMatchObject({
      t: 'ack',
    });
    const mine = (over: Partial<Extract<UserCommand, { type: 'ActivateRole' }>> = {}) =>
      activate({ assignmentId: ownAssignment, ...over });
    expect(await userCmd.send(await user.signed(mine(), { confirm: true }))).toMatchObject({
      t: 'ack',
    });
    const nonce = await user.nonce();
    expectDenied(
      await userCmd.send(await user.signed(mine(), { confirm: true, nonce })),
      'already-active',
    );
    expectDenied(
      await userCmd.send(await user.signed(mine(), { confirm: true, nonce })),
      'nonce-used',
    );

    const stale = await user.nonce();
    h.clock.advance(6 * MIN);
    expectDenied(
      await userCmd.send(await user.signed(activate(), { confirm: true, nonce: stale })),
      'nonce-expired',
    );
  });

  it('rejects activating a role the user is not eligible for', async () => {
    const adminAssignment = Object.values(h.relay.state.assignments).find(
      (a) => a.principalId === admin.userId,
    )!;
    expectDenied(
      await userCmd.send(
        await user.signed(activate({ assignmentId: adminAssignment.id }), { confirm: true }),
      ),
      'not-eligible',
    );
    expectDenied(
      await userCmd.send(
        await user.signed(activate({ assignmentId: 'a_nothing' }), { confirm: true }),
      ),
      'unknown-assignment',
    );
  });

  it('rejects admin commands from a user without an admin role', async () => {
    expectDenied(
      await userCmd.send(
        await user.signed({
          type: 'AssignRole',
          principalKind: 'user',
          scopeId: null,
          administrativeUnitId: null,
          assignmentId: `a_${randomId(8)}`,
          principalId: user.userId,
          roleId: ROLE_IDS.GlobalAdministrator,
          assignmentType: 'active',
          startsAt: null,
          endsAt: null,
          justification: 'me',
        }),
      ),
      'not-authorized',
    );
  });

  it('rejects a command issued far in the future or long ago', async () => {
    const future = new Date(h.clock.now() + 60 * MIN).toISOString();
    expectDenied(
      await userCmd.send(await user.signed(activate(), { intent: { issuedAt: future } })),
      'stale-command',
    );
    const old = new Date(h.clock.now() - 8 * 24 * 60 * MIN).toISOString();
    expectDenied(
      await userCmd.send(await user.signed(activate(), { intent: { issuedAt: old } })),
      'stale-command',
    );
  });

  it('answers malformed frames with a specific error and no ledger entry', async () => {
    const size = h.relay.ledger.size;
    const notJson = userCmd.next((f) => f.t === 'error');
    userCmd.sendRaw('{not json');
    expect(await notJson).toMatchObject({ t: 'error', code: 'malformed-frame' });
    const unknown = userCmd.next((f) => f.t === 'error');
    userCmd.sendRaw(JSON.stringify({ t: 'launch-missiles' }));
    expect(await unknown).toMatchObject({ t: 'error', code: 'unknown-frame-type' });
    const badShape = userCmd.next((f) => f.t === 'reject');
    const signed = await user.signed(activate());
    userCmd.sendRaw(
      JSON.stringify({
        t: 'command',
        signed: {
          ...signed,
          envelope: {
            ...signed.envelope,
            command: { ...signed.envelope.command, durationMinutes: '60' },
          },
        },
      }),
    );
    expect(await badShape).toMatchObject({
      t: 'reject',
      code: 'malformed-command',
      cmdId: signed.envelope.cmdId,
      seq: null,
    });
    const extra = userCmd.next((f) => f.t === 'reject');
    userCmd.sendRaw(
      JSON.stringify({
        t: 'command',
        signed: { ...signed, envelope: { ...signed.envelope, admin: true } },
      }),
    );
    expect(await extra).toMatchObject({ t: 'reject', code: 'malformed-command' });
    expect(h.relay.ledger.size).toBe(size);
    await stillServing();
  });

  it('closes a socket that sends an oversized frame with 1009, and keeps serving others', async () => {
    const victim = await CommandClient.connect(h, user.token);
    victim.sendRaw('x'.repeat(300 * 1024));
    expect((await victim.closed).code).toBe(1009);
    await stillServing();
  });

  it('refuses a socket without a valid session with 4401', async () => {
    const anon = await CommandClient.connect(h, 'not-a-token');
    expect((await anon.closed).code).toBe(4401);
  });
});
