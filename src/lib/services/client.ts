/**
 * The application service: the one place that combines the device key, passkeys, the relay's
 * HTTP API, the document replicas, the outbox and the domain core. The state layer subscribes to
 * it; nothing here touches a browser API until `start()` runs (called from onMount).
 */
import { liveQuery } from 'dexie';
import { CommandChannel, type ChannelStatus, type CommandOutcome } from '$lib/sync/command-channel';
import {
  clearPool,
  needsRefill,
  poolOf,
  storeRefill,
  takePooledNonce,
  type NoncePoolReply,
} from '$lib/sync/nonce-pool';
import {
  countWaiting,
  dismissOutcomes,
  pruneOutcomes,
  queuedCommands,
  type OutboxRecord,
} from '$lib/sync/outbox';
import { AuditReader, readTenantState } from '$lib/sync/read-model';
import { DocReplica, type DocName, type ReplicaStatus } from '$lib/sync/replica';
import {
  relayRequest,
  RelayHttpError,
  RelayUnreachableError,
  websocketBase,
} from '$lib/sync/relay-http';
import {
  createDeviceKey,
  describeThisBrowser,
  forgetDevice,
  loadDevice,
  saveDevice,
  signWithDeviceKey,
  type DeviceRecord,
} from '$lib/webauthn/device-key';
import {
  confirmIntent,
  registerWithDeviceLink,
  registerWithInvite,
  registerWithSetupToken,
  signInWithPasskey,
  type CeremonyTransport,
  type ConfirmationNonce,
  type EnrolmentResult,
} from '$lib/webauthn/passkeys';
import { randomId } from '#ledger/bytes';
import { CloseCode } from '#protocol/close-codes';
import { commandSigningBytes, sessionSigningBytes } from '#protocol/confirmation';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { CommandEnvelope, CommandIntent } from '#protocol/messages';
import { requiresPasskeyConfirmation } from '#domain/confirmation/requires-passkey';
import { decide } from '#domain/decide';
import { offlineWindowFor } from '#domain/confirmation/offline';
import { hasPermission } from '#domain/permissions';
import type { Rejection } from '#domain/rejections';
import { initialState } from '#domain/state';
import type { UserCommand } from '#domain/commands';
import type { DeviceId, TenantState, UserId } from '#domain/model';
import { LedgerService } from './ledger';
import { Notifier } from './notifications';
import { openLocalDb, type LocalDb } from './local-db';

export type Phase = 'loading' | 'signed-out' | 'signed-in';
export type ConnectionStatus = 'online' | 'offline' | 'connecting' | 'syncing';

export type SessionSnapshot = {
  phase: Phase;
  userId: UserId | null;
  deviceId: DeviceId | null;
  deviceLabel: string | null;
  connection: ConnectionStatus;
  /** Commands signed but not yet answered by the relay. */
  pendingCommands: number;
  /** True once the directory and access documents have synced with the relay at least once. */
  synced: boolean;
  /** Something the user should know after being signed out (device revoked, …). */
  notice: string | null;
};

/** Where a command is on its way: checked locally, confirmed by passkey, sent, or queued. */
export type CommandProgress = 'checking' | 'confirming' | 'sending' | 'waiting';

export type CommandResult =
  | {
      ok: true;
      cmdId: string;
      /** null while queued. */ seq: number | null;
      /**
       * Made offline: confirmed and stored in the outbox, sent on reconnect; its outcome shows
       * in the sync status once the relay decides.
       */
      queued?: boolean;
    }
  | {
      ok: false;
      rejection: Rejection;
      seq: number | null;
      /** true: the local preview refused it. */ local: boolean;
    };

export type RelayStatus = { setupDone: boolean; rpId: string; origin: string; seq: number };

/** A command that had to wait in the outbox, and what became of it once the relay decided. */
export type QueuedCommand = {
  cmdId: string;
  command: UserCommand;
  createdAt: string;
  /** Confirmed offline with a pre-issued nonce. */
  state: 'waiting' | 'accepted' | 'rejected';
  seq: number | null;
  rejection: Rejection | null;
};

