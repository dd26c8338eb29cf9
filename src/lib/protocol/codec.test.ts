import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLE_SETTINGS } from '#domain/settings/settings';
import { CommandShapeError, readSignedCommand, readUserCommand } from './codec';
import { PROTOCOL_VERSION } from './messages';

const T = '2026-03-02T09:00:00.000Z';
const item = { activationId: 'act1', assignmentId: 'e1', durationMinutes: 60, startsAt: null };

/** Commands the codec must read back unchanged. */
const valid: Record<string, unknown>[] = [
  {
    type: 'ActivateRole',
    activationId: 'act1',
    assignmentId: 'e1',
    durationMinutes: 60,
    startsAt: T,
    justification: 'why',
    ticket: { system: 'Jira', number: 'SEC-1' },
  },
  { type: 'ActivateRoles', bundleId: 'b1', items: [item], justification: 'why', ticket: null },
  { type: 'RequestExtension', requestId: 'x1', assignmentId: 'e1', endsAt: T, justification: 'j' },
  { type: 'RequestRenewal', requestId: 'x1', assignmentId: 'e1', endsAt: T, justification: 'j' },
  {
    type: 'DecideExtension',
    requestId: 'x1',
    decision: 'approve',
    endsAt: null,
    assignmentType: 'active',
    justification: 'j',
  },
  { type: 'ExtendAssignment', assignmentId: 'e1', endsAt: null, justification: 'j' },
  { type: 'SetBreakGlass', userId: 'u1', breakGlass: true, justification: 'j' },
  {
    type: 'DecideRequests',
    batchId: 'd1',
    decision: 'deny',
    requestIds: ['r1', 'r2'],
    justification: 'j',
  },
];

describe('readUserCommand for the issue-3 commands', () => {
  it.each(valid.map((c) => [c.type, c]))('reads %s back unchanged', (_type, command) => {
    expect(readUserCommand(command)).toEqual(command);
  });

  const without = (c: Record<string, unknown>, key: string) => {
    const copy = { ...c };
    delete copy[key];
    return copy;
  };
  const invalid: [string, unknown, RegExp][] = [
    ['ActivateRole without startsAt', without(valid[0]!, 'startsAt'), /startsAt is required/],
    ['ActivateRole with a bad startsAt', { ...valid[0]!, startsAt: 'soon' }, /startsAt must be/],
    ['an unknown field', { ...valid[6]!, admin: true }, /unknown field "admin"/],
    ['a bundle of none', { ...valid[1]!, items: [] }, /1 to 10/],
    ['a bundle of 11', { ...valid[1]!, items: Array(11).fill(item) }, /1 to 10/],
    [
      'a bundle item without startsAt',
      { ...valid[1]!, items: [without(item, 'startsAt')] },
      /startsAt/,
    ],
    ['a bundle item with extra fields', { ...valid[1]!, items: [{ ...item, x: 1 }] }, /items\[0\]/],
    ['a bundle without ticket', without(valid[1]!, 'ticket'), /ticket is required/],
    [
      'DecideExtension without assignmentType',
      without(valid[4]!, 'assignmentType'),
      /assignmentType/,
    ],
    ['DecideExtension with another decision', { ...valid[4]!, decision: 'maybe' }, /decision/],
    ['SetBreakGlass with a string flag', { ...valid[6]!, breakGlass: 'yes' }, /breakGlass/],
    ['RequestExtension with a null end', { ...valid[2]!, endsAt: null }, /endsAt/],
    ['a decision list of none', { ...valid[7]!, requestIds: [] }, /1 to 25/],
    ['a decision list of 26', { ...valid[7]!, requestIds: Array(26).fill('r1') }, /at most 25/],
    ['a decision list with a non-id', { ...valid[7]!, requestIds: ['r1', 7] }, /requestIds\[1\]/],
    ['a decision list with another verdict', { ...valid[7]!, decision: 'abstain' }, /decision/],
    ['a decision list without batchId', without(valid[7]!, 'batchId'), /batchId/],
  ];
  it.each(invalid)('refuses %s', (_name, command, message) => {
    expect(() => readUserCommand(command)).toThrow(CommandShapeError);
    expect(() => readUserCommand(command)).toThrow(message);
  });
});

