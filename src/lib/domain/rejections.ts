/**
 * Every way Leasehold says no. One union: serialised into the ledger, asserted in tests,
 * mapped to words for people in one place (`describeRejection`).
 */
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

export type Rejection = { code: RejectionCode; message: string };

export const reject = (code: RejectionCode, message: string): Rejection => ({ code, message });

export const isRejectionCode = (value: unknown): value is RejectionCode =>
  typeof value === 'string' && (REJECTION_CODES as readonly string[]).includes(value);
