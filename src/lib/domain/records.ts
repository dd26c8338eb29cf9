import type { Alert, AlertId, AssignmentRequest, RequestId, TenantState } from './types';

/**
 * Safe access to the id-keyed records of TenantState. Ids come from clients, so a plain
 * `record[id]` could find inherited members (`constructor`, `toString`) or, on write,
 * `__proto__` could replace the record's prototype. These helpers only see own properties.
 */

/** The record's own entry for `key`, never an inherited member. */
export function getOwn<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** True when the record has its own entry for `key`. */
export function hasOwn(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.hasOwn(record, key);
}

/** Sets the record's own entry for `key`; defines it for `__proto__` so no prototype changes. */
export function putOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    record[key] = value;
  }
}

/** Longest id the domain accepts; ids are UUIDs or base64url credential ids in practice. */
export const MAX_ID_LENGTH = 256;

/**
 * True when a client-chosen id is usable as a record key: a non-empty string of bounded
 * length that is not `__proto__` (which JSON, Yjs maps and plain objects all treat specially).
 */
export function isUsableId(id: unknown): id is string {
  return (
    typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH && id !== '__proto__'
  );
}

/** The tenant's extension and renewal requests (absent in read models that predate them). */
export function assignmentRequestsOf(
  state: Pick<TenantState, 'assignmentRequests'>,
): Readonly<Record<RequestId, AssignmentRequest>> {
  return state.assignmentRequests ?? {};
}

/** The tenant's security alerts (absent in read models that predate them). */
export function alertsOf(state: Pick<TenantState, 'alerts'>): Readonly<Record<AlertId, Alert>> {
  return state.alerts ?? {};
}
