/**
 * Builders for the issue-3 activation extras: scheduled activation, bundle activation,
 * extension and renewal requests and decisions, direct extension, break-glass accounts.
 * Separate from `commands.ts` so this work grows without touching it. The relay decides each
 * command with the same domain code the app previews it with (`decide`).
 */
import { randomId } from '#ledger/bytes';
import type { BundleItem, UserCommand } from '#domain/commands';
import type { AssignmentId, AssignmentType, Iso, RequestId, Ticket, UserId } from '#domain/model';

const cleanTicket = (ticket: Ticket | null): Ticket | null =>
  ticket ? { system: ticket.system.trim(), number: ticket.number.trim() } : null;

export type ScheduledActivationInput = {
  assignmentId: AssignmentId;
  durationMinutes: number;
  /** null: now. */
  startsAt: Iso | null;
  justification: string;
  ticket: Ticket | null;
};

/** One activation, now or scheduled for a later start. */
export function activateRoleAt(input: ScheduledActivationInput): UserCommand {
  return {
    type: 'ActivateRole',
    activationId: `act_${randomId()}`,
    assignmentId: input.assignmentId,
    durationMinutes: input.durationMinutes,
    startsAt: input.startsAt,
    justification: input.justification.trim(),
    ticket: cleanTicket(input.ticket),
  };
}

export type BundleItemInput = {
  assignmentId: AssignmentId;
  durationMinutes: number;
  startsAt: Iso | null;
};

/** Several activations in one command, so one passkey ceremony covers them all. */
export function activateRoles(
  items: BundleItemInput[],
  justification: string,
  ticket: Ticket | null,
): UserCommand & { type: 'ActivateRoles' } {
  const bundleItems: BundleItem[] = items.map((item) => ({
    activationId: `act_${randomId()}`,
    assignmentId: item.assignmentId,
    durationMinutes: item.durationMinutes,
    startsAt: item.startsAt,
  }));
  return {
    type: 'ActivateRoles',
    bundleId: `bundle_${randomId()}`,
    items: bundleItems,
    justification: justification.trim(),
    ticket: cleanTicket(ticket),
  };
}

/** The assignee asks to extend (ends within 14 days) or renew (expired within 30 days). */
export function requestAssignmentChange(
  kind: 'extend' | 'renew',
  assignmentId: AssignmentId,
  endsAt: Iso,
  justification: string,
): UserCommand {
  return {
    type: kind === 'extend' ? 'RequestExtension' : 'RequestRenewal',
    requestId: `areq_${randomId()}`,
    assignmentId,
    endsAt,
    justification: justification.trim(),
  };
}

/** An administrator's verdict on an extension or renewal; nulls keep what was asked. */
export function decideExtension(
  requestId: RequestId,
  decision: 'approve' | 'deny',
  endsAt: Iso | null,
  assignmentType: AssignmentType | null,
  justification: string,
): UserCommand {
  return {
    type: 'DecideExtension',
    requestId,
    decision,
    endsAt: decision === 'approve' ? endsAt : null,
    assignmentType: decision === 'approve' ? assignmentType : null,
    justification: justification.trim(),
  };
}

/** An administrator extends a current assignment; null makes it permanent. */
export function extendAssignment(
  assignmentId: AssignmentId,
  endsAt: Iso | null,
  justification: string,
): UserCommand {
  return { type: 'ExtendAssignment', assignmentId, endsAt, justification: justification.trim() };
}

/** A Global Administrator marks or unmarks a break-glass account (always passkey-confirmed). */
export function setBreakGlass(
  userId: UserId,
  breakGlass: boolean,
  justification: string,
): UserCommand {
  return { type: 'SetBreakGlass', userId, breakGlass, justification: justification.trim() };
}
