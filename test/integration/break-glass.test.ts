import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertIdFor } from '#domain/alerts/alerts';
import { ROLE_IDS } from '#domain/catalogue';
import { DEFAULT_ROLE_SETTINGS } from '#domain/settings/settings';
import type { UserCommand } from '#domain/commands';
import { randomId } from '#ledger/bytes';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { ServerFrame } from '#protocol/messages';
import {
  inviteUser,
  relayWithTwoUsers,
  type CommandClient,
  type TestRelay,
  type TestUser,
  docRecord,
} from './support/harness';

/**
 * Break-glass accounts through a real relay: only a Global Administrator may flag one; a
 * flagged account activates an approval-required role at once, and the ledger and the
 * directory document carry a high-severity alert.
 */
describe('break-glass accounts', () => {
  let h: TestRelay;
  let admin: TestUser;
  let bo: TestUser;
  let adminCmd: CommandClient;
  let boCmd: CommandClient;
  let pra: { user: TestUser; cmd: CommandClient };
  const boGa = `a_${randomId(8)}`;

  const entryAt = (seq: number | null | undefined): LedgerEntry =>
    JSON.parse(
      h.relay.projection.docs.audit.getArray<string>('entries').get(seq ?? -1),
    ) as LedgerEntry;
  const expectDenied = (reply: ServerFrame, code: string) => {
    expect(reply).toMatchObject({ t: 'reject', code });
    expect(entryAt(reply.t === 'reject' ? reply.seq : null)).toMatchObject({
      outcome: 'rejected',
      rejection: { code },
    });
  };
  const flag = (userId: string, breakGlass = true): UserCommand => ({
    type: 'SetBreakGlass',
    userId,
    breakGlass,
    justification: 'Sealed emergency account',
  });
  const activateGa = (): Extract<UserCommand, { type: 'ActivateRole' }> => ({
    type: 'ActivateRole',
    activationId: `act_${randomId(8)}`,
    assignmentId: boGa,
    durationMinutes: 60,
    startsAt: null,
    justification: 'Tenant locked out',
    ticket: null,
  });

  beforeAll(async () => {
    ({ h, admin, user: bo, adminCmd, userCmd: boCmd } = await relayWithTwoUsers());
    pra = await inviteUser(h, admin, adminCmd, 'Pia Privileged');
    const assign = async (
      assignmentId: string,
      principalId: string,
      roleId: string,
      type: 'eligible' | 'active',
    ) =>
      expect(
        (
          await adminCmd.send(
            await admin.signed({
              type: 'AssignRole',
              principalKind: 'user',
              scopeId: null,
              administrativeUnitId: null,
              assignmentId,
              principalId,
              roleId,
              assignmentType: type,
              startsAt: null,
              endsAt: null,
              justification: 'Set-up',
            }),
          )
        ).t,
      ).toBe('ack');
    await assign(boGa, bo.userId, ROLE_IDS.GlobalAdministrator, 'eligible');
    await assign(
      `a_${randomId(8)}`,
      pra.user.userId,
      ROLE_IDS.PrivilegedRoleAdministrator,
      'active',
    );
    const settings = await adminCmd.send(
      await admin.signed({
        type: 'UpdateRoleSettings',
        scopeId: null,
        roleId: ROLE_IDS.GlobalAdministrator,
        settings: { ...DEFAULT_ROLE_SETTINGS, requireApproval: true },
      }),
    );
    expect(settings.t).toBe('ack');
  });
  afterAll(async () => {
    for (const c of [adminCmd, boCmd, pra.cmd]) c.close();
    await h.close();
  });

  it('refuses the flag from anyone but a Global Administrator, and without a passkey', async () => {
    expectDenied(
      await pra.cmd.send(await pra.user.signed(flag(bo.userId), { confirm: true })),
      'not-authorized',
    );
    expectDenied(
      await boCmd.send(await bo.signed(flag(bo.userId), { confirm: true })),
      'not-authorized',
    );
    expectDenied(await adminCmd.send(await admin.signed(flag(bo.userId))), 'confirmation-required');
  });

  it('without the flag, an approval-required role becomes a request', async () => {
    const command = activateGa();
    expect((await boCmd.send(await bo.signed(command, { confirm: true }))).t).toBe('ack');
    expect(h.relay.state.activations[command.activationId]).toBeUndefined();
    const cancel = await boCmd.send(
      await bo.signed({
        type: 'CancelRequest',
        requestId: `req_${command.activationId}`,
        justification: '',
      }),
    );
    expect(cancel.t).toBe('ack');
  });

  it('with the flag, activates at once and raises a high-severity alert', async () => {
    const set = await adminCmd.send(await admin.signed(flag(bo.userId), { confirm: true }));
    expect(set.t).toBe('ack');
    expect(docRecord(h.relay.projection.docs.directory, 'users', bo.userId)).toMatchObject({
      breakGlass: true,
    });
    const command = activateGa();
    const reply = await boCmd.send(await bo.signed(command, { confirm: true }));
    expect(reply.t).toBe('ack');
    const entry = entryAt(reply.t === 'ack' ? reply.seq : null);
    expect(entry.events.map((e) => e.type)).toEqual(['ActivationStarted', 'AlertRaised']);
    const alert = {
      id: alertIdFor(command.activationId),
      kind: 'break-glass-used',
      severity: 'high',
      userId: bo.userId,
      roleId: ROLE_IDS.GlobalAdministrator,
      activationId: command.activationId,
    };
    expect(h.relay.state.alerts?.[alert.id]).toMatchObject(alert);
    expect(docRecord(h.relay.projection.docs.audit, 'alerts', alert.id)).toMatchObject(alert);
    // Members who may not read the audit never receive alerts in their directory replica.
    expect(h.relay.projection.docs.directory.getMap('alerts').size).toBe(0);
  });

  it('still needs the passkey confirmation', async () => {
    h.clock.advance(61 * 60_000);
    expectDenied(await boCmd.send(await bo.signed(activateGa())), 'confirmation-required');
  });
});