/** How often the pool of offline confirmation nonces is checked while online. */
const NONCE_POOL_CHECK_MS = 5 * 60_000;
const NONCE_POOL_LOCK = 'leasehold-nonce-pool';

type Listener<T> = (value: T) => void;

/** The relay refused this device for good: it must enrol again. */
const DEVICE_GONE = new Set(['unknown-device', 'device-revoked']);

const nowIso = (): string => new Date().toISOString();

const NOTICE_KEY = 'leasehold:notice';

export class LeaseholdClient {
  #db: LocalDb | null = null;
  #device: DeviceRecord | null = null;
  #token: string | null = null;
  #authInFlight: Promise<void> | null = null;
  #authRetry: ReturnType<typeof setTimeout> | null = null;
  #authAttempt = 0;
  #replicas = new Map<DocName, DocReplica>();
  #opening = new Map<DocName, Promise<DocReplica>>();
  #replicaStatus = new Map<DocName, ReplicaStatus>();
  #channel: CommandChannel | null = null;
  #channelFailures = 0;
  #relayUnreachable = false;
  #auditReader = new AuditReader();
  #derivePending = false;
  #auditTimer: ReturnType<typeof setInterval> | null = null;
  #started = false;
  #generation = 0;
  #ledger: LedgerService | null = null;
  #auditCheckpoint: string | null = null;
  #noncePoolTimer: ReturnType<typeof setInterval> | null = null;
  #stopWaitingCount: (() => void) | null = null;
  #notifier = new Notifier();
  #notifyTimer: ReturnType<typeof setInterval> | null = null;

