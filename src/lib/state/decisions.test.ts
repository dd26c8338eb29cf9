/**
 * A list of decisions is taken all or nothing. When it is refused for one request, the refusal's
 * detail names that request and keeps its own rejection: that request shows its reason, the
 * others show that they were not recorded. Nothing is read back out of the message's words.
 */
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '$lib/services';
import { ROLE_IDS } from '#domain/catalogue';
import type { UserCommand } from '#domain/commands';
import { decide } from '#domain/decide';
import type { Rejection } from '#domain/rejections';
import { asUser, at, World } from '#domain/test-support';
import { DecisionRun } from './decisions.svelte';
import type { SessionState } from './session.svelte';

/** Grace and Hal each asked to activate Security Reader; Ap may approve. */
function world(): World {
  const w = World.setUp();
  for (const id of ['grace', 'hal', 'ap']) w.addUser(id, id.toUpperCase());
  w.assign('e-grace', 'grace', ROLE_IDS.SecurityReader, 'eligible');
  w.assign('e-hal', 'hal', ROLE_IDS.SecurityReader, 'eligible');
  w.configure(ROLE_IDS.SecurityReader, { requireApproval: true, approvers: ['ap'] });
  w.activate('a1', 'e-grace', 'grace', at(1));
  w.activate('a2', 'e-hal', 'hal', at(1));
  return w;
}

/** A run whose session answers as the relay would: the domain's decision on `w` at `when`. */
function runOn(w: World, when: string) {
  const session = {
    submit: async (command: UserCommand): Promise<CommandResult> => {
      const decision = decide(command, w.state, asUser('ap', when));
      return decision.ok
        ? { ok: true, cmdId: 'c1', seq: 9 }
        : { ok: false, rejection: decision.rejection, seq: 9, local: false };
    },
  } as unknown as SessionState;
  const explained: { id: string; rejection: Rejection }[] = [];
  const run = new DecisionRun(session, (id, rejection) => {
    explained.push({ id, rejection });
    return `${rejection.code}.`;
  });
  return { run, explained };
}

const items = [
  { id: 'req_a1', label: 'GRACE · Security Reader' },
  { id: 'req_a2', label: 'HAL · Security Reader' },
];

describe('DecisionRun', () => {
  it('gives the request at fault its own reason and the others “not recorded”', async () => {
    // Given Hal cancelled his request meanwhile,
    const w = world();
    w.run({ type: 'CancelRequest', requestId: 'req_a2', justification: '' }, asUser('hal', at(2)));
    const { run, explained } = runOn(w, at(3));
    // when Ap approves both in one list,
    run.begin('approve', items);
    const done = await run.run('On-call rota checked');
    // then Hal's request says why, with its own rejection, and Grace's was not recorded.
    expect(done).toEqual([]);
    const own = decide(
      { type: 'ApproveRequest', requestId: 'req_a2', justification: 'On-call rota checked' },
      w.state,
      asUser('ap', at(3)),
    );
    expect(explained).toEqual([{ id: 'req_a2', rejection: !own.ok && own.rejection }]);
    expect(run.outcomes).toEqual([
      {
        id: 'req_a1',
        ok: false,
        message:
          'Not recorded: the list is decided all or nothing, and another request in it could not be. Decide it again.',
      },
      { id: 'req_a2', ok: false, message: 'Not approved: request-not-pending.' },
    ]);
    expect(run.error).toBeNull();
  });

  it('says the list’s own refusal when no request in it is at fault', async () => {
    // Given a list whose requests the session does not know apart (a list of 26 is refused whole),
    const w = world();
    const { run, explained } = runOn(w, at(3));
    const many = Array.from({ length: 26 }, (_, i) => ({ id: `req_x${i}`, label: `x${i}` }));
    // when it is decided,
    run.begin('deny', many);
    await run.run('Change freeze');
    // then the refusal is said once, for the list, and no request is blamed.
    expect(explained).toEqual([]);
    expect(run.error).toEqual({
      text: 'A list of decisions must name 1 to 25 requests.',
      parts: ['A list of decisions must name 1 to 25 requests.'],
    });
    expect(run.outcomes.every((o) => o.message.startsWith('Not recorded'))).toBe(true);
  });
});
