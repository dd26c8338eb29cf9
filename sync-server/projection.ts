/**
 * The read-only Y.Docs the relay replicates to clients (docs/api.md "Document layout").
 * The relay is their only writer: accepted events are projected here, the resulting Yjs updates
 * are stored in the same transaction as the ledger entries and broadcast after the commit.
 */
import * as Y from 'yjs';
import { getOwn } from '#domain/records';
import { settingsKey } from '#domain/settings/settings';
import { requestIdFor } from '#domain/approvals/requests';
import type { DomainEvent } from '#domain/events';
import type { TenantState } from '#domain/model';

export const DOC_NAMES = ['directory', 'access', 'audit'] as const;
export type DocName = (typeof DOC_NAMES)[number];

export const isDocName = (name: string): name is DocName =>
  (DOC_NAMES as readonly string[]).includes(name);

/**
 * Record values are stored as JSON text (ADR 0005): one Yjs string per record instead of a Yjs
 * structure of every field, which a browser decodes several times faster from IndexedDB (100,000
 * assignments). Text never shares objects with state.
 */
const plain = (value: unknown): string => JSON.stringify(value);

/** The maps whose values are records (JSON text); `meta` and `checkpoint` hold plain values. */
export const RECORD_MAPS: Readonly<Record<DocName, readonly string[]>> = {
  directory: [
    'users',
    'devices',
    'invites',
    'roles',
    'settings',
    'scopes',
    'administrativeUnits',
    'groups',
  ],
  access: ['assignments', 'activations', 'requests', 'assignmentRequests'],
  audit: ['alerts'],
};

export class Projection {
  readonly docs: Record<DocName, Y.Doc> = {
    directory: new Y.Doc(),
    access: new Y.Doc(),
    audit: new Y.Doc(),
  };
  #pending: { doc: DocName; update: Uint8Array }[] = [];

