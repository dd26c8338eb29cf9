/**
 * Commands that had to wait in the outbox (made offline, or re-sent after a reload) and what the
 * relay decided about each, in words. Provided through context from the root layout.
 */
import { createContext } from 'svelte';
import type { LeaseholdClient, QueuedCommand } from '$lib/services';
import { findRole } from '#domain/catalogue';
import { describeRejection } from '#domain/describe';
import { commandAcceptedUntil, commandStaleness } from '#domain/freshness';
import { instant, sentence, type Sentence } from '#domain/sentence';
import { getOwn } from '#domain/records';
import type { UserCommand } from '#domain/commands';
import type { Iso, TenantState } from '#domain/model';

export type QueuedRow = {
  cmdId: string;
  what: string;
  /** In words; instants are typed (a Sentence) for the view to say locally. */
  outcome: string | Sentence;
  tone: 'waiting' | 'ok' | 'pending' | 'bad';
  /** Not answered by the relay yet. */
  waiting: boolean;
};

export class OutboxState {
  items = $state<QueuedCommand[]>([]);
  readonly waiting = $derived(this.items.filter((i) => i.state === 'waiting').length);
  readonly decided = $derived(this.items.filter((i) => i.state !== 'waiting').length);

  readonly #client: LeaseholdClient;

  constructor(client: LeaseholdClient) {
    this.#client = client;
  }

  /** Follows the outbox; returns the cleanup for onMount. */
  follow(): () => void {
    return this.#client.onQueuedCommands((items) => (this.items = items));
  }

  dismiss(): Promise<void> {
    return this.#client.dismissQueuedOutcomes();
  }

  /**
   * Each queued command and its outcome in plain words, against the current tenant state; a
   * waiting one says until when the relay still accepts it, or that it no longer will at `at`.
   */
  rows(state: TenantState, at: Iso): QueuedRow[] {
    return this.items.map((item) => describeQueued(item, state, at));
  }
}

function roleName(state: TenantState, roleId: string | undefined): string {
  if (!roleId) return 'a role';
  return findRole(state, roleId)?.name ?? roleId;
}

function describeCommand(command: UserCommand, state: TenantState): string {
  switch (command.type) {
    case 'ActivateRole':
      return `Activate ${roleName(state, getOwn(state.assignments, command.assignmentId)?.roleId)}`;
    case 'ActivateRoles':
      return `Activate ${command.items.length} roles`;
    case 'ApproveRequest':
    case 'DenyRequest':
    case 'CancelRequest': {
      const request = getOwn(state.requests, command.requestId);
      const who = request ? (getOwn(state.users, request.principalId)?.displayName ?? '') : '';
      const verb =
        command.type === 'ApproveRequest'
          ? 'Approve'
          : command.type === 'DenyRequest'
            ? 'Deny'
            : 'Cancel';
      const role = roleName(state, request?.roleId);
      return `${verb} the request${who ? ` from ${who}` : ''} for ${role}`;
    }
    case 'DecideRequests':
      return `${command.decision === 'approve' ? 'Approve' : 'Deny'} ${command.requestIds.length} requests`;
    case 'DeactivateRole':
      return `Deactivate ${roleName(state, getOwn(state.activations, command.activationId)?.roleId)}`;
    default:
      return command.type.replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}

/** What will become of a command still waiting to be sent, by the relay's freshness rule. */
function waitingOutcome(item: QueuedCommand, at: Iso): Pick<QueuedRow, 'outcome' | 'tone'> {
  const stale = commandStaleness(item.issuedAt, at);
  if (stale?.reason === 'too-old') {
    return {
      outcome: sentence`Too old to send: the relay accepts a command for ${stale.limitDays} days after it is made, so it will refuse this one (made ${instant(item.issuedAt)}). Do it again.`,
      tone: 'bad',
    };
  }
  if (stale?.reason === 'issued-in-future') {
    return {
      outcome: `The relay will refuse it: it was made while this device's clock was more than ${stale.limitMinutes} minutes ahead. Check the clock and do it again.`,
      tone: 'bad',
    };
  }
  return {
    outcome: sentence`Waiting to send. If it has not reached the relay by ${instant(commandAcceptedUntil(item.issuedAt))}, the relay will refuse it and you will have to do it again.`,
    tone: 'waiting',
  };
}

function describeQueued(item: QueuedCommand, state: TenantState, at: Iso): QueuedRow {
  const what = describeCommand(item.command, state);
  const row = { cmdId: item.cmdId, what, waiting: false };
  if (item.state === 'waiting') return { ...row, waiting: true, ...waitingOutcome(item, at) };
  if (item.state === 'accepted') {
    const command = item.command;
    const request =
      command.type === 'ActivateRole'
        ? getOwn(state.requests, `req_${command.activationId}`)
        : undefined;
    if (request?.status === 'PendingApproval') {
      return { ...row, outcome: 'Sent: now pending approval', tone: 'pending' };
    }
    return { ...row, outcome: 'Accepted', tone: 'ok' };
  }
  const rejection = item.rejection ?? { code: 'malformed-command', message: '' };
  let reason = describeRejection(rejection);
  const command = item.command;
  if (
    rejection.code === 'request-not-pending' &&
    'requestId' in command &&
    getOwn(state.requests, command.requestId)?.status === 'Canceled'
  ) {
    reason = sentence`The request was cancelled meanwhile. ${reason}`;
  }
  return { ...row, outcome: sentence`Rejected: ${reason}`, tone: 'bad' };
}

const [getOutbox, setOutboxContext] = createContext<OutboxState>();

export const useOutbox = getOutbox;
export const setOutbox = setOutboxContext;
