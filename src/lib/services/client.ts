/**
 * The application service and its composition root: the one place that wires the device key,
 * the relay session, the document replicas, the audit document, the outbox and the domain core
 * together (each concern lives in its own module here). The state layer subscribes to it;
 * nothing here touches a browser API until `start()` runs (called from onMount).
 */
import { CommandChannel, type ChannelStatus } from '$lib/sync/command-channel';
import { readTenantState } from '$lib/sync/read-model';
import { websocketBase } from '$lib/sync/relay-http';
import { forgetDevice, loadDevice, type DeviceRecord } from '$lib/webauthn/device-key';
import type { EnrolmentResult } from '$lib/webauthn/passkeys';
import type { Rejection } from '#domain/rejections';
import { initialState } from '#domain/state';
import type { UserCommand } from '#domain/commands';
import type { DeviceId, TenantState, UserId } from '#domain/model';
import { AuditAccess, type AuditSnapshot } from './audit-access';
import { CommandSubmission, type CommandProgress, type CommandResult } from './command-submission';
import { ConfirmationNonces } from './confirmation-nonces';
import { connectionStatus, type ConnectionStatus } from './connection-status';
import {
  createDeviceLink,
  deviceLinkCeremony,
  enrolNewDevice,
  inviteCeremony,
  rememberSignOutNotice,
  relayStatus,
  setupCeremony,
  signInCeremony,
  signOutNotice,
  storeEnrolledDevice,
  type Ceremony,
} from './enrolment';
import type { RelayStatus } from '#protocol/http-api';
import { LedgerService } from './ledger';
import { openLocalDb, type LocalDb } from './local-db';
import { Notifier } from './notifications';
import {
  dismissQueuedOutcomes,
  followQueuedCommands,
  followWaitingCount,
  type QueuedCommand,
} from './queued-commands';
import { RelaySession } from './relay-session';
import { clearLocalCopies, Replicas } from './replicas';

export type Phase = 'loading' | 'signed-out' | 'signed-in';

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

/** How often the pool of offline confirmation nonces is checked while online. */
const NONCE_POOL_CHECK_MS = 5 * 60_000;
/** How often audit access is checked: audit-reader roles end with time, not only with events. */
const AUDIT_ACCESS_CHECK_MS = 15_000;
/** "Ends in 10 minutes" needs no state change: look again this often. */
const NOTIFY_CHECK_MS = 30_000;

type Listener<T> = (value: T) => void;

export class LeaseholdClient {
  #db: LocalDb | null = null;
  #device: DeviceRecord | null = null;
  #channel: CommandChannel | null = null;
  #channelFailures = 0;
  #started = false;
  /** Bumped on every teardown, so work begun for an earlier sign-in is dropped. */
  #generation = 0;
  #ledger: LedgerService | null = null;
  #timers: ReturnType<typeof setInterval>[] = [];
  #stopWaitingCount: (() => void) | null = null;
  #notifier = new Notifier();

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

  #sessionListeners = new Set<Listener<SessionSnapshot>>();
  #tenantListeners = new Set<Listener<TenantState>>();

