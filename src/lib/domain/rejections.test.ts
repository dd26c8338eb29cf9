/**
 * Rejections carry what their words mention as values (`detail`), so no reader parses the
 * message; the message itself reads as it always has, instants in UTC, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from './catalogue';
import type { Command } from './commands';
import { reject, sentenceOf, type Rejection } from './rejections';
import { instant, plain, sentence, sentenceText } from './sentence';
import { asUser, at, given, tenant } from './test-support';

describe('reject', () => {
  it('keeps a rejection whose words say nothing more as code and message alone', () => {
    // Absent, not undefined: such an entry's canonical bytes in the ledger stay as they were.
    expect(reject('not-active', 'It is over.')).toStrictEqual({
      code: 'not-active',
      message: 'It is over.',
    });
    expect(reject('not-active', sentence`It is over after ${3} tries.`)).toStrictEqual({
      code: 'not-active',
      message: 'It is over after 3 tries.',
    });
  });

  it('keeps the instants of a sentence typed beside its UTC words', () => {
    expect(reject('not-active', sentence`It ended at ${instant(at(5))}.`)).toStrictEqual({
      code: 'not-active',
      message: 'It ended at 2026-03-02 09:05 UTC.',
      detail: { parts: ['It ended at ', { instant: '2026-03-02T09:05:00.000Z' }, '.'] },
    });
  });

  it('names the listed request a list was refused for', () => {
    const own = reject('unknown-request', 'There is no request r2.');
    expect(
      reject('unknown-request', 'Request 2 of 2 was not decided.', {
        index: 1,
        requestId: 'r2',
        rejection: own,
      }),
    ).toStrictEqual({
      code: 'unknown-request',
      message: 'Request 2 of 2 was not decided.',
      detail: { item: { index: 1, requestId: 'r2', rejection: own } },
    });
  });

  it('reads back as the sentence it was made from', () => {
    const said = sentence`It ended at ${instant(at(5))}.`;
    expect(sentenceOf(reject('not-active', said))).toEqual(said);
    expect(sentenceOf(reject('not-active', 'It is over.'))).toEqual(plain('It is over.'));
  });
});

/** The rejection of `command` given `tenant()` plus `setUp`, checked to spell its own message. */
function refusal(command: Command, who: string, when: string, setUp = tenant()): Rejection {
  const decision = given(setUp.events).when(command, asUser(who, when)).decision;
  if (decision.ok) throw new Error(`${command.type} was accepted`);
  const parts = decision.rejection.detail?.parts;
  if (parts) expect(sentenceText(parts)).toBe(decision.rejection.message);
  return decision.rejection;
}

describe('rejections that mention an instant', () => {
  it('too early to deactivate: the earliest end, typed', () => {
    // Given Grace activated Security Reader at at(1),
    const w = tenant();
    w.activate('act1', 'e1', 'grace', at(1));
    // when she deactivates it a minute later,
    const r = refusal({ type: 'DeactivateRole', activationId: 'act1' }, 'grace', at(2), w);
    // then the refusal says from when, in words as before and as a value.
    expect(r.code).toBe('too-early-to-deactivate');
    expect(r.message).toBe(
      'Security Reader can be deactivated from 2026-03-02 09:06 UTC, 5 minutes after it started.',
    );
    expect(r.detail).toEqual({
      parts: [
        'Security Reader can be deactivated from ',
        { instant: at(6) },
        ', 5 minutes after it started.',
      ],
    });
  });

  it('too early to remove: when to try again, typed', () => {
    // Given Grace's eligibility made at T0,
    // when Ada removes it a minute later,
    const r = refusal(
      { type: 'RemoveAssignment', assignmentId: 'e1', justification: 'Left the team' },
      'ada',
      at(1),
    );
    // then the refusal says when she may, in words as before and as a value.
    expect(r.code).toBe('too-early-to-remove');
    expect(r.message).toBe(
      'An assignment cannot be removed within 5 minutes of being made; try again from 2026-03-02 09:05 UTC.',
    );
    expect(r.detail?.parts).toContainEqual({ instant: at(5) });
  });

  it('a bundle refused for one role: the role’s own instants, spliced in typed', () => {
    // Given an eligibility that starts tomorrow,
    const w = tenant();
    w.run(
      {
        type: 'AssignRole',
        assignmentId: 'later',
        principalId: 'grace',
        principalKind: 'user',
        roleId: ROLE_IDS.GlobalReader,
        scopeId: null,
        administrativeUnitId: null,
        assignmentType: 'eligible',
        startsAt: at(24 * 60),
        endsAt: null,
        justification: 'Starts with the new project',
      },
      asUser('ada', at(1)),
    );
    // when Grace activates it in a bundle today,
    const r = refusal(
      {
        type: 'ActivateRoles',
        bundleId: 'b1',
        items: [{ activationId: 'a1', assignmentId: 'later', durationMinutes: 60, startsAt: null }],
        justification: 'Incident 42',
        ticket: null,
      },
      'grace',
      at(2),
      w,
    );
    // then the bundle's words name the role, and the start is a value.
    expect(r.code).toBe('assignment-not-started');
    expect(r.message).toBe(
      'Role 1 of 1 (Global Reader): Your eligibility for Global Reader starts at 2026-03-03 09:00 UTC.',
    );
    expect(r.detail?.parts).toEqual([
      'Role 1 of 1 (Global Reader): Your eligibility for Global Reader starts at ',
      { instant: at(24 * 60) },
      '.',
    ]);
  });

  it('a rejection without an instant has no detail', () => {
    const r = refusal({ type: 'DeactivateRole', activationId: 'nope' }, 'grace', at(1));
    expect(r).toStrictEqual({
      code: 'unknown-activation',
      message: 'There is no activation nope.',
    });
  });
});