  #session: SessionSnapshot = {
    phase: 'loading',
    userId: null,
    deviceId: null,
    deviceLabel: null,
    connection: 'connecting',
    pendingCommands: 0,
    synced: false,
    notice: null,
  };
  #tenant: TenantState = initialState();
  #audit: LedgerEntry[] = [];
  #auditReadable = false;

  #sessionListeners = new Set<Listener<SessionSnapshot>>();
  #tenantListeners = new Set<Listener<TenantState>>();
  #auditListeners = new Set<Listener<{ entries: LedgerEntry[]; readable: boolean }>>();

  readonly #onNetworkChange = () => {
    // Back online while waiting to retry the session: retry now rather than after the backoff.
    if (navigator.onLine && this.#authRetry) {
      clearTimeout(this.#authRetry);
      this.#authRetry = null;
      this.#connectWhenAuthenticated();
    }
    // The network changed under open sockets: make each prove it is alive (heartbeat).
    for (const replica of this.#replicas.values()) replica.probe();
    this.#updateConnection();
  };

  get session(): SessionSnapshot {
    return this.#session;
  }

  get tenant(): TenantState {
    return this.#tenant;
  }

  onSession(listener: Listener<SessionSnapshot>): () => void {
    this.#sessionListeners.add(listener);
    listener(this.#session);
    return () => this.#sessionListeners.delete(listener);
  }

  onTenant(listener: Listener<TenantState>): () => void {
    this.#tenantListeners.add(listener);
    listener(this.#tenant);
    return () => this.#tenantListeners.delete(listener);
  }

  onAudit(listener: Listener<{ entries: LedgerEntry[]; readable: boolean }>): () => void {
    this.#auditListeners.add(listener);
    listener({ entries: this.#audit, readable: this.#auditReadable });
    return () => this.#auditListeners.delete(listener);
  }

  /** Verification of the relay's ledger and the offline audit index (created on first use). */
  get ledger(): LedgerService {
    this.#ledger ??= new LedgerService({
      db: this.#requireDb(),
      auth: {
        token: () => this.#token,
        reauthenticate: () => this.#reauthenticate(),
      },
      userId: () => this.#device?.userId ?? null,
      lookup: () => ({
        assignments: this.#tenant.assignments,
        activations: this.#tenant.activations,
      }),
    });
    return this.#ledger;
  }

  /** The audit document's entries as stored (audit readers), index = seq; empty otherwise. */
  auditTexts(): readonly string[] {
    return this.#replicas.has('audit') ? this.#auditReader.texts : [];
  }

  // -------------------------------------------------------------------------------------------
  // Life cycle.
  // -------------------------------------------------------------------------------------------

  /** Opens local storage and, when this browser holds an enrolled device key, connects. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    window.addEventListener('online', this.#onNetworkChange);
    window.addEventListener('offline', this.#onNetworkChange);
    this.#db = openLocalDb();
    const device = await loadDevice(this.#db.device);
    if (device?.userId) {
      await this.#begin(device);
    } else {
      // Why this browser was signed out survives a reload (until the next sign-in).
      this.#setSession({ phase: 'signed-out', notice: sessionStorage.getItem(NOTICE_KEY) });
    }
  }

  /** Closes sockets and timers (the local copies stay). */
  stop(): void {
    window.removeEventListener('online', this.#onNetworkChange);
    window.removeEventListener('offline', this.#onNetworkChange);
    this.#teardown();
    this.#started = false;
  }

  async #begin(device: DeviceRecord): Promise<void> {
    const generation = ++this.#generation;
    this.#device = device;
    this.#setSession({
      phase: 'signed-in',
      userId: device.userId,
      deviceId: device.deviceId,
      deviceLabel: device.label,
      connection: 'connecting',
      synced: false,
      notice: null,
    });
    // Local first: show what IndexedDB holds before the relay answers.
    await Promise.all([
      this.#openReplica('directory'),
      this.#openReplica('access'),
      this.ledger.start(),
    ]);
    if (generation !== this.#generation) return;
    this.#derive();
    // On start, before any socket: a relay that cannot be reached says so on the Audit page.
    void this.ledger.check();
    this.#channel = new CommandChannel({
      url: `${websocketBase(location.origin)}/sync/commands`,
      outbox: this.#requireDb().outbox,
      token: () => this.#token,
      reauthenticate: () => this.#reauthenticate(),
      onStatus: (status) => this.#onChannelStatus(status),
      onSettled: (outcome) => {
        // Also the answers to commands sent before a reload: each gets its inclusion receipt.
        if (outcome.seq !== null) this.ledger.noteOwnEntry(outcome.seq, null);
      },
      onPendingChange: (count) => this.#setSession({ pendingCommands: count }),
    });
    this.#auditTimer = setInterval(() => void this.#syncAuditAccess(), 15_000);
    this.#noncePoolTimer = setInterval(() => void this.#refillNoncePool(), NONCE_POOL_CHECK_MS);
    // "N commands waiting", also offline and across tabs (Dexie's live queries see other tabs).
    const outbox = this.#requireDb().outbox;
    const waiting = liveQuery(() => countWaiting(outbox)).subscribe({
      next: (count) => this.#setSession({ pendingCommands: count }),
      error: (error: unknown) => console.warn('Could not count the outbox.', error),
    });
    this.#stopWaitingCount = () => waiting.unsubscribe();
    // "Ends in 10 minutes" needs no state change: look again every 30 s.
    this.#notifyTimer = setInterval(() => this.#notify(), 30_000);
    this.#connectWhenAuthenticated();
  }

  #teardown(): void {
    this.#generation++;
    this.#ledger?.stop();
    this.#auditCheckpoint = null;
    this.#channel?.stop();
    this.#channel = null;
    for (const replica of this.#replicas.values()) void replica.destroy();
    this.#replicas.clear();
    this.#replicaStatus.clear();
    if (this.#auditTimer) clearInterval(this.#auditTimer);
    if (this.#noncePoolTimer) clearInterval(this.#noncePoolTimer);
    this.#noncePoolTimer = null;
    this.#stopWaitingCount?.();
    this.#stopWaitingCount = null;
    if (this.#notifyTimer) clearInterval(this.#notifyTimer);
    this.#notifyTimer = null;
    this.#notifier = new Notifier();
    if (this.#authRetry) clearTimeout(this.#authRetry);
    this.#auditTimer = null;
    this.#authRetry = null;
    this.#token = null;
    this.#channelFailures = 0;
    this.#relayUnreachable = false;
    this.#auditReader = new AuditReader();
  }

  #requireDb(): LocalDb {
    if (!this.#db) this.#db = openLocalDb();
    return this.#db;
  }

  // -------------------------------------------------------------------------------------------
  // Session (device key signs a relay challenge; no cookies).
  // -------------------------------------------------------------------------------------------

  #connectWhenAuthenticated(): void {
    const generation = this.#generation;
    this.#reauthenticate().then(
      () => {
        if (generation !== this.#generation) return;
        this.#authAttempt = 0;
        this.#channel?.start();
        void this.ledger.check();
        for (const replica of this.#replicas.values()) this.#connectReplica(replica);
      },
      () => {
        if (generation !== this.#generation || this.#session.phase !== 'signed-in') return;
        // Relay unreachable: keep the local copy on screen and try again with backoff.
        const wait = Math.min(30_000, 1000 * 2 ** this.#authAttempt++);
        this.#authRetry = setTimeout(() => {
          this.#authRetry = null;
          this.#connectWhenAuthenticated();
        }, wait);
      },
    );
  }

  /** Gets a fresh session token; one request at a time however many sockets ask. */
  #reauthenticate(): Promise<void> {
    this.#authInFlight ??= this.#authenticate().finally(() => {
      this.#authInFlight = null;
    });
    return this.#authInFlight;
  }

  async #authenticate(): Promise<void> {
    const device = this.#device;
    if (!device) throw new Error('No device key.');
    try {
      const { challenge } = await relayRequest<{ challenge: string; expiresAt: string }>(
        '/api/session/challenge',
        { body: { deviceId: device.deviceId } },
      );
      const signature = await signWithDeviceKey(device, sessionSigningBytes(challenge));
      const session = await relayRequest<{ token: string; userId: UserId; expiresAt: string }>(
        '/api/session',
        { body: { deviceId: device.deviceId, challenge, signature } },
      );
      if (device !== this.#device) return;
      this.#token = session.token;
      this.#relayUnreachable = false;
      for (const replica of this.#replicas.values()) replica.setToken(session.token);
      this.#updateConnection();
    } catch (error) {
      if (error instanceof RelayHttpError && DEVICE_GONE.has(error.code)) {
        await this.#deviceLost(
          error.code === 'device-revoked'
            ? 'This device was revoked. Sign in again with your passkey to keep using Leasehold here.'
            : 'The relay does not know this device any more. Sign in again with your passkey.',
        );
      } else if (error instanceof RelayUnreachableError) {
        this.#relayUnreachable = true;
        this.#updateConnection();
      }
      throw error;
    }
  }

  /** An authenticated HTTP call; a 401 means the session lapsed: authenticate once and retry. */
  async #authorized<T>(path: string, body: unknown): Promise<T> {
    if (!this.#token) await this.#reauthenticate();
    try {
      return await relayRequest<T>(path, { body, token: this.#token });
    } catch (error) {
      if (!(error instanceof RelayHttpError) || error.status !== 401) throw error;
      await this.#reauthenticate();
      return relayRequest<T>(path, { body, token: this.#token });
    }
  }

  async #deviceLost(notice: string): Promise<void> {
    const device = this.#device;
    this.#teardown();
    this.#device = null;
    const db = this.#requireDb();
    // A device that may no longer read the tenant should not keep a copy of it.
    if (device) {
      for (const name of ['directory', 'access', 'audit'] as const) {
        await new DocReplica(name, device.deviceId).clearLocal().catch(() => undefined);
      }
    }
    await db.outbox.clear();
    if (device) await clearPool(db.noncePool, device.deviceId);
    await this.ledger.clearUser();
    await forgetDevice(db.device);
    this.#tenant = initialState();
    this.#audit = [];
    this.#auditReadable = false;
    this.#emitTenant();
    this.#emitAudit();
    sessionStorage.setItem(NOTICE_KEY, notice);
    this.#setSession({
      phase: 'signed-out',
      userId: null,
      deviceId: null,
      deviceLabel: null,
      synced: false,
      pendingCommands: 0,
      notice,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Replicas and the read model.
  // -------------------------------------------------------------------------------------------

  /** Loads a document's local copy; it joins the replicas (and may connect) only once loaded. */
  #openReplica(name: DocName): Promise<DocReplica> {
    const existing = this.#replicas.get(name);
    if (existing) return Promise.resolve(existing);
    const opening = this.#opening.get(name);
    if (opening) return opening;
    const device = this.#device;
    if (!device) return Promise.reject(new Error('No device key.'));
    const generation = this.#generation;
    const promise = (async () => {
      const replica = new DocReplica(name, device.deviceId);
      await replica.load();
      if (generation !== this.#generation) {
        await replica.destroy();
        throw new Error('Signed out while loading.');
      }
      replica.doc.on('update', () => this.#scheduleDerive());
      this.#replicas.set(name, replica);
      return replica;
    })().finally(() => this.#opening.delete(name));
    this.#opening.set(name, promise);
    return promise;
  }

  #connectReplica(replica: DocReplica): void {
    if (!this.#token || this.#replicas.get(replica.name) !== replica) return;
    replica.connect(websocketBase(location.origin), this.#token, {
      onStatus: (status) => {
        this.#replicaStatus.set(replica.name, status);
        if (status === 'synced') this.#scheduleDerive();
        this.#updateConnection();
      },
      onClosed: (code) => void this.#onReplicaClosed(replica, code),
    });
  }

  async #onReplicaClosed(replica: DocReplica, code: number): Promise<void> {
    this.#replicaStatus.set(replica.name, 'disconnected');
    this.#updateConnection();
    switch (code) {
      case CloseCode.Unauthenticated:
        // setToken (in #authenticate) reconnects every replica the relay turned away.
        await this.#reauthenticate().catch(() => this.#connectWhenAuthenticated());
        return;
      case CloseCode.Forbidden:
        if (replica.name === 'audit') await this.#closeAudit(true);
        return;
      case CloseCode.ReadOnlyDocument: {
        // Our copy holds something the relay does not: start this document afresh from the relay.
        this.#replicas.delete(replica.name);
        await replica.clearLocal();
        const fresh = await this.#openReplica(replica.name);
        this.#scheduleDerive();
        this.#connectReplica(fresh);
        return;
      }
      default:
        console.warn(`The relay closed the ${replica.name} document (${code}).`);
    }
  }

  #scheduleDerive(): void {
    if (this.#derivePending) return;
    this.#derivePending = true;
    setTimeout(() => {
      this.#derivePending = false;
      this.#derive();
    }, 0);
  }

  #derive(): void {
    const directory = this.#replicas.get('directory');
    const access = this.#replicas.get('access');
    const audit = this.#replicas.get('audit');
    if (directory && access) {
      this.#tenant = readTenantState(directory.doc, access.doc, audit?.doc ?? null);
      this.#emitTenant();
      this.#notify();
    }
    if (audit) {
      this.#audit = this.#auditReader.read(audit.doc);
      this.#emitAudit();
      this.#onAuditChanged(audit);
    }
    void this.#syncAuditAccess();
  }

  /** Opens the audit document while the user may read it (roles are time-bound), closes it after. */
  async #syncAuditAccess(): Promise<void> {
    const userId = this.#session.userId;
    if (!userId || this.#session.phase !== 'signed-in') return;
    const may = hasPermission(this.#tenant, userId, 'read-audit', nowIso());
    const open = this.#replicas.has('audit') || this.#opening.has('audit');
    if (may && !open) {
      const replica = await this.#openReplica('audit');
      this.#auditReadable = true;
      this.#audit = this.#auditReader.read(replica.doc);
      this.#emitAudit();
      this.#onAuditChanged(replica);
      this.#connectReplica(replica);
    } else if (!may && open && this.#session.synced) {
      await this.#closeAudit(false);
    }
  }

  /** New audit entries go into the offline index; a new checkpoint is verified at once. */
  #onAuditChanged(audit: DocReplica): void {
    this.ledger.indexAuditDoc(this.#auditReader.texts);
    const note = AuditReader.checkpoint(audit.doc);
    if (note !== null && note !== this.#auditCheckpoint) {
      this.#auditCheckpoint = note;
      void this.ledger.check();
    }
  }

  async #closeAudit(forget: boolean): Promise<void> {
    const replica = this.#replicas.get('audit');
    this.#replicas.delete('audit');
    this.#replicaStatus.delete('audit');
    if (replica) await (forget ? replica.clearLocal() : replica.destroy());
    this.#auditReader = new AuditReader();
    this.#audit = [];
    this.#auditReadable = false;
    this.#auditCheckpoint = null;
    this.#emitAudit();
    this.#updateConnection();
    // Whoever may no longer read the whole ledger keeps only the entries about them.
    await this.ledger.forgetOthers();
  }

  // -------------------------------------------------------------------------------------------
  // Connection status.
  // -------------------------------------------------------------------------------------------

  #onChannelStatus(status: ChannelStatus): void {
    if (status === 'open') {
      this.#channelFailures = 0;
      // Every (re)connect: the relay may have moved on (or been tampered with) meanwhile.
      void this.ledger.check();
      void this.#refillNoncePool();
    }
    if (status === 'closed') {
      this.#channelFailures++;
      // The commands socket died (perhaps silently): check the document sockets too.
      for (const replica of this.#replicas.values()) replica.probe();
    }
    this.#updateConnection();
  }

  #updateConnection(): void {
    if (this.#session.phase !== 'signed-in') return;
    const docsSynced = (['directory', 'access'] as const).every(
      (name) => this.#replicaStatus.get(name) === 'synced',
    );
    const synced = this.#session.synced || docsSynced;
    let connection: ConnectionStatus;
    if (!navigator.onLine || this.#relayUnreachable || this.#channelFailures > 0) {
      connection = 'offline';
    } else if (this.#channel?.status !== 'open') {
      connection = 'connecting';
    } else if (!docsSynced || this.#session.pendingCommands > 0) {
      connection = 'syncing';
    } else {
      connection = 'online';
    }
    this.#setSession({ connection, synced });
  }

  // -------------------------------------------------------------------------------------------
  // Passkey ceremonies that enrol this browser's device key.
  // -------------------------------------------------------------------------------------------

  getStatus(): Promise<RelayStatus> {
    return relayRequest<RelayStatus>('/api/status');
  }

  /** Creates the first Global Administrator with the setup link's token. */
  setup(token: string, displayName: string): Promise<EnrolmentResult> {
    return this.#enrol((transport, device) =>
      registerWithSetupToken(transport, device, token, displayName),
    );
  }

  acceptInvite(token: string, displayName: string): Promise<EnrolmentResult> {
    return this.#enrol((transport, device) =>
      registerWithInvite(transport, device, token, displayName),
    );
  }

  /** Registers this browser's own passkey for the user who made the "add a device" link. */
  addThisDevice(token: string): Promise<EnrolmentResult> {
    return this.#enrol((transport, device) => registerWithDeviceLink(transport, device, token));
  }

  /** A single-use link (valid 10 minutes) for adding another device, e.g. a phone. */
  async createDeviceLink(): Promise<{ url: string; expiresAt: string }> {
    const { token, expiresAt } = await this.#authorized<{ token: string; expiresAt: string }>(
      '/api/devices/link',
      {},
    );
    return { url: `${location.origin}/add-device#token=${token}`, expiresAt };
  }

  signIn(): Promise<EnrolmentResult> {
    return this.#enrol((transport, device) => signInWithPasskey(transport, device));
  }

  async #enrol(
    ceremony: (transport: CeremonyTransport, device: DeviceRecord) => Promise<EnrolmentResult>,
  ): Promise<EnrolmentResult> {
    const db = this.#requireDb();
    // A fresh key per ceremony; it replaces the stored one only once the relay has enrolled it.
    const device = await createDeviceKey(describeThisBrowser());
    const transport: CeremonyTransport = {
      post: <T>(path: string, body: unknown) => relayRequest<T>(path, { body }),
    };
    const result = await ceremony(transport, device);
    this.#teardown();
    const enrolled: DeviceRecord = { ...device, userId: result.userId };
    await db.outbox.clear();
    await db.noncePool.clear();
    await saveDevice(db.device, enrolled);
    sessionStorage.removeItem(NOTICE_KEY);
    this.#tenant = initialState();
    this.#audit = [];
    this.#auditReadable = false;
    this.#emitTenant();
    this.#emitAudit();
    await this.#begin(enrolled);
    return result;
  }

  // -------------------------------------------------------------------------------------------
  // Commands.
  // -------------------------------------------------------------------------------------------

  /** What the domain core says about this command now, as the relay would decide it. */
  preview(command: UserCommand): Rejection | null {
    const device = this.#device;
    if (!device?.userId) return null;
    const decision = decide(command, this.#tenant, {
      at: nowIso(),
      actor: { kind: 'user', userId: device.userId, deviceId: device.deviceId },
      passkeyConfirmed: true,
    });
    return decision.ok ? null : decision.rejection;
  }

  /**
   * Checks the command locally, confirms it with the passkey when its role settings ask for
   * that, signs it with the device key, and sends it through the outbox. Resolves with the
   * relay's verdict; throws when the passkey prompt fails or the relay cannot be reached.
   */
  async submit(
    command: UserCommand,
    onProgress: (progress: CommandProgress) => void = () => {},
  ): Promise<CommandResult> {
    const device = this.#device;
    const channel = this.#channel;
    if (!device?.userId || !channel) throw new Error('Sign in first.');
    onProgress('checking');
    const plain = JSON.parse(JSON.stringify(command)) as UserCommand;
    const local = this.preview(plain);
    if (local) return { ok: false, rejection: local, seq: null, local: true };

    const intent: CommandIntent = {
      v: 1,
      cmdId: randomId(16),
      deviceId: device.deviceId,
      issuedAt: nowIso(),
      command: plain,
    };
    let confirmation: CommandEnvelope['confirmation'] = null;
    if (requiresPasskeyConfirmation(plain, this.#tenant, intent.issuedAt)) {
      const nonce = await this.#confirmationNonce(plain, device);
      if ('code' in nonce) return { ok: false, rejection: nonce, seq: null, local: true };
      onProgress('confirming');
      confirmation = await confirmIntent(nonce, intent);
    }
    const envelope: CommandEnvelope = { ...intent, confirmation };
    const signature = await signWithDeviceKey(device, commandSigningBytes(envelope));
    onProgress(channel.status === 'open' && navigator.onLine ? 'sending' : 'waiting');
    const stored = await channel.store({ envelope, signature });
    const noteReceipt = (outcome: CommandOutcome) => {
      if (outcome.seq === null) return;
      this.ledger.noteOwnEntry(
        outcome.seq,
        plain.type === 'ActivateRole' && outcome.t === 'ack' ? plain.activationId : null,
      );
    };
    if (stored.queued) {
      // Offline: nobody should wait on a dialog for the network; the sync status reports it.
      void stored.outcome.then(noteReceipt);
      return { ok: true, cmdId: intent.cmdId, seq: null, queued: true };
    }
    const outcome: CommandOutcome = await stored.outcome;
    noteReceipt(outcome);
    if (outcome.t === 'ack') return { ok: true, cmdId: intent.cmdId, seq: outcome.seq };
    return {
      ok: false,
      rejection: { code: outcome.code, message: outcome.message },
      seq: outcome.seq,
      local: false,
    };
  }

  /**
   * A relay nonce for a passkey confirmation: a fresh one while online; offline, one from this
   * device's pre-issued pool that the relay will still accept for this command (the offline
   * window of its role, counted from the nonce's issue time to the command's arrival).
   */
  async #confirmationNonce(
    command: UserCommand,
    device: DeviceRecord,
  ): Promise<ConfirmationNonce | Rejection> {
    if (navigator.onLine && !this.#relayUnreachable) {
      try {
        return await this.#authorized<ConfirmationNonce>('/api/confirm/nonce', {});
      } catch (error) {
        if (!(error instanceof RelayUnreachableError)) throw error;
        this.#relayUnreachable = true;
        this.#updateConnection();
      }
    }
    const window = offlineWindowFor(command, this.#tenant);
    if (window.minutes <= 0) {
      return {
        code: 'nonce-expired',
        message: `You are offline. ${window.reason ?? 'Offline confirmation is off for this role.'}`,
      };
    }
    // Leave a minute for the trip to the relay once the network is back.
    const now = Date.now();
    const notIssuedBefore = new Date(now - (window.minutes - 1) * 60_000).toISOString();
    const pooled = await takePooledNonce(
      this.#requireDb().noncePool,
      device.deviceId,
      notIssuedBefore,
      new Date(now).toISOString(),
    );
    if (!pooled) {
      return {
        code: 'nonce-expired',
        message:
          'You are offline and this device has no offline confirmations left for this role. Connect to the network to confirm.',
      };
    }
    return pooled;
  }

  /**
   * Keeps this device's pool of offline confirmation nonces full and fresh while online. One tab
   * at a time (Web Lock); unused stale nonces are handed back so the device never holds more
   * than the relay's K.
   */
  async #refillNoncePool(): Promise<void> {
    const device = this.#device;
    if (!device || !this.#token || !navigator.onLine) return;
    const db = this.#requireDb();
    const run = async () => {
      const pool = await poolOf(db.noncePool, device.deviceId);
      if (!needsRefill(pool, Date.now())) return;
      const retire = pool.map((n) => n.nonce);
      try {
        const reply = await this.#authorized<NoncePoolReply>('/api/confirm/nonce-pool', {
          retire,
        });
        if (device !== this.#device) return;
        await storeRefill(db.noncePool, device.deviceId, retire, reply);
      } catch (error) {
        console.warn('Could not refill the offline confirmation pool.', error);
      }
    };
    if (navigator.locks) await navigator.locks.request(NONCE_POOL_LOCK, run);
    else await run();
  }

  /** OS notifications for new approval requests and activations about to end (if allowed). */
  #notify(): void {
    const userId = this.#session.userId;
    if (!userId || this.#session.phase !== 'signed-in') return;
    void this.#notifier.check(this.#tenant, userId, Date.now());
  }

  /** How many offline confirmations this device holds (for the devices page). */
  async offlineConfirmationsLeft(): Promise<number> {
    const device = this.#device;
    if (!device) return 0;
    return (await poolOf(this.#requireDb().noncePool, device.deviceId)).length;
  }

  /** Commands that had to wait (made offline, or sent again after a reload), newest first. */
  onQueuedCommands(listener: Listener<QueuedCommand[]>): () => void {
    const db = this.#requireDb();
    void pruneOutcomes(db.outbox, Date.now());
    const subscription = liveQuery(() => queuedCommands(db.outbox)).subscribe({
      next: (records) => listener(records.map(toQueuedCommand)),
      error: (error: unknown) => console.warn('Could not read the outbox.', error),
    });
    return () => subscription.unsubscribe();
  }

  /** Forgets the outcomes already shown. */
  async dismissQueuedOutcomes(): Promise<void> {
    await dismissOutcomes(this.#requireDb().outbox);
  }

  // -------------------------------------------------------------------------------------------
  // Emitting.
  // -------------------------------------------------------------------------------------------

  #setSession(patch: Partial<SessionSnapshot>): void {
    const next = { ...this.#session, ...patch };
    const changed = (Object.keys(next) as (keyof SessionSnapshot)[]).some(
      (key) => next[key] !== this.#session[key],
    );
    if (!changed) return;
    this.#session = next;
    if ('pendingCommands' in patch) {
      // A pending command changes the badge (syncing) without any other event.
      queueMicrotask(() => this.#updateConnection());
    }
    for (const listener of this.#sessionListeners) listener(next);
  }

  #emitTenant(): void {
    for (const listener of this.#tenantListeners) listener(this.#tenant);
  }

  #emitAudit(): void {
    const value = { entries: this.#audit, readable: this.#auditReadable };
    for (const listener of this.#auditListeners) listener(value);
  }
}

function toQueuedCommand(record: OutboxRecord): QueuedCommand {
  const outcome = record.outcome ?? null;
  return {
    cmdId: record.cmdId,
    command: record.signed.envelope.command as UserCommand,
    createdAt: record.createdAt,
    state: !outcome ? 'waiting' : outcome.t === 'ack' ? 'accepted' : 'rejected',
    seq: outcome?.seq ?? null,
    rejection:
      outcome?.t === 'reject'
        ? { code: outcome.code as Rejection['code'], message: outcome.message }
        : null,
  };
}

let client: LeaseholdClient | null = null;

/** The one client of this page (created lazily, so nothing runs at import time). */
export function leaseholdClient(): LeaseholdClient {
  client ??= new LeaseholdClient();
  return client;
}
