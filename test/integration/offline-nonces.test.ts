import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { DEFAULT_ROLE_SETTINGS } from '#domain/settings/settings';
import type { UserCommand } from '#domain/commands';
import type { RoleId, RoleSettings } from '#domain/model';
import { randomId } from '#ledger/bytes';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { ServerFrame } from '#protocol/messages';
import {
  inviteUser,
  post,
  relayWithTwoUsers,
  type CommandClient,
  type TestRelay,
  type TestUser,
} from './support/harness';

const MIN = 60_000;
const SR = ROLE_IDS.SecurityReader;
const GR = ROLE_IDS.GlobalReader;
const SA = ROLE_IDS.SecurityAdministrator;

type Pool = { nonces: { nonce: string; issuedAt: string; expiresAt: string }[]; poolSize: number };

/**
 * Offline passkey confirmation through a real relay: a device collects a pool of pre-issued
 * nonces while online, confirms commands against them "offline" (signed now, sent later), and the
 * relay decides at arrival with the offline window of the role each command concerns.
 */
describe('pooled confirmation nonces', () => {
  let h: TestRelay;
  let admin: TestUser;
  let bo: TestUser;
  let adminCmd: CommandClient;
  let boCmd: CommandClient;
  const assignments: Record<string, string> = {};

  const entryAt = (seq: number | null | undefined): LedgerEntry =>
    JSON.parse(
      h.relay.projection.docs.audit.getArray<string>('entries').get(seq ?? -1),
    ) as LedgerEntry;
  const expectRejected = (reply: ServerFrame, code: string, message?: RegExp) => {
    expect(reply).toMatchObject({ t: 'reject', code });
    if (message && reply.t === 'reject') expect(reply.message).toMatch(message);
    // Every refusal is sealed into the ledger, with its reason.
    expect(entryAt(reply.t === 'reject' ? reply.seq : null)).toMatchObject({
      outcome: 'rejected',
      rejection: { code },
    });
  };
  /** Bo's current pool, as the app keeps it: refills retire what is left. */
  const held = new Map<string, string[]>();
  const pool = async (user: TestUser, retire?: string[]): Promise<Pool> => {
    const res = await post<Pool>(
      h,
      '/api/confirm/nonce-pool',
      { retire: retire ?? held.get(user.deviceId) ?? [] },
      user.token,
    );
    expect(res.status).toBe(200);
    held.set(
      user.deviceId,
      res.body.nonces.map((n) => n.nonce),
    );
    return res.body;
  };
  const settings = async (roleId: RoleId, over: Partial<RoleSettings>) => {
    const reply = await adminCmd.send(
      await admin.signed(
        {
          type: 'UpdateRoleSettings',
          scopeId: null,
          roleId,
          settings: { ...DEFAULT_ROLE_SETTINGS, ...over },
        },
        { confirm: true },
      ),
    );
    expect(reply.t).toBe('ack');
  };
  const activation = (roleId: RoleId): UserCommand => ({
    type: 'ActivateRole',
    activationId: `act_${randomId(8)}`,
    assignmentId: assignments[roleId]!,
    durationMinutes: 30,
    startsAt: null,
    justification: 'On call, offline on the train',
    ticket: null,
  });

  beforeAll(async () => {
    ({ h, admin, user: bo, adminCmd, userCmd: boCmd } = await relayWithTwoUsers());
    for (const roleId of [SR, GR, SA]) {
      const assignmentId = `asg_${randomId(8)}`;
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
          endsAt: null,
          justification: 'On-call rota',
        }),
      );
      expect(reply.t).toBe('ack');
      assignments[roleId] = assignmentId;
    }
  });
  afterAll(() => h.close());

  it('issues K nonces, never more than K live, and retires the ones a device gives up', async () => {
    const first = await pool(bo);
    expect(first.nonces).toHaveLength(first.poolSize);
    expect(first.poolSize).toBeGreaterThan(1);
    expect((await pool(bo, [])).nonces).toHaveLength(0);
    const second = await pool(
      bo,
      first.nonces.map((n) => n.nonce),
    );
    expect(second.nonces).toHaveLength(first.poolSize);
    const retired = await boCmd.send(
      await bo.signed(activation(SR), { confirm: true, nonce: first.nonces[0]!.nonce }),
    );
    expectRejected(retired, 'nonce-expired');
    const unauthenticated = await post(h, '/api/confirm/nonce-pool', {});
    expect(unauthenticated.status).toBe(401);
    const bad = await post(h, '/api/confirm/nonce-pool', { retire: 'all' }, bo.token);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid-request' } } });
  });

  it("accepts a pooled confirmation that arrives within the role's window, once", async () => {
    const nonce = (await pool(await freshPoolOwner())).nonces[0]!.nonce;
    const command = activation(SR);
    const signed = await bo.signed(command, { confirm: true, nonce });
    // Seven hours "offline": the default window is 480 minutes.
    h.clock.advance(7 * 60 * MIN);
    const reply = await boCmd.send(signed);
    expect(reply.t).toBe('ack');
    // The same nonce for another command: single use.
    const again = await boCmd.send(await bo.signed(activation(GR), { confirm: true, nonce }));
    expectRejected(again, 'nonce-used');
  });

  it("rejects a pooled confirmation that arrives after the role's window", async () => {
    await settings(GR, { offlineConfirmWindowMinutes: 60 });
    const nonce = (await pool(await freshPoolOwner())).nonces[0]!.nonce;
    const signed = await bo.signed(activation(GR), { confirm: true, nonce });
    h.clock.advance(61 * MIN);
    expectRejected(await boCmd.send(signed), 'nonce-expired', /offline window of 60 minutes/);
  });

  it('rejects a pooled confirmation when the role turned offline confirmation off', async () => {
    await settings(SA, { offlineConfirmWindowMinutes: 0 });
    const nonce = (await pool(await freshPoolOwner())).nonces[0]!.nonce;
    const reply = await boCmd.send(await bo.signed(activation(SA), { confirm: true, nonce }));
    expectRejected(reply, 'nonce-expired', /Offline confirmation is off for the role/);
    // A fresh online nonce still works for that role.
    const online = await boCmd.send(await bo.signed(activation(SA), { confirm: true }));
    expect(online.t).toBe('ack');
  });

  it("refuses another device's pooled nonce", async () => {
    const adminPool = await pool(admin);
    const nonce = adminPool.nonces[0]!.nonce;
    const reply = await boCmd.send(await bo.signed(activation(SR), { confirm: true, nonce }));
    expectRejected(reply, 'nonce-unknown');
  });

  it("decides an approval with the request's role window, at arrival", async () => {
    const { user: carol, cmd: carolCmd } = await inviteUser(h, admin, adminCmd, 'Carol Approver');
    await settings(SR, {
      requireApproval: true,
      approvers: [carol.userId],
      offlineConfirmWindowMinutes: 30,
    });
    const request = activation(SR);
    const requested = await boCmd.send(await bo.signed(request, { confirm: true }));
    expect(requested.t).toBe('ack');
    const requestId = `req_${(request as { activationId: string }).activationId}`;
    const carolPool = await pool(carol);
    const approve = (nonce: string) =>
      carol.signed(
        { type: 'ApproveRequest', requestId, justification: 'Checked on the phone' },
        { confirm: true, nonce },
      );
    const late = await approve(carolPool.nonces[0]!.nonce);
    const early = await approve(carolPool.nonces[1]!.nonce);
    h.clock.advance(20 * MIN);
    // Within 30 minutes: accepted. The late one was signed at the same time but is sent after
    // the window; it is also stale by then (the request is granted): the nonce check comes first.
    expect((await carolCmd.send(early)).t).toBe('ack');
    h.clock.advance(11 * MIN);
    expectRejected(await carolCmd.send(late), 'nonce-expired', /offline window of 30 minutes/);
    expect(h.relay.state.requests[requestId]).toMatchObject({ status: 'Provisioned' });
    carolCmd.close();
  });

  /** A fresh session for Bo so each test's pool starts from the current clock. */
  async function freshPoolOwner(): Promise<TestUser> {
    await bo.openSession();
    return bo;
  }
});
