/**
 * One view of the offline audit index: the filters a person set, the page of rows on screen and
 * how many entries match. Pages are keyset pages (by seq), so only PAGE_SIZE rows are ever
 * rendered however large the ledger is.
 */
import type { AuditFilter, AuditRow, LedgerService } from '$lib/services';

export type AuditScope = 'mine' | 'all';

const PAGE_SIZE = 50;

/** A local calendar day (yyyy-mm-dd) as an instant: its first or last millisecond. */
function dayBound(day: string, end: boolean): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const [, y, m, d] = match;
  const date = end
    ? new Date(Number(y), Number(m) - 1, Number(d), 23, 59, 59, 999)
    : new Date(Number(y), Number(m) - 1, Number(d), 0, 0, 0, 0);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export class AuditView {
  scope = $state<AuditScope>('mine');
  actor = $state('');
  target = $state('');
  roleId = $state('');
  commandType = $state('');
  outcome = $state<'' | 'accepted' | 'rejected'>('');
  from = $state('');
  to = $state('');
  text = $state('');

  rows = $state.raw<AuditRow[]>([]);
  total = $state<number | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  page = $state(0);
  hasNext = $state(false);

  readonly pageSize = PAGE_SIZE;

  readonly filter: AuditFilter = $derived({
    scope: this.scope,
    actor: this.actor || undefined,
    target: this.target || undefined,
    roleId: this.roleId || undefined,
    commandType: this.commandType || undefined,
    outcome: this.outcome || undefined,
    from: dayBound(this.from, false),
    to: dayBound(this.to, true),
    text: this.text.trim() || undefined,
  });

  readonly filtered = $derived(
    Boolean(
      this.actor ||
      this.target ||
      this.roleId ||
      this.commandType ||
      this.outcome ||
      this.from ||
      this.to ||
      this.text.trim(),
    ),
  );

  #cursors: (number | null)[] = [null];
  #request = 0;
  readonly #service: () => LedgerService;

  constructor(service: () => LedgerService) {
    this.#service = service;
  }

  clear(): void {
    this.actor = '';
    this.target = '';
    this.roleId = '';
    this.commandType = '';
    this.outcome = '';
    this.from = '';
    this.to = '';
    this.text = '';
  }

  /** Back to the newest page and load it (after a filter or index change). */
  async reload(keepPage = false): Promise<void> {
    if (!keepPage) {
      this.#cursors = [null];
      this.page = 0;
    }
    const request = ++this.#request;
    const filter = $state.snapshot(this.filter) as AuditFilter;
    this.loading = true;
    this.error = null;
    try {
      const service = this.#service();
      const [result, total] = await Promise.all([
        service.query(filter, this.#cursors[this.page] ?? null, PAGE_SIZE),
        this.page === 0 || this.total === null
          ? service.count(filter)
          : Promise.resolve(this.total),
      ]);
      if (request !== this.#request) return;
      this.rows = result.rows;
      this.total = total;
      this.hasNext = result.next !== null;
      this.#cursors[this.page + 1] = result.next;
    } catch (error) {
      if (request !== this.#request) return;
      this.error = `The audit index could not be read: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  async next(): Promise<void> {
    if (!this.hasNext) return;
    this.page++;
    await this.reload(true);
  }

  async previous(): Promise<void> {
    if (this.page === 0) return;
    this.page--;
    await this.reload(true);
  }
}
