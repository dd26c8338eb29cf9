/**
 * The durable outbox: every signed command waits here until the relay acks or rejects it, so a
 * command survives a reload, a closed tab or a restarted browser. Re-sending is safe: the relay is
 * idempotent on cmdId and answers a repeat with the first outcome (`duplicate: true`).
 * A command that had to wait (made offline, or sent again after a reload) keeps its outcome here
 * once decided, so the app can say what became of it; the others are deleted when answered.
 */
import type { Table } from 'dexie';
import type { SignedCommand } from '#protocol/messages';
import type { Iso } from '#domain/model';
import type { RejectionDetail } from '#domain/rejections';

export type OutboxStatus = 'pending' | 'sent' | 'settled';

/** The relay's verdict on a command that had to wait. */
export type OutboxOutcome =
  | { t: 'ack'; seq: number }
  | { t: 'reject'; code: string; message: string; detail?: RejectionDetail; seq: number | null };

export type OutboxRecord = {
  cmdId: string;
  signed: SignedCommand;
  createdAt: Iso;
  status: OutboxStatus;
  /** True once the command could not go out at once: its outcome is kept for the person. */
  queued: boolean;
  outcome: OutboxOutcome | null;
  settledAt: Iso | null;
};

export type OutboxTable = Table<OutboxRecord, string>;

/** Dexie schema for the table: primary key cmdId, indexed by status and age. */
export const OUTBOX_SCHEMA = 'cmdId, status, createdAt';

/** How long a decided queued command stays listed. */
const KEEP_OUTCOMES_MS = 7 * 24 * 60 * 60_000;

export async function enqueue(
  table: OutboxTable,
  signed: SignedCommand,
  now: Iso,
  queued = false,
): Promise<void> {
  await table.put({
    cmdId: signed.envelope.cmdId,
    signed,
    createdAt: now,
    status: 'pending',
    queued,
    outcome: null,
    settledAt: null,
  });
}

export async function markSent(table: OutboxTable, cmdId: string): Promise<void> {
  await table
    .where('cmdId')
    .equals(cmdId)
    .and((r) => r.status === 'pending')
    .modify({ status: 'sent' });
}

/** Marks commands that are going out late (offline, or after a reload) as queued. */
export async function markQueued(table: OutboxTable, cmdIds: readonly string[]): Promise<void> {
  await table
    .where('cmdId')
    .anyOf([...cmdIds])
    .and((r) => r.status !== 'settled')
    .modify({ queued: true });
}

/**
 * Records the relay's answer: a queued command keeps its outcome, any other is deleted.
 * Returns false when the command had already been settled (by another tab).
 */
export async function settle(
  table: OutboxTable,
  cmdId: string,
  outcome: OutboxOutcome,
  now: Iso,
): Promise<boolean> {
  return table.db.transaction('rw', table, async () => {
    const record = await table.get(cmdId);
    if (!record || record.status === 'settled') return false;
    if (record.queued) await table.update(cmdId, { status: 'settled', outcome, settledAt: now });
    else await table.delete(cmdId);
    return true;
  });
}

/** Commands still waiting for the relay's answer, oldest first (the order they were made). */
export async function unsettled(table: OutboxTable): Promise<OutboxRecord[]> {
  return (await table.orderBy('createdAt').toArray()).filter((r) => r.status !== 'settled');
}

export async function countWaiting(table: OutboxTable): Promise<number> {
  return table.where('status').anyOf('pending', 'sent').count();
}

/** Queued commands and what became of them, newest first (read-only: fit for a live query). */
export async function queuedCommands(table: OutboxTable): Promise<OutboxRecord[]> {
  const all = await table.orderBy('createdAt').reverse().toArray();
  return all.filter((r) => r.queued || r.status === 'settled');
}

/** Drops outcomes older than a week. */
export async function pruneOutcomes(table: OutboxTable, now: number): Promise<void> {
  const cutoff = new Date(now - KEEP_OUTCOMES_MS).toISOString();
  await table
    .where('status')
    .equals('settled')
    .and((r) => (r.settledAt ?? r.createdAt) < cutoff)
    .delete();
}

/** The person has read these outcomes. */
export async function dismissOutcomes(table: OutboxTable): Promise<void> {
  await table.where('status').equals('settled').delete();
}
