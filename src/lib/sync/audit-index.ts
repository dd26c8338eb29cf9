/**
 * A local, offline index of ledger entries (Dexie table `auditEntries`, keyed by seq), filled
 * from the audit document (audit readers) or /api/ledger/mine (everyone). Queries walk one
 * compound index `[field+seq]` newest first and page by seq (keyset paging), so a filtered view
 * of 100,000 entries reads only the rows it shows.
 */
import type { Collection, Table } from 'dexie';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { Command } from '#domain/commands';
import type { Activation, Assignment, Iso, UserId } from '#domain/model';

export type AuditRow = {
  seq: number;
  ts: Iso;
  /** userId, or 'system' for the relay's scheduler, or '' when nobody signed in acted. */
  actor: string;
  commandType: string;
  outcome: 'accepted' | 'rejected';
  kind: LedgerEntry['kind'];
  /** The role the entry concerns, or ''. */
  roleId: string;
  /** The person the entry concerns (principal, invitee), or ''. */
  target: string;
  activationId: string;
  justification: string;
  /** Lower-cased justification (and ticket) for text search. */
  search: string;
  /** Credential ids registered by this entry (PasskeyRegistered). */
  registers: string[];
  /** 1 when the entry is about the signed-in user (what /api/ledger/mine returns). */
  mine: 0 | 1;
  /** The stored canonical JSON, byte for byte as received. */
  text: string;
};

export type AuditTable = Table<AuditRow, number>;

export const AUDIT_SCHEMA =
  'seq, ts, actor, commandType, outcome, roleId, target, activationId, mine, *registers, ' +
  '[actor+seq], [commandType+seq], [outcome+seq], [roleId+seq], [target+seq], [mine+seq]';

/**
 * The justification text of the rows that have one (`search` of AuditRow), in the sibling
 * table `auditSearch` of the same database: text search reads these small rows in one go
 * instead of every full row (whose `text` makes reading 100,000 of them take seconds).
 */
export type AuditSearchRow = { seq: number; search: string };
export type AuditSearchTable = Table<AuditSearchRow, number>;
export const AUDIT_SEARCH_TABLE = 'auditSearch';
export const AUDIT_SEARCH_SCHEMA = 'seq';

const searchTableOf = (table: AuditTable): AuditSearchTable =>
  table.db.table<AuditSearchRow, number>(AUDIT_SEARCH_TABLE);

/** What the row builder may look up to name the role and person of id-only entries. */
export type AuditLookup = {
  assignments: Record<string, Assignment>;
  activations: Record<string, Activation>;
};

const lookupIn = <T>(record: Record<string, T>, id: string): T | undefined =>
  Object.hasOwn(record, id) ? record[id] : undefined;

/** Builds the index row of one entry; `me` decides `mine` as the relay's /mine does. */
export function auditRowOf(
  text: string,
  entry: LedgerEntry,
  me: UserId | null,
  lookup: AuditLookup,
): AuditRow {
  const command: Command | null = entry.signed?.envelope.command ?? entry.command ?? null;
  let roleId = '';
  let target = '';
  let activationId = '';
  let justification = '';
  const about = new Set<string>();
  const registers: string[] = [];
  const fromAssignment = (id: string) => {
    const a = lookupIn(lookup.assignments, id);
    if (a) {
      roleId ||= a.roleId;
      target ||= a.principalId;
    }
  };
  const fromActivation = (id: string) => {
    activationId ||= id;
    const a = lookupIn(lookup.activations, id);
    if (a) {
      roleId ||= a.roleId;
      target ||= a.principalId;
    }
  };
  for (const event of entry.events ?? []) {
    switch (event.type) {
      case 'UserCreated':
        target ||= event.user.id;
        about.add(event.user.id);
        break;
      case 'PasskeyRegistered':
        about.add(event.passkey.userId);
        registers.push(event.passkey.id);
        break;
      case 'DeviceEnrolled':
        about.add(event.device.userId);
        break;
      case 'InviteAccepted':
        about.add(event.userId);
        break;
      case 'RoleCreated':
        roleId ||= event.role.id;
        break;
      case 'RoleAssigned':
        roleId ||= event.assignment.roleId;
        target ||= event.assignment.principalId;
        about.add(event.assignment.principalId);
        break;
      case 'ActivationStarted':
        roleId ||= event.activation.roleId;
        target ||= event.activation.principalId;
        activationId ||= event.activation.id;
        about.add(event.activation.principalId);
        break;
      case 'ActivationDeactivated':
      case 'ActivationExpired':
        fromActivation(event.activationId);
        break;
      case 'AssignmentRemoved':
      case 'AssignmentExpired':
        fromAssignment(event.assignmentId);
        break;
      default:
        break;
    }
  }
  if (command) {
    switch (command.type) {
      case 'ActivateRole':
        activationId ||= command.activationId;
        justification = command.justification;
        if (command.ticket) justification += ` ${command.ticket.system} ${command.ticket.number}`;
        fromAssignment(command.assignmentId);
        break;
      case 'DeactivateRole':
      case 'ExpireActivation':
        fromActivation(command.activationId);
        break;
      case 'AssignRole':
        roleId ||= command.roleId;
        target ||= command.principalId;
        justification = command.justification;
        break;
      case 'RemoveAssignment':
        justification = command.justification;
        fromAssignment(command.assignmentId);
        break;
      case 'ExpireAssignment':
        fromAssignment(command.assignmentId);
        break;
      case 'CreateRole':
        roleId ||= command.roleId;
        break;
      case 'CompleteSetup':
      case 'AcceptInvite':
      case 'EnrolDevice':
      case 'AddPasskey':
        target ||= command.userId;
        break;
      default:
        break;
    }
  }
  const actor = entry.kind === 'system' ? 'system' : (entry.actor ?? '');
  const mine = me !== null && (actor === me || target === me || about.has(me)) ? 1 : 0;
  return {
    seq: entry.seq,
    ts: entry.ts,
    actor,
    commandType: entry.commandType,
    outcome: entry.outcome === 'accepted' ? 'accepted' : 'rejected',
    kind: entry.kind,
    roleId,
    target,
    activationId,
    justification,
    search: justification.toLowerCase(),
    registers,
    mine,
    text,
  };
}

