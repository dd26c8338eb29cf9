/**
 * The single-writer command pipeline (ARCHITECTURE §2). One tenant's work runs one item at a
 * time, in arrival order:
 *   idempotency → device → signature → freshness → passkey confirmation → decide (domain)
 *   → seal ledger entry (accepted or rejected) → evolve state → project into Y.Docs.
 * Items that arrive together form one batch that commits in one transaction (group commit);
 * nobody hears an outcome before that commit, and Yjs updates are broadcast only after it.
 */
import { decide } from '#domain/decide';
import { commandStaleness } from '#domain/freshness';
import { offlineWindowFor, pooledNonceRefusal } from '#domain/confirmation/offline';
import { getOwn } from '#domain/records';
import { applyEvent } from '#domain/state';
import { reject, type Rejection, type RejectionCode } from '#domain/rejections';
import { instant, sentence, type Sentence } from '#domain/sentence';
import type { RelayCommand } from '#domain/commands';
import type { DomainEvent } from '#domain/events';
import type { TenantState, UserId } from '#domain/model';
import {
  commandSigningBytes,
  confirmationChallenge,
  intentOf,
  verifyDeviceSignature,
} from '#protocol/confirmation';
import type { CeremonyEvidence, LedgerEntry } from '#protocol/ledger-entry';
import type { ServerFrame, SignedCommand } from '#protocol/messages';
import { isoAt, type Clock } from './clock';
import { commandDigest, type LedgerWriter } from './ledger-writer';
import { log } from './log';
import { verifyAssertion, type RelyingParty } from './passkeys';
import type { DocName } from '#protocol/doc-layout';
import type { Projection } from './projection';
import type { AppendBatch, RelayStorage, StoredCommand } from './storage/types';

const MAX_BATCH = 256;

const PROCESSING_FAILED: ServerFrame = {
  t: 'error',
  code: 'processing-failed',
  message: 'The relay could not process this command.',
};

export type Outcome =
  | { ok: true; seq: number; events: DomainEvent[] }
  | { ok: false; rejection: Rejection; seq: number | null };

export type Session = { userId: UserId; deviceId: string };

type Work =
  | {
      kind: 'signed';
      signed: SignedCommand;
      session: Session;
      precheck: Precheck;
      done: (reply: ServerFrame) => void;
    }
  | {
      kind: 'ceremony';
      command: RelayCommand;
      ceremony: CeremonyEvidence;
      /** Meta rows to write only when the command is accepted (e.g. consuming the setup token). */
      metaOnAccept: [string, string | null][];
      done: (outcome: Outcome) => void;
    }
  | { kind: 'system'; command: RelayCommand; done: (outcome: Outcome) => void };

/**
 * Work that needs no state, started as soon as a command arrives so that the crypto runs in
 * parallel while the single writer works through the queue. A device id is derived from its
 * key, so a signature checked against the key known at arrival stays valid in the queue.
 */
type Precheck = {
  digest: string;
  signatureOk: Promise<boolean> | null;
  keyId: string | null;
};

export type Committed = {
  docUpdates: { doc: DocName; update: Uint8Array }[];
  events: DomainEvent[];
  entries: LedgerEntry[];
  size: number;
  checkpoint: string;
};

type PipelineDeps = {
  storage: RelayStorage;
  ledger: LedgerWriter;
  projection: Projection;
  state: TenantState;
  clock: Clock;
  rp: RelyingParty;
  onCommitted: (committed: Committed) => void;
  onFatal: (error: unknown) => void;
};

/** The state of the batch being built: what will be committed together. */
type BatchDraft = {
  write: AppendBatch;
  commandsById: Map<string, StoredCommand>;
  usedNonces: Set<string>;
  events: DomainEvent[];
  entries: LedgerEntry[];
  after: (() => void)[];
};

export class CommandPipeline {
  #queue: Work[] = [];
  #running = false;
  #failed: unknown = null;

  private readonly deps: PipelineDeps;
  constructor(deps: PipelineDeps) {
    this.deps = deps;
  }

  /**
   * Queues a decoded signed command. Never rejects: a command that cannot even be prepared is
   * answered on its own (`processing-failed`), and nothing reaches the process.
   */
  async submitSigned(signed: SignedCommand, session: Session): Promise<ServerFrame> {
    let precheck: Precheck;
    try {
      precheck = this.#precheck(signed);
    } catch (error) {
      log('error', 'command could not be prepared', {
        cmdId: signed.envelope.cmdId,
        error: String((error as Error)?.stack ?? error),
      });
      return PROCESSING_FAILED;
    }
    try {
      return await new Promise<ServerFrame>((done) =>
        this.#enqueue({ kind: 'signed', signed, session, precheck, done }),
      );
    } catch (error) {
      log('warn', 'command refused while the relay stops', { error: String(error) });
      return PROCESSING_FAILED;
    }
  }

