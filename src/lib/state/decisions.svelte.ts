/**
 * An approver's decision on one or several requests, as runes. Several go as one DecideRequests
 * command, so one passkey ceremony covers the listed decisions (bound to exactly that list).
 */
import { describeError } from '$lib/services';
import { decideRequest, decideRequests, type DecisionVerdict } from '$lib/services/approvals';
import { describeRejection } from '#domain/describe';
import type { Rejection } from '#domain/rejections';
import type { Sentence } from '#domain/sentence';
import type { RequestId } from '#domain/model';
import type { SessionState } from './session.svelte';

export type DecisionTarget = { id: RequestId; label: string };
export type DecisionResult = { id: RequestId; ok: boolean; message: string };

export class DecisionRun {
  verdict = $state<DecisionVerdict>('approve');
  items = $state.raw<DecisionTarget[]>([]);
  busy = $state(false);
  progress = $state<string | null>(null);
  outcomes = $state.raw<DecisionResult[]>([]);
  error = $state<string | Sentence | null>(null);
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
   * Decides the items: one request as ApproveRequest/DenyRequest, several as ONE DecideRequests
   * command, so a single passkey ceremony is bound to the whole list. The relay takes the list
   * all or nothing; a refusal names the request that could not take the verdict, and the others
   * are shown as not recorded. Resolves with the ids that succeeded.
   */
  async run(justification: string): Promise<RequestId[]> {
    if (this.busy || this.items.length === 0) return [];
    const items = this.items;
    const total = items.length;
    const approving = this.verdict === 'approve';
    const doing = approving ? 'Approving' : 'Denying';
    const done = approving ? 'Approved' : 'Denied';
    const notDone = approving ? 'Not approved' : 'Not denied';
    const step = total === 1 ? `${doing} the request` : `${doing} ${total} requests`;
    let succeeded: RequestId[] = [];
    this.busy = true;
    this.error = null;
    this.outcomes = [];
    this.progress = `${step}…`;
    try {
      const command =
        total === 1
          ? decideRequest(items[0]!.id, this.verdict, justification)
          : decideRequests(
              items.map((i) => i.id),
              this.verdict,
              justification,
            );
      const result = await this.#session.submit(command, (p) => {
        this.progress =
          p === 'confirming'
            ? `${step}: confirm with your passkey…`
            : p === 'waiting'
              ? `${step}: you are offline; it is saved and will be sent when you are back online…`
              : `${step}…`;
      });
      if (result.ok) {
        // Offline, a decision is only queued: say so, the relay decides when it arrives.
        const message = result.queued ? `${done} on this device; waiting to send` : done;
        this.outcomes = items.map((i) => ({ id: i.id, ok: true, message }));
        succeeded = items.map((i) => i.id);
      } else {
        this.outcomes = this.#refused(items, result.rejection, notDone);
        if (total === 1) this.error = this.outcomes[0]!.message;
      }
    } catch (e) {
      this.outcomes = items.map((i) => ({
        id: i.id,
        ok: false,
        message: `${notDone}: ${describeError(e)}`,
      }));
      this.error = describeError(e);
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

  /** Per-item words for a refusal: the list's culprit gets the reason, the rest "not recorded". */
  #refused(items: DecisionTarget[], rejection: Rejection, notDone: string): DecisionResult[] {
    if (items.length === 1) {
      return [
        {
          id: items[0]!.id,
          ok: false,
          message: `${notDone}: ${this.#explain(items[0]!.id, rejection)}`,
        },
      ];
    }
    // The domain names the request at fault, and keeps its own rejection, in the detail.
    const fault = rejection.detail?.item;
    const culprit =
      fault && items[fault.index]?.id === fault.requestId ? items[fault.index] : undefined;
    if (!culprit) this.error = describeRejection(rejection);
    return items.map((item) =>
      item === culprit
        ? {
            id: item.id,
            ok: false,
            message: `${notDone}: ${this.#explain(item.id, fault!.rejection)}`,
          }
        : {
            id: item.id,
            ok: false,
            message: `Not recorded: the list is decided all or nothing${culprit ? ', and another request in it could not be' : ''}. Decide it again.`,
          },
    );
  }
}
