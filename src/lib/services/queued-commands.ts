/**
 * What waits in the outbox, read live (Dexie's live queries also see other tabs): the count of
 * commands not yet answered, and the commands that had to wait with what became of each.
 */
import { liveQuery } from 'dexie';
import {
  countWaiting,
  dismissOutcomes,
  pruneOutcomes,
  queuedCommands,
  type OutboxRecord,
  type OutboxTable,
} from '$lib/sync/outbox';
import type { Rejection } from '#domain/rejections';
import type { UserCommand } from '#domain/commands';

/** A command that had to wait in the outbox, and what became of it once the relay decided. */
export type QueuedCommand = {
  cmdId: string;
  command: UserCommand;
  createdAt: string;
  /** When the device signed it: the relay accepts it for `MAX_COMMAND_AGE_MS` from then. */
  issuedAt: string;
  /** Confirmed offline with a pre-issued nonce. */
  state: 'waiting' | 'accepted' | 'rejected';
  seq: number | null;
  rejection: Rejection | null;
};

/** "N commands waiting", also offline and across tabs; returns the unsubscribe. */
export function followWaitingCount(
  outbox: OutboxTable,
  listener: (count: number) => void,
): () => void {
  const subscription = liveQuery(() => countWaiting(outbox)).subscribe({
    next: listener,
    error: (error: unknown) => console.warn('Could not count the outbox.', error),
  });
  return () => subscription.unsubscribe();
}

/** Commands that had to wait (made offline, or sent again after a reload), newest first. */
export function followQueuedCommands(
  outbox: OutboxTable,
  listener: (commands: QueuedCommand[]) => void,
): () => void {
  void pruneOutcomes(outbox, Date.now());
  const subscription = liveQuery(() => queuedCommands(outbox)).subscribe({
    next: (records) => listener(records.map(toQueuedCommand)),
    error: (error: unknown) => console.warn('Could not read the outbox.', error),
  });
  return () => subscription.unsubscribe();
}

/** Forgets the outcomes already shown. */
export async function dismissQueuedOutcomes(outbox: OutboxTable): Promise<void> {
  await dismissOutcomes(outbox);
}

function toQueuedCommand(record: OutboxRecord): QueuedCommand {
  const { outcome } = record;
  return {
    cmdId: record.cmdId,
    command: record.signed.envelope.command as UserCommand,
    createdAt: record.createdAt,
    issuedAt: record.signed.envelope.issuedAt,
    state: !outcome ? 'waiting' : outcome.t === 'ack' ? 'accepted' : 'rejected',
    seq: outcome?.seq ?? null,
    rejection:
      outcome?.t === 'reject'
        ? {
            code: outcome.code as Rejection['code'],
            message: outcome.message,
            ...(outcome.detail ? { detail: outcome.detail } : {}),
          }
        : null,
  };
}
