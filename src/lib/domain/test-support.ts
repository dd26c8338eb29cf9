/**
 * Test-only helpers for the decider's given/when/then specs (Emmett style). Not imported by
 * production code. Worlds are built by running real commands through `decide`, so fixtures
 * can never drift from what the decider actually emits.
 */
import { expect } from 'vitest';
import { DEFAULT_ROLE_SETTINGS, settingsFor } from '#domain/settings/settings';
import { ROLE_IDS } from './catalogue';
import type { Command, RelayCommand } from './commands';
import { decide } from './decide';
import type { Decision, DecisionContext } from './decision';
import type { DomainEvent } from './events';
import type { Iso, RoleSettings, TenantState, UserId } from './model';
import type { RejectionCode } from './rejections';
import { foldEvents } from './state';
import { addMinutes } from './time';

/** A fixed start of time for specs. */
export const T0: Iso = '2026-03-02T09:00:00.000Z';

/** `T0` plus `minutes`. */
export const at = (minutes: number): Iso => addMinutes(T0, minutes);

export const asSystem = (when: Iso = T0): DecisionContext => ({
  at: when,
  actor: { kind: 'system' },
  passkeyConfirmed: false,
});

export const asUser = (
  userId: UserId,
  when: Iso = T0,
  { passkey = true }: { passkey?: boolean } = {},
): DecisionContext => ({
  at: when,
  actor: { kind: 'user', userId, deviceId: `device-${userId}` },
  passkeyConfirmed: passkey,
});

/**
 * given(events).when(command, ctx).then(events) | .thenRejects(code) | .thenAccepts().
 * The result has a `then` method, so never `await` it or return it from a test callback.
 */
export function given(events: readonly DomainEvent[]) {
  return {
    when(command: Command, ctx: DecisionContext) {
      const state = foldEvents(events);
      const before = structuredClone(state);
      const decision = decide(command, state, ctx);
      // Every spec doubles as a check that decide leaves its input alone.
      expect(state).toEqual(before);
      return {
        decision,
        then(expected: DomainEvent[]) {
          expect(decision).toEqual({ ok: true, events: expected });
          return decision;
        },
        thenRejects(code: RejectionCode) {
          expect(decision.ok ? decision.events : decision.rejection.code).toBe(code);
          if (!decision.ok) expect(decision.rejection.message.length).toBeGreaterThan(0);
          return decision;
        },
        thenAccepts() {
          expect(decision.ok ? 'accepted' : decision.rejection).toBe('accepted');
          return (decision as Extract<Decision, { ok: true }>).events;
        },
      };
    },
  };
}

/** A world under construction: run commands, keep the accepted events. */
export class World {
  readonly events: DomainEvent[] = [];

  get state(): TenantState {
    return foldEvents(this.events);
  }

  /** Runs a command that must be accepted; fails the test with the rejection otherwise. */
  run(command: Command, ctx: DecisionContext): DomainEvent[] {
    const decision = decide(command, this.state, ctx);
    if (!decision.ok) {
      throw new Error(
        `${command.type} rejected: ${decision.rejection.code}: ${decision.rejection.message}`,
      );
    }
    this.events.push(...decision.events);
    return decision.events;
  }

  /** The CompleteSetup command for a bootstrap administrator. */
  static setupCommand(
    userId: UserId = 'ada',
    displayName = 'Ada',
  ): Extract<RelayCommand, { type: 'CompleteSetup' }> {
    return {
      type: 'CompleteSetup',
      userId,
      displayName,
      passkey: passkeyFor(userId),
      device: deviceFor(userId),
      assignmentId: `bootstrap-${userId}`,
    };
  }

  /** A set-up tenant with Ada as the bootstrap Global Administrator, at `T0`. */
  static setUp(): World {
    const world = new World();
    world.run(World.setupCommand(), asSystem(T0));
    return world;
  }

  /** Invites and admits a user (as Ada), returning their id. */
  addUser(userId: UserId, displayName: string, when: Iso = T0): UserId {
    const inviteId = `invite-${userId}`;
    this.run(
      {
        type: 'CreateInvite',
        inviteId,
        tokenHash: `hash-${userId}`,
        displayName,
        administrativeUnitId: null,
      },
      asUser('ada', when),
    );
    this.run(
      {
        type: 'AcceptInvite',
        inviteId,
        tokenHash: `hash-${userId}`,
        userId,
        displayName,
        passkey: passkeyFor(userId),
        device: deviceFor(userId),
      },
      asSystem(when),
    );
    return userId;
  }

