import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { randomId } from '#ledger/bytes';
import type { LedgerEntry } from '#protocol/ledger-entry';
import {
  relayWithTwoUsers,
  type CommandClient,
  type TestRelay,
  type TestUser,
} from './support/harness';

const MIN = 60_000;

describe('passkey-confirmed activation, end to end over real sockets', () => {
  let h: TestRelay;
  let admin: TestUser;
  let user: TestUser;
  let adminCmd: CommandClient;
  let userCmd: CommandClient;
  const assignmentId = `a_${randomId(8)}`;
  const activationId = `act_${randomId(8)}`;

  beforeAll(async () => {
    ({ h, admin, user, adminCmd, userCmd } = await relayWithTwoUsers());
  });
  afterAll(async () => {
    adminCmd.close();
    userCmd.close();
    await h.close();
  });

  const entries = (): LedgerEntry[] =>
    h.relay.projection.docs.audit
      .getArray<string>('entries')
      .toArray()
      .map((s) => JSON.parse(s) as LedgerEntry);

  it('makes the first user a permanent active Global Administrator', () => {
    const gaAssignments = Object.values(h.relay.state.assignments).filter(
      (a) => a.roleId === ROLE_IDS.GlobalAdministrator,
    );
    expect(gaAssignments).toHaveLength(1);
    expect(gaAssignments[0]).toMatchObject({
      principalId: admin.userId,
      type: 'active',
      endsAt: null,
      status: 'current',
    });
  });

  it('lets the admin make the second user eligible', async () => {
    const reply = await adminCmd.send(
      await admin.signed({
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId,
        principalId: user.userId,
        roleId: ROLE_IDS.SecurityReader,
        assignmentType: 'eligible',
        startsAt: null,
        endsAt: null,
        justification: 'On-call auditor',
      }),
    );
    expect(reply).toMatchObject({ t: 'ack' });
  });

  it('refuses an activation without passkey confirmation, and records the denial', async () => {
    const reply = await userCmd.send(
      await user.signed({
        type: 'ActivateRole',
        activationId,
        assignmentId,
        durationMinutes: 60,
        startsAt: null,
        justification: 'Audit',
        ticket: null,
      }),
    );
    expect(reply).toMatchObject({ t: 'reject', code: 'confirmation-required' });
    const seq = reply.t === 'reject' ? reply.seq : -1;
    expect(entries()[seq!]).toMatchObject({
      outcome: 'rejected',
      actor: user.userId,
      commandType: 'ActivateRole',
      rejection: { code: 'confirmation-required' },
    });
  });

  it('activates with a passkey assertion bound to the exact command', async () => {
    const reply = await userCmd.send(
      await user.signed(
        {
          type: 'ActivateRole',
          activationId,
          assignmentId,
          durationMinutes: 60,
          startsAt: null,
          justification: 'Audit',
          ticket: null,
        },
        { confirm: true },
      ),
    );
    expect(reply).toMatchObject({ t: 'ack' });
    const activation = h.relay.state.activations[activationId]!;
    expect(activation).toMatchObject({
      principalId: user.userId,
      roleId: ROLE_IDS.SecurityReader,
      status: 'active',
    });
    expect(Date.parse(activation.endsAt) - Date.parse(activation.startsAt)).toBe(60 * MIN);
    // The ledger keeps the raw assertion, so anyone can re-verify the confirmation later.
    const entry = entries().find((e) => e.cmdId === (reply.t === 'ack' ? reply.cmdId : ''))!;
    expect(entry.signed?.envelope.confirmation?.assertion.response.signature).toBeTruthy();
    expect(entry.events.map((e) => e.type)).toEqual(['ActivationStarted']);
  });

  it('refuses to deactivate within the first 5 minutes, then allows it', async () => {
    const early = await userCmd.send(await user.signed({ type: 'DeactivateRole', activationId }));
    expect(early).toMatchObject({ t: 'reject', code: 'too-early-to-deactivate' });
    h.clock.advance(5 * MIN);
    const later = await userCmd.send(await user.signed({ type: 'DeactivateRole', activationId }));
    expect(later).toMatchObject({ t: 'ack' });
    expect(h.relay.state.activations[activationId]!.status).toBe('deactivated');
  });

  it('records the expiry of an activation at its end time from the relay scheduler', async () => {
    const second = `act_${randomId(8)}`;
    const reply = await userCmd.send(
      await user.signed(
        {
          type: 'ActivateRole',
          activationId: second,
          assignmentId,
          durationMinutes: 30,
          startsAt: null,
          justification: 'Again',
          ticket: null,
        },
        { confirm: true },
      ),
    );
    expect(reply).toMatchObject({ t: 'ack' });
    await fetch(`${h.http}/api/test/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 30 * MIN }),
    });
    await h.relay.pipeline.drain();
    expect(h.relay.state.activations[second]!.status).toBe('expired');
    const expiry = entries().find(
      (e) => e.kind === 'system' && e.commandType === 'ExpireActivation',
    );
    expect(expiry).toMatchObject({
      outcome: 'accepted',
      events: [{ type: 'ActivationExpired', activationId: second }],
    });
  });

  it('covers every entry with a signed checkpoint whose size is the ledger size', async () => {
    const res = await fetch(`${h.http}/api/ledger/checkpoint`);
    const note = await res.text();
    const [origin, size] = note.split('\n');
    expect(origin).toBe(h.relay.origin);
    expect(Number(size)).toBe(entries().length);
  });
});