  constructor() {
    for (const name of DOC_NAMES) {
      this.docs[name].on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== 'load') this.#pending.push({ doc: name, update });
      });
    }
  }

  /** Applies stored updates at start-up (not captured as new writes). */
  load(doc: string, update: Uint8Array): void {
    if (isDocName(doc)) Y.applyUpdate(this.docs[doc], update, 'load');
  }

  isEmpty(): boolean {
    return DOC_NAMES.every((name) => Y.encodeStateVector(this.docs[name]).length <= 1);
  }

  /** Takes the updates written since the last call, merged per document. */
  takeUpdates(): { doc: DocName; update: Uint8Array }[] {
    const byDoc = new Map<DocName, Uint8Array[]>();
    for (const { doc, update } of this.#pending) {
      const list = byDoc.get(doc);
      if (list) list.push(update);
      else byDoc.set(doc, [update]);
    }
    this.#pending = [];
    return [...byDoc].map(([doc, updates]) => ({
      doc,
      update: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates),
    }));
  }

  /** Writes what the events changed, reading the new values from the already-evolved state. */
  projectEvents(events: readonly DomainEvent[], state: TenantState): void {
    const dir = this.docs.directory;
    const acc = this.docs.access;
    const setIn = (doc: Y.Doc, map: string, id: string, value: unknown) =>
      doc.transact(() => doc.getMap(map).set(id, plain(value)), 'relay');
    for (const event of events) {
      switch (event.type) {
        case 'SetupCompleted':
          dir.transact(() => dir.getMap('meta').set('setupCompletedAt', event.at), 'relay');
          break;
        case 'UserCreated':
          setIn(dir, 'users', event.user.id, state.users[event.user.id]);
          break;
        case 'PasskeyRegistered':
          // Credential ids and keys stay on the relay; clients get theirs from /api/confirm/nonce.
          break;
        case 'DeviceEnrolled':
          setIn(dir, 'devices', event.device.id, state.devices[event.device.id]);
          break;
        case 'DeviceRevoked':
          setIn(dir, 'devices', event.deviceId, state.devices[event.deviceId]);
          break;
        case 'InviteCreated':
          setIn(dir, 'invites', event.invite.id, state.invites[event.invite.id]);
          break;
        case 'InviteRevoked':
        case 'InviteAccepted':
          setIn(dir, 'invites', event.inviteId, state.invites[event.inviteId]);
          break;
        case 'RoleCreated':
          setIn(dir, 'roles', event.role.id, state.customRoles[event.role.id]);
          break;
        case 'RoleAssigned':
          setIn(acc, 'assignments', event.assignment.id, state.assignments[event.assignment.id]);
          break;
        case 'AssignmentRemoved':
        case 'AssignmentExpired':
          setIn(acc, 'assignments', event.assignmentId, state.assignments[event.assignmentId]);
          break;
        case 'ActivationStarted': {
          setIn(acc, 'activations', event.activation.id, state.activations[event.activation.id]);
          // A granted request becomes Provisioned by this event: project its new status too.
          const request = getOwn(state.requests, requestIdFor(event.activation.id));
          if (request) setIn(acc, 'requests', request.id, request);
          break;
        }
        case 'ActivationDeactivated':
        case 'ActivationExpired':
          setIn(acc, 'activations', event.activationId, state.activations[event.activationId]);
          break;
        case 'RoleSettingsUpdated': {
          // Resource roles' settings are keyed per role × scope (`settingsKey`).
          const key = settingsKey(event.roleId, event.scopeId);
          setIn(dir, 'settings', key, getOwn(state.settings, key));
          break;
        }
        case 'ActivationRequested':
          setIn(acc, 'requests', event.request.id, state.requests[event.request.id]);
          break;
        case 'RequestApproved':
        case 'RequestDenied':
        case 'RequestGranted':
          setIn(acc, 'requests', event.requestId, state.requests[event.requestId]);
          break;
        // Both kinds of request can be cancelled, expire or fail; the id says which map holds it.
        case 'RequestCanceled':
        case 'RequestExpired':
        case 'RequestFailed': {
          const request = getOwn(state.requests, event.requestId);
          if (request) setIn(acc, 'requests', request.id, request);
          const asked = getOwn(state.assignmentRequests, event.requestId);
          if (asked) setIn(acc, 'assignmentRequests', asked.id, asked);
          break;
        }
        case 'UserBreakGlassSet':
          setIn(dir, 'users', event.userId, state.users[event.userId]);
          break;
        case 'AlertRaised':
          // Alerts are for security readers: they live in the audit document, not the directory.
          setIn(this.docs.audit, 'alerts', event.alert.id, getOwn(state.alerts, event.alert.id));
          break;
        case 'AssignmentRequested':
          setIn(
            acc,
            'assignmentRequests',
            event.request.id,
            getOwn(state.assignmentRequests, event.request.id),
          );
          break;
        case 'AssignmentRequestDecided':
          setIn(
            acc,
            'assignmentRequests',
            event.requestId,
            getOwn(state.assignmentRequests, event.requestId),
          );
          break;
        case 'AssignmentUpdated':
        case 'AssignmentExtended':
          setIn(acc, 'assignments', event.assignmentId, state.assignments[event.assignmentId]);
          break;
        case 'ScopeCreated':
          setIn(dir, 'scopes', event.scope.id, getOwn(state.scopes, event.scope.id));
          break;
        case 'ScopeRenamed':
        case 'ScopeDeleted':
          setIn(dir, 'scopes', event.scopeId, getOwn(state.scopes, event.scopeId));
          break;
        case 'AdministrativeUnitCreated':
          setIn(
            dir,
            'administrativeUnits',
            event.unit.id,
            getOwn(state.administrativeUnits, event.unit.id),
          );
          break;
        case 'AdministrativeUnitMembersSet':
          setIn(
            dir,
            'administrativeUnits',
            event.administrativeUnitId,
            getOwn(state.administrativeUnits, event.administrativeUnitId),
          );
          break;
        case 'GroupCreated':
          setIn(dir, 'groups', event.group.id, getOwn(state.groups, event.group.id));
          break;
        case 'GroupMemberAdded':
        case 'GroupMemberRemoved':
        case 'GroupOwnerAdded':
        case 'GroupOwnerRemoved':
        case 'GroupNested':
        case 'GroupUnnested':
          setIn(dir, 'groups', event.groupId, getOwn(state.groups, event.groupId));
          break;
        default: {
          const never: never = event;
          throw new Error(`unprojected event ${(never as DomainEvent).type}`);
        }
      }
    }
  }

  /** Appends a sealed ledger entry (its canonical JSON) and the newest checkpoint to the audit doc. */
  projectEntry(canonicalEntry: string): void {
    this.docs.audit.transact(
      () => this.docs.audit.getArray<string>('entries').push([canonicalEntry]),
      'relay',
    );
  }

  projectCheckpoint(note: string): void {
    this.docs.audit.transact(
      () => this.docs.audit.getMap('checkpoint').set('latest', note),
      'relay',
    );
  }

  /** Rebuilds every document from state (when stored updates are missing). */
  rebuild(state: TenantState, canonicalEntries: string[], checkpoint: string | null): void {
    const dir = this.docs.directory;
    const acc = this.docs.access;
    dir.transact(() => {
      dir.getMap('meta').set('setupCompletedAt', state.setupCompletedAt);
      for (const u of Object.values(state.users)) dir.getMap('users').set(u.id, plain(u));
      for (const d of Object.values(state.devices)) dir.getMap('devices').set(d.id, plain(d));
      for (const i of Object.values(state.invites)) dir.getMap('invites').set(i.id, plain(i));
      for (const r of Object.values(state.customRoles)) dir.getMap('roles').set(r.id, plain(r));
      for (const [id, s] of Object.entries(state.settings))
        dir.getMap('settings').set(id, plain(s));
      for (const s of Object.values(state.scopes)) dir.getMap('scopes').set(s.id, plain(s));
      for (const u of Object.values(state.administrativeUnits))
        dir.getMap('administrativeUnits').set(u.id, plain(u));
      for (const g of Object.values(state.groups)) dir.getMap('groups').set(g.id, plain(g));
    }, 'relay');
    acc.transact(() => {
      for (const a of Object.values(state.assignments))
        acc.getMap('assignments').set(a.id, plain(a));
      for (const a of Object.values(state.activations))
        acc.getMap('activations').set(a.id, plain(a));
      for (const r of Object.values(state.requests)) acc.getMap('requests').set(r.id, plain(r));
      for (const r of Object.values(state.assignmentRequests))
        acc.getMap('assignmentRequests').set(r.id, plain(r));
    }, 'relay');
    this.docs.audit.transact(() => {
      this.docs.audit.getArray<string>('entries').push(canonicalEntries);
      for (const a of Object.values(state.alerts))
        this.docs.audit.getMap('alerts').set(a.id, plain(a));
      if (checkpoint) this.docs.audit.getMap('checkpoint').set('latest', checkpoint);
    }, 'relay');
  }
}
