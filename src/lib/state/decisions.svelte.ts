/**
 * An approver's decision on one or several requests, as runes. Several are sent as individual
 * commands, one after another, each with its own passkey confirmation: binding one ceremony to
 * a list of decisions needs a protocol change (a bundle intent the relay verifies once).
 */
import { describeError } from '$lib/services';
import { decideRequest, type DecisionVerdict } from '$lib/services/approvals';
import type { Rejection } from '#domain/rejections';
import type { RequestId } from '#domain/types';
import type { SessionState } from './session.svelte';

export type DecisionTarget = { id: RequestId; label: string };
export type DecisionResult = { id: RequestId; ok: boolean; message: string };

export class DecisionRun {
  verdict = $state<DecisionVerdict>('approve');
  items = $state.raw<DecisionTarget[]>([]);
  busy = $state(false);
  progress = $state<string | null>(null);
  outcomes = $state.raw<DecisionResult[]>([]);
  error = $state<string | null>(null);
  /** A sentence for the page's live region once a run ends. */
  announcement = $state('');

  readonly open = $derived(this.items.length > 0);

  readonly #session: SessionState;
  readonly #explain: (requestId: RequestId, rejection: Rejection) => string;

  /** `explain` turns the relay's (or the preview's) refusal into words for this request. */
  constructor(
    session: SessionState,
    explain: (requestId: RequestId, rejection: Rejection) => string,
  ) {
    this.#session = session;
    this.#explain = explain;
  }

  begin(verdict: DecisionVerdict, items: DecisionTarget[]): void {
    if (this.busy) return;
    this.verdict = verdict;
    this.items = items;
    this.outcomes = [];
    this.error = null;
    this.progress = null;
  }

  close(): void {
    if (this.busy) return;
    this.items = [];
    this.outcomes = [];
    this.error = null;
    this.progress = null;
  }

  /**
   * Decides every item in order. A refusal is that item's outcome and the run goes on; a failure
   * on the way (passkey prompt closed, relay unreachable) stops it, so nobody is asked for a
   * passkey again and again after they said no. Resolves with the ids that succeeded.
   */
  async run(justification: string): Promise<RequestId[]> {
    if (this.busy || this.items.length === 0) return [];
    const items = this.items;
    const total = items.length;
    const approving = this.verdict === 'approve';
    const doing = approving ? 'Approving' : 'Denying';
    const done = approving ? 'Approved' : 'Denied';
    const notDone = approving ? 'Not approved' : 'Not denied';
    const succeeded: RequestId[] = [];
    this.busy = true;
    this.error = null;
    this.outcomes = [];
    try {
      for (const [index, item] of items.entries()) {
        const step = total === 1 ? `${doing} the request` : `${doing} ${index + 1} of ${total}`;
        this.progress = `${step}…`;
        let outcome: DecisionResult;
        try {
          const result = await this.#session.submit(
            decideRequest(item.id, this.verdict, justification),
            (p) => {
              this.progress =
                p === 'confirming'
                  ? `${step}: confirm with your passkey…`
                  : p === 'waiting'
                    ? `${step}: you are offline; it is saved and will be sent when you are back online…`
                    : `${step}…`;
            },
          );
          // Offline, a decision is only queued: say so, the relay decides when it arrives.
          outcome = result.ok
            ? {
                id: item.id,
                ok: true,
                message: result.queued ? `${done} on this device; waiting to send` : done,
              }
            : {
                id: item.id,
                ok: false,
                message: `${notDone}: ${this.#explain(item.id, result.rejection)}`,
              };
        } catch (e) {
          this.outcomes = [
            ...this.outcomes,
            { id: item.id, ok: false, message: `${notDone}: ${describeError(e)}` },
          ];
          const rest = items.slice(index + 1);
          this.outcomes = [
            ...this.outcomes,
            ...rest.map((r) => ({ id: r.id, ok: false, message: 'Not sent' })),
          ];
          if (total === 1) this.error = describeError(e);
          break;
        }
        this.outcomes = [...this.outcomes, outcome];
        if (outcome.ok) succeeded.push(item.id);
        else if (total === 1) this.error = outcome.message;
      }
    } finally {
      this.busy = false;
      this.progress = null;
    }
    const noun = total === 1 ? 'request' : 'requests';
    this.announcement =
      succeeded.length === total
        ? `${done} ${total === 1 ? 'the' : total} ${noun}.`
        : `${done} ${succeeded.length} of ${total} ${noun}; see the details.`;
    // One request decided: nothing more to show, so the dialog closes by itself.
    if (total === 1 && succeeded.length === 1) this.items = [];
    return succeeded;
  }
}
