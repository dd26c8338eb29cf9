/**
 * The ledger as this device verified it, as runes: verification status, open tamper alarms,
 * inclusion receipts of the user's own entries. Provided through context from the root layout.
 */
import { createContext } from 'svelte';
import type {
  LeaseholdClient,
  LedgerAlarm,
  LedgerService,
  LedgerSnapshot,
  ReceiptState,
  VerificationStatus,
} from '$lib/services';

export class LedgerState {
  verification = $state.raw<VerificationStatus>({ state: 'idle' });
  alarms = $state.raw<LedgerAlarm[]>([]);
  receipts = $state.raw<Record<number, ReceiptState>>({});
  activationSeqs = $state.raw<Record<string, number>>({});
  /** Bumped when the offline audit index changes. */
  revision = $state(0);
  indexed = $state(0);
  indexing = $state.raw<{ done: number; total: number } | null>(null);

  readonly #client: LeaseholdClient;

  constructor(client: LeaseholdClient) {
    this.#client = client;
  }

  get service(): LedgerService {
    return this.#client.ledger;
  }

  /** Follows the ledger service; returns the cleanup for onMount. */
  follow(): () => void {
    return this.#client.ledger.onChange((s) => this.#apply(s));
  }

  #apply(s: LedgerSnapshot): void {
    this.verification = s.verification;
    this.alarms = s.alarms;
    this.receipts = s.receipts;
    this.activationSeqs = s.activationSeqs;
    this.revision = s.revision;
    this.indexed = s.indexed;
    this.indexing = s.indexing;
  }

  /**
   * What to say next to one of the user's own entries. While the ledger itself fails its checks,
   * an entry still waiting for its proof says so rather than "checking" for ever.
   */
  receiptOf(seq: number | undefined | null): ReceiptState | 'blocked' | null {
    if (seq === undefined || seq === null) return null;
    const receipt = Object.hasOwn(this.receipts, seq) ? this.receipts[seq]! : null;
    if (receipt === 'checking' && this.verification.state === 'failed') return 'blocked';
    return receipt;
  }

  /** The receipt of the entry that asked for this activation, when it was the user's. */
  receiptOfActivation(activationId: string): ReceiptState | 'blocked' | null {
    const seq = Object.hasOwn(this.activationSeqs, activationId)
      ? this.activationSeqs[activationId]
      : undefined;
    return this.receiptOf(seq);
  }

  acknowledge(id: number): Promise<void> {
    return this.#client.ledger.acknowledge(id);
  }

  /** Re-runs every check now. */
  recheck(): Promise<void> {
    return this.#client.ledger.check();
  }

  auditTexts(): readonly string[] {
    return this.#client.auditTexts();
  }
}

const [getLedger, setLedgerContext] = createContext<LedgerState>();

export const useLedger = getLedger;
export const setLedger = setLedgerContext;
