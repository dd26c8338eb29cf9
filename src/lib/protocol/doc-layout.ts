/**
 * The layout of the Yjs documents the relay replicates (docs/api.md "Document layout"): which
 * documents there are, which map of which document holds each kind of record, the directory's
 * `meta` map, and the audit document's ledger array and checkpoint map. The relay writes them
 * (sync-server/projection.ts), the app reads them (src/lib/sync/read-model.ts), and the
 * benchmarks seed them, all by these names, so no side can drift from the others.
 */
import type { TenantState } from '#domain/model';

export const DOC_NAMES = ['directory', 'access', 'audit'] as const;
export type DocName = (typeof DOC_NAMES)[number];

export const isDocName = (name: string): name is DocName =>
  (DOC_NAMES as readonly string[]).includes(name);

/** The record collections of the tenant that are replicated: passkeys stay on the relay. */
export type ReplicatedRecords = Exclude<keyof TenantState, 'setupCompletedAt' | 'passkeys'>;

/**
 * Where each kind of record lives: document and map, keyed by id, each value the JSON text of
 * the record (ADR 0005). Alerts are in the audit document, so only audit readers receive them.
 */
export const RECORD_PLACES = {
  users: { doc: 'directory', map: 'users' },
  devices: { doc: 'directory', map: 'devices' },
  invites: { doc: 'directory', map: 'invites' },
  customRoles: { doc: 'directory', map: 'roles' },
  settings: { doc: 'directory', map: 'settings' },
  scopes: { doc: 'directory', map: 'scopes' },
  administrativeUnits: { doc: 'directory', map: 'administrativeUnits' },
  groups: { doc: 'directory', map: 'groups' },
  assignments: { doc: 'access', map: 'assignments' },
  activations: { doc: 'access', map: 'activations' },
  requests: { doc: 'access', map: 'requests' },
  assignmentRequests: { doc: 'access', map: 'assignmentRequests' },
  alerts: { doc: 'audit', map: 'alerts' },
} as const satisfies Record<ReplicatedRecords, { doc: DocName; map: string }>;

const recordMapsOf = (doc: DocName): readonly string[] =>
  Object.values(RECORD_PLACES)
    .filter((place) => place.doc === doc)
    .map((place) => place.map);

/** The maps of each document whose values are records (JSON text). */
export const RECORD_MAPS: Readonly<Record<DocName, readonly string[]>> = {
  directory: recordMapsOf('directory'),
  access: recordMapsOf('access'),
  audit: recordMapsOf('audit'),
};

/** The directory's map of plain values about the tenant (not records). */
export const META = {
  doc: 'directory',
  map: 'meta',
  setupCompletedAt: 'setupCompletedAt',
} as const;

/** The audit document's array: the canonical JSON text of every ledger entry, index = `seq`. */
export const LEDGER_ENTRIES = { doc: 'audit', array: 'entries' } as const;

/** The audit document's map holding the newest signed checkpoint note under `latest`. */
export const CHECKPOINT = { doc: 'audit', map: 'checkpoint', latest: 'latest' } as const;
