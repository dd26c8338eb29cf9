/**
 * ActivateRole, ActivateRoles and DeactivateRole: a user activating an eligible role just in
 * time (now or scheduled), several at once under one passkey ceremony, or ending one early.
 * The eligibility checks live in activation.ts, shared with the app's preview.
 */
import { alertIdFor } from '#domain/alerts/alerts';
import { requestIdFor } from '#domain/approvals/requests';
import type { BundleItem } from '#domain/commands';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { DomainEvent } from '#domain/events';
import type { Assignment, TenantState, Ticket } from '#domain/model';
import { getOwn, isUsableId } from '#domain/records';
import { reject, sentenceOf } from '#domain/rejections';
import { settingsForAssignment } from '#domain/settings/settings';
import { applyEvent, workingCopy } from '#domain/state';
import { instant, sentence } from '#domain/sentence';
import { addMinutes, isValidIso } from '#domain/time';
import { invalidIdRejection, invalidText, MAX_NAME_LENGTH, newIdProblem } from '#domain/validation';
import {
  activationEndsAt,
  activationStartsAt,
  assignmentActivationBlocker,
  canDeactivateAt,
  MIN_ACTIVATION_MINUTES,
  MIN_MINUTES_BEFORE_DEACTIVATE,
  roleNameOf,
} from './activation';
import { isActivationActive, isActivationScheduled } from './status';

/** Most activations one ActivateRoles bundle may carry. */
export const MAX_BUNDLE_ITEMS = 10;

/** What one activation asks for, sent alone (ActivateRole) or as a bundle item. */
type ActivationAsk = BundleItem & { justification: string; ticket: Ticket | null };

/**
 * One activation: the eligibility checks (including a scheduled start and overlaps), then the
 * role's settings, then either a request (approval required) or the activation itself. A
 * break-glass account never waits for approval, and each of its activations raises a
 * high-severity alert in the same entry.
 */
export function decideActivation(
  ask: ActivationAsk,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const requestedStart = ask.startsAt;
  if (requestedStart !== null && !isValidIso(requestedStart)) {
    return refuse(reject('invalid-value', 'The start time is not a valid time.'));
  }
  const blocker = assignmentActivationBlocker(state, ctx.actor.id, ask.assignmentId, ctx.at, {
    startsAt: requestedStart,
    durationMinutes: ask.durationMinutes,
  });
  if (blocker) return refuse(blocker);
  // The blocker check proved the assignment exists and is the actor's.
  const assignment = getOwn(state.assignments, ask.assignmentId) as Assignment;
  const roleName = roleNameOf(state, assignment);
  const requestId = requestIdFor(ask.activationId);
  const badId =
    newIdProblem(state.activations, ask.activationId, 'activation') ??
    // A request reserves its activation's id until it ends, and forever after.
    newIdProblem(state.requests, requestId, 'request') ??
    newIdProblem(state.assignmentRequests, requestId, 'request');
  if (badId) return refuse(badId);
  const settings = settingsForAssignment(state, assignment);
  const duration = ask.durationMinutes;
  if (!Number.isInteger(duration) || duration < MIN_ACTIVATION_MINUTES) {
    return refuse(
      reject(
        'below-min-duration',
        `An activation must last a whole number of minutes, at least ${MIN_ACTIVATION_MINUTES}.`,
      ),
    );
  }
  if (duration > settings.maxActivationMinutes) {
    return refuse(
      reject(
        'exceeds-max-duration',
        `${roleName} can be activated for at most ${describeMinutes(settings.maxActivationMinutes)}.`,
      ),
    );
  }
  const badText = invalidText(ask.justification, 'A justification', {
    required: settings.requireJustification,
  });
  if (badText) return refuse(badText);
  const ticket = normaliseTicket(ask.ticket);
  if (settings.requireTicket && ticket === null) {
    return refuse(
      reject('ticket-required', `${roleName} needs a ticket system and number to activate.`),
    );
  }
  if (
    ticket &&
    (ticket.system.length > MAX_NAME_LENGTH || ticket.number.length > MAX_NAME_LENGTH)
  ) {
    return refuse(
      reject(
        'invalid-value',
        `Ticket system and number must be at most ${MAX_NAME_LENGTH} characters.`,
      ),
    );
  }
  if (settings.requirePasskeyOnActivation && !ctx.passkeyConfirmed) {
    return refuse(
      reject('confirmation-required', `Confirm with your passkey to activate ${roleName}.`),
    );
  }
  const justification = ask.justification.trim();
  const startsAt = activationStartsAt(requestedStart, ctx.at);
  // PRODUCT.md "Break-glass": an emergency account self-activates without approval.
  const breakGlass = ctx.actor.breakGlass === true;
  if (settings.requireApproval && !breakGlass) {
    return accept({
      type: 'ActivationRequested',
      request: {
        id: requestId,
        assignmentId: assignment.id,
        // The actor, not the assignee: an eligibility inherited through a group is the member's.
        principalId: ctx.actor.id,
        roleId: assignment.roleId,
        activationId: ask.activationId,
        durationMinutes: duration,
        startsAt: startsAt > ctx.at ? startsAt : null,
        justification,
        ticket,
        requestedAt: ctx.at,
        expiresAt: addMinutes(ctx.at, settings.pendingTimeoutMinutes),
        approvalsRequired: settings.approvalsRequired,
        status: 'PendingApproval',
        decisions: [],
        resolvedAt: null,
        resolvedBy: null,
        history: [{ status: 'PendingApproval', at: ctx.at, by: ctx.actor.id }],
      },
    });
  }
  const started: DomainEvent = {
    type: 'ActivationStarted',
    activation: {
      id: ask.activationId,
      assignmentId: assignment.id,
      principalId: ctx.actor.id,
      roleId: assignment.roleId,
      startsAt,
      endsAt: activationEndsAt(assignment, settings, duration, startsAt),
      requestedAt: ctx.at,
      justification,
      ticket,
      status: 'active',
      endedAt: null,
    },
  };
  if (!breakGlass) return accept(started);
  return accept(started, {
    type: 'AlertRaised',
    alert: {
      id: alertIdFor(ask.activationId),
      kind: 'break-glass-used',
      severity: 'high',
      userId: ctx.actor.id,
      roleId: assignment.roleId,
      activationId: ask.activationId,
      at: ctx.at,
    },
  });
}