/** One ledger entry as received: its seq and its canonical JSON text. */
export type AuditSource = { seq: number; text: string };

/**
 * Indexes entries (one bulkPut); an entry whose text does not parse or whose seq differs from
 * the one it came with is skipped. Indexing a seq again replaces its row.
 * @param forceMine 1 for entries the relay sent as the user's (/api/ledger/mine)
 * @returns how many rows were written
 */
export async function indexEntries(
  table: AuditTable,
  sources: Iterable<AuditSource>,
  me: UserId | null,
  lookup: AuditLookup,
  forceMine?: 1,
): Promise<number> {
  const rows: AuditRow[] = [];
  for (const { seq, text } of sources) {
    const parsed = parseEntry(text);
    if (!parsed || parsed.seq !== seq) continue;
    const row = auditRowOf(text, parsed, me, lookup);
    rows.push(forceMine ? { ...row, mine: forceMine } : row);
  }
  if (rows.length === 0) return 0;
  const search = searchTableOf(table);
  await table.db.transaction('rw', table, search, async () => {
    await table.bulkPut(rows);
    await search.bulkPut(rows.filter((r) => r.search).map(({ seq, search }) => ({ seq, search })));
    const blank = rows.filter((r) => !r.search).map((r) => r.seq);
    if (blank.length > 0) await search.bulkDelete(blank);
  });
  return rows.length;
}

/** The user may no longer read the whole ledger: drops every row that is not about them. */
export function forgetOthers(table: AuditTable): Promise<number> {
  const search = searchTableOf(table);
  return table.db.transaction('rw', table, search, async () => {
    const others = await table.where('mine').equals(0).primaryKeys();
    await table.bulkDelete(others);
    await search.bulkDelete(others);
    return others.length;
  });
}

function parseEntry(text: string): LedgerEntry | null {
  try {
    return JSON.parse(text) as LedgerEntry;
  } catch {
    return null;
  }
}

export type AuditFilter = {
  scope: 'mine' | 'all';
  actor?: string;
  target?: string;
  roleId?: string;
  commandType?: string;
  outcome?: 'accepted' | 'rejected';
  /** Inclusive bounds on the entry time. */
  from?: Iso;
  to?: Iso;
  /** Words that must all appear in the justification. */
  text?: string;
};

type Equality = 'target' | 'roleId' | 'actor' | 'commandType' | 'outcome' | 'mine';

function equalitiesOf(filter: AuditFilter): [Equality, string | number][] {
  const equalities: [Equality, string | number][] = [];
  if (filter.target) equalities.push(['target', filter.target]);
  if (filter.roleId) equalities.push(['roleId', filter.roleId]);
  if (filter.actor) equalities.push(['actor', filter.actor]);
  if (filter.commandType) equalities.push(['commandType', filter.commandType]);
  if (filter.outcome) equalities.push(['outcome', filter.outcome]);
  if (filter.scope === 'mine') equalities.push(['mine', 1]);
  return equalities;
}

const wordsOf = (filter: AuditFilter): string[] =>
  (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);

