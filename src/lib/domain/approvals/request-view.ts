/**
 * What a request card shows about an activation request at a moment: its status on this clock,
 * who has approved so far, and its history in order. Pages and cards ask this once instead of
 * working it out from the record.
 */
import { isRequestPending } from '#domain/activation/activation';
import type { ActivationRequest, Iso, RequestStatus, UserId } from '#domain/model';

/**
 * The status a request has at `at`: a pending request past its `expiresAt` is Expired on every
 * screen at once, before the relay's scheduler records it.
 */
export function requestStatusAt(request: ActivationRequest, at: Iso): RequestStatus {
  return request.status === 'PendingApproval' && !isRequestPending(request, at)
    ? 'Expired'
    : request.status;
}

/** The distinct approvers so far, in the order they approved. */
export function approversSoFar(request: ActivationRequest): UserId[] {
  const seen: UserId[] = [];
  for (const d of request.decisions) {
    if (d.decision === 'approve' && !seen.includes(d.approverId)) seen.push(d.approverId);
  }
  return seen;
}

/** One step of a request's history. */
export type RequestHistoryItem =
  | { kind: 'asked'; at: Iso; by: UserId | 'system' }
  | { kind: 'decision'; at: Iso; by: UserId; decision: 'approve' | 'deny'; reason: string }
  /** A recorded status other than the ask and a denial (a denial is told by its decision). */
  | { kind: 'status'; at: Iso; by: UserId | 'system'; status: RequestStatus }
  /** Lapsed on this clock but not yet recorded by the relay. */
  | { kind: 'lapsed'; at: Iso };

/**
 * The request's story, oldest first: the ask, each approval or denial, and every later status.
 * A decision comes before the status change it caused at the same instant.
 */
export function requestHistory(request: ActivationRequest, at: Iso): RequestHistoryItem[] {
  const items: { item: RequestHistoryItem; rank: number }[] = [];
  for (const h of request.history) {
    if (h.status === 'Denied') continue;
    items.push({
      item:
        h.status === 'PendingApproval'
          ? { kind: 'asked', at: h.at, by: h.by }
          : { kind: 'status', at: h.at, by: h.by, status: h.status },
      rank: 1,
    });
  }
  for (const d of request.decisions) {
    items.push({
      item: {
        kind: 'decision',
        at: d.at,
        by: d.approverId,
        decision: d.decision,
        reason: d.justification,
      },
      rank: 0,
    });
  }
  if (request.status === 'PendingApproval' && !isRequestPending(request, at))
    items.push({ item: { kind: 'lapsed', at: request.expiresAt }, rank: 1 });
  return items
    .map((entry, index) => ({ ...entry, index }))
    .sort((a, b) => a.item.at.localeCompare(b.item.at) || a.rank - b.rank || a.index - b.index)
    .map(({ item }) => item);
}

/** Everything a request card needs to know about the request at `at`. */
export type RequestView = {
  status: RequestStatus;
  approvedBy: UserId[];
  history: RequestHistoryItem[];
};

export function requestView(request: ActivationRequest, at: Iso): RequestView {
  return {
    status: requestStatusAt(request, at),
    approvedBy: approversSoFar(request),
    history: requestHistory(request, at),
  };
}
