/**
 * ExpireActivation, ExpireAssignment and ExpireRequest: the relay's scheduler records that
 * something ended (due-work.ts says what is due). Every client already treats it as ended from
 * its end time; the entry puts the end in the ledger, at the time it really happened.
 */
import { activationsStillActiveFrom, requestsPendingFrom } from '#domain/activation/activation';
import { isAssignmentRequestOpen } from '#domain/assignment-requests/extensions';
import { wouldExpireLastHolder } from '#domain/assignments/safeguards';
import { accept, type CommandOf, type Decision, refuse } from '#domain/decision';
import type { DomainEvent } from '#domain/events';
import type { Iso, TenantState } from '#domain/model';
import { getOwn } from '#domain/records';
import { reject } from '#domain/rejections';
import { instant, sentence } from '#domain/sentence';
import { earliest } from '#domain/time';

/** Decides ExpireActivation: an active activation whose end has passed ends at that end. */
export function expireActivation(
  command: CommandOf<'ExpireActivation'>,
  state: TenantState,
  at: Iso,
): Decision {
  const activation = getOwn(state.activations, command.activationId);
  if (!activation) {
    return refuse(reject('unknown-activation', `There is no activation ${command.activationId}.`));
  }
  if (activation.status !== 'active' || activation.endsAt > at) {
    return refuse(
      reject(
        'not-active',
        sentence`Activation ${activation.id} is not due to expire at ${instant(at)}.`,
      ),
    );
  }
  // The ledger records when it really ended, not when the scheduler got round to it.
  return accept({ type: 'ActivationExpired', activationId: activation.id, at: activation.endsAt });
}

/**
 * Decides ExpireAssignment: a current assignment whose end has passed ends then, with what was
 * activated through it and its pending requests — unless it is the last administrator's.
 */
export function expireAssignment(
  command: CommandOf<'ExpireAssignment'>,
  state: TenantState,
  at: Iso,
): Decision {
  const assignment = getOwn(state.assignments, command.assignmentId);
  if (!assignment) {
    return refuse(reject('unknown-assignment', `There is no assignment ${command.assignmentId}.`));
  }
  const endsAt = assignment.endsAt;
  if (assignment.status !== 'current' || endsAt === null || endsAt > at) {
    return refuse(
      reject(
        'not-active',
        sentence`Assignment ${assignment.id} is not due to expire at ${instant(at)}.`,
      ),
    );
  }
  // PRODUCT.md "Safeguards": the last Global or Privileged Role Administrator does not expire;
  // the assignment stays current (and in force, `isHeldOver`) until someone else holds the role.
  const unsafe = wouldExpireLastHolder(state, assignment, at);
  if (unsafe) return refuse(unsafe);
  // Activations never outlive their assignment; expire any the scheduler has not reached yet.
  const activations = activationsStillActiveFrom(state, assignment.id).map((a): DomainEvent => ({
    type: 'ActivationExpired',
    activationId: a.id,
    at: earliest(a.endsAt, endsAt),
  }));
  // Requests still open when the eligibility ended can never be granted; ones that lapsed
  // before it ended are left for their own ExpireRequest.
  const failed = requestsPendingFrom(state, assignment.id, endsAt).map((r): DomainEvent => ({
    type: 'RequestFailed',
    requestId: r.id,
    // The failure's `at` is the end: the words need not repeat it as text a reader cannot type.
    reason: 'The eligibility it asked to activate ended.',
    at: endsAt,
  }));
  return accept(
    { type: 'AssignmentExpired', assignmentId: assignment.id, at: endsAt },
    ...activations,
    ...failed,
  );
}

/** Decides ExpireRequest: a request of either kind that nobody decided lapses at its deadline. */
export function expireRequest(
  command: CommandOf<'ExpireRequest'>,
  state: TenantState,
  at: Iso,
): Decision {
  const request = getOwn(state.requests, command.requestId);
  // Extension and renewal requests share the id space and lapse the same way.
  const asked = request ? undefined : getOwn(state.assignmentRequests, command.requestId);
  if (asked) {
    if (!isAssignmentRequestOpen(asked) || at < asked.expiresAt) {
      return refuse(
        reject(
          'request-not-pending',
          sentence`Request ${asked.id} is not due to expire at ${instant(at)}.`,
        ),
      );
    }
    return accept({ type: 'RequestExpired', requestId: asked.id, at: asked.expiresAt });
  }
  if (!request) {
    return refuse(reject('unknown-request', `There is no request ${command.requestId}.`));
  }
  if (request.status !== 'PendingApproval' || at < request.expiresAt) {
    return refuse(
      reject(
        'request-not-pending',
        sentence`Request ${request.id} is not due to expire at ${instant(at)}.`,
      ),
    );
  }
  // As with activations, the ledger records when it lapsed, not when the scheduler ran.
  return accept({ type: 'RequestExpired', requestId: request.id, at: request.expiresAt });
}
