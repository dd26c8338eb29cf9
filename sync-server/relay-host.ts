/**
 * What the relay's HTTP routes and command sockets use of it: the relay implements these, and
 * they depend on them instead of on the Relay class, so neither imports the relay that creates
 * them.
 */
import type { TenantState } from '#domain/model';
import type { KeyRotationLink } from '#protocol/http-api';
import type { Clock } from './clock';
import type { LedgerWriter, RelaySigner } from './ledger-writer';
import type { RelyingParty } from './passkeys';
import type { CommandPipeline, Session } from './pipeline';
import type { DocName } from '#protocol/doc-layout';
import type { Projection } from './projection';
import type { RelayStorage } from './storage/types';

/** What a command socket needs: the ledger's length for `hello`, the clock, the pipeline. */
export interface CommandHost {
  readonly ledger: Pick<LedgerWriter, 'size'>;
  readonly pipeline: Pick<CommandPipeline, 'submitSigned'>;
  /** Relay time, RFC 3339. */
  now(): string;
}

/** What the HTTP routes need: state to read, storage, the ledger, sessions and the pipeline. */
export interface HttpHost {
  /** The fold of accepted ledger events (read only here). */
  readonly state: TenantState;
  readonly storage: RelayStorage;
  readonly clock: Clock;
  readonly rp: RelyingParty;
  /** The checkpoint origin of this tenant's ledger. */
  readonly origin: string;
  readonly signer: Pick<RelaySigner, 'keyName' | 'publicKey'>;
  readonly keyRotations: readonly KeyRotationLink[];
  readonly ledger: Pick<LedgerWriter, 'size' | 'tree'>;
  /** The newest durable checkpoint: proofs are served against it, never against unsaved leaves. */
  readonly committed: { size: number; note: string } | null;
  readonly projection: Pick<Projection, 'docs'>;
  readonly pipeline: Pick<CommandPipeline, 'submitCeremony' | 'drain'>;
  /** The meta key of the setup token's hash, cleared in the commit that completes setup. */
  readonly setupTokenMetaKey: string;
  now(): string;
  checkSetupToken(token: string): Promise<boolean>;
  createSession(userId: string, deviceId: string): Promise<{ token: string; expiresAt: string }>;
  /** The session behind a token, if it is unexpired and its device and user are in good standing. */
  resolveSession(token: string | null | undefined): Promise<Session | null>;
  canRead(userId: string, doc: DocName): boolean;
  /** Seqs of the entries that concern a user. */
  entriesOf(userId: string): readonly number[];
}