/**
 * ActivateRoles: every item decided as its own ActivateRole with the bundle's justification,
 * ticket and passkey confirmation, each against the state the items before it leave (so two
 * items for one assignment overlap, and a reused id is a duplicate). All or nothing: the
 * first rejected item rejects the bundle with its own code, its message naming the role.
 */
export function activateRoles(
  command: CommandOf<'ActivateRoles'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const items: unknown = command.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BUNDLE_ITEMS) {
    return refuse(
      reject('invalid-value', `A bundle must hold 1 to ${MAX_BUNDLE_ITEMS} role activations.`),
    );
  }
  if (!isUsableId(command.bundleId)) return refuse(invalidIdRejection('bundle'));
  // Later items see the earlier ones' events; a private copy keeps `state` untouched.
  const running = items.length > 1 ? workingCopy(state) : state;
  const events: DomainEvent[] = [];
  for (const [index, item] of (items as BundleItem[]).entries()) {
    const decision = decideActivation(
      { ...item, justification: command.justification, ticket: command.ticket },
      running,
      ctx,
    );
    if (!decision.ok) {
      const assignment = getOwn(state.assignments, item.assignmentId);
      const role = assignment ? roleNameOf(state, assignment) : 'an unknown role';
      return refuse(
        reject(
          decision.rejection.code,
          sentence`Role ${index + 1} of ${items.length} (${role}): ${sentenceOf(decision.rejection)}`,
        ),
      );
    }
    if (running !== state) for (const event of decision.events) applyEvent(running, event);
    events.push(...decision.events);
  }
  return accept(...events);
}

/**
 * DeactivateRole: its holder calls off a scheduled activation any time before it starts, or ends
 * an active one from 5 minutes after it started.
 */
export function deactivateRole(
  command: CommandOf<'DeactivateRole'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const activation = getOwn(state.activations, command.activationId);
  if (!activation) {
    return refuse(reject('unknown-activation', `There is no activation ${command.activationId}.`));
  }
  const roleName = roleNameOf(state, activation);
  if (activation.principalId !== ctx.actor.id) {
    return refuse(
      reject('not-your-activation', `Only its holder can deactivate this ${roleName} activation.`),
    );
  }
  // A scheduled activation may be called off by its holder any time before it starts.
  if (isActivationScheduled(activation, ctx.at)) {
    return accept({ type: 'ActivationDeactivated', activationId: activation.id, at: ctx.at });
  }
  if (!isActivationActive(activation, ctx.at)) {
    return refuse(reject('not-active', `Your ${roleName} activation is no longer active.`));
  }
  // The 5-minute rule counts from the start, so it applies only once the activation began.
  const earliestEnd = canDeactivateAt(activation);
  if (ctx.at < earliestEnd) {
    return refuse(
      reject(
        'too-early-to-deactivate',
        sentence`${roleName} can be deactivated from ${instant(earliestEnd)}, ${MIN_MINUTES_BEFORE_DEACTIVATE} minutes after it started.`,
      ),
    );
  }
  return accept({ type: 'ActivationDeactivated', activationId: activation.id, at: ctx.at });
}

/** A ticket with both fields filled in, trimmed; null when absent or partly blank. */
function normaliseTicket(ticket: Ticket | null): Ticket | null {
  if (ticket === null || typeof ticket !== 'object') return null;
  const system = typeof ticket.system === 'string' ? ticket.system.trim() : '';
  const number = typeof ticket.number === 'string' ? ticket.number.trim() : '';
  return system !== '' && number !== '' ? { system, number } : null;
}

/** "1 hour", "8 hours", "90 minutes": a duration for a refusal. */
function describeMinutes(minutes: number): string {
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minutes`;
}
