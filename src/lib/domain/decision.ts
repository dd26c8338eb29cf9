/**
 * What every decider shares (Emmett style): a decider takes a command, the state it arrives at
 * and a context, and returns a Decision — the events to append, or the one Rejection that stops
 * it. Pure: the time, the actor and whether a passkey confirmed this exact command all arrive
 * in the context. Kept apart from `decide` (the dispatcher) so the feature deciders can use it
 * without importing the dispatcher that imports them.
 */
import type { Command } from './commands';
import type { DomainEvent } from './events';
import type { DeviceId, Iso, User, UserId } from './model';
import type { Rejection } from './rejections';

/** Who is acting and when; arrives from the relay (or the client's preview), never from the clock. */
export type DecisionContext = {
  at: Iso;
  /** The signed-in user (device-key verified), or 'system' for the relay's own commands. */
  actor: { kind: 'user'; userId: UserId; deviceId: DeviceId } | { kind: 'system' };
  /** True when the relay verified a passkey assertion bound to this exact command. */
  passkeyConfirmed: boolean;
};

/** The outcome of `decide`: the events to append, or why nothing happens. */
export type Decision = { ok: true; events: DomainEvent[] } | { ok: false; rejection: Rejection };

/** What a user command is decided with: the acting user, resolved and known to be enabled. */
export type UserContext = { at: Iso; actor: User; passkeyConfirmed: boolean };

/** The command of type `T`, as a decider for it receives it. */
export type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

/** The command happens: these events follow from it, in this order. */
export const accept = (...events: DomainEvent[]): Decision => ({ ok: true, events });

/** The command is refused for this reason; nothing is appended but the refusal. */
export const refuse = (rejection: Rejection): Decision => ({ ok: false, rejection });
