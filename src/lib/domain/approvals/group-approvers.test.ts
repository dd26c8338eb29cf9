/**
 * Approvers may be users or groups (issue 3, "Approvals"): a group stands for its members at
 * the moment of each decision — permanent, nested and just-in-time ones while active — and the
 * quorum counts distinct people.
 */
import { describe, expect, it } from 'vitest';
import { groupMemberRoleId, ROLE_IDS } from '#domain/catalogue';
import { decide } from '#domain/decide';
import { describeSettingChange } from '#domain/describe';
import type { RoleSettings } from '#domain/model';
import {
  DEFAULT_ROLE_SETTINGS,
  diffRoleSettings,
  validateRoleSettings,
} from '#domain/settings/settings';
import { asUser, at, given, World } from '#domain/test-support';
import { approversFor, activationPath } from './requests';

const SR = ROLE_IDS.SecurityReader;
const REQ = 'req_act1';

/**
 * Ada (GA); Grace eligible for Security Reader; groups "leads" (members lee, max; nested
 * "deputies" with dee) and "ops" (no members), owned by Ada; Sam eligible for JIT membership
 * of "leads".
 */
function groupWorld(): World {
  const w = World.setUp();
  for (const id of ['grace', 'lee', 'max', 'dee', 'sam', 'solo']) w.addUser(id, id);
  const ada = asUser('ada');
  const group = (groupId: string, name: string) =>
    w.run({ type: 'CreateGroup', groupId, name, description: '', ownerId: 'ada' }, ada);
  group('leads', 'Security leads');
  group('deputies', 'Deputies');
  group('ops', 'Ops');
  for (const userId of ['lee', 'max']) {
    w.run({ type: 'AddGroupMember', groupId: 'leads', userId }, ada);
  }
  w.run({ type: 'AddGroupMember', groupId: 'deputies', userId: 'dee' }, ada);
  w.run({ type: 'NestGroup', groupId: 'leads', childGroupId: 'deputies' }, ada);
  w.assign('e1', 'grace', SR, 'eligible');
  w.assign('jit-sam', 'sam', groupMemberRoleId('leads'), 'eligible');
  return w;
}

const settingsWith = (change: Partial<RoleSettings>): RoleSettings => ({
  ...DEFAULT_ROLE_SETTINGS,
  approvers: [],
  requireApproval: true,
  ...change,
});

const update = (settings: RoleSettings) =>
  ({ type: 'UpdateRoleSettings', scopeId: null, roleId: SR, settings }) as const;

describe('group approvers', () => {
  it('accepts an existing group as an approver, and refuses an unknown id', () => {
    const w = groupWorld();
    given(w.events)
      .when(update(settingsWith({ approvers: ['leads'] })), asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when(update(settingsWith({ approvers: ['leads', 'ghost'] })), asUser('ada', at(1)))
      .thenRejects('unknown-user');
  });

  it('checks M-of-N against a list of users only, since group membership changes', () => {
    const isGroup = (id: string) => id === 'leads';
    expect(
      validateRoleSettings(settingsWith({ approvers: ['leads'], approvalsRequired: 2 }), isGroup),
    ).toBeNull();
    expect(
      validateRoleSettings(settingsWith({ approvers: ['lee'], approvalsRequired: 2 }), isGroup),
    ).toMatchObject({ code: 'invalid-value' });
  });

  it('expands a group to its members, nested ones included, and JIT ones while active', () => {
    const w = groupWorld();
    w.configure(SR, { requireApproval: true, approvers: ['leads', 'solo'] });
    expect([...approversFor(w.state, SR, at(1))].sort()).toEqual(['dee', 'lee', 'max', 'solo']);
    // Sam activates JIT membership of the group for an hour: an approver while it lasts.
    w.run(
      {
        type: 'ActivateRole',
        activationId: 'sam-in',
        assignmentId: 'jit-sam',
        durationMinutes: 60,
        startsAt: null,
        justification: 'On call',
        ticket: null,
      },
      { ...asUser('sam', at(2)), passkeyConfirmed: true },
    );
    expect(approversFor(w.state, SR, at(3)).has('sam')).toBe(true);
    expect(approversFor(w.state, SR, at(63)).has('sam')).toBe(false);
  });

  it('counts distinct people: someone named directly and through a group approves once', () => {
    const w = groupWorld();
    w.configure(SR, { requireApproval: true, approvers: ['leads', 'lee'], approvalsRequired: 2 });
    w.activate('act1', 'e1', 'grace', at(1));
    expect(activationPath(w.state, 'grace', 'e1', at(1))).toMatchObject({
      needsApproval: true,
      approvers: ['dee', 'lee', 'max'],
    });
    w.decideRequest(REQ, 'lee', at(2));
    given(w.events)
      .when(
        { type: 'ApproveRequest', requestId: REQ, justification: 'Again' },
        {
          ...asUser('lee', at(3)),
          passkeyConfirmed: true,
        },
      )
      .thenRejects('already-decided');
    const second = decide(
      { type: 'ApproveRequest', requestId: REQ, justification: 'Checked' },
      w.state,
      { ...asUser('dee', at(3)), passkeyConfirmed: true },
    );
    expect(second.ok && second.events.map((e) => e.type)).toContain('RequestGranted');
  });

  it('refuses someone outside the group', () => {
    const w = groupWorld();
    w.configure(SR, { requireApproval: true, approvers: ['leads'] });
    w.activate('act1', 'e1', 'grace', at(1));
    given(w.events)
      .when(
        { type: 'ApproveRequest', requestId: REQ, justification: 'Fine' },
        {
          ...asUser('solo', at(2)),
          passkeyConfirmed: true,
        },
      )
      .thenRejects('not-an-approver');
  });

  it('names groups in the settings diff', () => {
    const before = settingsWith({ approvers: [] });
    const after = settingsWith({ approvers: ['leads', 'lee'] });
    const [change] = diffRoleSettings(before, after).filter((c) => c.field === 'approvers');
    const text = describeSettingChange(
      change!,
      (id) => id.toUpperCase(),
      (id) => (id === 'leads' ? 'Security leads' : undefined),
    );
    expect(text).toBe('approvers default → group Security leads, LEE');
  });
});
