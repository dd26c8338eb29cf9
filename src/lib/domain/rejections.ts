/**
 * Every way Leasehold says no. One union: serialised into the ledger, asserted in tests,
 * mapped to words for people in one place (`describeRejection`).
 */
import type { RequestId } from './model';
import { hasTypedParts, plain, type Sentence, type SentencePart } from './sentence';

export const REJECTION_CODES = [
  // Transport and authentication (decided by the relay before the domain sees a command).
  'malformed-command',
  'unknown-command-type',
  'bad-signature',
  'unknown-device',
  'device-revoked',
  'device-not-yours',
  'replayed-command',
  'stale-command',
  'confirmation-invalid',
  'nonce-unknown',
  'nonce-used',
  'nonce-expired',
  // Authorisation.
  'not-authorized',
  // Domain rules.
  'setup-already-done',
  'setup-not-done',
  'duplicate-id',
  'unknown-user',
  'unknown-role',
  'unknown-assignment',
  'unknown-activation',
  'unknown-invite',
  'invite-expired',
  'invite-used',
  'invite-revoked',
  'role-name-taken',
  'invalid-value',
  'not-eligible',
  'assignment-not-started',
  'assignment-ended',
  'already-active',
  'already-assigned',
  'exceeds-max-duration',
  'below-min-duration',
  'justification-required',
  'ticket-required',
  'confirmation-required',
  'approval-required',
  'not-your-activation',
  'not-active',
  'too-early-to-deactivate',
  'too-early-to-remove',
  'assignment-too-short',
  'permanent-not-allowed',
  'exceeds-max-assignment',
  'last-global-admin',
  'last-privileged-role-admin',
  'already-ended',
  // Scheduled activation.
  'start-too-far-ahead',
  'starts-after-assignment-end',
  // Extend and renew.
  'extension-not-due',
  'renewal-not-due',
  'renewal-window-closed',
  // Approvals.
  'unknown-request',
  'request-not-pending',
  'approver-is-requester',
  'not-an-approver',
  'already-decided',
  'request-pending',
  // Scopes, administrative units and groups.
  'unknown-scope',
  'invalid-scope',
  'scope-not-empty',
  'outside-scope',
  'unknown-administrative-unit',
  'unknown-group',
  'group-cycle',
  'last-group-owner',
  'already-member',
  'not-a-member',
] as const;

export type RejectionCode = (typeof REJECTION_CODES)[number];

export type Rejection = {
  code: RejectionCode;
  /** The refusal in words, instants in UTC: the same text on the relay, in the ledger, everywhere. */
  message: string;
  /** What the words say as values, for readers; absent when the message says nothing more. */
  detail?: RejectionDetail;
};

/** Never a reason to parse `message`: each member holds what the words mention, typed. */
export type RejectionDetail = {
  /** `message` as text and typed values (`sentenceText(parts) === message`), when it has any. */
  parts?: SentencePart[];
  /** A DecideRequests list refused for one of its requests: which one, and its own refusal. */
  item?: RejectedItem;
};

/** The listed request a list could not take, by 0-based position and id, and why. */
export type RejectedItem = { index: number; requestId: RequestId; rejection: Rejection };

/**
 * A refusal. Give the message as a `sentence` when it mentions an instant, so the instant is
 * kept typed beside the words; `item` names the listed request a list command was refused for.
 * Members stay absent rather than undefined: a rejection is canonical JSON in the ledger.
 */
export function reject(
  code: RejectionCode,
  message: string | Sentence,
  item?: RejectedItem,
): Rejection {
  if (typeof message === 'string')
    return item ? { code, message, detail: { item } } : { code, message };
  const parts = hasTypedParts(message.parts) ? message.parts : null;
  if (!parts && !item) return { code, message: message.text };
  return {
    code,
    message: message.text,
    detail: { ...(parts ? { parts } : {}), ...(item ? { item } : {}) },
  };
}

/** The rejection's words as a sentence: its typed parts when it kept them, else its message. */
export const sentenceOf = (r: Rejection): Sentence =>
  r.detail?.parts ? { text: r.message, parts: r.detail.parts } : plain(r.message);

export const isRejectionCode = (value: unknown): value is RejectionCode =>
  typeof value === 'string' && (REJECTION_CODES as readonly string[]).includes(value);
