import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewalAssignmentIdFor } from '#domain/assignment-requests/extensions';
import { ROLE_IDS } from '#domain/catalogue';
import type { UserCommand } from '#domain/commands';
import { randomId } from '#ledger/bytes';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { ServerFrame } from '#protocol/messages';
import {
  CommandClient,
  relayWithTwoUsers,
  type TestRelay,
  type TestUser,
  docRecord,
} from './support/harness';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * Extend and renew through a real relay: the assignee asks, an administrator decides or
 * extends directly; a Node client bypassing the UI gets each rule's rejection in the ledger.
 */
describe('extend and renew assignments', () => {
  let h: TestRelay;
  let admin: TestUser;
  let bo: TestUser;
  let adminCmd: CommandClient;
  let boCmd: CommandClient;
  const soon = `a_${randomId(8)}`;
  const later = `a_${randomId(8)}`;

  const iso = (ms: number) => new Date(ms).toISOString();
  const now = () => h.clock.now();
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
  const asBo = async (command: UserCommand) => boCmd.send(await bo.signed(command));
  const asAdmin = async (command: UserCommand) =>
    adminCmd.send(await admin.signed(command, { confirm: true }));
  const ask = (
    type: 'RequestExtension' | 'RequestRenewal',
    assignmentId: string,
    endsAt: string,
  ): UserCommand => ({
    type,
    requestId: `x_${randomId(8)}`,
    assignmentId,
    endsAt,
    justification: 'Still on the rota',
  });
  const decision = (
    requestId: string,
    over: Partial<Extract<UserCommand, { type: 'DecideExtension' }>> = {},
  ): UserCommand => ({
    type: 'DecideExtension',
    requestId,
    decision: 'approve',
    endsAt: null,
    assignmentType: null,
    justification: 'Manager confirmed',
    ...over,
  });

  beforeAll(async () => {
    ({ h, admin, user: bo, adminCmd, userCmd: boCmd } = await relayWithTwoUsers());
    for (const [assignmentId, roleId, endsAt] of [
      [soon, ROLE_IDS.SecurityReader, iso(now() + 10 * DAY)],
      [later, ROLE_IDS.GlobalReader, iso(now() + 60 * DAY)],
    ] as const) {
      const reply = await adminCmd.send(
        await admin.signed({
          type: 'AssignRole',
          principalKind: 'user',
          scopeId: null,
          administrativeUnitId: null,
          assignmentId,
          principalId: bo.userId,
          roleId,
          assignmentType: 'eligible',
          startsAt: null,
          endsAt,
          justification: '',
        }),
      );
      expect(reply.t).toBe('ack');
    }
  });
  afterAll(async () => {
    adminCmd.close();
    boCmd.close();
    await h.close();
  });

  it('lets the assignee ask to extend only near the end, once at a time', async () => {
    expectDenied(
      await asBo(ask('RequestExtension', later, iso(now() + 90 * DAY))),
      'extension-not-due',
    );
    expectDenied(await asBo(ask('RequestRenewal', soon, iso(now() + 90 * DAY))), 'renewal-not-due');
    expectDenied(
      await adminCmd.send(await admin.signed(ask('RequestExtension', soon, iso(now() + 90 * DAY)))),
      'not-authorized',
    );
    const first = ask('RequestExtension', soon, iso(now() + 40 * DAY));
    expect((await asBo(first)).t).toBe('ack');
    expect(
      docRecord(
        h.relay.projection.docs.access,
        'assignmentRequests',
        (first as { requestId: string }).requestId,
      ),
    ).toMatchObject({ status: 'PendingAdminDecision', kind: 'extend' });
    expectDenied(
      await asBo(ask('RequestExtension', soon, iso(now() + 50 * DAY))),
      'request-pending',
    );
  });

  it('an administrator decides: not their own, not twice, and the assignee cannot', async () => {
    const pending = Object.values(h.relay.state.assignmentRequests ?? {}).find(
      (r) => r.status === 'PendingAdminDecision',
    )!;
    expectDenied(await asBo(decision(pending.id)), 'not-authorized');
    expectDenied(
      await asAdmin(decision(pending.id, { justification: '' })),
      'justification-required',
    );
    const newEnd = iso(now() + 30 * DAY);
    const reply = await asAdmin(decision(pending.id, { endsAt: newEnd }));
    expect(reply.t).toBe('ack');
    expect(entryAt(reply.t === 'ack' ? reply.seq : null).events.map((e) => e.type)).toEqual([
      'AssignmentRequestDecided',
      'AssignmentExtended',
    ]);
    expect(h.relay.state.assignments[soon]?.endsAt).toBe(newEnd);
    expect(docRecord(h.relay.projection.docs.access, 'assignments', soon)).toMatchObject({
      endsAt: newEnd,
    });
    expectDenied(await asAdmin(decision(pending.id)), 'request-not-pending');
  });

  it('administrators extend directly; users cannot', async () => {
    const end = iso(now() + 90 * DAY);
    expectDenied(
      await asBo({
        type: 'ExtendAssignment',
        assignmentId: later,
        endsAt: end,
        justification: 'x',
      }),
      'not-authorized',
    );
    const reply = await asAdmin({
      type: 'ExtendAssignment',
      assignmentId: later,
      endsAt: end,
      justification: 'Project extended',
    });
    expect(reply.t).toBe('ack');
    expect(h.relay.state.assignments[later]?.endsAt).toBe(end);
  });

  it('administrators change an assignment’s dates, earlier or later; users cannot', async () => {
    const update = (endsAt: string | null): UserCommand => ({
      type: 'UpdateAssignment',
      assignmentId: later,
      startsAt: null,
      endsAt,
      justification: 'Project shortened',
    });
    expectDenied(await asBo(update(iso(now() + 80 * DAY))), 'not-authorized');
    expectDenied(await asAdmin(update(iso(now() - DAY))), 'assignment-too-short');
    const end = iso(now() + 80 * DAY);
    const reply = await asAdmin(update(end));
    expect(reply.t).toBe('ack');
    expect(entryAt(reply.t === 'ack' ? reply.seq : null).events[0]).toMatchObject({
      type: 'AssignmentUpdated',
      after: { endsAt: end },
    });
    expect(docRecord(h.relay.projection.docs.access, 'assignments', later)).toMatchObject({
      endsAt: end,
    });
  });

  it('renews an expired assignment within 30 days, not after', async () => {
    // The relay expires the Security Reader eligibility on schedule, then 31 more days pass
    // for the Global Reader one (a fresh session each time: sessions last 12 hours).
    h.clock.advance(31 * DAY);
    await bo.openSession();
    await admin.openSession();
    boCmd.close();
    adminCmd.close();
    boCmd = await CommandClient.connect(h, bo.token);
    adminCmd = await CommandClient.connect(h, admin.token);
    expect(h.relay.state.assignments[soon]?.status).toBe('removed');
    const renewal = ask('RequestRenewal', soon, iso(now() + 60 * DAY));
    expect((await asBo(renewal)).t).toBe('ack');
    const requestId = (renewal as { requestId: string }).requestId;
    const reply = await asAdmin(decision(requestId));
    expect(reply.t).toBe('ack');
    const renewed = h.relay.state.assignments[renewalAssignmentIdFor(requestId)];
    expect(renewed).toMatchObject({ principalId: bo.userId, status: 'current', type: 'eligible' });

    h.clock.advance(31 * DAY);
    await bo.openSession();
    boCmd.close();
    boCmd = await CommandClient.connect(h, bo.token);
    // The first, original Security Reader assignment expired 31+ days ago now.
    expectDenied(
      await asBo(ask('RequestRenewal', soon, iso(now() + 60 * DAY))),
      'renewal-window-closed',
    );
  });

  it('lets an undecided request lapse after 14 days, recorded by the relay scheduler', async () => {
    const renewedId = Object.values(h.relay.state.assignments).find(
      (a) => a.status === 'current' && a.roleId === ROLE_IDS.SecurityReader,
    )!.id;
    const reconnect = async () => {
      await bo.openSession();
      boCmd.close();
      boCmd = await CommandClient.connect(h, bo.token);
    };
    // The renewed eligibility now ends within 14 days: Bo asks to extend it; nobody decides.
    h.clock.advance(17 * DAY);
    await reconnect();
    const asked = ask('RequestExtension', renewedId, iso(now() + 40 * DAY));
    expect((await asBo(asked)).t).toBe('ack');
    const requestId = (asked as { requestId: string }).requestId;
    const expiresAt = h.relay.state.assignmentRequests![requestId]!.expiresAt!;
    // 14 days after it was asked (the relay clock runs on while the test does).
    expect(Date.parse(expiresAt) - (now() + 14 * DAY)).toBeLessThanOrEqual(0);
    expect(Date.parse(expiresAt) - (now() + 14 * DAY)).toBeGreaterThan(-5_000);
    h.clock.advance(14 * DAY);
    await h.relay.pipeline.drain();
    expect(h.relay.state.assignmentRequests![requestId]).toMatchObject({
      status: 'Expired',
      resolvedAt: expiresAt,
      resolvedBy: 'system',
    });
    expect(
      docRecord(h.relay.projection.docs.access, 'assignmentRequests', requestId),
    ).toMatchObject({ status: 'Expired' });
    const lapse = h.relay.projection.docs.audit
      .getArray<string>('entries')
      .toArray()
      .map((e) => JSON.parse(e) as LedgerEntry)
      .find((e) => e.commandType === 'ExpireRequest' && JSON.stringify(e).includes(requestId));
    expect(lapse).toMatchObject({ kind: 'system', outcome: 'accepted' });
    await admin.openSession();
    adminCmd.close();
    adminCmd = await CommandClient.connect(h, admin.token);
    expectDenied(await asAdmin(decision(requestId)), 'request-not-pending');
  });
});
