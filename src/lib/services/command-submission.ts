/**
 * Sending a command: the domain core checks it locally first (as the relay would decide it),
 * the passkey confirms it when its role settings ask for that, the device key signs it, and the
 * outbox carries it to the relay, now or once the network is back.
 */
import type { CommandChannel, CommandOutcome } from '$lib/sync/command-channel';
import { signWithDeviceKey, type DeviceRecord } from '$lib/webauthn/device-key';
import { confirmIntent } from '$lib/webauthn/passkeys';
import { randomId } from '#ledger/bytes';
import { commandSigningBytes } from '#protocol/confirmation';
import { PROTOCOL_VERSION, type CommandEnvelope, type CommandIntent } from '#protocol/messages';
import { requiresPasskeyConfirmation } from '#domain/confirmation/requires-passkey';
import { decide } from '#domain/decide';
import type { Rejection } from '#domain/rejections';
import type { UserCommand } from '#domain/commands';
import type { TenantState } from '#domain/model';
import type { ConfirmationNonces } from './confirmation-nonces';

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

export type CommandSubmissionOptions = {
  /** The enrolled device key; null once signed out. */
  device(): DeviceRecord | null;
  /** The commands socket and its outbox; null while signed out. */
  channel(): CommandChannel | null;
  tenant(): TenantState;
  nonces: ConfirmationNonces;
  /** The relay recorded one of this user's commands at `seq`: check its inclusion receipt. */
  noteOwnEntry(seq: number, activationId: string | null): void;
};

const nowIso = (): string => new Date().toISOString();

export class CommandSubmission {
  readonly #options: CommandSubmissionOptions;

  constructor(options: CommandSubmissionOptions) {
    this.#options = options;
  }

  /** What the domain core says about this command now, as the relay would decide it. */
  preview(command: UserCommand): Rejection | null {
    const device = this.#options.device();
    if (!device?.userId) return null;
    const decision = decide(command, this.#options.tenant(), {
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
    const device = this.#options.device();
    const channel = this.#options.channel();
    if (!device?.userId || !channel) throw new Error('Sign in first.');
    onProgress('checking');
    const plain = JSON.parse(JSON.stringify(command)) as UserCommand;
    const local = this.preview(plain);
    if (local) return { ok: false, rejection: local, seq: null, local: true };

    const intent: CommandIntent = {
      v: PROTOCOL_VERSION,
      cmdId: randomId(16),
      deviceId: device.deviceId,
      issuedAt: nowIso(),
      command: plain,
    };
    let confirmation: CommandEnvelope['confirmation'] = null;
    if (requiresPasskeyConfirmation(plain, this.#options.tenant(), intent.issuedAt)) {
      const nonce = await this.#options.nonces.forCommand(plain, device);
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
      this.#options.noteOwnEntry(
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
      rejection: {
        code: outcome.code,
        message: outcome.message,
        ...(outcome.detail ? { detail: outcome.detail } : {}),
      },
      seq: outcome.seq,
      local: false,
    };
  }
}
