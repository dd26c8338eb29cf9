/** What the state layer and routes use from the application layer. */
export {
  leaseholdClient,
  LeaseholdClient,
  type CommandProgress,
  type CommandResult,
  type ConnectionStatus,
  type Phase,
  type RelayStatus,
  type SessionSnapshot,
} from './client';
export * as commands from './commands';
export { describeError, isOffline } from './errors';
export type { LedgerEntry } from '#protocol/ledger-entry';
export { tokenFromHash } from '$lib/webauthn/passkeys';
