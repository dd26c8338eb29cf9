/**
 * The demo organisation (`npm run demo`): people, custom roles, approval policies, eligibility,
 * passkey-confirmed activations, approvals with quorum, a denial and pending requests — all sent
 * through the relay's real pipeline, so the ledger is a genuine, verifiable history.
 */
import { ROLE_IDS, groupMemberRoleId } from '#domain/catalogue';
import { DEFAULT_ROLE_SETTINGS } from '#domain/settings/settings';
import type { UserCommand } from '#domain/commands';
import type { RoleId, RoleSettings } from '#domain/model';
import { randomId } from '#ledger/bytes';
import { log } from '../log';
import type { Relay } from '../relay';
import {
  CommandClient,
  TestUser as NodeUser,
  tokenHashOf,
  type RelayEndpoint,
} from './node-client';

const FIRST = [
  'Ada',
  'Bo',
  'Cy',
  'Di',
  'Ed',
  'Fay',
  'Gus',
  'Hal',
  'Ida',
  'Jo',
  'Kai',
  'Lin',
  'Mo',
  'Nia',
  'Oz',
  'Pia',
  'Quin',
  'Rae',
  'Sol',
  'Tess',
  'Uma',
  'Vik',
  'Wren',
  'Xia',
  'Yan',
  'Zoe',
];
const LAST = [
  'Okafor',
  'Lindqvist',
  'Moreau',
  'Tanaka',
  'Novak',
  'Haddad',
  'Silva',
  'Kowalski',
  'Osei',
  'Brennan',
  'Ivanova',
  'Castillo',
  'Nguyen',
  'Schmidt',
  'Rossi',
  'Patel',
];
const TEAMS = ['Platform', 'Security', 'Finance', 'Support', 'Data', 'Identity'];

const CUSTOM_ROLES = [
  { name: 'Database Operator', description: 'Runs maintenance on production databases.' },
  { name: 'Incident Commander', description: 'Coordinates a live incident across teams.' },
  { name: 'Billing Administrator', description: 'Manages invoices, payment methods and refunds.' },
  { name: 'Release Manager', description: 'Approves and runs production releases.' },
  { name: 'Support Escalation', description: 'Reads customer tenants during an escalation.' },
];

type Person = { user: NodeUser; cmd: CommandClient; name: string };

/**
 * Loads a realistic organisation through the real pipeline and returns your invite.
 * @param relay a freshly opened relay with no setup done
 * @param h where that relay answers (the software clients talk to it over HTTP and websockets)
 */
