import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLE_SETTINGS } from '#domain/settings/settings';
import { ROLE_IDS } from './catalogue';
import {
  describeEvent,
  describeRejection,
  describeSettingChange,
  formatSettingValue,
  REJECTION_TEXT,
} from './describe';
import type { DomainEvent } from './events';
import { reject, REJECTION_CODES, type RejectionCode } from './rejections';
import { instant, sentence, sentenceText, type Sentence } from './sentence';
import { asUser, at, T0, World } from './test-support';

const names: Record<string, string> = { ada: 'Ada', grace: 'Grace' };
const nameOf = (id: string) => names[id] ?? id;
const roleName = (id: string) => (id === ROLE_IDS.SecurityReader ? 'Security Reader' : id);

describe('REJECTION_TEXT', () => {
  it.each(REJECTION_CODES.map((c) => [c]))('has a plain sentence for %s', (code) => {
    const text = REJECTION_TEXT[code];
    expect(text).toMatch(/^[A-Z].*\.$/);
    expect(text.length).toBeLessThan(100);
  });

  it('has nothing for codes that do not exist', () => {
    expect(Object.keys(REJECTION_TEXT).sort()).toEqual([...REJECTION_CODES].sort());
  });
});

describe('describeRejection', () => {
  it('uses the message, which names the thing', () => {
    expect(
      describeRejection(reject('already-active', 'Security Reader is already active for you.')),
    ).toEqual({
      text: 'Security Reader is already active for you.',
      parts: ['Security Reader is already active for you.'],
    });
  });

  it('falls back to the code’s sentence, or a generic one for unknown codes', () => {
    expect(describeRejection(reject('not-active', '  ')).text).toBe(REJECTION_TEXT['not-active']);
    expect(describeRejection({ code: 'from-the-future' as RejectionCode, message: '' }).text).toBe(
      'Leasehold refused this request.',
    );
  });

  it('keeps the instants a rejection kept typed', () => {
    const lapsed = reject('request-not-pending', sentence`It lapsed at ${instant(T0)}.`);
    expect(describeRejection(lapsed)).toEqual({
      text: 'It lapsed at 2026-03-02 09:00 UTC.',
      parts: ['It lapsed at ', { instant: T0 }, '.'],
    });
  });

  it('trusts only parts that spell the message, and otherwise says the message', () => {
    const lapsed = reject('request-not-pending', sentence`It lapsed at ${instant(T0)}.`);
    const altered = { ...lapsed, message: 'It lapsed at 2026-03-02 10:00 UTC.' };
    expect(describeRejection(altered).parts).toEqual(['It lapsed at 2026-03-02 10:00 UTC.']);
    const garbled = { ...lapsed, detail: { parts: ['It lapsed at ', { instant: 'soon' }, '.'] } };
    expect(describeRejection(garbled as never).parts).toEqual([lapsed.message]);
  });
});

/** The words of a sentence without its typed values. */
const wordsOf = (said: Sentence) => said.parts.filter((p) => typeof p === 'string').join('|');

