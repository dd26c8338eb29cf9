/**
 * ActivateRoles: several activations in one signed command (one passkey ceremony), each under
 * its own role's settings, all or nothing.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { BundleItem, Command } from '#domain/commands';
import { requiresPasskeyConfirmation } from '#domain/confirmation/requires-passkey';
import { decide } from '#domain/decide';
import type { Ticket } from '#domain/model';
import type { RejectionCode } from '#domain/rejections';
import { asUser, at, given, World } from '#domain/test-support';
import { MAX_BUNDLE_ITEMS } from './activate-role';

const SR = ROLE_IDS.SecurityReader;
const GR = ROLE_IDS.GlobalReader;
const UA = ROLE_IDS.UserAdministrator;

/** Grace is eligible for Security Reader (e1), Global Reader (e2) and User Administrator (e3). */
function bundleWorld(): World {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  w.addUser('alan', 'Alan');
  w.assign('e1', 'grace', SR, 'eligible');
  w.assign('e2', 'grace', GR, 'eligible');
  w.assign('e3', 'grace', UA, 'eligible');
  return w;
}

const item = (n: number, over: Partial<BundleItem> = {}): BundleItem => ({
  activationId: `act${n}`,
  assignmentId: `e${n}`,
  durationMinutes: 60,
  startsAt: null,
  ...over,
});

const bundle = (
  items: BundleItem[],
  over: { justification?: string; ticket?: Ticket | null } = {},
): Command => ({
  type: 'ActivateRoles',
  bundleId: 'b1',
  items,
  justification: over.justification ?? 'Quarterly access audit',
  ticket: over.ticket ?? null,
});

const NOW = at(1);

