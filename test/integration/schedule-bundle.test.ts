import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActivationActive } from '#domain/activation/status';
import { ROLE_IDS } from '#domain/catalogue';
import { hasPermission } from '#domain/permissions';
import { DEFAULT_ROLE_SETTINGS } from '#domain/settings/settings';
import type { BundleItem, UserCommand } from '#domain/commands';
import type { RoleId } from '#domain/model';
import { randomId } from '#ledger/bytes';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { ServerFrame } from '#protocol/messages';
import {
  relayWithTwoUsers,
  type CommandClient,
  type TestRelay,
  type TestUser,
  docRecord,
} from './support/harness';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/**
 * Scheduled and bundle activation through a real relay: a Node client that bypasses the UI
 * tries each forbidden move and gets the specific rejection, recorded in the ledger.
 */
describe('scheduled and bundle activation', () => {
  let h: TestRelay;
  let admin: TestUser;
  let bo: TestUser;
  let adminCmd: CommandClient;
  let boCmd: CommandClient;
  const assignments: Record<RoleId, string> = {};
  const SR = ROLE_IDS.SecurityReader;
  const GR = ROLE_IDS.GlobalReader;
  const UA = ROLE_IDS.UserAdministrator;

  const iso = (ms: number) => new Date(ms).toISOString();
  const now = () => h.clock.now();
  const entryAt = (seq: number | null | undefined): LedgerEntry =>
    JSON.parse(
      h.relay.projection.docs.audit.getArray<string>('entries').get(seq ?? -1),
    ) as LedgerEntry;
  const expectDenied = (reply: ServerFrame, code: string, message?: RegExp) => {
    expect(reply).toMatchObject({ t: 'reject', code });
    const entry = entryAt(reply.t === 'reject' ? reply.seq : null);
    expect(entry).toMatchObject({ outcome: 'rejected', rejection: { code } });
    if (message) expect(entry.rejection?.message).toMatch(message);
  };
  const activate = (
    roleId: RoleId,
    over: Partial<Extract<UserCommand, { type: 'ActivateRole' }>> = {},
  ): Extract<UserCommand, { type: 'ActivateRole' }> => ({
    type: 'ActivateRole',
    activationId: `act_${randomId(8)}`,
    assignmentId: assignments[roleId]!,
    durationMinutes: 60,
    startsAt: null,
    justification: 'Change window',
    ticket: null,
    ...over,
  });
  const item = (roleId: RoleId, over: Partial<BundleItem> = {}): BundleItem => ({
    activationId: `act_${randomId(8)}`,
    assignmentId: assignments[roleId]!,
    durationMinutes: 60,
    startsAt: null,
    ...over,
  });
  const bundle = (items: BundleItem[]): Extract<UserCommand, { type: 'ActivateRoles' }> => ({
    type: 'ActivateRoles',
    bundleId: `b_${randomId(8)}`,
    items,
    justification: 'Quarterly audit',
    ticket: null,
  });
  const send = async (command: UserCommand, confirm = true) =>
    boCmd.send(await bo.signed(command, { confirm }));

  beforeAll(async () => {
    ({ h, admin, user: bo, adminCmd, userCmd: boCmd } = await relayWithTwoUsers());
    for (const roleId of [SR, GR, UA]) {
      assignments[roleId] = `a_${randomId(8)}`;
      const reply = await adminCmd.send(
        await admin.signed({
          type: 'AssignRole',
          principalKind: 'user',
          scopeId: null,
          administrativeUnitId: null,
          assignmentId: assignments[roleId]!,
          principalId: bo.userId,
          roleId,
          assignmentType: 'eligible',
          startsAt: null,
          endsAt: null,
          justification: '',
        }),
      );
      expect(reply.t).toBe('ack');
    }
    // Global Reader needs approval (by the default approvers: Ada, the Global Administrator).
    const reply = await adminCmd.send(
      await admin.signed({
        type: 'UpdateRoleSettings',
        scopeId: null,
        roleId: GR,
        settings: { ...DEFAULT_ROLE_SETTINGS, requireApproval: true },
      }),
    );
    expect(reply.t).toBe('ack');
  });
  afterAll(async () => {
    adminCmd.close();
    boCmd.close();
    await h.close();
  });

  it('refuses an ActivateRole without startsAt as malformed: the signed bytes must say when', async () => {
    const { startsAt: _omitted, ...old } = activate(SR);
    const reply = await send(old as UserCommand);
    expect(reply).toMatchObject({ t: 'reject', code: 'malformed-command' });
    expect(reply.t === 'reject' ? reply.message : '').toMatch(/startsAt/);
  });

  it('books a scheduled activation that grants nothing until its start', async () => {
    const command = activate(SR, { startsAt: iso(now() + 60 * MIN) });
    const reply = await send(command);
    expect(reply.t).toBe('ack');
    const activation = h.relay.state.activations[command.activationId]!;
    expect(activation.startsAt).toBe(command.startsAt);
    expect(docRecord(h.relay.projection.docs.access, 'activations', command.activationId)).toEqual(
      activation,
    );
    expect(isActivationActive(activation, iso(now()))).toBe(false);
    expect(hasPermission(h.relay.state, bo.userId, 'read-audit', iso(now()))).toBe(false);
    expect(hasPermission(h.relay.state, bo.userId, 'read-audit', command.startsAt!)).toBe(true);

    // Overlapping it is refused; back-to-back with it is a separate scheduled activation.
    expectDenied(
      await send(activate(SR, { startsAt: iso(Date.parse(command.startsAt!) + 30 * MIN) })),
      'already-active',
      /scheduled for you/,
    );
    const next = activate(SR, { startsAt: activation.endsAt });
    expect((await send(next)).t).toBe('ack');

    // Someone else cannot call it off; its holder can, before it starts.
    expectDenied(
      await adminCmd.send(
        await admin.signed({ type: 'DeactivateRole', activationId: command.activationId }),
      ),
      'not-your-activation',
    );
    const cancel = await send(
      { type: 'DeactivateRole', activationId: command.activationId },
      false,
    );
    expect(cancel.t).toBe('ack');
    expect(h.relay.state.activations[command.activationId]?.status).toBe('deactivated');
    // Calling off one left the other booked.
    expect(h.relay.state.activations[next.activationId]?.status).toBe('active');
  });

  it('refuses a start more than 30 days ahead', async () => {
    expectDenied(
      await send(activate(UA, { startsAt: iso(now() + 31 * DAY) })),
      'start-too-far-ahead',
    );
  });

  it('activates several roles with one passkey ceremony, each under its own settings', async () => {
    const items = [item(UA), item(GR, { startsAt: iso(now() + 10 * MIN) })];
    const command = bundle(items);
    const reply = await send(command);
    expect(reply.t).toBe('ack');
    const entry = entryAt(reply.t === 'ack' ? reply.seq : null);
    // One signed command, one confirmation, the per-role events and nothing else.
    expect(entry.commandType).toBe('ActivateRoles');
    expect(entry.signed?.envelope.confirmation).not.toBeNull();
    expect(entry.events.map((e) => e.type)).toEqual(['ActivationStarted', 'ActivationRequested']);
    expect(h.relay.state.activations[items[0]!.activationId]?.roleId).toBe(UA);
    expect(h.relay.state.requests[`req_${items[1]!.activationId}`]).toMatchObject({
      status: 'PendingApproval',
      startsAt: items[1]!.startsAt,
    });
  });

  it('rejects the whole bundle when one role is refused, naming that role', async () => {
    // Past the end of the UA activation the previous test started.
    h.clock.advance(2 * 60 * MIN);
    const good = item(UA);
    const tooLong = item(SR, { durationMinutes: 481, startsAt: iso(now() + 5 * 60 * MIN) });
    const reply = await send(bundle([good, tooLong]));
    expectDenied(reply, 'exceeds-max-duration', /Role 2 of 2 \(Security Reader\)/);
    expect(h.relay.state.activations[good.activationId]).toBeUndefined();
  });

  it('refuses a bundle without the passkey, or with a passkey bound to another bundle', async () => {
    expectDenied(await send(bundle([item(UA)]), false), 'confirmation-required');
    const shown = bundle([item(UA)]);
    const sent = { ...shown, items: [...shown.items, item(SR)] };
    const intent = bo.intent(shown);
    const reply = await boCmd.send(await bo.signed(sent, { confirm: true, challengeFor: intent }));
    expectDenied(reply, 'confirmation-invalid');
  });

  it('refuses bundles of no roles or more than ten as malformed', async () => {
    for (const items of [[], Array.from({ length: 11 }, () => item(UA))]) {
      const reply = await send(bundle(items));
      expect(reply).toMatchObject({ t: 'reject', code: 'malformed-command' });
    }
  });
});