  /**
   * Everything that can throw runs synchronously before the one promise is created, so no
   * promise is ever left behind unawaited; verifyDeviceSignature itself never rejects.
   */
  #precheck(signed: SignedCommand): Precheck {
    const digest = commandDigest(signed);
    const device = getOwn(this.deps.state.devices, signed.envelope.deviceId);
    if (!device) return { digest, signatureOk: null, keyId: null };
    const bytes = commandSigningBytes(signed.envelope);
    return {
      digest,
      signatureOk: verifyDeviceSignature(device.publicKey, signed.signature, bytes),
      keyId: `${device.publicKey.x}.${device.publicKey.y}`,
    };
  }

  submitCeremony(
    command: RelayCommand,
    ceremony: CeremonyEvidence,
    metaOnAccept: [string, string | null][] = [],
  ): Promise<Outcome> {
    return new Promise((done) =>
      this.#enqueue({ kind: 'ceremony', command, ceremony, metaOnAccept, done }),
    );
  }

  submitSystem(command: RelayCommand): Promise<Outcome> {
    return new Promise((done) => this.#enqueue({ kind: 'system', command, done }));
  }

  /** Resolves when everything queued so far has been committed. */
  async drain(): Promise<void> {
    while (!this.#failed && (this.#running || this.#queue.length > 0)) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  #enqueue(work: Work): void {
    if (this.#failed) {
      throw new Error('the relay stopped accepting commands after a storage failure');
    }
    this.#queue.push(work);
    if (!this.#running) void this.#run();
  }

  async #run(): Promise<void> {
    this.#running = true;
    let batch: Work[] = [];
    try {
      while (this.#queue.length > 0 && !this.#failed) {
        batch = this.#queue.splice(0, MAX_BATCH);
        await this.#processBatch(batch);
      }
    } catch (error) {
      // #processBatch handles its own failures; anything escaping it is a bug, and stops the
      // writer rather than the process.
      log('error', 'the command pipeline failed', {
        error: String((error as Error)?.stack ?? error),
      });
      if (!this.#failed) this.#stop(error, batch);
    } finally {
      this.#running = false;
    }
  }

  async #processBatch(batch: Work[]): Promise<void> {
    const { storage, ledger, projection } = this.deps;
    const draft: BatchDraft = {
      write: {
        entries: [],
        docUpdates: [],
        commands: [],
        usedNonces: [],
        checkpoint: null,
        meta: [],
      },
      commandsById: new Map(),
      usedNonces: new Set(),
      events: [],
      entries: [],
      after: [],
    };
    for (const work of batch) {
      const sealedBefore = draft.write.entries.length;
      try {
        await this.#process(work, draft);
      } catch (error) {
        log('error', 'command processing failed', {
          error: String((error as Error)?.stack ?? error),
        });
        if (draft.write.entries.length !== sealedBefore) {
          // It failed after sealing: state and ledger already hold it, so committing would make
          // durable what its sender was told failed. Stop instead, as for a failed commit.
          return this.#stop(error, batch);
        }
        // Failed before sealing: nothing of it is in the batch; the others go on.
        this.#failWork(work);
      }
    }
    let checkpoint = '';
    let docUpdates: { doc: DocName; update: Uint8Array }[] = [];
    try {
      if (draft.write.entries.length > 0) {
        checkpoint = await ledger.checkpoint();
        projection.projectCheckpoint(checkpoint);
        draft.write.checkpoint = {
          size: ledger.size,
          note: checkpoint,
          createdAt: isoAt(this.deps.clock.now()),
        };
      }
      docUpdates = projection.takeUpdates();
      draft.write.docUpdates = docUpdates.map((u) => ({ ...u, seq: ledger.size }));
      await storage.commit(draft.write);
    } catch (error) {
      // Memory is now ahead of disk (sealing, signing or the commit failed): stop rather than
      // acknowledge anything that is not durable, and never let the failure escape as a crash.
      log('error', 'checkpoint or storage commit failed; the relay stops accepting commands', {
        error: String(error),
      });
      return this.#stop(error, batch);
    }
    // Replies first: what is durable is acknowledged even if fan-out then trips over a socket.
    for (const reply of draft.after) reply();
    if (draft.write.entries.length > 0 || docUpdates.length > 0) {
      try {
        this.deps.onCommitted({
          docUpdates,
          events: draft.events,
          entries: draft.entries,
          size: ledger.size,
          checkpoint,
        });
      } catch (error) {
        log('error', 'fan-out after commit failed', {
          error: String((error as Error)?.stack ?? error),
        });
      }
    }
  }

  /** Fail-stop: nothing more is accepted; every waiting sender hears a failure, none hangs. */
  #stop(error: unknown, batch: Work[]): void {
    this.#failed = error;
    for (const work of [...batch, ...this.#queue.splice(0)]) this.#failWork(work);
    this.deps.onFatal(error);
  }

  #failWork(work: Work): void {
    const rejection: Rejection = {
      code: 'malformed-command',
      message: 'The relay could not process this command.',
    };
    if (work.kind === 'signed') {
      work.done(PROCESSING_FAILED);
    } else {
      work.done({ ok: false, rejection, seq: null });
    }
  }

  async #process(work: Work, draft: BatchDraft): Promise<void> {
    switch (work.kind) {
      case 'signed':
        return this.#processSigned(work, draft);
      case 'ceremony':
      case 'system': {
        const at = isoAt(this.deps.clock.now());
        const decision = decide(work.command, this.deps.state, {
          at,
          actor: { kind: 'system' },
          passkeyConfirmed: work.kind === 'ceremony',
        });
        const actor = 'userId' in work.command ? work.command.userId : null;
        const sealed = await this.#append(draft, {
          ts: at,
          kind: work.kind,
          outcome: decision.ok ? 'accepted' : 'rejected',
          actor,
          commandType: work.command.type,
          cmdId: null,
          signed: null,
          command: work.command,
          ceremony: work.kind === 'ceremony' ? work.ceremony : null,
          events: decision.ok ? decision.events : [],
          rejection: decision.ok ? null : decision.rejection,
        });
        if (decision.ok && work.kind === 'ceremony') draft.write.meta.push(...work.metaOnAccept);
        const outcome: Outcome = decision.ok
          ? { ok: true, seq: sealed.seq, events: decision.events }
          : { ok: false, rejection: decision.rejection, seq: sealed.seq };
        draft.after.push(() => work.done(outcome));
        return;
      }
      default: {
        const never: never = work;
        throw new Error(`unknown work ${String(never)}`);
      }
    }
  }

  async #processSigned(work: Extract<Work, { kind: 'signed' }>, draft: BatchDraft): Promise<void> {
    const { state, clock, storage, rp } = this.deps;
    const { signed, session } = work;
    const { envelope } = signed;
    const now = clock.now();
    const at = isoAt(now);
    const digest = work.precheck.digest;

    let actor: UserId = session.userId;
    const finish = async (
      decision: { ok: true; events: DomainEvent[] } | { ok: false; rejection: Rejection },
      remember: boolean,
    ): Promise<void> => {
      const sealed = await this.#append(draft, {
        ts: at,
        kind: 'command',
        outcome: decision.ok ? 'accepted' : 'rejected',
        actor,
        commandType: envelope.command.type,
        cmdId: envelope.cmdId,
        signed,
        command: null,
        ceremony: null,
        events: decision.ok ? decision.events : [],
        rejection: decision.ok ? null : decision.rejection,
      });
      const reply: ServerFrame = decision.ok
        ? { t: 'ack', cmdId: envelope.cmdId, seq: sealed.seq }
        : {
            t: 'reject',
            cmdId: envelope.cmdId,
            code: decision.rejection.code,
            message: decision.rejection.message,
            ...(decision.rejection.detail ? { detail: decision.rejection.detail } : {}),
            seq: sealed.seq,
          };
      if (remember) {
        const row: StoredCommand = {
          cmdId: envelope.cmdId,
          digest,
          seq: sealed.seq,
          reply: JSON.stringify(reply),
        };
        draft.write.commands.push(row);
        draft.commandsById.set(row.cmdId, row);
      }
      draft.after.push(() => work.done(reply));
    };
    const refuse = (code: RejectionCode, message: string | Sentence, remember = true) =>
      finish({ ok: false, rejection: reject(code, message) }, remember);

    // Idempotency: a resend of the same bytes hears the first outcome; nothing happens twice.
    const previous =
      draft.commandsById.get(envelope.cmdId) ?? (await storage.findCommand(envelope.cmdId));
    if (previous) {
      if (previous.digest === digest) {
        const reply = { ...(JSON.parse(previous.reply) as ServerFrame), duplicate: true as const };
        draft.after.push(() => work.done(reply));
        return;
      }
      return refuse(
        'replayed-command',
        `Command id ${envelope.cmdId} was already used for a different command.`,
        false,
      );
    }

    // The device must be known, not revoked, and the one this session was opened with.
    const device = getOwn(state.devices, envelope.deviceId);
    if (!device) return refuse('unknown-device', `No device ${envelope.deviceId} is enrolled.`);
    if (device.revokedAt)
      return refuse(
        'device-revoked',
        sentence`Device ${device.id} was revoked at ${instant(device.revokedAt)}.`,
      );
    if (device.id !== session.deviceId || device.userId !== session.userId) {
      return refuse(
        'device-not-yours',
        'The command names a device other than the one this session was opened with.',
      );
    }
    actor = device.userId;

    // The device key signed exactly these bytes.
    const keyId = `${device.publicKey.x}.${device.publicKey.y}`;
    const signatureOk =
      work.precheck.signatureOk && work.precheck.keyId === keyId
        ? await work.precheck.signatureOk
        : await verifyDeviceSignature(
            device.publicKey,
            signed.signature,
            commandSigningBytes(envelope),
          );
    if (!signatureOk) {
      return refuse('bad-signature', 'The device signature does not match the command.');
    }

    const stale = commandStaleness(envelope.issuedAt, at);
    if (stale?.reason === 'issued-in-future')
      return refuse(
        'stale-command',
        'The command was issued in the future; check the device clock.',
      );
    if (stale?.reason === 'too-old')
      return refuse('stale-command', `The command is older than ${stale.limitDays} days.`);

    // Passkey evidence: a single-use relay nonce issued to this device, and an assertion over
    // the challenge that binds that nonce to this exact intent.
    let passkeyConfirmed = false;
    const confirmation = envelope.confirmation;
    if (confirmation) {
      const nonce = await storage.getNonce(confirmation.nonce);
      if (!nonce || nonce.deviceId !== device.id)
        return refuse('nonce-unknown', 'The confirmation nonce was not issued to this device.');
      if (nonce.usedSeq !== null || draft.usedNonces.has(nonce.nonce))
        return refuse('nonce-used', 'The confirmation nonce was already used.');
      if (nonce.expiresAt <= at)
        return refuse('nonce-expired', 'The confirmation nonce has expired; confirm again.');
      if (nonce.kind === 'pool') {
        // A pre-issued nonce (offline confirmation): the role's window, counted at arrival.
        const refusal = pooledNonceRefusal(
          offlineWindowFor(envelope.command, state),
          nonce.issuedAt,
          at,
        );
        if (refusal) return refuse('nonce-expired', refusal);
      }
      const passkey = getOwn(state.passkeys, confirmation.assertion.id);
      if (!passkey || passkey.userId !== device.userId) {
        return refuse('confirmation-invalid', 'The passkey used is not registered to this user.');
      }
      const challenge = await confirmationChallenge(nonce.nonce, intentOf(envelope));
      if (!(await verifyAssertion(rp, confirmation.assertion, challenge, passkey))) {
        return refuse(
          'confirmation-invalid',
          'The passkey confirmation does not verify for this command.',
        );
      }
      passkeyConfirmed = true;
      draft.usedNonces.add(nonce.nonce);
      draft.write.usedNonces.push({ nonce: nonce.nonce, seq: this.deps.ledger.size });
    }

    const decision = decide(envelope.command, state, {
      at,
      actor: { kind: 'user', userId: device.userId, deviceId: device.id },
      passkeyConfirmed,
    });
    return finish(decision, true);
  }

  /** Seals an entry into the batch; accepted events are folded into state and projected at once. */
  async #append(draft: BatchDraft, entry: Omit<LedgerEntry, 'seq' | 'v'>): Promise<LedgerEntry> {
    const sealed = await this.deps.ledger.seal(entry);
    draft.write.entries.push(sealed.stored);
    draft.entries.push(sealed.entry);
    this.deps.projection.projectEntry(sealed.canonical);
    if (entry.outcome === 'accepted') {
      for (const event of entry.events) applyEvent(this.deps.state, event);
      this.deps.projection.projectEvents(entry.events, this.deps.state);
      draft.events.push(...entry.events);
    }
    return sealed.entry;
  }
}