  readonly #relay = new RelaySession({
    device: () => this.#device,
    generation: () => this.#generation,
    signedIn: () => this.#session.phase === 'signed-in',
    onToken: (token) => {
      this.#replicas.setToken(token);
      this.#updateConnection();
    },
    onConnected: () => {
      this.#channel?.start();
      void this.ledger.check();
      this.#replicas.connectAll();
    },
    onReachability: () => this.#updateConnection(),
    onDeviceLost: (notice) => this.#deviceLost(notice),
  });

  readonly #replicas = new Replicas({
    device: () => this.#device,
    generation: () => this.#generation,
    token: () => this.#relay.token,
    onChange: () => this.#derive(),
    onStatus: () => this.#updateConnection(),
    onUnauthenticated: () =>
      this.#relay.reauthenticate().catch(() => this.#relay.connectWhenAuthenticated()),
    onForbidden: async (name) => {
      if (name === 'audit') await this.#audit.close(true);
    },
  });

  readonly #audit = new AuditAccess({
    replicas: this.#replicas,
    ledger: () => this.ledger,
    tenant: () => this.#tenant,
    userId: () => (this.#session.phase === 'signed-in' ? this.#session.userId : null),
    synced: () => this.#session.synced,
    onClosed: () => this.#updateConnection(),
  });

  readonly #nonces = new ConfirmationNonces({
    db: () => this.#requireDb(),
    device: () => this.#device,
    session: this.#relay,
    tenant: () => this.#tenant,
  });

  readonly #commands = new CommandSubmission({
    device: () => this.#device,
    channel: () => this.#channel,
    tenant: () => this.#tenant,
    nonces: this.#nonces,
    noteOwnEntry: (seq, activationId) => this.ledger.noteOwnEntry(seq, activationId),
  });

  readonly #onNetworkChange = () => {
    // Back online while waiting to retry the session: retry now rather than after the backoff.
    if (navigator.onLine) this.#relay.retryNow();
    // The network changed under open sockets: make each prove it is alive (heartbeat).
    this.#replicas.probe();
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

  onAudit(listener: Listener<AuditSnapshot>): () => void {
    return this.#audit.subscribe(listener);
  }

  /** Verification of the relay's ledger and the offline audit index (created on first use). */
  get ledger(): LedgerService {
    this.#ledger ??= new LedgerService({
      db: this.#requireDb(),
      auth: {
        token: () => this.#relay.token,
        reauthenticate: () => this.#relay.reauthenticate(),
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
    return this.#audit.texts();
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
      this.#setSession({ phase: 'signed-out', notice: signOutNotice() });
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
      this.#replicas.open('directory'),
      this.#replicas.open('access'),
      this.ledger.start(),
    ]);
    if (generation !== this.#generation) return;
    this.#derive();
    // On start, before any socket: a relay that cannot be reached says so on the Audit page.
    void this.ledger.check();
    const outbox = this.#requireDb().outbox;
    this.#channel = new CommandChannel({
      url: `${websocketBase(location.origin)}/sync/commands`,
      outbox,
      token: () => this.#relay.token,
      reauthenticate: () => this.#relay.reauthenticate(),
      onStatus: (status) => this.#onChannelStatus(status),
      onSettled: (outcome) => {
        // Also the answers to commands sent before a reload: each gets its inclusion receipt.
        if (outcome.seq !== null) this.ledger.noteOwnEntry(outcome.seq, null);
      },
      onPendingChange: (count) => this.#setSession({ pendingCommands: count }),
    });
    this.#timers.push(
      setInterval(() => void this.#audit.sync(), AUDIT_ACCESS_CHECK_MS),
      setInterval(() => void this.#nonces.refill(), NONCE_POOL_CHECK_MS),
    );
    // "N commands waiting", also offline and across tabs.
    this.#stopWaitingCount = followWaitingCount(outbox, (count) =>
      this.#setSession({ pendingCommands: count }),
    );
    this.#timers.push(setInterval(() => this.#notify(), NOTIFY_CHECK_MS));
    this.#relay.connectWhenAuthenticated();
  }

  #teardown(): void {
    this.#generation++;
    this.#ledger?.stop();
    this.#channel?.stop();
    this.#channel = null;
    this.#replicas.reset();
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#stopWaitingCount?.();
    this.#stopWaitingCount = null;
    this.#notifier = new Notifier();
    this.#relay.reset();
    this.#channelFailures = 0;
    this.#audit.reset();
  }

  #requireDb(): LocalDb {
    if (!this.#db) this.#db = openLocalDb();
    return this.#db;
  }

  /** The relay refused this device for good: nothing of the tenant stays on this browser. */
  async #deviceLost(notice: string): Promise<void> {
    const device = this.#device;
    this.#teardown();
    this.#device = null;
    const db = this.#requireDb();
    // A device that may no longer read the tenant should not keep a copy of it.
    if (device) await clearLocalCopies(device.deviceId);
    await db.outbox.clear();
    if (device) await this.#nonces.forget(device.deviceId);
    await this.ledger.clearUser();
    await forgetDevice(db.device);
    this.#resetReadModel();
    rememberSignOutNotice(notice);
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

  /** Nothing of the last user's tenant stays on screen. */
  #resetReadModel(): void {
    this.#tenant = initialState();
    this.#emitTenant();
    this.#audit.clear();
  }

  // -------------------------------------------------------------------------------------------
  // The read model.
  // -------------------------------------------------------------------------------------------

  #derive(): void {
    const directory = this.#replicas.get('directory');
    const access = this.#replicas.get('access');
    const audit = this.#replicas.get('audit');
    if (directory && access) {
      this.#tenant = readTenantState(directory.doc, access.doc, audit?.doc ?? null);
      this.#emitTenant();
      this.#notify();
    }
    this.#audit.read();
    void this.#audit.sync();
  }

  /** OS notifications for new approval requests and activations about to end (if allowed). */
  #notify(): void {
    const userId = this.#session.userId;
    if (!userId || this.#session.phase !== 'signed-in') return;
    void this.#notifier.check(this.#tenant, userId, Date.now());
  }

  // -------------------------------------------------------------------------------------------
  // Connection status.
  // -------------------------------------------------------------------------------------------

  #onChannelStatus(status: ChannelStatus): void {
    if (status === 'open') {
      this.#channelFailures = 0;
      // Every (re)connect: the relay may have moved on (or been tampered with) meanwhile.
      void this.ledger.check();
      void this.#nonces.refill();
    }
    if (status === 'closed') {
      this.#channelFailures++;
      // The commands socket died (perhaps silently): check the document sockets too.
      this.#replicas.probe();
    }
    this.#updateConnection();
  }

  #updateConnection(): void {
    if (this.#session.phase !== 'signed-in') return;
    const docsSynced = this.#replicas.synced(['directory', 'access']);
    this.#setSession({
      connection: connectionStatus({
        online: navigator.onLine,
        relayUnreachable: this.#relay.unreachable,
        channelFailures: this.#channelFailures,
        channelOpen: this.#channel?.status === 'open',
        docsSynced,
        pendingCommands: this.#session.pendingCommands,
      }),
      synced: this.#session.synced || docsSynced,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Enrolment: passkey ceremonies that enrol this browser's device key.
  // -------------------------------------------------------------------------------------------

  getStatus(): Promise<RelayStatus> {
    return relayStatus();
  }

  /** Creates the first Global Administrator with the setup link's token. */
  setup(token: string, displayName: string): Promise<EnrolmentResult> {
    return this.#enrol(setupCeremony(token, displayName));
  }

  acceptInvite(token: string, displayName: string): Promise<EnrolmentResult> {
    return this.#enrol(inviteCeremony(token, displayName));
  }

  /** Registers this browser's own passkey for the user who made the "add a device" link. */
  addThisDevice(token: string): Promise<EnrolmentResult> {
    return this.#enrol(deviceLinkCeremony(token));
  }

  /** A single-use link (valid 10 minutes) for adding another device, e.g. a phone. */
  createDeviceLink(): Promise<{ url: string; expiresAt: string }> {
    return createDeviceLink(this.#relay.authorized);
  }

  signIn(): Promise<EnrolmentResult> {
    return this.#enrol(signInCeremony);
  }

  async #enrol(ceremony: Ceremony): Promise<EnrolmentResult> {
    const db = this.#requireDb();
    const { device, result } = await enrolNewDevice(ceremony);
    this.#teardown();
    await storeEnrolledDevice(db, device);
    this.#resetReadModel();
    await this.#begin(device);
    return result;
  }

  // -------------------------------------------------------------------------------------------
  // Commands.
  // -------------------------------------------------------------------------------------------

  /** What the domain core says about this command now, as the relay would decide it. */
  preview(command: UserCommand): Rejection | null {
    return this.#commands.preview(command);
  }

  /**
   * Checks the command locally, confirms it with the passkey when its role settings ask for
   * that, signs it with the device key, and sends it through the outbox. Resolves with the
   * relay's verdict; throws when the passkey prompt fails or the relay cannot be reached.
   */
  submit(
    command: UserCommand,
    onProgress?: (progress: CommandProgress) => void,
  ): Promise<CommandResult> {
    return this.#commands.submit(command, onProgress);
  }

  /** How many offline confirmations this device holds (for the devices page). */
  offlineConfirmationsLeft(): Promise<number> {
    return this.#nonces.left();
  }

  /** Commands that had to wait (made offline, or sent again after a reload), newest first. */
  onQueuedCommands(listener: Listener<QueuedCommand[]>): () => void {
    return followQueuedCommands(this.#requireDb().outbox, listener);
  }

  /** Forgets the outcomes already shown. */
  dismissQueuedOutcomes(): Promise<void> {
    return dismissQueuedOutcomes(this.#requireDb().outbox);
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
}

let client: LeaseholdClient | null = null;

/** The one client of this page (created lazily, so nothing runs at import time). */
export function leaseholdClient(): LeaseholdClient {
  client ??= new LeaseholdClient();
  return client;
}
