/**
 * Plain words for activation requests: their status (Microsoft Graph's vocabulary, PRODUCT.md
 * "Lifecycle rules") as people say it, the approvals so far, and a status history that says who
 * decided what and why. Shared by My roles, My requests and the approvals inbox.
 */
import type { RequestHistoryItem } from '#domain/approvals/request-view';
import type { Iso, RequestStatus, UserId } from '#domain/model';

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

export const statusWord = (status: RequestStatus): string => STATUS_WORDS[status] ?? status;
export const statusTone = (status: RequestStatus): StatusTone => STATUS_TONES[status] ?? 'neutral';

/** "1 of 2 approvals", "0 of 1 approval" (`approvedBy` from the domain's `requestView`). */
export function approvalsText(approvedBy: readonly UserId[], approvalsRequired: number): string {
  const noun = approvalsRequired === 1 ? 'approval' : 'approvals';
  return `${approvedBy.length} of ${approvalsRequired} ${noun}`;
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

/** The request's history (the domain's `requestHistory`) in words, oldest first. */
export function requestTimeline(
  history: readonly RequestHistoryItem[],
  approvalsRequired: number,
  nameOf: (userId: UserId | 'system') => string,
): TimelineItem[] {
  return history.map((h): TimelineItem => {
    switch (h.kind) {
      case 'asked':
        return {
          at: h.at,
          text: `${nameOf(h.by)} asked for approval`,
          reason: '',
          tone: 'pending',
        };
      case 'decision':
        return {
          at: h.at,
          text: `${nameOf(h.by)} ${verdictWord(h.decision)}`,
          reason: h.reason,
          tone: h.decision === 'approve' ? 'ok' : 'bad',
        };
      case 'lapsed':
        return { at: h.at, text: 'Expired: nobody decided in time', reason: '', tone: 'neutral' };
      case 'status':
        return {
          at: h.at,
          text: statusText(h.status, h.by, approvalsRequired, nameOf),
          reason: '',
          tone: statusTone(h.status),
        };
    }
  });
}

function statusText(
  status: RequestStatus,
  by: UserId | 'system',
  n: number,
  nameOf: (userId: UserId | 'system') => string,
): string {
  switch (status) {
    case 'Granted':
      return `Approved: ${n} of ${n} ${n === 1 ? 'approval' : 'approvals'} given`;
    case 'Provisioned':
      return 'The role became active';
    case 'Canceled':
      return `Cancelled by ${nameOf(by)}`;
    case 'Expired':
      return 'Expired: nobody decided in time';
    case 'Failed':
      return 'Failed: the role could not be activated';
    default:
      return statusWord(status);
  }
}
