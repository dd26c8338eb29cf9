/**
 * The ledger service: verifies the relay's ledger on this device, always (pinned key, signed
 * checkpoints, consistency and inclusion proofs), keeps the tamper alarms, and maintains the
 * offline audit index the Audit page queries. The client calls `check()` on start, on every
 * (re)connect, after each ack of the user's own command and whenever the audit document's
 * checkpoint changes; checks run one at a time and coalesce.
 */
import {
  countAudit,
  eachAuditRow,
  findRegistration,
  forgetOthers,
  indexEntries,
  queryAudit,
  type AuditFilter,
  type AuditLookup,
  type AuditPage,
  type AuditRow,
  type AuditSource,
} from '$lib/sync/audit-index';
import {
  fetchCheckpoints,
  fetchEntries,
  fetchMine,
  fetchRelayKey,
  LedgerEndpointMissingError,
  type LedgerAuth,
} from '$lib/sync/ledger-http';
import type { LedgerAlarm, LedgerPin } from '$lib/sync/ledger-store';
import {
  checkInclusion,
  checkLatestCheckpoint,
  type LedgerFailure,
} from '$lib/sync/ledger-verifier';
import type { UserId } from '#domain/model';
import type { LocalDb } from './local-db';

export type VerificationStatus =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'verified'; size: number; keyName: string; at: string }
  | { state: 'empty' }
  | { state: 'unavailable'; reason: string }
  | { state: 'failed'; message: string };

/** What a person sees next to one of their own entries. */
export type ReceiptState = 'recorded' | 'checking' | 'failed';

export type LedgerSnapshot = {
  verification: VerificationStatus;
  /** Alarms not yet acknowledged, newest first. */
  alarms: LedgerAlarm[];
  /** Inclusion status of the user's own entries, by seq. */
  receipts: Record<number, ReceiptState>;
  /** seq of the entry that asked for each of the user's activations. */
  activationSeqs: Record<string, number>;
  /** Bumped whenever the audit index changes, so views re-query. */
  revision: number;
  /** Rows in the index, and how indexing is going. */
  indexed: number;
  indexing: { done: number; total: number } | null;
};

export type LedgerServiceOptions = {
  db: LocalDb;
  auth: LedgerAuth;
  userId(): UserId | null;
  lookup(): AuditLookup;
};

type Listener = (snapshot: LedgerSnapshot) => void;

const MINE_PAGE = 5000;
const INDEX_CHUNK = 1000;

const nowIso = (): string => new Date().toISOString();
const metaKey = (user: string, name: string) => `${user}:${name}`;