export async function loadDemoOrganisation(relay: Relay, h: RelayEndpoint, userCount = 300) {
  const token = await relay.issueSetupToken();
  if (!token) throw new Error('setup token unavailable');
  const admin = await NodeUser.create(h);
  await admin.register('setup', token, 'Avery Admin');
  const adminCmd = await CommandClient.connect(h, admin.token);
  let refused = 0;
  const send = async (
    command: UserCommand,
    who: Person | { user: NodeUser; cmd: CommandClient } = { user: admin, cmd: adminCmd },
    confirm = false,
  ) => {
    const reply = await who.cmd.send(await who.user.signed(command, { confirm }), 30_000);
    if (reply.t !== 'ack') {
      refused += 1;
      log('warn', 'demo command refused', { type: command.type, reply });
    }
    return reply;
  };

  // People join by invitation, each with their own (software) passkey and device key.
  const people: Person[] = [];
  for (let i = 0; i < userCount; i += 20) {
    const batch = Array.from({ length: Math.min(20, userCount - i) }, (_, k) => {
      const n = i + k;
      return `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]}${n >= FIRST.length * LAST.length ? ` ${n}` : ''}`;
    });
    people.push(
      ...(await Promise.all(
        batch.map(async (name) => {
          const secret = randomId(32);
          await send({
            type: 'CreateInvite',
            inviteId: `inv_${randomId(9)}`,
            tokenHash: await tokenHashOf(secret),
            displayName: name,
            administrativeUnitId: null,
          });
          const user = await NodeUser.create(h);
          await user.register('invite', secret, name);
          return { user, cmd: await CommandClient.connect(h, user.token), name };
        }),
      )),
    );
  }
  const person = (n: number) => people[n % people.length]!;

  const roleIds: Record<string, RoleId> = {};
  for (const role of CUSTOM_ROLES) {
    roleIds[role.name] = `r_${randomId(9)}`;
    await send({ type: 'CreateRole', roleId: roleIds[role.name]!, ...role });
  }

  // Policies: the most powerful roles need approval by named security leads (2 of 3).
  const leads = [person(1), person(2), person(3)];
  const settings = async (roleId: RoleId, over: Partial<RoleSettings>) =>
    send({
      type: 'UpdateRoleSettings',
      roleId,
      settings: { ...DEFAULT_ROLE_SETTINGS, ...over },
      scopeId: null,
    });
  await settings(ROLE_IDS.GlobalAdministrator, {
    maxActivationMinutes: 120,
    requireApproval: true,
    approvers: leads.map((p) => p.user.userId),
    approvalsRequired: 2,
    pendingTimeoutMinutes: 240,
  });
  await settings(ROLE_IDS.PrivilegedRoleAdministrator, {
    maxActivationMinutes: 240,
    requireApproval: true,
    approvalsRequired: 1,
  });
  await settings(roleIds['Database Operator']!, {
    maxActivationMinutes: 240,
    requireTicket: true,
    requireApproval: true,
    approvers: leads.map((p) => p.user.userId),
    approvalsRequired: 1,
  });
  await settings(roleIds['Incident Commander']!, { maxActivationMinutes: 720 });

  // Eligibility across teams; some time-bound, ending soon (extension candidates).
  const plan: [RoleId, number][] = [
    [ROLE_IDS.GlobalAdministrator, 4],
    [ROLE_IDS.PrivilegedRoleAdministrator, 6],
    [ROLE_IDS.SecurityAdministrator, 10],
    [ROLE_IDS.SecurityReader, 25],
    [ROLE_IDS.GlobalReader, 20],
    [ROLE_IDS.UserAdministrator, 12],
    ...CUSTOM_ROLES.map((r, i): [RoleId, number] => [roleIds[r.name]!, 15 + i * 5]),
  ];
  const eligible: { assignmentId: string; roleId: RoleId; who: Person }[] = [];
  let offset = 4;
  const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
  for (const [roleId, count] of plan) {
    const holders = new Set<string>();
    // Small organisations have fewer people than the plan has seats: nobody gets a role twice.
    for (let k = 0; k < Math.min(count, people.length - 4); k++) {
      const who = person(offset++);
      if (holders.has(who.user.userId)) continue;
      holders.add(who.user.userId);
      const assignmentId = `a_${randomId(9)}`;
      await send({
        type: 'AssignRole',
        assignmentId,
        principalId: who.user.userId,
        principalKind: 'user',
        roleId,
        scopeId: null,
        administrativeUnitId: null,
        assignmentType: 'eligible',
        startsAt: null,
        endsAt: k % 4 === 3 ? soon : null,
        justification: `${TEAMS[k % TEAMS.length]} on-call rota`,
      });
      eligible.push({ assignmentId, roleId, who });
    }
  }

  // Activity: activations confirmed with passkeys, approvals with quorum, a denial, a pending request.
  const activate = (
    e: (typeof eligible)[number],
    minutes: number,
    justification: string,
    ticket: { system: string; number: string } | null = null,
  ) =>
    send(
      {
        type: 'ActivateRole',
        activationId: `act_${randomId(9)}`,
        assignmentId: e.assignmentId,
        durationMinutes: minutes,
        justification,
        ticket,
        startsAt: null,
      },
      e.who,
      true,
    );
  for (const e of eligible.filter((x) => x.roleId === ROLE_IDS.SecurityReader).slice(0, 6))
    await activate(e, 120, 'Reviewing sign-in anomalies');
  for (const e of eligible.filter((x) => x.roleId === roleIds['Incident Commander']).slice(0, 3))
    await activate(e, 480, 'SEV-2: payment latency');
  const gaRequests = eligible.filter((x) => x.roleId === ROLE_IDS.GlobalAdministrator);
  const decide = async (
    type: 'ApproveRequest' | 'DenyRequest',
    activationId: string,
    lead: Person,
    justification: string,
  ) => send({ type, requestId: `req_${activationId}`, justification }, lead, true);
  for (const [i, e] of gaRequests.slice(0, 3).entries()) {
    const activationId = `act_${randomId(9)}`;
    const asker = e.who.user.userId === leads[0]!.user.userId ? leads[1]! : leads[0]!;
    await send(
      {
        type: 'ActivateRole',
        activationId,
        assignmentId: e.assignmentId,
        durationMinutes: 60,
        justification:
          i === 1 ? 'Rotate the tenant signing key' : 'Emergency conditional-access fix',
        ticket: null,
        startsAt: null,
      },
      e.who,
      true,
    );
    if (i === 0) {
      await decide('ApproveRequest', activationId, asker, 'Change ticket CHG-4411 checked');
      await decide(
        'ApproveRequest',
        activationId,
        leads[2]!.user.userId === e.who.user.userId ? leads[1]! : leads[2]!,
        'Agreed with the on-call lead',
      );
    } else if (i === 1) {
      await decide('DenyRequest', activationId, asker, 'Not during the change freeze');
    }
    // The third stays pending for the security leads.
  }
  for (const e of eligible
    .filter((x) => x.roleId === ROLE_IDS.PrivilegedRoleAdministrator)
    .slice(0, 2)) {
    // Default approvers (Privileged Role and Global Administrators): these wait for you.
    await send(
      {
        type: 'ActivateRole',
        activationId: `act_${randomId(9)}`,
        assignmentId: e.assignmentId,
        durationMinutes: 90,
        justification: 'Onboard the new data team',
        ticket: null,
        startsAt: null,
      },
      e.who,
      true,
    );
  }
  const db = eligible.find((x) => x.roleId === roleIds['Database Operator'])!;
  await activate(db, 60, 'Vacuum the orders table', { system: 'Jira', number: 'OPS-1207' });

  // A resource tree: assignments at a scope apply below it; each scope's settings are its own.
  const scope = async (
    name: string,
    kind: 'management-group' | 'subscription' | 'resource-group',
    parentId: string | null,
  ) => {
    const scopeId = `s_${randomId(9)}`;
    await send({ type: 'CreateScope', scopeId, kind, name, parentId });
    return scopeId;
  };
  const root = await scope('Contoso', 'management-group', null);
  const prod = await scope('Production', 'subscription', root);
  const payments = await scope('rg-payments', 'resource-group', prod);
  await scope('rg-identity', 'resource-group', prod);
  const staging = await scope('Staging', 'subscription', root);

  // Groups: an on-call group made eligible for Contributor on Production, so its members inherit
  // it; JIT membership of the database group; a nested group.
  const group = async (name: string, description: string, owner: Person, members: Person[]) => {
    const groupId = `g_${randomId(9)}`;
    await send({ type: 'CreateGroup', groupId, name, description, ownerId: owner.user.userId });
    for (const m of members) await send({ type: 'AddGroupMember', groupId, userId: m.user.userId });
    return groupId;
  };
  const onCall = await group('Payments on-call', 'Engineers on the payments rota.', leads[0]!, [
    person(20),
    person(21),
    person(22),
    person(23),
  ]);
  const dba = await group(
    'Database admins',
    'People who may join the DBA group just in time.',
    leads[1]!,
    [person(24)],
  );
  const sre = await group('SRE', 'Site reliability engineering.', leads[2]!, [
    person(25),
    person(26),
  ]);
  await send({ type: 'NestGroup', groupId: onCall, childGroupId: sre });
  const scoped = async (
    principalId: string,
    roleId: RoleId,
    scopeId: string | null,
    principalKind: 'user' | 'group',
    justification: string,
  ) =>
    send({
      type: 'AssignRole',
      assignmentId: `a_${randomId(9)}`,
      principalId,
      principalKind,
      roleId,
      scopeId,
      administrativeUnitId: null,
      assignmentType: 'eligible',
      startsAt: null,
      endsAt: null,
      justification,
    });
  await scoped(onCall, ROLE_IDS.Contributor, prod, 'group', 'Payments on-call rota');
  await scoped(person(27).user.userId, ROLE_IDS.Owner, payments, 'user', 'Payments service owner');
  await scoped(person(28).user.userId, ROLE_IDS.Reader, staging, 'user', 'QA reads staging');
  await scoped(
    person(29).user.userId,
    groupMemberRoleId(dba),
    null,
    'user',
    'Joins the DBA group for maintenance windows',
  );

  // You join by invite; the demo makes you a Global Administrator as soon as you do.
  const secret = randomId(32);
  const inviteId = `inv_${randomId(9)}`;
  await send({
    type: 'CreateInvite',
    inviteId,
    tokenHash: await tokenHashOf(secret),
    displayName: 'You (demo)',
    administrativeUnitId: null,
  });
  for (const p of people) p.cmd.close();
  return {
    secret,
    inviteId,
    /** Commands the relay refused while loading (0 when the demo still matches the rules). */
    refused,
    async promoteWhenJoined() {
      for (;;) {
        const accepted = relay.state.invites[inviteId]?.acceptedBy;
        if (accepted) {
          await send({
            type: 'AssignRole',
            assignmentId: `a_${randomId(9)}`,
            principalId: accepted,
            principalKind: 'user',
            roleId: ROLE_IDS.GlobalAdministrator,
            scopeId: null,
            administrativeUnitId: null,
            assignmentType: 'active',
            startsAt: null,
            endsAt: null,
            justification: 'Demo: you run this organisation',
          });
          process.stdout.write(
            'You are now a Global Administrator of the demo organisation. Enjoy!\n',
          );
          adminCmd.close();
          return;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    },
  };
}
