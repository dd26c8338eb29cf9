/**
 * Break-glass accounts (PRODUCT.md "Break-glass"): flagged by a Global Administrator, they
 * self-activate without approval, and every activation raises a high-severity alert.
 */
import { describe, expect, it } from 'vitest';
import { alertIdFor, alertsVisibleTo } from '#domain/alerts/alerts';
import { activationPath } from '#domain/approvals/requests';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import { requiresPasskeyConfirmation } from '#domain/confirmation/requires-passkey';
import type { DecisionContext } from '#domain/decision';
import { describeEvent } from '#domain/describe';
import type { DomainEvent } from '#domain/events';
import type { RejectionCode } from '#domain/rejections';
import { asUser, at, given, World } from '#domain/test-support';

const GA = ROLE_IDS.GlobalAdministrator;
const PRA = ROLE_IDS.PrivilegedRoleAdministrator;
const SR = ROLE_IDS.SecurityReader;
const SA = ROLE_IDS.SecurityAdministrator;

const setBreakGlass = (
  userId: string,
  breakGlass = true,
  justification = 'Emergency account',
): Command => ({
  type: 'SetBreakGlass',
  userId,
  breakGlass,
  justification,
});

/** Ada (GA); Pat holds PRA; Sam holds Security Administrator; Vic is eligible for GA and SR. */
function breakGlassWorld(): World {
  const w = World.setUp();
  for (const [id, name] of [
    ['pat', 'Pat'],
    ['sam', 'Sam'],
    ['vic', 'Vic'],
    ['nia', 'Nia'],
  ] as const) {
    w.addUser(id, name);
  }
  w.assign('pat-pra', 'pat', PRA, 'active');
  w.assign('sam-sa', 'sam', SA, 'active');
  w.assign('vic-ga', 'vic', GA, 'eligible');
  w.assign('vic-sr', 'vic', SR, 'eligible');
  // Both roles need approval by Nia, which break-glass must skip.
  w.configure(GA, { requireApproval: true, approvers: ['nia'] });
  w.configure(SR, { requireApproval: true, approvers: ['nia'] });
  return w;
}

const activateGa = (over: Partial<Extract<Command, { type: 'ActivateRole' }>> = {}): Command => ({
  type: 'ActivateRole',
  activationId: 'bg1',
  assignmentId: 'vic-ga',
  durationMinutes: 60,
  startsAt: null,
  justification: 'Tenant locked out',
  ticket: null,
  ...over,
});

describe('SetBreakGlass', () => {
  const w = breakGlassWorld();

  it('a Global Administrator flags a user, with a reason and a passkey', () => {
    given(w.events)
      .when(setBreakGlass('vic'), asUser('ada', at(1)))
      .then([
        {
          type: 'UserBreakGlassSet',
          userId: 'vic',
          breakGlass: true,
          by: 'ada',
          justification: 'Emergency account',
          at: at(1),
        },
      ]);
  });

  const refused: [string, Command, DecisionContext, RejectionCode][] = [
    [
      'a Privileged Role Administrator',
      setBreakGlass('vic'),
      asUser('pat', at(1)),
      'not-authorized',
    ],
    ['a Security Administrator', setBreakGlass('vic'), asUser('sam', at(1)), 'not-authorized'],
    ['the user themselves', setBreakGlass('vic'), asUser('vic', at(1)), 'not-authorized'],
    ['an unknown user', setBreakGlass('nobody'), asUser('ada', at(1)), 'unknown-user'],
    ['no reason', setBreakGlass('vic', true, ' '), asUser('ada', at(1)), 'justification-required'],
    [
      'no passkey',
      setBreakGlass('vic'),
      asUser('ada', at(1), { passkey: false }),
      'confirmation-required',
    ],
    ['no change', setBreakGlass('vic', false), asUser('ada', at(1)), 'invalid-value'],
  ];
  it.each(refused)('refuses %s', (_name, command, ctx, code) => {
    given(w.events).when(command, ctx).thenRejects(code);
  });

  it('always asks for a passkey', () => {
    expect(
      requiresPasskeyConfirmation(
        setBreakGlass('vic') as Extract<Command, { type: 'SetBreakGlass' }>,
        w.state,
        at(1),
      ),
    ).toBe(true);
  });

  it('folds into the user, who starts as an ordinary account', () => {
    const s = breakGlassWorld();
    expect(s.state.users['vic']?.breakGlass).toBe(false);
    s.run(setBreakGlass('vic'), asUser('ada', at(1)));
    expect(s.state.users['vic']?.breakGlass).toBe(true);
    s.run(setBreakGlass('vic', false, 'Rotated'), asUser('ada', at(2)));
    expect(s.state.users['vic']?.breakGlass).toBe(false);
  });
});

