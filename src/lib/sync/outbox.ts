/**
 * The durable outbox: every signed command waits here until the relay acks or rejects it, so a
 * command survives a reload or a dropped connection. Re-sending is safe: the relay is idempotent
 * on cmdId and answers a repeat with the first outcome (`duplicate: true`).
 */
import type { Table } from 'dexie';
import type { SignedCommand } from '#protocol/messages';
import type { Iso } from '#domain/types';

export type OutboxStatus = 'pending' | 'sent';

export type OutboxRecord = {
  cmdId: string;
  signed: SignedCommand;
  createdAt: Iso;
  status: OutboxStatus;
};

export type OutboxTable = Table<OutboxRecord, string>;

/** Dexie schema for the table: primary key cmdId, indexed by status and age. */
export const OUTBOX_SCHEMA = 'cmdId, status, createdAt';

export async function enqueue(table: OutboxTable, signed: SignedCommand, now: Iso): Promise<void> {
  await table.put({
    cmdId: signed.envelope.cmdId,
    signed,
    createdAt: now,
    status: 'pending',
  });
}

export async function markSent(table: OutboxTable, cmdId: string): Promise<void> {
  await table.update(cmdId, { status: 'sent' });
}

export async function settle(table: OutboxTable, cmdId: string): Promise<void> {
  await table.delete(cmdId);
}

/** Oldest first, so the relay decides them in the order they were made. */
export async function unsettled(table: OutboxTable): Promise<OutboxRecord[]> {
  return table.orderBy('createdAt').toArray();
}
