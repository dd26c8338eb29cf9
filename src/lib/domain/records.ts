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

/**
 * The record's values, cached per record object until `putOwn` changes it. Large records (a
 * tenant's 100,000 assignments) sit in V8's dictionary mode, where every `Object.values` costs
 * tens of milliseconds; the domain asks many times per decision and per render. The array is
 * frozen: copy it before sorting. Write records only through `putOwn`, or the cache goes stale.
 */
export function valuesOf<T>(record: Readonly<Record<string, T>>): readonly T[] {
  let values = valuesCache.get(record) as readonly T[] | undefined;
  if (values === undefined) {
    values = Object.freeze(Object.values(record));
    valuesCache.set(record, values);
  }
  return values;
}

const valuesCache = new WeakMap<object, readonly unknown[]>();
const derivedCache = new WeakMap<object, Map<string, unknown>>();

/**
 * Something computed from a record's values, cached with them until `putOwn` changes the record.
 * `compute` may read only what never changes in a stored value (ids, a record's role and
 * principal): the domain updates other fields in place, which does not clear the cache.
 */
function derivedOf<T>(record: object, key: string, compute: () => T): T {
  let derived = derivedCache.get(record);
  if (!derived) {
    derived = new Map();
    derivedCache.set(record, derived);
  }
  if (derived.has(key)) return derived.get(key) as T;
  const value = compute();
  derived.set(key, value);
  return value;
}

/**
 * The record's values grouped by `field` (which must never change once stored, like
 * `principalId` or `roleId`), each group in the record's order. Cached like `valuesOf`.
 */
export function indexBy<T, K extends keyof T & string>(
  record: Readonly<Record<string, T>>,
  field: K,
): ReadonlyMap<T[K], readonly T[]> {
  return derivedOf(record, `index:${field}`, () => {
    const index = new Map<T[K], T[]>();
    for (const value of valuesOf(record)) {
      const key = value[field];
      const list = index.get(key);
      if (list) list.push(value);
      else index.set(key, [value]);
    }
    return index;
  });
}

/** The values whose `field` (never changing once stored) starts with `prefix`, in record order. */
export function withPrefix<T, K extends keyof T & string>(
  record: Readonly<Record<string, T>>,
  field: K,
  prefix: string,
): readonly T[] {
  return derivedOf(record, `prefix:${field}:${prefix}`, () =>
    valuesOf(record).filter((v) => String(v[field]).startsWith(prefix)),
  );
}

/** Each value's position in the record's order, to merge groups from `indexBy` back in order. */
export function positionsOf<T>(record: Readonly<Record<string, T>>): ReadonlyMap<T, number> {
  return derivedOf(record, 'positions', () => new Map(valuesOf(record).map((v, i) => [v, i])));
}

/** Sets the record's own entry for `key`; defines it for `__proto__` so no prototype changes. */
export function putOwn<T>(record: Record<string, T>, key: string, value: T): void {
  valuesCache.delete(record);
  derivedCache.delete(record);
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
