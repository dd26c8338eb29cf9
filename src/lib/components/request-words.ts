/**
 * Plain words for activation requests: their status (Microsoft Graph's vocabulary, PRODUCT.md
 * "Lifecycle rules") as people say it, the approvals so far, and a status history that says who
 * decided what and why. Shared by My roles, My requests and the approvals inbox.
 */
import { isRequestPending } from '#domain/activation/activation';
import type { ActivationRequest, Iso, RequestStatus, UserId } from '#domain/model';

export type StatusTone = 'pending' | 'ok' | 'bad' | 'neutral';

const STATUS_WORDS: Record<RequestStatus, string> = {
  PendingApproval: 'Pending approval',
  PendingAdminDecision: 'Waiting for an administrator',
  Granted: 'Approved',
  Provisioned: 'Approved and active',
  Denied: 'Denied',
  Canceled: 'Cancelled',
  Revoked: 'Revoked',
  Expired: 'Expired',
  Failed: 'Failed',
};

const STATUS_TONES: Record<RequestStatus, StatusTone> = {
  PendingApproval: 'pending',
  PendingAdminDecision: 'pending',
  Granted: 'ok',
  Provisioned: 'ok',
  Denied: 'bad',
  Canceled: 'neutral',
  Revoked: 'bad',
  Expired: 'neutral',
  Failed: 'bad',
};

/**
 * The status a request has at `at`: a pending request past its `expiresAt` is Expired on every
 * screen at once, before the relay's scheduler records it (the domain's `isRequestPending`).
 */
export function statusAt(request: ActivationRequest, at: Iso): RequestStatus {
  return request.status === 'PendingApproval' && !isRequestPending(request, at)
    ? 'Expired'
    : request.status;
}

export const statusWord = (status: RequestStatus): string => STATUS_WORDS[status] ?? status;
export const statusTone = (status: RequestStatus): StatusTone => STATUS_TONES[status] ?? 'neutral';

/** The distinct approvers so far, in the order they approved. */
export function approversSoFar(request: ActivationRequest): UserId[] {
  const seen: UserId[] = [];
  for (const d of request.decisions) {
    if (d.decision === 'approve' && !seen.includes(d.approverId)) seen.push(d.approverId);
  }
  return seen;
}

/** "1 of 2 approvals", "0 of 1 approval". */
export function approvalsText(request: ActivationRequest): string {
  const noun = request.approvalsRequired === 1 ? 'approval' : 'approvals';
  return `${approversSoFar(request).length} of ${request.approvalsRequired} ${noun}`;
}

/** "Cy approved", "Cy denied". */
export const verdictWord = (decision: 'approve' | 'deny'): string =>
  decision === 'approve' ? 'approved' : 'denied';

export type TimelineItem = {
  at: Iso;
  /** What happened, e.g. "Cy User approved". */
  text: string;
  /** The reason given with it, if any. */
  reason: string;
  tone: StatusTone;
};

/**
 * The request's story, oldest first: asked, each approval or denial with its reason, and every
 * later status. A denial is told once, by the decision that carries its reason.
 */
export function requestTimeline(
  request: ActivationRequest,
  nameOf: (userId: UserId | 'system') => string,
  at: Iso,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const h of request.history) {
    switch (h.status) {
      case 'PendingApproval':
        items.push({
          at: h.at,
          text: `${nameOf(h.by)} asked for approval`,
          reason: '',
          tone: 'pending',
        });
        break;
      case 'Denied':
        break;
      case 'Granted': {
        const n = request.approvalsRequired;
        items.push({
          at: h.at,
          text: `Approved: ${n} of ${n} ${n === 1 ? 'approval' : 'approvals'} given`,
          reason: '',
          tone: 'ok',
        });
        break;
      }
      case 'Provisioned':
        items.push({ at: h.at, text: 'The role became active', reason: '', tone: 'ok' });
        break;
      case 'Canceled':
        items.push({ at: h.at, text: `Cancelled by ${nameOf(h.by)}`, reason: '', tone: 'neutral' });
        break;
      case 'Expired':
        items.push({
          at: h.at,
          text: 'Expired: nobody decided in time',
          reason: '',
          tone: 'neutral',
        });
        break;
      case 'Failed':
        items.push({
          at: h.at,
          text: 'Failed: the role could not be activated',
          reason: '',
          tone: 'bad',
        });
        break;
      default:
        items.push({
          at: h.at,
          text: statusWord(h.status),
          reason: '',
          tone: statusTone(h.status),
        });
    }
  }
  for (const d of request.decisions) {
    items.push({
      at: d.at,
      text: `${nameOf(d.approverId)} ${verdictWord(d.decision)}`,
      reason: d.justification,
      tone: d.decision === 'approve' ? 'ok' : 'bad',
    });
  }
  // Lapsed on this clock but not yet recorded by the relay.
  const lapsed = request.status === 'PendingApproval' && !isRequestPending(request, at);
  if (lapsed) {
    items.push({
      at: request.expiresAt,
      text: 'Expired: nobody decided in time',
      reason: '',
      tone: 'neutral',
    });
  }
  // A decision sorts before the status change it caused at the same instant (decisions were
  // pushed after the history, so they need the rank); otherwise the order is kept.
  const decisionsFrom = items.length - request.decisions.length - (lapsed ? 1 : 0);
  return items
    .map((item, index) => ({
      item,
      index,
      rank: index >= decisionsFrom && index < decisionsFrom + request.decisions.length ? 0 : 1,
    }))
    .sort((a, b) => a.item.at.localeCompare(b.item.at) || a.rank - b.rank || a.index - b.index)
    .map(({ item }) => item);
}
