import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { DEFAULT_ROLE_SETTINGS } from '#domain/settings/settings';
import type { RoleId, RoleSettings } from '#domain/model';
import { randomId } from '#ledger/bytes';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { ServerFrame } from '#protocol/messages';
import {
  inviteUser,
  relayWithTwoUsers,
  type CommandClient,
  type TestRelay,
  type TestUser,
} from './support/harness';

const MIN = 60_000;

/**
 * Approval with an M-of-N quorum through a real relay: a Node client that bypasses the UI tries
 * every forbidden move and gets the specific rejection, recorded in the ledger.
 */
describe('approvals with quorum', () => {
  let h: TestRelay;
  let admin: TestUser;
  let bo: TestUser;
  let adminCmd: CommandClient;
  let boCmd: CommandClient;
  const approvers: { user: TestUser; cmd: CommandClient }[] = [];
  const assignments: Record<string, string> = {};

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
  const settings = async (roleId: RoleId, over: Partial<RoleSettings>) => {
    const reply = await adminCmd.send(
      await admin.signed({
        type: 'UpdateRoleSettings',
        scopeId: null,
        roleId,
        settings: { ...DEFAULT_ROLE_SETTINGS, ...over },
      }),
    );
    expect(reply.t).toBe('ack');
    return reply;
  };
  const request = async (roleId: RoleId) => {
    const activationId = `act_${randomId(8)}`;
    const reply = await boCmd.send(
      await bo.signed(
        {
          type: 'ActivateRole',
          activationId,
          assignmentId: assignments[roleId]!,
          durationMinutes: 60,
          startsAt: null,
          justification: 'Incident 7',
          ticket: null,
        },
        { confirm: true },
      ),
    );
    expect(reply.t).toBe('ack');
    const requestId = `req_${activationId}`;
    expect(h.relay.state.requests[requestId]).toMatchObject({
      status: 'PendingApproval',
      principalId: bo.userId,
    });
    return { requestId, activationId };
  };
  const decide = async (
    who: { user: TestUser; cmd: CommandClient },
    type: 'ApproveRequest' | 'DenyRequest',
    requestId: string,
    confirm = true,
  ) =>
    who.cmd.send(
      await who.user.signed({ type, requestId, justification: 'Checked the ticket' }, { confirm }),
    );

  beforeAll(async () => {
    ({ h, admin, user: bo, adminCmd, userCmd: boCmd } = await relayWithTwoUsers());
    for (const name of ['Cy', 'Di', 'Ed'])
      approvers.push(await inviteUser(h, admin, adminCmd, name));
    for (const roleId of [ROLE_IDS.SecurityReader, ROLE_IDS.GlobalReader]) {
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
  });
  afterAll(async () => {
    for (const c of [adminCmd, boCmd, ...approvers.map((a) => a.cmd)]) c.close();
    await h.close();
  });

  it('refuses settings changes from someone without an admin role, and records old and new values', async () => {
    expectDenied(
      await boCmd.send(
        await bo.signed({
          type: 'UpdateRoleSettings',
          scopeId: null,
          roleId: ROLE_IDS.SecurityReader,
          settings: { ...DEFAULT_ROLE_SETTINGS, requireApproval: false },
        }),
      ),
      'not-authorized',
    );
    const ids = approvers.map((a) => a.user.userId);
    const reply = await settings(ROLE_IDS.SecurityReader, {
      requireApproval: true,
      approvers: ids,
      approvalsRequired: 2,
      pendingTimeoutMinutes: 60,
    });
    const event = entryAt(reply.t === 'ack' ? reply.seq : null).events[0];
    expect(event).toMatchObject({
      type: 'RoleSettingsUpdated',
      scopeId: null,
      before: { requireApproval: false, approvalsRequired: 1 },
      after: { requireApproval: true, approvalsRequired: 2 },
    });
    expectDenied(
      await adminCmd.send(
        await admin.signed({
          type: 'UpdateRoleSettings',
          scopeId: null,
          roleId: ROLE_IDS.SecurityReader,
          settings: { ...DEFAULT_ROLE_SETTINGS, maxActivationMinutes: 1441 },
        }),
      ),
      'invalid-value',
    );
  });

  it('grants only when the second distinct approver approves', async () => {
    const { requestId, activationId } = await request(ROLE_IDS.SecurityReader);
    expect(h.relay.state.activations[activationId]).toBeUndefined();
    expectDenied(
      await boCmd.send(
        await bo.signed(
          { type: 'ApproveRequest', requestId, justification: 'me' },
          { confirm: true },
        ),
      ),
      'approver-is-requester',
    );
    expectDenied(
      await decide(approvers[0]!, 'ApproveRequest', requestId, false),
      'confirmation-required',
    );
    expect((await decide(approvers[0]!, 'ApproveRequest', requestId)).t).toBe('ack');
    expect(h.relay.state.requests[requestId]!.status).toBe('PendingApproval');
    expectDenied(await decide(approvers[0]!, 'ApproveRequest', requestId), 'already-decided');
    expectDenied(
      await adminCmd.send(
        await admin.signed(
          { type: 'ApproveRequest', requestId, justification: 'I am GA' },
          { confirm: true },
        ),
      ),
      'not-an-approver',
    );
    expect((await decide(approvers[1]!, 'ApproveRequest', requestId)).t).toBe('ack');
    expect(h.relay.state.requests[requestId]!.status).toMatch(/Granted|Provisioned/);
    expect(h.relay.state.activations[activationId]).toMatchObject({
      status: 'active',
      principalId: bo.userId,
    });
    expectDenied(await decide(approvers[2]!, 'ApproveRequest', requestId), 'request-not-pending');
  });

  it('resolves as denied at the first deny', async () => {
    await settings(ROLE_IDS.GlobalReader, {
      requireApproval: true,
      approvers: approvers.map((a) => a.user.userId),
      approvalsRequired: 3,
      pendingTimeoutMinutes: 30,
    });
    const { requestId, activationId } = await request(ROLE_IDS.GlobalReader);
    expect((await decide(approvers[0]!, 'ApproveRequest', requestId)).t).toBe('ack');
    expect((await decide(approvers[1]!, 'DenyRequest', requestId)).t).toBe('ack');
    expect(h.relay.state.requests[requestId]!.status).toBe('Denied');
    expect(h.relay.state.activations[activationId]).toBeUndefined();
    expectDenied(await decide(approvers[2]!, 'ApproveRequest', requestId), 'request-not-pending');
  });

  it('lets the requester cancel, after which decisions are refused', async () => {
    const { requestId } = await request(ROLE_IDS.GlobalReader);
    expectDenied(
      await approvers[0]!.cmd.send(
        await approvers[0]!.user.signed({ type: 'CancelRequest', requestId, justification: '' }),
      ),
      'not-authorized',
    );
    expect(
      (await boCmd.send(await bo.signed({ type: 'CancelRequest', requestId, justification: '' })))
        .t,
    ).toBe('ack');
    expect(h.relay.state.requests[requestId]!.status).toBe('Canceled');
    expectDenied(await decide(approvers[0]!, 'ApproveRequest', requestId), 'request-not-pending');
  });

  it('expires a request nobody decided at its timeout, from the relay scheduler', async () => {
    const { requestId } = await request(ROLE_IDS.GlobalReader);
    await fetch(`${h.http}/api/test/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 30 * MIN }),
    });
    await h.relay.pipeline.drain();
    expect(h.relay.state.requests[requestId]!.status).toBe('Expired');
    const expiry = h.relay.projection.docs.audit
      .getArray<string>('entries')
      .toArray()
      .map((e) => JSON.parse(e) as LedgerEntry)
      .find((e) => e.commandType === 'ExpireRequest');
    expect(expiry).toMatchObject({ kind: 'system', outcome: 'accepted' });
    expectDenied(await decide(approvers[0]!, 'ApproveRequest', requestId), 'request-not-pending');
  });

  it('decides a list of requests with ONE passkey assertion bound to exactly that list', async () => {
    await settings(ROLE_IDS.GlobalReader, {
      requireApproval: true,
      approvers: approvers.map((a) => a.user.userId),
      approvalsRequired: 1,
      pendingTimeoutMinutes: 60,
    });
    // Security Reader's earlier activation (60 minutes) has ended by now.
    await fetch(`${h.http}/api/test/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 61 * MIN }),
    });
    await h.relay.pipeline.drain();
    const sr = await request(ROLE_IDS.SecurityReader);
    const gr = await request(ROLE_IDS.GlobalReader);
    const cy = approvers[0]!;
    const list = (requestIds: string[]) =>
      ({
        type: 'DecideRequests',
        batchId: `d_${randomId(8)}`,
        decision: 'approve',
        requestIds,
        justification: 'Both tickets checked',
      }) as const;
    // An assertion made for a shorter list does not cover a longer one.
    const shown = list([gr.requestId]);
    const sent = { ...shown, requestIds: [gr.requestId, sr.requestId] };
    expectDenied(
      await cy.cmd.send(
        await cy.user.signed(sent, { confirm: true, challengeFor: cy.user.intent(shown) }),
      ),
      'confirmation-invalid',
    );
    expectDenied(
      await cy.cmd.send(await cy.user.signed(list([gr.requestId, sr.requestId]))),
      'confirmation-required',
    );
    // The requester cannot slip their own request into a list.
    expectDenied(
      await boCmd.send(await bo.signed(list([gr.requestId]), { confirm: true })),
      'approver-is-requester',
    );
    const assertions = () => cy.user.authenticator.credentials[0]!.counter;
    const before = assertions();
    const reply = await cy.cmd.send(
      await cy.user.signed(list([gr.requestId, sr.requestId]), { confirm: true }),
    );
    expect(reply.t).toBe('ack');
    expect(assertions() - before).toBe(1);
    const entry = entryAt(reply.t === 'ack' ? reply.seq : null);
    expect(entry).toMatchObject({ outcome: 'accepted', commandType: 'DecideRequests' });
    expect(entry.events.map((e) => e.type)).toEqual([
      'RequestApproved',
      'RequestGranted',
      'ActivationStarted',
      'RequestApproved',
    ]);
    expect(h.relay.state.activations[gr.activationId]).toMatchObject({ status: 'active' });
    // Security Reader needs two distinct approvers: Cy's counts once, Di's grants it.
    expect(h.relay.state.requests[sr.requestId]!.status).toBe('PendingApproval');
    expectDenied(
      await cy.cmd.send(await cy.user.signed(list([sr.requestId]), { confirm: true })),
      'already-decided',
    );
    // All or nothing: the granted request in the list rejects it, and Di's approval of the
    // pending one is not recorded either.
    const di = approvers[1]!;
    const stale = await di.cmd.send(
      await di.user.signed(list([sr.requestId, gr.requestId]), { confirm: true }),
    );
    expectDenied(stale, 'request-not-pending');
    expect(stale.t === 'reject' && stale.message).toMatch(/^Request 2 of 2 \(/);
    // Which request, and why, travel as values: in the reply and in the ledger entry alike.
    const refused = stale.t === 'reject' ? stale : null;
    expect(refused?.detail?.item).toMatchObject({
      index: 1,
      requestId: gr.requestId,
      rejection: { code: 'request-not-pending' },
    });
    expect(entryAt(refused?.seq).rejection).toEqual({
      code: refused?.code,
      message: refused?.message,
      detail: refused?.detail,
    });
    expect(h.relay.state.requests[sr.requestId]!.decisions).toHaveLength(1);
    expect(
      (await di.cmd.send(await di.user.signed(list([sr.requestId]), { confirm: true }))).t,
    ).toBe('ack');
    expect(h.relay.state.activations[sr.activationId]).toMatchObject({ status: 'active' });
  });

  it('never removes the last Global Administrator', async () => {
    await fetch(`${h.http}/api/test/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 5 * MIN }),
    });
    const ga = Object.values(h.relay.state.assignments).find(
      (a) => a.roleId === ROLE_IDS.GlobalAdministrator,
    )!;
    expectDenied(
      await adminCmd.send(
        await admin.signed({
          type: 'RemoveAssignment',
          assignmentId: ga.id,
          justification: 'oops',
        }),
      ),
      'last-global-admin',
    );
  });
});