  /** Assigns a role (as Ada by default); `endsAt` null is permanent. */
  assign(
    assignmentId: string,
    principalId: UserId,
    roleId: string,
    assignmentType: 'eligible' | 'active',
    { when = T0, endsAt = null, by = 'ada' }: { when?: Iso; endsAt?: Iso | null; by?: UserId } = {},
  ): void {
    this.run(
      {
        type: 'AssignRole',
        assignmentId,
        principalId,
        principalKind: 'user',
        roleId,
        scopeId: null,
        administrativeUnitId: null,
        assignmentType,
        startsAt: null,
        endsAt,
        justification: 'Needed for the on-call rota',
      },
      asUser(by, when),
    );
  }

  /** Changes some of a role's settings (as Ada by default), keeping the rest. */
  configure(
    roleId: string,
    change: Partial<RoleSettings>,
    { when = T0, by = 'ada' }: { when?: Iso; by?: UserId } = {},
  ): void {
    this.run(
      {
        type: 'UpdateRoleSettings',
        roleId,
        settings: { ...settingsFor(this.state, roleId), ...change },
        scopeId: null,
      },
      asUser(by, when),
    );
  }

  /** Approves or denies a request as `userId`, with a reason and a passkey confirmation. */
  decideRequest(
    requestId: string,
    userId: UserId,
    when: Iso,
    verdict: 'approve' | 'deny' = 'approve',
  ): DomainEvent[] {
    return this.run(
      {
        type: verdict === 'approve' ? 'ApproveRequest' : 'DenyRequest',
        requestId,
        justification: 'Matches the incident ticket',
      },
      asUser(userId, when),
    );
  }

  /** Activates an eligible assignment as its holder; a `startsAt` schedules it. */
  activate(
    activationId: string,
    assignmentId: string,
    userId: UserId,
    when: Iso,
    durationMinutes = 60,
    startsAt: Iso | null = null,
  ): void {
    this.run(
      {
        type: 'ActivateRole',
        activationId,
        assignmentId,
        durationMinutes,
        startsAt,
        justification: 'Investigating incident 42',
        ticket: null,
      },
      asUser(userId, when),
    );
  }
}

export const passkeyFor = (userId: UserId) => ({
  id: `cred-${userId}`,
  publicKey: `pk-${userId}`,
  transports: ['internal'],
  backedUp: true,
});

export const deviceFor = (userId: UserId, n = 1) => ({
  id: n === 1 ? `device-${userId}` : `device-${userId}-${n}`,
  publicKey: { kty: 'EC' as const, crv: 'P-256' as const, x: `x-${userId}`, y: `y-${userId}` },
  label: `${userId}'s laptop`,
});

// The decider specs by command share one small tenant and two command builders.

/** Ada (bootstrap GA) and Grace (no roles, eligible for Security Reader via e1). */
export function tenant(): World {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  w.assign('e1', 'grace', ROLE_IDS.SecurityReader, 'eligible');
  return w;
}

/** `tenant()`, and Grace is eligible for PRA from T0 until at(60) (b1). */
export function tenantWithBounded(): DomainEvent[] {
  const w = tenant();
  w.assign('b1', 'grace', ROLE_IDS.PrivilegedRoleAdministrator, 'eligible', { endsAt: at(60) });
  return w.events;
}

/** Injects a settings override without a ledger entry, for specs about other commands. */
export const withSettings = (
  events: DomainEvent[],
  roleId: string,
  change: Partial<RoleSettings>,
) => {
  const state = foldEvents(events);
  state.settings[roleId] = { ...DEFAULT_ROLE_SETTINGS, ...change };
  return state;
};

/** Grace's ActivateRole of e1 for an hour from now; `over` changes any field. */
export const activate = (
  over: Partial<Extract<Command, { type: 'ActivateRole' }>> = {},
): Command => ({
  type: 'ActivateRole',
  activationId: 'act1',
  assignmentId: 'e1',
  durationMinutes: 60,
  startsAt: null,
  justification: 'Investigating incident 42',
  ticket: null,
  ...over,
});

/** An AssignRole of Global Reader to Grace, eligible and permanent; `over` changes any field. */
export const assign = (over: Partial<Extract<Command, { type: 'AssignRole' }>> = {}): Command => ({
  type: 'AssignRole',
  assignmentId: 'new',
  principalId: 'grace',
  principalKind: 'user',
  roleId: ROLE_IDS.GlobalReader,
  scopeId: null,
  administrativeUnitId: null,
  assignmentType: 'eligible',
  startsAt: null,
  endsAt: null,
  justification: 'Joins the security team',
  ...over,
});

/** The events an accepted command produces; a rejection fails the spec with its code. */
export function decideOk(command: Command, state: TenantState, ctx: DecisionContext) {
  const d = decide(command, state, ctx);
  if (!d.ok) throw new Error(`${command.type}: ${d.rejection.code}`);
  return d.events;
}