describe('a break-glass account activating', () => {
  function flagged(): World {
    const w = breakGlassWorld();
    w.run(setBreakGlass('vic'), asUser('ada', at(1)));
    return w;
  }
  const w = flagged();

  it('activates an approval-required role at once and raises a high-severity alert', () => {
    given(w.events)
      .when(activateGa(), asUser('vic', at(2)))
      .then([
        {
          type: 'ActivationStarted',
          activation: {
            id: 'bg1',
            assignmentId: 'vic-ga',
            principalId: 'vic',
            roleId: GA,
            startsAt: at(2),
            endsAt: at(62),
            requestedAt: at(2),
            justification: 'Tenant locked out',
            ticket: null,
            status: 'active',
            endedAt: null,
          },
        },
        {
          type: 'AlertRaised',
          alert: {
            id: alertIdFor('bg1'),
            kind: 'break-glass-used',
            severity: 'high',
            userId: 'vic',
            roleId: GA,
            activationId: 'bg1',
            at: at(2),
          },
        },
      ]);
  });

  it('the preview agrees: no approval needed for the flagged account', () => {
    expect(activationPath(w.state, 'vic', 'vic-ga', at(2)).needsApproval).toBe(false);
    expect(activationPath(breakGlassWorld().state, 'vic', 'vic-ga', at(2)).needsApproval).toBe(
      true,
    );
  });

  it('the same user without the flag must ask for approval and raises nothing', () => {
    const events = given(breakGlassWorld().events)
      .when(activateGa(), asUser('vic', at(2)))
      .thenAccepts();
    expect(events.map((e) => e.type)).toEqual(['ActivationRequested']);
  });

  it('still needs the passkey, the justification and a duration within the maximum', () => {
    given(w.events)
      .when(activateGa(), asUser('vic', at(2), { passkey: false }))
      .thenRejects('confirmation-required');
    given(w.events)
      .when(activateGa({ justification: '' }), asUser('vic', at(2)))
      .thenRejects('justification-required');
    given(w.events)
      .when(activateGa({ durationMinutes: 481 }), asUser('vic', at(2)))
      .thenRejects('exceeds-max-duration');
  });

  it('raises one alert per role in a bundle', () => {
    const events = given(w.events)
      .when(
        {
          type: 'ActivateRoles',
          bundleId: 'b1',
          items: [
            { activationId: 'bg1', assignmentId: 'vic-ga', durationMinutes: 60, startsAt: null },
            { activationId: 'bg2', assignmentId: 'vic-sr', durationMinutes: 60, startsAt: null },
          ],
          justification: 'Tenant locked out',
          ticket: null,
        },
        asUser('vic', at(2)),
      )
      .thenAccepts();
    expect(events.map((e) => e.type)).toEqual([
      'ActivationStarted',
      'AlertRaised',
      'ActivationStarted',
      'AlertRaised',
    ]);
  });

  it('the alert is readable by Global Administrators and security readers, not by others', () => {
    const s = flagged();
    s.run(activateGa(), asUser('vic', at(2)));
    const state = s.state;
    expect(Object.keys(state.alerts ?? {})).toEqual([alertIdFor('bg1')]);
    const sees = (userId: string) => alertsVisibleTo(state, userId, at(3)).map((a) => a.id);
    expect(sees('ada')).toEqual([alertIdFor('bg1')]);
    expect(sees('sam')).toEqual([alertIdFor('bg1')]);
    // Vic now holds GA through the very activation, so Vic reads it too; Pat (PRA) and Nia do not.
    expect(sees('vic')).toEqual([alertIdFor('bg1')]);
    expect(sees('pat')).toEqual([]);
    expect(sees('nia')).toEqual([]);
  });

  it('is described loudly in the audit', () => {
    const s = flagged();
    const events: DomainEvent[] = s.run(activateGa(), asUser('vic', at(2)));
    const names = (id: string) => ({ vic: 'Vic', ada: 'Ada' })[id] ?? id;
    expect(describeEvent(events[1]!, names, () => 'Global Administrator').text).toBe(
      'Alert (high): break-glass account Vic activated Global Administrator',
    );
  });
});