describe('readUserCommand: every field is required, none filled in', () => {
  const settings = JSON.parse(JSON.stringify(DEFAULT_ROLE_SETTINGS)) as Record<string, unknown>;
  const commands: Record<string, unknown>[] = [
    {
      type: 'AssignRole',
      assignmentId: 'a1',
      principalId: 'u1',
      principalKind: 'user',
      roleId: 'security-reader',
      scopeId: null,
      administrativeUnitId: null,
      assignmentType: 'eligible',
      startsAt: null,
      endsAt: null,
      justification: 'j',
    },
    {
      type: 'AssignRole',
      assignmentId: 'a2',
      principalId: 'g1',
      principalKind: 'group',
      roleId: 'contributor',
      scopeId: 's1',
      administrativeUnitId: null,
      assignmentType: 'active',
      startsAt: T,
      endsAt: T,
      justification: 'j',
    },
    {
      type: 'CreateInvite',
      inviteId: 'i1',
      tokenHash: 'h1',
      displayName: 'Bo',
      administrativeUnitId: 'au1',
    },
    { type: 'UpdateRoleSettings', roleId: 'security-reader', settings, scopeId: null },
    { type: 'CreateScope', scopeId: 's1', kind: 'subscription', name: 'Prod', parentId: null },
  ];
  it.each(commands.map((c) => [c.type, c]))('reads %s back unchanged', (_type, command) => {
    expect(readUserCommand(command)).toEqual(command);
  });

  const without = (c: Record<string, unknown>, key: string) => {
    const copy = { ...c };
    delete copy[key];
    return copy;
  };
  const [assign, , invite, update, scope] = commands as [
    Record<string, unknown>,
    unknown,
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
  ];
  const missing: [string, unknown, string][] = [
    ['AssignRole without principalKind', without(assign, 'principalKind'), 'principalKind must be'],
    ['AssignRole without scopeId', without(assign, 'scopeId'), 'scopeId is required'],
    [
      'AssignRole without administrativeUnitId',
      without(assign, 'administrativeUnitId'),
      'administrativeUnitId is required',
    ],
    ['AssignRole without startsAt', without(assign, 'startsAt'), 'startsAt is required'],
    [
      'CreateInvite without administrativeUnitId',
      without(invite, 'administrativeUnitId'),
      'administrativeUnitId is required',
    ],
    ['UpdateRoleSettings without scopeId', without(update, 'scopeId'), 'scopeId is required'],
    [
      'role settings without notifications',
      { ...update, settings: without(settings, 'notifications') },
      'settings.notifications must be an object',
    ],
    ['CreateScope without parentId', without(scope, 'parentId'), 'parentId is required'],
  ];
  it.each(missing)('refuses %s', (_name, command, message) => {
    expect(() => readUserCommand(command)).toThrow(CommandShapeError);
    expect(() => readUserCommand(command)).toThrow(message);
  });
});

describe('readSignedCommand', () => {
  const signed = (v: unknown) => ({
    envelope: {
      v,
      cmdId: 'cmd_1',
      deviceId: 'd_1',
      issuedAt: T,
      command: { type: 'RevokeInvite', inviteId: 'i1' },
      confirmation: null,
    },
    signature: 'c2ln',
  });

  it('reads an envelope of PROTOCOL_VERSION back unchanged', () => {
    expect(readSignedCommand(signed(PROTOCOL_VERSION))).toEqual(signed(PROTOCOL_VERSION));
  });

  it.each([PROTOCOL_VERSION + 1, PROTOCOL_VERSION - 1, String(PROTOCOL_VERSION)])(
    'refuses v = %j, naming the version it reads',
    (v) => {
      expect(() => readSignedCommand(signed(v))).toThrow(CommandShapeError);
      expect(() => readSignedCommand(signed(v))).toThrow(`envelope: v must be ${PROTOCOL_VERSION}`);
    },
  );
});
