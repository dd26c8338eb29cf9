/**
 * The queued-commands view warns about a waiting command by the relay's own freshness rule
 * (`commandAcceptedUntil`, `commandStaleness`): until when it is accepted, and when it no
 * longer will be.
 */
import { describe, expect, it } from 'vitest';
import type { LeaseholdClient, QueuedCommand } from '$lib/services';
import { commandAcceptedUntil } from '#domain/freshness';
import type { Sentence } from '#domain/sentence';
import { at, tenant } from '#domain/test-support';
import { addMinutes, formatInstant } from '#domain/time';
import { OutboxState } from './outbox.svelte';

const issuedAt = at(0);

const queued = (over: Partial<QueuedCommand> = {}): QueuedCommand => ({
  cmdId: 'cmd-1',
  command: {
    type: 'ActivateRole',
    activationId: 'act1',
    assignmentId: 'e1',
    durationMinutes: 60,
    startsAt: null,
    justification: 'Incident 42',
    ticket: null,
  },
  createdAt: issuedAt,
  issuedAt,
  state: 'waiting',
  seq: null,
  rejection: null,
  ...over,
});

function rowsAt(when: string, ...items: QueuedCommand[]) {
  // The rows read only the items: the client is never reached.
  const outbox = new OutboxState({} as LeaseholdClient);
  outbox.items = items;
  return outbox.rows(tenant().state, when);
}

/** A row's outcome in the domain's UTC words (a Sentence keeps its instants typed besides). */
const words = (outcome: string | Sentence | undefined) =>
  typeof outcome === 'object' ? outcome.text : outcome;

describe('queued commands', () => {
  const until = commandAcceptedUntil(issuedAt);

  it('says until when the relay accepts a waiting command', () => {
    const [row] = rowsAt(at(60), queued());
    expect(row).toMatchObject({ what: 'Activate Security Reader', tone: 'waiting', waiting: true });
    expect(row?.outcome).toMatchObject({ parts: expect.arrayContaining([{ instant: until }]) });
    expect(words(row?.outcome)).toBe(
      `Waiting to send. If it has not reached the relay by ${formatInstant(until)}, the relay will refuse it and you will have to do it again.`,
    );
    // Still so at the last instant the relay accepts it.
    expect(rowsAt(until, queued())[0]?.tone).toBe('waiting');
  });

  it('warns plainly once the relay would refuse it for its age', () => {
    const [row] = rowsAt(addMinutes(until, 1), queued());
    expect(row).toMatchObject({ tone: 'bad', waiting: true });
    expect(words(row?.outcome)).toBe(
      `Too old to send: the relay accepts a command for 7 days after it is made, so it will refuse this one (made ${formatInstant(issuedAt)}). Do it again.`,
    );
  });

  it('warns about a command made while the device clock was ahead', () => {
    const [row] = rowsAt(at(0), queued({ issuedAt: at(10) }));
    expect(row).toMatchObject({ tone: 'bad', waiting: true });
    expect(words(row?.outcome)).toContain('more than 5 minutes ahead');
  });

  it('reports what the relay decided, whatever the age', () => {
    const late = addMinutes(until, 60);
    const rows = rowsAt(
      late,
      queued({ state: 'accepted', seq: 7 }),
      queued({
        cmdId: 'cmd-2',
        state: 'rejected',
        rejection: { code: 'stale-command', message: 'The command is older than 7 days.' },
      }),
    );
    expect(rows.map((r) => [r.tone, r.waiting])).toEqual([
      ['ok', false],
      ['bad', false],
    ]);
    expect(rows[0]?.outcome).toBe('Accepted');
    expect(words(rows[1]?.outcome)?.startsWith('Rejected: ')).toBe(true);
  });
});
