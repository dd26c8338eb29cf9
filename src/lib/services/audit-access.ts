/**
 * The audit document, open only while the user may read the whole ledger (roles are time-bound)
 * and closed after: its entries for the Audit page, its texts for the offline index, and its
 * newest checkpoint, verified at once whenever it changes.
 */
import { AuditReader } from '$lib/sync/read-model';
import type { DocReplica } from '$lib/sync/replica';
import type { LedgerEntry } from '#protocol/ledger-entry';
import { hasPermission } from '#domain/permissions';
import type { TenantState, UserId } from '#domain/model';
import type { LedgerService } from './ledger';
import type { Replicas } from './replicas';

export type AuditSnapshot = { entries: LedgerEntry[]; readable: boolean };

export type AuditAccessOptions = {
  replicas: Replicas;
  ledger(): LedgerService;
  tenant(): TenantState;
  /** The signed-in user; null while signed out or loading. */
  userId(): UserId | null;
  /** The directory and access documents have synced with the relay at least once. */
  synced(): boolean;
  /** The audit document was closed: the connection status may have changed. */
  onClosed(): void;
};

type Listener = (snapshot: AuditSnapshot) => void;

const nowIso = (): string => new Date().toISOString();

export class AuditAccess {
  readonly #options: AuditAccessOptions;
  #reader = new AuditReader();
  #checkpoint: string | null = null;
  #entries: LedgerEntry[] = [];
  #readable = false;
  #listeners = new Set<Listener>();

  constructor(options: AuditAccessOptions) {
    this.#options = options;
  }

  /** Entries of the audit document while it is open (audit readers), in seq order. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    listener({ entries: this.#entries, readable: this.#readable });
    return () => this.#listeners.delete(listener);
  }

  /** The audit document's entries as stored (audit readers), index = seq; empty otherwise. */
  texts(): readonly string[] {
    return this.#options.replicas.get('audit') ? this.#reader.texts : [];
  }

  /** Reads the audit document again, when it is open (it changed). */
  read(): void {
    const audit = this.#options.replicas.get('audit');
    if (!audit) return;
    this.#entries = this.#reader.read(audit.doc);
    this.#emit();
    this.#changed(audit);
  }

  /** Opens the audit document while the user may read it, closes it after. */
  async sync(): Promise<void> {
    const userId = this.#options.userId();
    if (!userId) return;
    const replicas = this.#options.replicas;
    const may = hasPermission(this.#options.tenant(), userId, 'read-audit', nowIso());
    const open = replicas.isOpen('audit');
    if (may && !open) {
      const replica = await replicas.open('audit');
      this.#readable = true;
      this.#entries = this.#reader.read(replica.doc);
      this.#emit();
      this.#changed(replica);
      replicas.connect(replica);
    } else if (!may && open && this.#options.synced()) {
      await this.close(false);
    }
  }

  /** Closes the audit document; `forget` also deletes its local copy (access was refused). */
  async close(forget: boolean): Promise<void> {
    await this.#options.replicas.close('audit', forget);
    this.#reader = new AuditReader();
    this.#entries = [];
    this.#readable = false;
    this.#checkpoint = null;
    this.#emit();
    this.#options.onClosed();
    // Whoever may no longer read the whole ledger keeps only the entries about them.
    await this.#options.ledger().forgetOthers();
  }

  /** Signed out: the next sign-in reads its audit document from the start. */
  reset(): void {
    this.#reader = new AuditReader();
    this.#checkpoint = null;
  }

  /** Another user (or none) on this device: nothing of the last one's audit stays on screen. */
  clear(): void {
    this.#entries = [];
    this.#readable = false;
    this.#emit();
  }

  /** New audit entries go into the offline index; a new checkpoint is verified at once. */
  #changed(audit: DocReplica): void {
    const ledger = this.#options.ledger();
    ledger.indexAuditDoc(this.#reader.texts);
    const note = AuditReader.checkpoint(audit.doc);
    if (note !== null && note !== this.#checkpoint) {
      this.#checkpoint = note;
      void ledger.check();
    }
  }

  #emit(): void {
    const snapshot = { entries: this.#entries, readable: this.#readable };
    for (const listener of this.#listeners) listener(snapshot);
  }
}
