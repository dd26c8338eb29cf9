/**
 * Reads the relay's documents (docs/api.md "Document layout") into the domain's TenantState shape,
 * so the same domain functions the relay uses (decide, permissions, expiry) run on the client.
 */
import type * as Y from 'yjs';
import {
  CHECKPOINT,
  LEDGER_ENTRIES,
  META,
  RECORD_PLACES,
  type ReplicatedRecords,
} from '#protocol/doc-layout';
import type { LedgerEntry } from '#protocol/ledger-entry';
import { putOwn } from '#domain/records';
import type { Iso, TenantState } from '#domain/model';

/**
 * Parsed record values by document map and key, kept while the stored text is the same string:
 * Yjs hands back the same string object for an unchanged entry, so a comparison is a pointer
 * check and each record is parsed once, not on every update.
 */
const parsed = new WeakMap<Y.Map<unknown>, Map<string, { text: string; value: unknown }>>();

/**
 * A map of records as a plain record. Values are JSON text (ADR 0005); anything else was never
 * written by the relay and is left out.
 */
function recordOf<T>(doc: Y.Doc, records: ReplicatedRecords): Record<string, T> {
  const map = doc.getMap<unknown>(RECORD_PLACES[records].map);
  let cache = parsed.get(map);
  if (!cache) {
    cache = new Map();
    parsed.set(map, cache);
  }
  const out: Record<string, T> = {};
  const seen = cache.size > map.size ? new Set<string>() : null;
  map.forEach((raw, key) => {
    seen?.add(key);
    if (typeof raw !== 'string') return;
    let value: unknown;
    const hit = cache.get(key);
    if (hit && hit.text === raw) value = hit.value;
    else {
      try {
        value = JSON.parse(raw);
      } catch {
        return; // Not JSON: never written by the relay; leave it out.
      }
      cache.set(key, { text: raw, value });
    }
    // putOwn: '__proto__' as a key stays an own entry, not a prototype change.
    putOwn(out, key, value as T);
  });
  if (seen) for (const key of [...cache.keys()]) if (!seen.has(key)) cache.delete(key);
  return out;
}

/**
 * The tenant as this client last saw it. Passkeys stay on the relay: the map is always empty.
 * Alerts come from the audit document, which only audit readers receive.
 */
export function readTenantState(
  directory: Y.Doc,
  access: Y.Doc,
  audit: Y.Doc | null = null,
): TenantState {
  const docs = { directory, access, audit };
  /** The records of one kind, from the document the layout puts them in (none if not held). */
  const read = <T>(records: ReplicatedRecords): Record<string, T> => {
    const doc = docs[RECORD_PLACES[records].doc];
    return doc ? recordOf<T>(doc, records) : {};
  };
  const setupCompletedAt =
    directory.getMap<Iso | null>(META.map).get(META.setupCompletedAt) ?? null;
  return {
    setupCompletedAt,
    users: read('users'),
    passkeys: {},
    devices: read('devices'),
    customRoles: read('customRoles'),
    settings: read('settings'),
    invites: read('invites'),
    assignments: read('assignments'),
    activations: read('activations'),
    requests: read('requests'),
    assignmentRequests: read('assignmentRequests'),
    alerts: read('alerts'),
    scopes: read('scopes'),
    administrativeUnits: read('administrativeUnits'),
    groups: read('groups'),
  };
}

/**
 * Parses the `audit` document's entries incrementally: the array only grows (append-only ledger),
 * so earlier entries are parsed once. Entries that fail to parse are skipped.
 */
export class AuditReader {
  #parsed: LedgerEntry[] = [];
  #texts: string[] = [];

  read(audit: Y.Doc): LedgerEntry[] {
    const entries = audit.getArray<string>(LEDGER_ENTRIES.array);
    const length = entries.length;
    // Anything other than growth (a replaced document) means starting over.
    if (
      length < this.#texts.length ||
      (length > 0 && this.#texts.length > 0 && entries.get(0) !== this.#texts[0])
    ) {
      this.#parsed = [];
      this.#texts = [];
    }
    if (length === this.#texts.length) return this.#parsed;
    const fresh = entries.slice(this.#texts.length);
    const parsed = [...this.#parsed];
    for (const text of fresh) {
      this.#texts.push(text);
      try {
        parsed.push(JSON.parse(text) as LedgerEntry);
      } catch {
        // Not JSON: the ledger verifier reports it; the list just leaves it out.
      }
    }
    this.#parsed = parsed;
    return parsed;
  }

  /** The entries' canonical JSON exactly as the relay stored them, index = seq. */
  get texts(): readonly string[] {
    return this.#texts;
  }

  /** The newest signed checkpoint note, if the relay has published one. */
  static checkpoint(audit: Y.Doc): string | null {
    return audit.getMap<string>(CHECKPOINT.map).get(CHECKPOINT.latest) ?? null;
  }
}
