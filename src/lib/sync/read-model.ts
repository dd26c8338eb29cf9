/**
 * Reads the relay's documents (docs/api.md "Document layout") into the domain's TenantState shape,
 * so the same domain functions the relay uses (decide, permissions, expiry) run on the client.
 */
import type * as Y from 'yjs';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { Iso, TenantState } from '#domain/types';

function recordOf<T>(doc: Y.Doc, name: string): Record<string, T> {
  const map = doc.getMap<T>(name);
  const out: Record<string, T> = {};
  map.forEach((value, key) => {
    out[key] = value;
  });
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
  const setupCompletedAt = directory.getMap<Iso | null>('meta').get('setupCompletedAt') ?? null;
  return {
    setupCompletedAt,
    users: recordOf(directory, 'users'),
    passkeys: {},
    devices: recordOf(directory, 'devices'),
    customRoles: recordOf(directory, 'roles'),
    settings: recordOf(directory, 'settings'),
    invites: recordOf(directory, 'invites'),
    assignments: recordOf(access, 'assignments'),
    activations: recordOf(access, 'activations'),
    requests: recordOf(access, 'requests'),
    assignmentRequests: recordOf(access, 'assignmentRequests'),
    alerts: audit ? recordOf(audit, 'alerts') : {},
    scopes: recordOf(directory, 'scopes'),
    administrativeUnits: recordOf(directory, 'administrativeUnits'),
    groups: recordOf(directory, 'groups'),
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
    const entries = audit.getArray<string>('entries');
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
    return audit.getMap<string>('checkpoint').get('latest') ?? null;
  }
}