export class LedgerService {
  readonly #options: LedgerServiceOptions;
  #listeners = new Set<Listener>();
  #snapshot: LedgerSnapshot = {
    verification: { state: 'idle' },
    alarms: [],
    receipts: {},
    activationSeqs: {},
    revision: 0,
    indexed: 0,
    indexing: null,
  };
  #running: Promise<void> | null = null;
  #again = false;
  #indexing: Promise<void> = Promise.resolve();
  #stopped = true;
  #mineSupported = true;

  constructor(options: LedgerServiceOptions) {
    this.#options = options;
  }

  get snapshot(): LedgerSnapshot {
    return this.#snapshot;
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    listener(this.#snapshot);
    return () => this.#listeners.delete(listener);
  }

  get #db(): LocalDb {
    return this.#options.db;
  }

  /** Loads what this device already knows (alarms, receipts, index) for the signed-in user. */
  async start(): Promise<void> {
    this.#stopped = false;
    const user = this.#options.userId();
    if (!user) return;
    // The index is per person: a different user on this browser starts from nothing.
    const owner = await this.#db.ledgerMeta.get('indexUser');
    if (owner?.value !== user) {
      await this.#db.transaction(
        'rw',
        [this.#db.auditEntries, this.#db.auditSearch, this.#db.receipts, this.#db.ledgerMeta],
        async () => {
          await this.#db.auditEntries.clear();
          await this.#db.auditSearch.clear();
          await this.#db.receipts.clear();
          await this.#db.ledgerMeta.clear();
          await this.#db.ledgerMeta.put({ key: 'indexUser', value: user });
        },
      );
    }
    await this.#reloadAlarms();
    await this.#reloadReceipts();
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Runs a full check now, or once more after the one in progress. */
  check(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#checkOnce().catch((error: unknown) => {
          console.warn('Ledger check failed to run', error);
        });
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #checkOnce(): Promise<void> {
    if (this.#stopped || !this.#options.userId()) return;
    const origin = location.origin;
    if (this.#snapshot.verification.state !== 'verified') {
      this.#emit({ verification: { state: 'checking' } });
    }
    const result = await checkLatestCheckpoint(
      this.#db.ledgerPins,
      origin,
      this.#options.auth,
      nowIso(),
    );
    switch (result.status) {
      case 'failed':
        await this.#raise(result.failure);
        this.#emit({ verification: { state: 'failed', message: result.failure.message } });
        return;
      case 'unavailable':
        this.#emit({ verification: { state: 'unavailable', reason: result.reason } });
        await this.#syncMine().catch(() => undefined);
        return;
      case 'empty':
        this.#emit({ verification: { state: 'empty' } });
        return;
      case 'verified':
        this.#emit({
          verification: {
            state: 'verified',
            size: result.pin.size,
            keyName: result.pin.keyName,
            at: result.pin.verifiedAt ?? nowIso(),
          },
        });
        await this.#syncMine().catch(() => undefined);
        await this.#checkReceipts(result.pin);
        return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Alarms.
  // -------------------------------------------------------------------------------------------

  async #raise(failure: LedgerFailure): Promise<void> {
    const origin = location.origin;
    // One open alarm per kind of failure (the first says what broke first), and a failure
    // already acknowledged is not raised again; the status line keeps saying it meanwhile.
    const existing = await this.#db.ledgerAlarms
      .where('origin')
      .equals(origin)
      .filter((a) => a.kind === failure.kind && (a.open === 1 || a.message === failure.message))
      .first();
    if (!existing) {
      await this.#db.ledgerAlarms.add({
        origin,
        kind: failure.kind,
        message: failure.message,
        at: nowIso(),
        open: 1,
        acknowledgedAt: null,
      });
    }
    await this.#reloadAlarms();
  }

  /** The person has read the alarm; it leaves the banner but stays on record. */
  async acknowledge(id: number): Promise<void> {
    await this.#db.ledgerAlarms.update(id, { open: 0, acknowledgedAt: nowIso() });
    await this.#reloadAlarms();
  }

  /** Every alarm ever raised on this device for this relay, newest first. */
  async alarmHistory(): Promise<LedgerAlarm[]> {
    const all = await this.#db.ledgerAlarms.where('origin').equals(location.origin).toArray();
    return all.reverse();
  }

  async #reloadAlarms(): Promise<void> {
    const open = await this.#db.ledgerAlarms.where('open').equals(1).toArray();
    this.#emit({ alarms: open.filter((a) => a.origin === location.origin).reverse() });
  }

  // -------------------------------------------------------------------------------------------
  // Inclusion receipts of the user's own entries.
  // -------------------------------------------------------------------------------------------

  /** The user's own command was acked or rejected with this seq: verify it soon. */
  noteOwnEntry(seq: number, activationId: string | null): void {
    const patch: Partial<LedgerSnapshot> = {};
    if (!(seq in this.#snapshot.receipts)) {
      patch.receipts = { ...this.#snapshot.receipts, [seq]: 'checking' };
    }
    if (activationId && !(activationId in this.#snapshot.activationSeqs)) {
      patch.activationSeqs = { ...this.#snapshot.activationSeqs, [activationId]: seq };
    }
    this.#emit(patch);
    void this.check();
  }

  async #ownRows(): Promise<AuditRow[]> {
    const me = this.#options.userId();
    if (!me) return [];
    return this.#db.auditEntries
      .where('[actor+seq]')
      .between([me, 0], [me, Number.MAX_SAFE_INTEGER], true, true)
      .filter((row) => row.kind === 'command')
      .toArray();
  }

  async #checkReceipts(pin: LedgerPin): Promise<void> {
    const own = await this.#ownRows();
    const done = new Set((await this.#db.receipts.toArray()).map((r) => r.seq));
    for (const row of own) {
      if (this.#stopped) return;
      if (done.has(row.seq) || row.seq >= pin.size) continue;
      const result = await checkInclusion(row.seq, row.text, pin, this.#options.auth);
      if (result.status === 'unavailable') continue;
      if (result.status === 'failed') await this.#raise(result.failure);
      await this.#db.receipts.put({
        seq: row.seq,
        status: result.status === 'recorded' ? 'recorded' : 'failed',
        size: pin.size,
        checkedAt: nowIso(),
      });
    }
    await this.#reloadReceipts();
  }

  async #reloadReceipts(): Promise<void> {
    const receipts: Record<number, ReceiptState> = {};
    const activationSeqs: Record<string, number> = { ...this.#snapshot.activationSeqs };
    for (const row of await this.#ownRows()) {
      receipts[row.seq] = 'checking';
      if (row.activationId && row.commandType === 'ActivateRole') {
        activationSeqs[row.activationId] = row.seq;
      }
    }
    for (const [seq, state] of Object.entries(this.#snapshot.receipts)) {
      if (state === 'checking') receipts[Number(seq)] ??= 'checking';
    }
    for (const receipt of await this.#db.receipts.toArray()) receipts[receipt.seq] = receipt.status;
    const indexed = await this.#db.auditEntries.count();
    this.#emit({ receipts, activationSeqs, indexed });
  }

  // -------------------------------------------------------------------------------------------
  // The audit index.
  // -------------------------------------------------------------------------------------------

  /** Pages /api/ledger/mine from where the last sync stopped (every member may). */
  async #syncMine(): Promise<void> {
    const me = this.#options.userId();
    if (!me || !this.#mineSupported) return;
    const key = metaKey(me, 'mineNext');
    let from = Number((await this.#db.ledgerMeta.get(key))?.value ?? 0);
    let changed = false;
    const lookup = this.#options.lookup();
    for (;;) {
      let page: Awaited<ReturnType<typeof fetchMine>>;
      try {
        page = await fetchMine(from, MINE_PAGE, this.#options.auth);
      } catch (error) {
        if (error instanceof LedgerEndpointMissingError) this.#mineSupported = false;
        break;
      }
      const written = await indexEntries(
        this.#db.auditEntries,
        page.entries.map(({ seq, entry }) => ({ seq, text: entry })),
        me,
        lookup,
        1,
      );
      if (written > 0) changed = true;
      // Stop at the end; remember where the next scan starts (the size the relay scanned to).
      const next = page.next ?? page.size;
      await this.#db.ledgerMeta.put({ key, value: next });
      if (page.next === null || page.next <= from) break;
      from = page.next;
    }
    if (changed) {
      await this.#reloadReceipts();
      this.#emit({ revision: this.#snapshot.revision + 1 });
    }
  }

  /**
   * Adds the audit document's new entries to the index (audit readers), in chunks so the page
   * stays responsive over 100,000 entries.
   * @param texts the audit doc's canonical JSON strings, index = seq
   */
  indexAuditDoc(texts: readonly string[]): void {
    const me = this.#options.userId();
    if (!me) return;
    this.#indexing = this.#indexing.then(async () => {
      const key = metaKey(me, 'auditIndexed');
      let from = Number((await this.#db.ledgerMeta.get(key))?.value ?? 0);
      if (from > texts.length) from = 0;
      if (from === texts.length) return;
      const total = texts.length;
      const lookup = this.#options.lookup();
      const big = total - from > INDEX_CHUNK;
      while (from < total) {
        const end = Math.min(total, from + INDEX_CHUNK);
        const chunk: AuditSource[] = [];
        for (let seq = from; seq < end; seq++) chunk.push({ seq, text: texts[seq]! });
        await indexEntries(this.#db.auditEntries, chunk, me, lookup);
        await this.#db.ledgerMeta.put({ key, value: end });
        from = end;
        if (big) this.#emit({ indexing: { done: from, total } });
        // Let the page paint between chunks.
        await new Promise((r) => setTimeout(r, 0));
      }
      this.#emit({ indexing: null, revision: this.#snapshot.revision + 1 });
      await this.#reloadReceipts();
    });
  }

  /** The user may no longer read the whole ledger: keep only the entries about them. */
  async forgetOthers(): Promise<void> {
    const me = this.#options.userId();
    await forgetOthers(this.#db.auditEntries);
    if (me) await this.#db.ledgerMeta.delete(metaKey(me, 'auditIndexed'));
    this.#emit({ revision: this.#snapshot.revision + 1 });
  }

  /** Forgets everything about the signed-out user (alarms and pins stay: they are about the relay). */
  async clearUser(): Promise<void> {
    await this.#db.transaction(
      'rw',
      [this.#db.auditEntries, this.#db.auditSearch, this.#db.receipts, this.#db.ledgerMeta],
      async () => {
        await this.#db.auditEntries.clear();
        await this.#db.auditSearch.clear();
        await this.#db.receipts.clear();
        await this.#db.ledgerMeta.clear();
      },
    );
    this.#emit({
      receipts: {},
      activationSeqs: {},
      indexed: 0,
      revision: this.#snapshot.revision + 1,
    });
  }

  query(filter: AuditFilter, before: number | null, limit: number): Promise<AuditPage> {
    return queryAudit(this.#db.auditEntries, filter, before, limit);
  }

  count(filter: AuditFilter): Promise<number> {
    return countAudit(this.#db.auditEntries, filter);
  }

  entry(seq: number): Promise<AuditRow | undefined> {
    return this.#db.auditEntries.get(seq);
  }

  registrationOf(credentialId: string): Promise<AuditRow | undefined> {
    return findRegistration(this.#db.auditEntries, credentialId);
  }

  eachRow(filter: AuditFilter, onRow: (row: AuditRow) => void): Promise<void> {
    return eachAuditRow(this.#db.auditEntries, filter, onRow);
  }

  /**
   * Proves one entry (any, not only the user's) is in the last verified checkpoint, using the
   * bytes this device holds. A failed proof raises the tamper alarm.
   */
  async proveEntry(
    seq: number,
  ): Promise<
    { state: 'recorded'; size: number } | { state: 'failed' | 'unavailable'; message: string }
  > {
    const [pin, row] = await Promise.all([
      this.#db.ledgerPins.get(location.origin),
      this.#db.auditEntries.get(seq),
    ]);
    if (!row) return { state: 'unavailable', message: 'This device does not hold this entry.' };
    if (!pin || pin.root === null || seq >= pin.size) {
      return {
        state: 'unavailable',
        message:
          'No checkpoint this device verified covers this entry yet. Check again in a moment.',
      };
    }
    const result = await checkInclusion(seq, row.text, pin, this.#options.auth);
    if (result.status === 'unavailable') return { state: 'unavailable', message: result.reason };
    if (result.status === 'failed') {
      await this.#raise(result.failure);
      return { state: 'failed', message: result.failure.message };
    }
    return { state: 'recorded', size: result.size };
  }

  /** Receipt of one entry, checking it now if it is the user's and not yet checked. */
  receiptOf(seq: number): ReceiptState | null {
    return this.#snapshot.receipts[seq] ?? null;
  }

  // -------------------------------------------------------------------------------------------
  // Whole-ledger download (audit readers), for the export.
  // -------------------------------------------------------------------------------------------

  /**
   * Every stored entry, from the audit doc when given, else paged from /api/ledger/entries.
   * @param onProgress entries read so far and the total
   */
  async allEntries(
    texts: readonly string[] | null,
    onProgress: (done: number, total: number) => void,
  ): Promise<string[]> {
    if (texts && texts.length > 0) return [...texts];
    const out: string[] = [];
    let from = 0;
    for (;;) {
      const page = await fetchEntries(from, 1000, this.#options.auth);
      out.push(...page.entries);
      onProgress(out.length, page.size);
      if (page.next === null) break;
      from = page.next;
    }
    return out;
  }

  async allCheckpoints(): Promise<string[]> {
    const out: string[] = [];
    let from = 0;
    for (;;) {
      const page = await fetchCheckpoints(from, 1000, this.#options.auth);
      out.push(...page.checkpoints);
      if (page.next === null || page.next <= from) break;
      from = page.next;
    }
    return out;
  }

  relayKey() {
    return fetchRelayKey();
  }

  #emit(patch: Partial<LedgerSnapshot>): void {
    if (Object.keys(patch).length === 0) return;
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const listener of this.#listeners) listener(this.#snapshot);
  }
}