describe('ActivateRoles', () => {
  it('starts every role directly when none needs approval: one event each, nothing else', () => {
    const w = bundleWorld();
    const events = given(w.events)
      .when(bundle([item(1), item(2), item(3)]), asUser('grace', NOW))
      .thenAccepts();
    expect(events.map((e) => e.type)).toEqual([
      'ActivationStarted',
      'ActivationStarted',
      'ActivationStarted',
    ]);
    expect(
      events.map((e) => (e.type === 'ActivationStarted' ? e.activation.roleId : null)),
    ).toEqual([SR, GR, UA]);
  });

  it('gives exactly the events the same ActivateRole commands would', () => {
    const w = bundleWorld();
    w.configure(GR, { requireApproval: true, approvers: ['alan'] });
    const together = given(w.events)
      .when(bundle([item(1, { startsAt: at(90) }), item(2)]), asUser('grace', NOW))
      .thenAccepts();
    const one = (i: BundleItem): Command => ({
      type: 'ActivateRole',
      ...i,
      justification: 'Quarterly access audit',
      ticket: null,
    });
    const separately = [item(1, { startsAt: at(90) }), item(2)].flatMap((i) => {
      const d = decide(one(i), w.state, asUser('grace', NOW));
      return d.ok ? d.events : [];
    });
    expect(together).toEqual(separately);
  });

  it('mixes approval-required and direct roles: that item becomes a request', () => {
    const w = bundleWorld();
    w.configure(SR, { requireApproval: true, approvers: ['alan'] });
    const events = given(w.events)
      .when(bundle([item(1), item(2)]), asUser('grace', NOW))
      .thenAccepts();
    expect(events.map((e) => e.type)).toEqual(['ActivationRequested', 'ActivationStarted']);
    expect(events[0]).toMatchObject({ request: { id: 'req_act1', roleId: SR } });
  });

  const bad: [string, () => World, BundleItem[], RejectionCode, RegExp][] = [
    [
      'the second role over its maximum duration',
      bundleWorld,
      [item(1), item(2, { durationMinutes: 481 })],
      'exceeds-max-duration',
      /Role 2 of 2 \(Global Reader\)/,
    ],
    [
      'a role the user is not eligible for',
      () => {
        const w = bundleWorld();
        w.assign('x', 'alan', GR, 'eligible');
        return w;
      },
      [item(1), item(2, { assignmentId: 'x' })],
      'not-eligible',
      /Role 2 of 2 \(Global Reader\)/,
    ],
    [
      'an unknown assignment',
      bundleWorld,
      [item(1), item(9)],
      'unknown-assignment',
      /Role 2 of 2 \(an unknown role\)/,
    ],
    [
      'the same assignment twice',
      bundleWorld,
      [item(1), item(1, { activationId: 'again' })],
      'already-active',
      /Role 2 of 2 \(Security Reader\)/,
    ],
    [
      'the same activation id twice',
      bundleWorld,
      [item(1), item(2, { activationId: 'act1' })],
      'duplicate-id',
      /Role 2 of 2/,
    ],
    [
      'a role that needs a ticket, without one',
      () => {
        const w = bundleWorld();
        w.configure(UA, { requireTicket: true });
        return w;
      },
      [item(1), item(2), item(3)],
      'ticket-required',
      /Role 3 of 3 \(User Administrator\)/,
    ],
    [
      'a scheduled start too far ahead',
      bundleWorld,
      [item(1, { startsAt: at(60 * 24 * 31) })],
      'start-too-far-ahead',
      /Role 1 of 1 \(Security Reader\)/,
    ],
  ];
  it.each(bad)('rejects the whole bundle for %s', (_name, world, items, code, message) => {
    const w = world();
    const decision = given(w.events).when(bundle(items), asUser('grace', NOW)).thenRejects(code);
    expect(decision.ok ? '' : decision.rejection.message).toMatch(message);
  });

  it('applies each role’s justification setting to the shared justification', () => {
    const w = bundleWorld();
    w.configure(SR, { requireJustification: false });
    w.configure(GR, { requireJustification: false });
    given(w.events)
      .when(bundle([item(1), item(2)], { justification: ' ' }), asUser('grace', NOW))
      .thenAccepts();
    given(w.events)
      .when(bundle([item(1), item(2), item(3)], { justification: '' }), asUser('grace', NOW))
      .thenRejects('justification-required');
  });

  it('one passkey confirmation covers every role; without it, the first role needing one stops all', () => {
    const w = bundleWorld();
    w.configure(SR, { requirePasskeyOnActivation: false });
    const state = w.state;
    const noPasskey = asUser('grace', NOW, { passkey: false });
    given(w.events)
      .when(bundle([item(1)]), noPasskey)
      .thenAccepts();
    given(w.events)
      .when(bundle([item(1), item(2)]), noPasskey)
      .thenRejects('confirmation-required');
    given(w.events)
      .when(bundle([item(1), item(2), item(3)]), asUser('grace', NOW))
      .thenAccepts();
    const needs = (items: BundleItem[]) =>
      requiresPasskeyConfirmation(
        bundle(items) as Extract<Command, { type: 'ActivateRoles' }>,
        state,
        NOW,
      );
    expect([needs([item(1)]), needs([item(1), item(2)]), needs([item(9)])]).toEqual([
      false,
      true,
      false,
    ]);
  });

  const sizes: [number, RejectionCode | 'accepted'][] = [
    [0, 'invalid-value'],
    [1, 'accepted'],
    [MAX_BUNDLE_ITEMS, 'accepted'],
    [MAX_BUNDLE_ITEMS + 1, 'invalid-value'],
  ];
  it.each(sizes)('a bundle of %i roles: %s', (size, outcome) => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    const items: BundleItem[] = [];
    for (let i = 1; i <= size; i++) {
      w.run(
        { type: 'CreateRole', roleId: `r${i}`, name: `Role ${i}`, description: '' },
        asUser('ada'),
      );
      w.assign(`e${i}`, 'grace', `r${i}`, 'eligible');
      items.push(item(i));
    }
    const when = given(w.events).when(bundle(items), asUser('grace', NOW));
    if (outcome === 'accepted') expect(when.thenAccepts()).toHaveLength(size);
    else when.thenRejects(outcome);
  });

  it('an unusable bundle id is refused', () => {
    const w = bundleWorld();
    given(w.events)
      .when({ ...bundle([item(1)]), bundleId: '__proto__' } as Command, asUser('grace', NOW))
      .thenRejects('invalid-value');
  });
});
