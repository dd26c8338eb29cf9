/**
 * Who is signed in on this browser and how the link to the relay is doing, as runes.
 * Provided through context: `setSession(new SessionState(client))` in the root layout.
 */
import { createContext } from 'svelte';
import type {
  CommandProgress,
  CommandResult,
  ConnectionStatus,
  LeaseholdClient,
  Phase,
  RelayStatus,
  SessionSnapshot,
} from '$lib/services';
import type { Rejection } from '#domain/rejections';
import type { UserCommand } from '#domain/commands';
import type { DeviceId, UserId } from '#domain/model';

export class SessionState {
  phase = $state<Phase>('loading');
  userId = $state<UserId | null>(null);
  deviceId = $state<DeviceId | null>(null);
  deviceLabel = $state<string | null>(null);
  connection = $state<ConnectionStatus>('connecting');
  pendingCommands = $state(0);
  synced = $state(false);
  notice = $state<string | null>(null);

  readonly signedIn = $derived(this.phase === 'signed-in');

  readonly #client: LeaseholdClient;

  constructor(client: LeaseholdClient) {
    this.#client = client;
  }

  /** Starts the client and follows it; returns the cleanup for onMount. */
  start(): () => void {
    const off = this.#client.onSession((snapshot) => this.#apply(snapshot));
    void this.#client.start();
    return () => {
      off();
      this.#client.stop();
    };
  }

  #apply(s: SessionSnapshot): void {
    this.phase = s.phase;
    this.userId = s.userId;
    this.deviceId = s.deviceId;
    this.deviceLabel = s.deviceLabel;
    this.connection = s.connection;
    this.pendingCommands = s.pendingCommands;
    this.synced = s.synced;
    this.notice = s.notice;
  }

  relayStatus(): Promise<RelayStatus> {
    return this.#client.getStatus();
  }

  async setup(token: string, displayName: string): Promise<void> {
    await this.#client.setup(token, displayName);
  }

  async acceptInvite(token: string, displayName: string): Promise<void> {
    await this.#client.acceptInvite(token, displayName);
  }

  async signIn(): Promise<void> {
    await this.#client.signIn();
  }

  /** "Add a device": registers this browser's passkey with a link from another device. */
  async addThisDevice(token: string): Promise<void> {
    await this.#client.addThisDevice(token);
  }

  createDeviceLink(): Promise<{ url: string; expiresAt: string }> {
    return this.#client.createDeviceLink();
  }

  offlineConfirmationsLeft(): Promise<number> {
    return this.#client.offlineConfirmationsLeft();
  }

  /** The domain's verdict on the command right now (passkey assumed), or null when it would pass. */
  preview(command: UserCommand): Rejection | null {
    return this.#client.preview(command);
  }

  submit(command: UserCommand, onProgress?: (p: CommandProgress) => void): Promise<CommandResult> {
    return this.#client.submit(command, onProgress);
  }
}

const [getSession, setSessionContext] = createContext<SessionState>();

export const useSession = getSession;
export const setSession = setSessionContext;
