/** What the state layer and routes use from the application layer. */
export { leaseholdClient, LeaseholdClient, type Phase, type SessionSnapshot } from './client';
export type { CommandProgress, CommandResult } from './command-submission';
export type { ConnectionStatus } from './connection-status';
export type { RelayStatus } from '#protocol/http-api';
export type { QueuedCommand } from './queued-commands';
export * as commands from './commands';
export { describeError, isOffline } from './errors';
export type { LedgerEntry } from '#protocol/ledger-entry';
export { tokenFromHash } from '$lib/webauthn/passkeys';
export {
  LedgerService,
  type LedgerSnapshot,
  type ReceiptState,
  type VerificationStatus,
} from './ledger';
export type { AuditFilter, AuditPage, AuditRow } from '$lib/sync/audit-index';
export type { LedgerAlarm } from '$lib/sync/ledger-store';
export { auditCsv, exportLedgerTar, reverifyPasskey, type PasskeyCheck } from './audit-tools';