/** Turns a date range into a seq range: the relay's time never goes backwards along seq. */
async function seqRange(table: AuditTable, filter: AuditFilter): Promise<[number, number] | null> {
  let lo = 0;
  let hi = Number.MAX_SAFE_INTEGER;
  if (filter.from) {
    const first = await table.where('ts').aboveOrEqual(filter.from).first();
    if (!first) return null;
    lo = first.seq;
  }
  if (filter.to) {
    const last = await table.where('ts').belowOrEqual(filter.to).last();
    if (!last) return null;
    hi = last.seq;
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The rows with seq in [lo, hi], newest first, for a filter of at most one equality and no text
 * (matchingSeqs answers the others): one index walk that reads only the rows it returns.
 */
function collection(
  table: AuditTable,
  filter: AuditFilter,
  lo: number,
  hi: number,
  newestFirst = true,
): Collection<AuditRow, number> {
  const [first] = equalitiesOf(filter);
  let base: Collection<AuditRow, number>;
  if (first) {
    const [field, value] = first;
    base = table.where(`[${field}+seq]`).between([value, lo], [value, hi], true, true);
  } else {
    base = table.where(':id').between(lo, hi, true, true);
  }
  return newestFirst ? base.reverse() : base;
}

/**
 * The matching seqs in [lo, hi], ascending, when the filter needs more than one index (several
 * equalities, or text): each equality is one index read of primary keys, the text one read of
 * the search table, and the sets are intersected without reading any full row. null when one
 * index walk answers the filter (collection() then reads only the rows it returns).
 */
async function matchingSeqs(
  table: AuditTable,
  filter: AuditFilter,
  lo: number,
  hi: number,
): Promise<number[] | null> {
  const equalities = equalitiesOf(filter);
  const words = wordsOf(filter);
  if (words.length === 0 && equalities.length < 2) return null;
  let seqs: number[] | null = null;
  if (words.length > 0) {
    const rows = await searchTableOf(table).where(':id').between(lo, hi, true, true).toArray();
    seqs = rows.filter((r) => words.every((w) => r.search.includes(w))).map((r) => r.seq);
  }
  for (const [field, value] of equalities) {
    if (seqs !== null && seqs.length === 0) break;
    const keys = await table
      .where(`[${field}+seq]`)
      .between([value, lo], [value, hi], true, true)
      .primaryKeys();
    if (seqs === null) seqs = keys;
    else {
      const has = new Set(keys);
      seqs = seqs.filter((seq) => has.has(seq));
    }
  }
  return seqs ?? [];
}

export type AuditPage = {
  rows: AuditRow[];
  /** seq to pass as `before` for the next page. */ next: number | null;
};

/**
 * One page of the filtered view, newest first.
 * @param before only entries with seq < before (keyset paging); null for the newest page
 */
export async function queryAudit(
  table: AuditTable,
  filter: AuditFilter,
  before: number | null,
  limit: number,
): Promise<AuditPage> {
  const range = await seqRange(table, filter);
  if (!range) return { rows: [], next: null };
  const hi = before === null ? range[1] : Math.min(range[1], before - 1);
  if (hi < range[0]) return { rows: [], next: null };
  const seqs = await matchingSeqs(table, filter, range[0], hi);
  const rows = seqs
    ? await rowsOf(table, seqs.slice(-(limit + 1)).reverse())
    : await collection(table, filter, range[0], hi)
        .limit(limit + 1)
        .toArray();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, next: more ? page[page.length - 1]!.seq : null };
}

/** How many entries the filter matches (walks the chosen index; cheap without text search). */
export async function countAudit(table: AuditTable, filter: AuditFilter): Promise<number> {
  const range = await seqRange(table, filter);
  if (!range) return 0;
  const seqs = await matchingSeqs(table, filter, range[0], range[1]);
  if (seqs) return seqs.length;
  return collection(table, filter, range[0], range[1]).count();
}

/**
 * Streams every matching row, oldest first (for CSV export), without holding them all.
 * @param onRow called for each row in seq order
 */
export async function eachAuditRow(
  table: AuditTable,
  filter: AuditFilter,
  onRow: (row: AuditRow) => void,
): Promise<void> {
  const range = await seqRange(table, filter);
  if (!range) return;
  const seqs = await matchingSeqs(table, filter, range[0], range[1]);
  if (!seqs) {
    await collection(table, filter, range[0], range[1], false).each(onRow);
    return;
  }
  for (let i = 0; i < seqs.length; i += 1000) {
    for (const row of await rowsOf(table, seqs.slice(i, i + 1000))) onRow(row);
  }
}

async function rowsOf(table: AuditTable, seqs: number[]): Promise<AuditRow[]> {
  return (await table.bulkGet(seqs)).filter((r): r is AuditRow => r !== undefined);
}

/** The entry that registered a credential (PasskeyRegistered), if this device has it. */
export function findRegistration(
  table: AuditTable,
  credentialId: string,
): Promise<AuditRow | undefined> {
  return table.where('registers').equals(credentialId).first();
}
