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
import {
  CHECKPOINT,
  DOC_NAMES,
  isDocName,
  LEDGER_ENTRIES,
  META,
  RECORD_PLACES,
  type DocName,
  type ReplicatedRecords,
} from '#protocol/doc-layout';

/**
 * Record values are stored as JSON text (ADR 0005): one Yjs string per record instead of a Yjs
 * structure of every field, which a browser decodes several times faster from IndexedDB (100,000
 * assignments). Text never shares objects with state.
 */
const plain = (value: unknown): string => JSON.stringify(value);

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
    const setIn = (records: ReplicatedRecords, id: string, value: unknown) => {
      const doc = this.docs[RECORD_PLACES[records].doc];
      doc.transact(() => doc.getMap(RECORD_PLACES[records].map).set(id, plain(value)), 'relay');
    };
    for (const event of events) {
      switch (event.type) {
        case 'SetupCompleted': {
          const dir = this.docs[META.doc];
          dir.transact(() => dir.getMap(META.map).set(META.setupCompletedAt, event.at), 'relay');
          break;
        }
        case 'UserCreated':
          setIn('users', event.user.id, state.users[event.user.id]);
          break;
        case 'PasskeyRegistered':
          // Credential ids and keys stay on the relay; clients get theirs from /api/confirm/nonce.
          break;
        case 'DeviceEnrolled':
          setIn('devices', event.device.id, state.devices[event.device.id]);
          break;
        case 'DeviceRevoked':
          setIn('devices', event.deviceId, state.devices[event.deviceId]);
          break;
        case 'InviteCreated':
          setIn('invites', event.invite.id, state.invites[event.invite.id]);
          break;
        case 'InviteRevoked':
        case 'InviteAccepted':
          setIn('invites', event.inviteId, state.invites[event.inviteId]);
          break;
        case 'RoleCreated':
          setIn('customRoles', event.role.id, state.customRoles[event.role.id]);
          break;
        case 'RoleAssigned':
          setIn('assignments', event.assignment.id, state.assignments[event.assignment.id]);
          break;
        case 'AssignmentRemoved':
        case 'AssignmentExpired':
          setIn('assignments', event.assignmentId, state.assignments[event.assignmentId]);
          break;
        case 'ActivationStarted': {
          setIn('activations', event.activation.id, state.activations[event.activation.id]);
          // A granted request becomes Provisioned by this event: project its new status too.
          const request = getOwn(state.requests, requestIdFor(event.activation.id));
          if (request) setIn('requests', request.id, request);
          break;
        }
        case 'ActivationDeactivated':
        case 'ActivationExpired':
          setIn('activations', event.activationId, state.activations[event.activationId]);
          break;
        case 'RoleSettingsUpdated': {
          // Resource roles' settings are keyed per role × scope (`settingsKey`).
          const key = settingsKey(event.roleId, event.scopeId);
          setIn('settings', key, getOwn(state.settings, key));
          break;
        }
        case 'ActivationRequested':
          setIn('requests', event.request.id, state.requests[event.request.id]);
          break;
        case 'RequestApproved':
        case 'RequestDenied':
        case 'RequestGranted':
          setIn('requests', event.requestId, state.requests[event.requestId]);
          break;
        // Both kinds of request can be cancelled, expire or fail; the id says which map holds it.
        case 'RequestCanceled':
        case 'RequestExpired':
        case 'RequestFailed': {
          const request = getOwn(state.requests, event.requestId);
          if (request) setIn('requests', request.id, request);
          const asked = getOwn(state.assignmentRequests, event.requestId);
          if (asked) setIn('assignmentRequests', asked.id, asked);
          break;
        }
        case 'UserBreakGlassSet':
          setIn('users', event.userId, state.users[event.userId]);
          break;
        case 'AlertRaised':
          // Alerts are for security readers: they live in the audit document, not the directory.
          setIn('alerts', event.alert.id, getOwn(state.alerts, event.alert.id));
          break;
        case 'AssignmentRequested':
          setIn(
            'assignmentRequests',
            event.request.id,
            getOwn(state.assignmentRequests, event.request.id),
          );
          break;
        case 'AssignmentRequestDecided':
          setIn(
            'assignmentRequests',
            event.requestId,
            getOwn(state.assignmentRequests, event.requestId),
          );
          break;
        case 'AssignmentUpdated':
        case 'AssignmentExtended':
          setIn('assignments', event.assignmentId, state.assignments[event.assignmentId]);
          break;
        case 'ScopeCreated':
          setIn('scopes', event.scope.id, getOwn(state.scopes, event.scope.id));
          break;
        case 'ScopeRenamed':
        case 'ScopeDeleted':
          setIn('scopes', event.scopeId, getOwn(state.scopes, event.scopeId));
          break;
        case 'AdministrativeUnitCreated':
          setIn(
            'administrativeUnits',
            event.unit.id,
            getOwn(state.administrativeUnits, event.unit.id),
          );
          break;
        case 'AdministrativeUnitMembersSet':
          setIn(
            'administrativeUnits',
            event.administrativeUnitId,
            getOwn(state.administrativeUnits, event.administrativeUnitId),
          );
          break;
        case 'GroupCreated':
          setIn('groups', event.group.id, getOwn(state.groups, event.group.id));
          break;
        case 'GroupMemberAdded':
        case 'GroupMemberRemoved':
        case 'GroupOwnerAdded':
        case 'GroupOwnerRemoved':
        case 'GroupNested':
        case 'GroupUnnested':
          setIn('groups', event.groupId, getOwn(state.groups, event.groupId));
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
    const audit = this.docs[LEDGER_ENTRIES.doc];
    audit.transact(
      () => audit.getArray<string>(LEDGER_ENTRIES.array).push([canonicalEntry]),
      'relay',
    );
  }

  projectCheckpoint(note: string): void {
    const audit = this.docs[CHECKPOINT.doc];
    audit.transact(() => audit.getMap(CHECKPOINT.map).set(CHECKPOINT.latest, note), 'relay');
  }

  /** Rebuilds every document from state (when stored updates are missing). */
  rebuild(state: TenantState, canonicalEntries: string[], checkpoint: string | null): void {
    const records: Record<ReplicatedRecords, Readonly<Record<string, unknown>>> = {
      users: state.users,
      devices: state.devices,
      invites: state.invites,
      customRoles: state.customRoles,
      // Keyed by `settingsKey`, not by a field of the value.
      settings: state.settings,
      scopes: state.scopes,
      administrativeUnits: state.administrativeUnits,
      groups: state.groups,
      assignments: state.assignments,
      activations: state.activations,
      requests: state.requests,
      assignmentRequests: state.assignmentRequests,
      alerts: state.alerts,
    };
    for (const name of DOC_NAMES) {
      const doc = this.docs[name];
      doc.transact(() => {
        if (name === META.doc) {
          doc.getMap(META.map).set(META.setupCompletedAt, state.setupCompletedAt);
        }
        if (name === LEDGER_ENTRIES.doc) {
          doc.getArray<string>(LEDGER_ENTRIES.array).push(canonicalEntries);
        }
        for (const [kind, place] of Object.entries(RECORD_PLACES)) {
          if (place.doc !== name) continue;
          const map = doc.getMap(place.map);
          for (const [id, value] of Object.entries(records[kind as ReplicatedRecords])) {
            map.set(id, plain(value));
          }
        }
        if (name === CHECKPOINT.doc && checkpoint) {
          doc.getMap(CHECKPOINT.map).set(CHECKPOINT.latest, checkpoint);
        }
      }, 'relay');
    }
  }
}