describe('describeEvent', () => {
  it('describes an activation with its end time', () => {
    const event: DomainEvent = {
      type: 'ActivationStarted',
      activation: {
        id: 'a',
        assignmentId: 'e',
        principalId: 'ada',
        roleId: ROLE_IDS.SecurityReader,
        startsAt: '2026-11-26T13:05:00.000Z',
        endsAt: '2026-11-26T14:05:00.000Z',
        requestedAt: '2026-11-26T13:05:00.000Z',
        justification: 'x',
        ticket: null,
        status: 'active',
        endedAt: null,
      },
    };
    expect(describeEvent(event, nameOf, roleName).text).toBe(
      'Ada activated Security Reader until 14:05 UTC',
    );
    const overnight = structuredClone(event);
    if (overnight.type === 'ActivationStarted')
      overnight.activation.endsAt = '2026-11-27T01:00:00.000Z';
    expect(describeEvent(overnight, nameOf, roleName).text).toBe(
      'Ada activated Security Reader until 2026-11-27 01:00 UTC',
    );
  });

  it('keeps each instant typed: the date the words leave out is in the value', () => {
    const invited: DomainEvent = {
      type: 'InviteCreated',
      invite: {
        id: 'i',
        tokenHash: 'h',
        displayName: 'Bo User',
        administrativeUnitId: null,
        createdBy: 'ada',
        createdAt: T0,
        expiresAt: '2026-03-09T09:00:00.000Z',
        acceptedBy: null,
        acceptedAt: null,
        revokedAt: null,
      },
    };
    expect(describeEvent(invited, nameOf, roleName).parts).toEqual([
      'Ada invited Bo User (the invite expires ',
      { instant: '2026-03-09T09:00:00.000Z' },
      ')',
    ]);
    const activated: DomainEvent = {
      type: 'ActivationStarted',
      activation: {
        id: 'a',
        assignmentId: 'e',
        principalId: 'ada',
        roleId: ROLE_IDS.SecurityReader,
        startsAt: '2026-11-26T22:00:00.000Z',
        endsAt: '2026-11-26T23:30:00.000Z',
        requestedAt: '2026-11-26T13:05:00.000Z',
        justification: 'x',
        ticket: null,
        status: 'active',
        endedAt: null,
      },
    };
    const said = describeEvent(activated, nameOf, roleName);
    expect(said.text).toBe(
      'Ada activated Security Reader from 2026-11-26 22:00 UTC until 23:30 UTC',
    );
    expect(said.parts).toEqual([
      'Ada activated Security Reader from ',
      { instant: '2026-11-26T22:00:00.000Z' },
      ' until ',
      { instant: '2026-11-26T23:30:00.000Z', timeOnly: true },
    ]);
  });

  it('describes assignments by who made them', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('e1', 'grace', ROLE_IDS.SecurityReader, 'eligible', {
      when: at(1),
      endsAt: at(60 * 24),
    });
    const assigned = w.events.filter((e) => e.type === 'RoleAssigned');
    expect(assigned.map((e) => describeEvent(e, nameOf, roleName).text)).toEqual([
      'Leasehold gave Ada the active role global-administrator permanently',
      'Ada made Grace eligible for Security Reader until 2026-03-03 09:00 UTC',
    ]);
  });

  it('describes a settings change as its diff', () => {
    const event: DomainEvent = {
      type: 'RoleSettingsUpdated',
      scopeId: null,
      roleId: ROLE_IDS.SecurityReader,
      before: { ...DEFAULT_ROLE_SETTINGS },
      after: { ...DEFAULT_ROLE_SETTINGS, maxActivationMinutes: 240, requireApproval: true },
      by: 'ada',
      at: T0,
    };
    expect(describeEvent(event, nameOf, roleName).text).toBe(
      'Ada changed Security Reader’s settings: maximum activation 8 h → 4 h; approval required off → on',
    );
  });

  it('formats each kind of setting in its own units', () => {
    const show = (change: Parameters<typeof describeSettingChange>[0]) =>
      describeSettingChange(change, nameOf);
    expect(show({ field: 'maxActivationMinutes', before: 90, after: 30 })).toBe(
      'maximum activation 1 h 30 min → 30 min',
    );
    expect(show({ field: 'pendingTimeoutMinutes', before: 1440, after: 10080 })).toBe(
      'pending-request timeout 24 h → 7 d',
    );
    expect(show({ field: 'approvers', before: [], after: ['grace', 'ada'] })).toBe(
      'approvers default → Grace, Ada',
    );
    expect(show({ field: 'offlineConfirmWindowMinutes', before: 480, after: 0 })).toBe(
      'offline confirmation window 8 h → off',
    );
    expect(show({ field: 'eligibleExpiryDays', before: 365, after: 15 })).toBe(
      'eligible assignments expire after 365 d → 15 d',
    );
    expect(formatSettingValue('approvalsRequired', 3, nameOf)).toBe('3');
  });

  it('has a sentence for every event of a realistic history', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('e1', 'grace', ROLE_IDS.SecurityReader, 'eligible');
    w.activate('act1', 'e1', 'grace', at(1));
    w.run(
      { type: 'DeactivateRole', activationId: 'act1' },
      {
        at: at(10),
        actor: { kind: 'user', userId: 'grace', deviceId: 'd' },
        passkeyConfirmed: true,
      },
    );
    w.configure(ROLE_IDS.SecurityReader, { requireApproval: true }, { when: at(11) });
    w.activate('act2', 'e1', 'grace', at(12));
    w.decideRequest('req_act2', 'ada', at(13));
    w.activate('act3', 'e1', 'grace', at(120));
    w.decideRequest('req_act3', 'ada', at(121), 'deny');
    w.activate('act4', 'e1', 'grace', at(122));
    w.run(
      { type: 'CancelRequest', requestId: 'req_act4', justification: '' },
      asUser('grace', at(123)),
    );
    const extra: DomainEvent[] = [
      { type: 'DeviceRevoked', deviceId: 'device-grace', at: T0 },
      { type: 'InviteRevoked', inviteId: 'i', at: T0 },
      { type: 'AssignmentRemoved', assignmentId: 'e1', at: T0 },
      { type: 'AssignmentExpired', assignmentId: 'e1', at: T0 },
      { type: 'ActivationExpired', activationId: 'act1', at: T0 },
      {
        type: 'RoleCreated',
        role: {
          id: 'h',
          name: 'Helpdesk',
          description: '',
          kind: 'directory',
          builtIn: false,
          createdAt: T0,
        },
      },
      { type: 'RequestExpired', requestId: 'r', at: T0 },
      { type: 'RequestFailed', requestId: 'r', reason: 'The eligibility was removed.', at: T0 },
      {
        type: 'UserBreakGlassSet',
        userId: 'grace',
        breakGlass: true,
        by: 'ada',
        justification: 'Emergency account',
        at: T0,
      },
      {
        type: 'AlertRaised',
        alert: {
          id: 'alert_a',
          kind: 'break-glass-used',
          severity: 'high',
          userId: 'grace',
          roleId: ROLE_IDS.SecurityReader,
          activationId: 'a',
          at: T0,
        },
      },
      {
        type: 'AssignmentRequested',
        request: {
          id: 'x',
          kind: 'extend',
          assignmentId: 'e1',
          principalId: 'grace',
          roleId: ROLE_IDS.SecurityReader,
          assignmentType: 'eligible',
          endsAt: at(60 * 24 * 30),
          justification: 'Still needed',
          requestedAt: T0,
          expiresAt: at(60 * 24 * 14),
          status: 'PendingAdminDecision',
          decision: null,
          newAssignmentId: null,
          resolvedAt: null,
          resolvedBy: null,
          history: [{ status: 'PendingAdminDecision', at: T0, by: 'grace' }],
        },
      },
      {
        type: 'AssignmentRequestDecided',
        requestId: 'x',
        decision: {
          adminId: 'ada',
          decision: 'approve',
          endsAt: at(60 * 24 * 30),
          assignmentType: 'eligible',
          justification: 'Fine',
          at: T0,
        },
        newAssignmentId: null,
      },
      {
        type: 'AssignmentExtended',
        assignmentId: 'e1',
        endsAt: at(60 * 24 * 30),
        assignmentType: 'eligible',
        at: T0,
      },
    ];
    const seen = new Set<string>();
    for (const event of [...w.events, ...extra]) {
      const line = describeEvent(event, nameOf, roleName);
      expect(line.text.length, event.type).toBeGreaterThan(5);
      expect(line.text).not.toMatch(/undefined|\[object/);
      expect(sentenceText(line.parts), event.type).toBe(line.text);
      // Every instant is a typed part: none is left in the words for a reader to find.
      expect(wordsOf(line), event.type).not.toMatch(/\d\d:\d\d UTC/);
      seen.add(event.type);
    }
    expect(seen.size).toBe(28);
    const line = (type: DomainEvent['type']) => {
      const event = w.events.find((e) => e.type === type);
      return event ? describeEvent(event, nameOf, roleName).text : type;
    };
    expect(line('ActivationRequested')).toBe(
      'Grace asked to activate Security Reader for 1 h (needs 1 approval by 2026-03-03 09:12 UTC)',
    );
    expect(line('RequestApproved')).toBe(
      'Ada approved an activation request: “Matches the incident ticket”',
    );
    expect(line('RequestGranted')).toBe(
      'An activation request was granted at 2026-03-02 09:13 UTC',
    );
    expect(line('RequestCanceled')).toBe('Grace cancelled an activation request');
    const said = (event: DomainEvent) => describeEvent(event, nameOf, roleName).text;
    expect(said(extra.find((e) => e.type === 'AssignmentRequested')!)).toBe(
      'Grace asked to extend their eligible assignment of Security Reader until 2026-04-01 09:00 UTC: “Still needed”',
    );
    expect(said(extra.find((e) => e.type === 'UserBreakGlassSet')!)).toBe(
      'Ada made Grace a break-glass account: “Emergency account”',
    );
  });
});
