import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { UserCommand } from '#domain/commands';
import { randomId } from '#ledger/bytes';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { ServerFrame } from '#protocol/messages';
import {
  inviteUser,
  relayWithTwoUsers,
  TestUser,
  tokenHashOf,
  type CommandClient,
  type TestRelay,
  docRecord,
} from './support/harness';

const MIN = 60_000;

/**
 * Scopes, groups and safeguards through a real relay: a Node client that bypasses the UI tries
 * each forbidden move and gets the specific rejection, recorded in the ledger.
 */
describe('scopes, groups and safeguards', () => {
  let h: TestRelay;
  let admin: TestUser;
  let bo: TestUser;
  let olive: { user: TestUser; cmd: CommandClient };
  let adminCmd: CommandClient;
  let boCmd: CommandClient;

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
  const asAdmin = async (command: UserCommand) =>
    adminCmd.send(await admin.signed(command, { confirm: true }));
  const asOlive = async (command: UserCommand) =>
    olive.cmd.send(await olive.user.signed(command, { confirm: true }));
  const ok = (reply: ServerFrame) => expect(reply).toMatchObject({ t: 'ack' });
  const assign = (
    principalId: string,
    roleId: string,
    scopeId: string | null,
  ): Extract<UserCommand, { type: 'AssignRole' }> => ({
    type: 'AssignRole',
    principalKind: 'user',
    scopeId: null,
    administrativeUnitId: null,
    assignmentId: `a_${randomId(8)}`,
    principalId,
    roleId,
    assignmentType: 'eligible',
    startsAt: null,
    endsAt: null,
    justification: 'Platform work',
    ...(scopeId !== null ? { scopeId } : {}),
  });

  beforeAll(async () => {
    ({ h, admin, user: bo, adminCmd, userCmd: boCmd } = await relayWithTwoUsers());
    olive = await inviteUser(h, admin, adminCmd, 'Olive');
    const scopes: [
      string,
      'management-group' | 'subscription' | 'resource-group' | 'resource',
      string | null,
    ][] = [
      ['mg', 'management-group', null],
      ['sub1', 'subscription', 'mg'],
      ['sub2', 'subscription', 'mg'],
      ['rg1', 'resource-group', 'sub1'],
      ['vm1', 'resource', 'rg1'],
    ];
    for (const [scopeId, kind, parentId] of scopes) {
      ok(await asAdmin({ type: 'CreateScope', scopeId, kind, name: scopeId, parentId }));
    }
    ok(
      await asAdmin({
        ...assign(olive.user.userId, ROLE_IDS.Owner, 'sub1'),
        assignmentType: 'active',
      }),
    );
  });
  afterAll(async () => {
    for (const c of [adminCmd, boCmd, olive.cmd]) c.close();
    await h.close();
  });

  it('publishes the tree and groups in the directory document', async () => {
    ok(
      await asAdmin({
        type: 'CreateGroup',
        groupId: 'g-sre',
        name: 'SRE',
        description: '',
        ownerId: olive.user.userId,
      }),
    );
    const dir = h.relay.projection.docs.directory;
    expect(docRecord(dir, 'scopes', 'rg1')).toMatchObject({
      kind: 'resource-group',
      parentId: 'sub1',
    });
    expect(docRecord(dir, 'groups', 'g-sre')).toMatchObject({ ownerIds: [olive.user.userId] });
  });

  it('lets an Owner assign below their scope and refuses above or beside it', async () => {
    ok(await asOlive(assign(bo.userId, ROLE_IDS.Reader, 'rg1')));
    expectDenied(await asOlive(assign(bo.userId, ROLE_IDS.Reader, 'sub2')), 'not-authorized');
    expectDenied(await asOlive(assign(bo.userId, ROLE_IDS.Reader, 'mg')), 'not-authorized');
    expectDenied(
      await asOlive(assign(bo.userId, ROLE_IDS.GlobalAdministrator, null)),
      'not-authorized',
    );
  });

  it('refuses to activate an eligibility outside any live scope', async () => {
    const command = assign(bo.userId, ROLE_IDS.Reader, 'vm1');
    ok(await asAdmin(command));
    ok(await asAdmin({ type: 'DeleteScope', scopeId: 'vm1' }));
    const reply = await boCmd.send(
      await bo.signed(
        {
          type: 'ActivateRole',
          activationId: `act_${randomId(8)}`,
          assignmentId: (command as { assignmentId: string }).assignmentId,
          durationMinutes: 60,
          startsAt: null,
          justification: 'Deploy',
          ticket: null,
        },
        { confirm: true },
      ),
    );
    expectDenied(reply, 'outside-scope');
  });

  it('refuses a group cycle and removing the last owner of a group', async () => {
    ok(
      await asAdmin({
        type: 'CreateGroup',
        groupId: 'g-eng',
        name: 'Eng',
        description: '',
        ownerId: admin.userId,
      }),
    );
    ok(await asAdmin({ type: 'NestGroup', groupId: 'g-eng', childGroupId: 'g-sre' }));
    expectDenied(
      await asOlive({ type: 'NestGroup', groupId: 'g-sre', childGroupId: 'g-eng' }),
      'group-cycle',
    );
    expectDenied(
      await asOlive({ type: 'RemoveGroupOwner', groupId: 'g-sre', userId: olive.user.userId }),
      'last-group-owner',
    );
  });

  it('lets a User Administrator limited to a unit invite into that unit only; the invitee joins it', async () => {
    ok(
      await asAdmin({
        type: 'CreateAdministrativeUnit',
        administrativeUnitId: 'au-paris',
        name: 'Paris',
      }),
    );
    ok(
      await asAdmin({
        type: 'CreateAdministrativeUnit',
        administrativeUnitId: 'au-lyon',
        name: 'Lyon',
      }),
    );
    ok(
      await asAdmin({
        ...assign(bo.userId, ROLE_IDS.UserAdministrator, null),
        assignmentType: 'active',
        administrativeUnitId: 'au-paris',
      }),
    );
    const secret = randomId(32);
    const invite = async (administrativeUnitId: string | null) =>
      boCmd.send(
        await bo.signed({
          type: 'CreateInvite',
          administrativeUnitId: null,
          inviteId: `inv_${randomId(8)}`,
          tokenHash: await tokenHashOf(secret),
          displayName: 'Nina',
          ...(administrativeUnitId !== null ? { administrativeUnitId } : {}),
        }),
      );
    expectDenied(await invite(null), 'not-authorized');
    expectDenied(await invite('au-lyon'), 'not-authorized');
    expectDenied(await invite('au-nowhere'), 'unknown-administrative-unit');
    const reply = await invite('au-paris');
    ok(reply);
    expect(entryAt(reply.t === 'ack' ? reply.seq : null).events[0]).toMatchObject({
      type: 'InviteCreated',
      invite: { administrativeUnitId: 'au-paris', createdBy: bo.userId },
    });
    const nina = await TestUser.create(h);
    await nina.register('invite', secret, 'Nina');
    expect(h.relay.state.administrativeUnits!['au-paris']!.memberIds).toEqual([nina.userId]);
    expect(
      docRecord(h.relay.projection.docs.directory, 'administrativeUnits', 'au-paris'),
    ).toMatchObject({ memberIds: [nina.userId] });
  });

  it('refuses to remove the last Global Administrator and the last Privileged Role Administrator', async () => {
    const pra = assign(bo.userId, ROLE_IDS.PrivilegedRoleAdministrator, null);
    ok(await asAdmin({ ...pra, assignmentType: 'active' }));
    h.clock.advance(10 * MIN);
    const bootstrap = Object.values(h.relay.state.assignments).find(
      (a) => a.principalId === admin.userId && a.roleId === ROLE_IDS.GlobalAdministrator,
    );
    expectDenied(
      await asAdmin({ type: 'RemoveAssignment', assignmentId: bootstrap!.id, justification: 'x' }),
      'last-global-admin',
    );
    expectDenied(
      await asAdmin({
        type: 'RemoveAssignment',
        assignmentId: (pra as { assignmentId: string }).assignmentId,
        justification: 'x',
      }),
      'last-privileged-role-admin',
    );
  });
});
