/**
 * The offline audit index against a real IndexedDB implementation (fake-indexeddb): what a row
 * says about each kind of entry, every filter alone and together, date bounds, justification
 * search, keyset paging, "My audit", re-indexing and forgetting other people's entries.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AUDIT_SCHEMA,
  AUDIT_SEARCH_SCHEMA,
  auditRowOf,
  countAudit,
  eachAuditRow,
  findRegistration,
  forgetOthers,
  indexEntries,
  queryAudit,
  type AuditFilter,
  type AuditLookup,
  type AuditSearchTable,
  type AuditSource,
  type AuditTable,
} from './audit-index';
import { LEDGER_ENTRY_VERSION, type LedgerEntry } from '#protocol/ledger-entry';
import { PROTOCOL_VERSION } from '#protocol/messages';

const ADA = 'u_ada';
const BO = 'u_bo';
const CY = 'u_cy';
const BILLING = 'r_billing';
const SECREAD = 'security-reader';

type Json = Record<string, unknown>;

function signed(actor: string, command: Json): Json {
  return {
    envelope: {
      v: PROTOCOL_VERSION,
      cmdId: `cmd_${String(command.type)}_${actor}`,
      deviceId: `dev_${actor}`,
      issuedAt: '2026-11-01T00:00:00.000Z',
      command,
      confirmation: null,
    },
    signature: 'sig',
  };
}

function entry(seq: number, ts: string, fields: Json): string {
  return JSON.stringify({
    v: LEDGER_ENTRY_VERSION,
    seq,
    ts,
    kind: 'command',
    outcome: 'accepted',
    actor: null,
    commandType: 'unparsed',
    cmdId: null,
    signed: null,
    command: null,
    ceremony: null,
    events: [],
    rejection: null,
    ...fields,
  });
}

const assignment = (id: string, principalId: string, roleId: string): Json => ({
  id,
  principalId,
  roleId,
  type: 'eligible',
  startsAt: '2026-11-02T08:00:00.000Z',
  endsAt: null,
  createdAt: '2026-11-02T08:00:00.000Z',
  createdBy: ADA,
  justification: 'Month-end close',
  status: 'current',
  removedAt: null,
});

const activation = (id: string, assignmentId: string, principalId: string, roleId: string) => ({
  id,
  assignmentId,
  principalId,
  roleId,
  startsAt: '2026-11-02T09:00:00.000Z',
  endsAt: '2026-11-02T10:00:00.000Z',
  requestedAt: '2026-11-02T09:00:00.000Z',
  justification: 'Invoice run 7',
  ticket: { system: 'JIRA', number: 'FIN-42' },
  status: 'active' as const,
  endedAt: null,
});

const rejection = { code: 'not-eligible', message: 'No.' };

/** Ten entries over three days: ceremonies, commands accepted and denied, the scheduler. */
const TEXTS: string[] = [
  entry(0, '2026-11-01T09:00:00.000Z', {
    kind: 'ceremony',
    actor: ADA,
    commandType: 'CompleteSetup',
    command: { type: 'CompleteSetup', userId: ADA },
    ceremony: { kind: 'registration', nonce: 'n', response: {}, origin: 'o', rpId: 'r' },
    events: [
      { type: 'UserCreated', user: { id: ADA, displayName: 'Ada', status: 'active' } },
      { type: 'PasskeyRegistered', passkey: { id: 'cred_ada', userId: ADA, publicKey: 'k' } },
    ],
  }),
  entry(1, '2026-11-01T10:00:00.000Z', {
    actor: ADA,
    commandType: 'CreateRole',
    signed: signed(ADA, { type: 'CreateRole', roleId: BILLING, name: 'Billing', description: '' }),
    events: [{ type: 'RoleCreated', role: { id: BILLING, name: 'Billing' } }],
  }),
  entry(2, '2026-11-01T11:00:00.000Z', {
    kind: 'ceremony',
    actor: BO,
    commandType: 'AcceptInvite',
    command: { type: 'AcceptInvite', userId: BO },
    events: [
      { type: 'UserCreated', user: { id: BO, displayName: 'Bo', status: 'active' } },
      { type: 'PasskeyRegistered', passkey: { id: 'cred_bo', userId: BO, publicKey: 'k' } },
      { type: 'InviteAccepted', inviteId: 'inv_1', userId: BO, at: '2026-11-01T11:00:00.000Z' },
    ],
  }),
  entry(3, '2026-11-02T08:00:00.000Z', {
    actor: ADA,
    commandType: 'AssignRole',
    signed: signed(ADA, {
      type: 'AssignRole',
      assignmentId: 'a_1',
      principalId: BO,
      roleId: BILLING,
      assignmentType: 'eligible',
      startsAt: null,
      endsAt: null,
      justification: 'Month-end close',
    }),
    events: [{ type: 'RoleAssigned', assignment: assignment('a_1', BO, BILLING) }],
  }),
  entry(4, '2026-11-02T09:00:00.000Z', {
    actor: BO,
    commandType: 'ActivateRole',
    signed: signed(BO, {
      type: 'ActivateRole',
      activationId: 'act_1',
      assignmentId: 'a_1',
      durationMinutes: 60,
      startsAt: null,
      justification: 'Invoice run 7',
      ticket: { system: 'JIRA', number: 'FIN-42' },
    }),
    events: [{ type: 'ActivationStarted', activation: activation('act_1', 'a_1', BO, BILLING) }],
  }),
  entry(5, '2026-11-02T09:30:00.000Z', {
    actor: BO,
    outcome: 'rejected',
    commandType: 'ActivateRole',
    signed: signed(BO, {
      type: 'ActivateRole',
      activationId: 'act_2',
      assignmentId: 'a_1',
      durationMinutes: 60,
      startsAt: null,
      justification: 'Quarter close, clock drift',
      ticket: null,
    }),
    rejection,
  }),
  entry(6, '2026-11-02T10:00:00.000Z', {
    kind: 'system',
    commandType: 'ExpireActivation',
    command: { type: 'ExpireActivation', activationId: 'act_1' },
    events: [{ type: 'ActivationExpired', activationId: 'act_1', at: '2026-11-02T10:00:00.000Z' }],
  }),
  entry(7, '2026-11-03T00:00:00.000Z', {
    actor: ADA,
    outcome: 'rejected',
    commandType: 'AssignRole',
    signed: signed(ADA, {
      type: 'AssignRole',
      assignmentId: 'a_2',
      principalId: CY,
      roleId: SECREAD,
      assignmentType: 'eligible',
      startsAt: null,
      endsAt: null,
      justification: 'URGENT incident response',
    }),
    rejection,
  }),
  entry(8, '2026-11-03T12:00:00.000Z', {
    actor: ADA,
    commandType: 'CreateInvite',
    signed: signed(ADA, {
      type: 'CreateInvite',
      inviteId: 'inv_2',
      tokenHash: 'h',
      displayName: 'Cy',
    }),
    events: [{ type: 'InviteCreated', invite: { id: 'inv_2', displayName: 'Cy' } }],
  }),
  entry(9, '2026-11-03T23:59:59.999Z', {
    actor: ADA,
    commandType: 'RemoveAssignment',
    signed: signed(ADA, {
      type: 'RemoveAssignment',
      assignmentId: 'a_1',
      justification: 'Left the finance team',
    }),
    events: [{ type: 'AssignmentRemoved', assignmentId: 'a_1', at: '2026-11-03T23:59:59.999Z' }],
  }),
];

/** What the tenant documents say by the time these entries are indexed. */
const LOOKUP = {
  assignments: { a_1: assignment('a_1', BO, BILLING) },
  activations: { act_1: activation('act_1', 'a_1', BO, BILLING) },
} as unknown as AuditLookup;

const NO_LOOKUP: AuditLookup = { assignments: {}, activations: {} };

const sources = (texts: readonly string[] = TEXTS): AuditSource[] =>
  texts.map((text, seq) => ({ seq, text }));

let db: Dexie & { auditEntries: AuditTable; auditSearch: AuditSearchTable };
let dbCount = 0;

beforeEach(async () => {
  db = new Dexie(`audit-index-test-${++dbCount}`) as typeof db;
  db.version(1).stores({ auditEntries: AUDIT_SCHEMA, auditSearch: AUDIT_SEARCH_SCHEMA });
  await db.open();
});

afterEach(async () => {
  await db.delete();
});

const ALL: AuditFilter = { scope: 'all' };

/** The seqs of the whole filtered view (one big page), newest first, checked against the count. */
async function seqs(filter: AuditFilter): Promise<number[]> {
  const page = await queryAudit(db.auditEntries, filter, null, 1000);
  expect(page.next).toBeNull();
  const rows = page.rows.map((r) => r.seq);
  expect(await countAudit(db.auditEntries, filter)).toBe(rows.length);
  return rows;
}

async function indexAll(me: string | null = ADA): Promise<void> {
  await indexEntries(db.auditEntries, sources(), me, LOOKUP);
}

describe('indexing entries', () => {
  it('writes one row per entry, keyed by seq, and skips what does not parse or match its seq', async () => {
    const written = await indexEntries(
      db.auditEntries,
      [
        ...sources(),
        { seq: 10, text: '{not json' },
        { seq: 11, text: TEXTS[3]! }, // claims seq 11, says seq 3
      ],
      ADA,
      LOOKUP,
    );
    expect(written).toBe(10);
    expect(await db.auditEntries.count()).toBe(10);
    expect((await db.auditEntries.get(3))?.text).toBe(TEXTS[3]);
    expect(await db.auditEntries.get(10)).toBeUndefined();
    expect(await db.auditEntries.get(11)).toBeUndefined();
  });

  it('describes an accepted command: actor, role, target, justification with its ticket', async () => {
    await indexAll(BO);
    const row = await db.auditEntries.get(4);
    expect(row).toMatchObject({
      seq: 4,
      ts: '2026-11-02T09:00:00.000Z',
      actor: BO,
      commandType: 'ActivateRole',
      outcome: 'accepted',
      kind: 'command',
      roleId: BILLING,
      target: BO,
      activationId: 'act_1',
      justification: 'Invoice run 7 JIRA FIN-42',
      search: 'invoice run 7 jira fin-42',
      registers: [],
      mine: 1,
    });
  });

  it('describes a rejected command from the command alone (role and person from the lookup)', async () => {
    await indexAll(ADA);
    expect(await db.auditEntries.get(5)).toMatchObject({
      actor: BO,
      outcome: 'rejected',
      roleId: BILLING,
      target: BO,
      activationId: 'act_2',
      justification: 'Quarter close, clock drift',
      mine: 0,
    });
    expect(await db.auditEntries.get(7)).toMatchObject({
      actor: ADA,
      outcome: 'rejected',
      roleId: SECREAD,
      target: CY,
      mine: 1,
    });
  });

  it('describes a system entry: actor "system", role and person of the activation it ended', async () => {
    await indexAll(BO);
    expect(await db.auditEntries.get(6)).toMatchObject({
      actor: 'system',
      kind: 'system',
      commandType: 'ExpireActivation',
      roleId: BILLING,
      target: BO,
      activationId: 'act_1',
      justification: '',
      mine: 1,
    });
    // Without the activation in the lookup the entry still indexes, naming no role.
    const bare = auditRowOf(TEXTS[6]!, JSON.parse(TEXTS[6]!) as LedgerEntry, BO, NO_LOOKUP);
    expect(bare).toMatchObject({ actor: 'system', roleId: '', target: '', mine: 0 });
  });

  it('describes a ceremony: the new person, and the passkey it registered', async () => {
    await indexAll(BO);
    expect(await db.auditEntries.get(2)).toMatchObject({
      kind: 'ceremony',
      actor: BO,
      commandType: 'AcceptInvite',
      target: BO,
      registers: ['cred_bo'],
      mine: 1,
    });
    expect((await findRegistration(db.auditEntries, 'cred_bo'))?.seq).toBe(2);
    expect((await findRegistration(db.auditEntries, 'cred_ada'))?.seq).toBe(0);
    expect(await findRegistration(db.auditEntries, 'cred_nobody')).toBeUndefined();
  });

  it('marks every entry mine when the relay sent it as the user’s', async () => {
    await indexEntries(db.auditEntries, sources([TEXTS[0]!, TEXTS[1]!]), CY, NO_LOOKUP, 1);
    expect((await db.auditEntries.toArray()).map((r) => r.mine)).toEqual([1, 1]);
  });
});

describe('filters', () => {
  beforeEach(() => indexAll(ADA));

  it('without filters lists everything, newest first', async () => {
    expect(await seqs(ALL)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('by actor', async () => {
    expect(await seqs({ ...ALL, actor: ADA })).toEqual([9, 8, 7, 3, 1, 0]);
    expect(await seqs({ ...ALL, actor: BO })).toEqual([5, 4, 2]);
    expect(await seqs({ ...ALL, actor: 'system' })).toEqual([6]);
    expect(await seqs({ ...ALL, actor: CY })).toEqual([]);
  });

  it('by target', async () => {
    expect(await seqs({ ...ALL, target: BO })).toEqual([9, 6, 5, 4, 3, 2]);
    expect(await seqs({ ...ALL, target: CY })).toEqual([7]);
  });

  it('by role', async () => {
    expect(await seqs({ ...ALL, roleId: BILLING })).toEqual([9, 6, 5, 4, 3, 1]);
    expect(await seqs({ ...ALL, roleId: SECREAD })).toEqual([7]);
    expect(await seqs({ ...ALL, roleId: 'nobody-has-this' })).toEqual([]);
  });

  it('by type', async () => {
    expect(await seqs({ ...ALL, commandType: 'ActivateRole' })).toEqual([5, 4]);
    expect(await seqs({ ...ALL, commandType: 'AssignRole' })).toEqual([7, 3]);
    expect(await seqs({ ...ALL, commandType: 'ExpireActivation' })).toEqual([6]);
  });

  it('by outcome', async () => {
    expect(await seqs({ ...ALL, outcome: 'rejected' })).toEqual([7, 5]);
    expect(await seqs({ ...ALL, outcome: 'accepted' })).toEqual([9, 8, 6, 4, 3, 2, 1, 0]);
  });

  it('by date range', async () => {
    expect(
      await seqs({ ...ALL, from: '2026-11-02T00:00:00.000Z', to: '2026-11-02T23:59:59.999Z' }),
    ).toEqual([6, 5, 4, 3]);
    expect(await seqs({ ...ALL, from: '2026-11-03T00:00:00.000Z' })).toEqual([9, 8, 7]);
    expect(await seqs({ ...ALL, to: '2026-11-01T23:59:59.999Z' })).toEqual([2, 1, 0]);
  });

  it('by text', async () => {
    expect(await seqs({ ...ALL, text: 'close' })).toEqual([5, 3]);
  });

  it('combined: every filter must hold', async () => {
    expect(await seqs({ ...ALL, roleId: BILLING, outcome: 'rejected' })).toEqual([5]);
    expect(await seqs({ ...ALL, actor: ADA, outcome: 'rejected' })).toEqual([7]);
    expect(await seqs({ ...ALL, actor: ADA, target: BO })).toEqual([9, 3]);
    expect(await seqs({ ...ALL, actor: ADA, text: 'close' })).toEqual([3]);
    expect(await seqs({ ...ALL, commandType: 'ActivateRole', outcome: 'accepted' })).toEqual([4]);
    expect(
      await seqs({
        ...ALL,
        roleId: BILLING,
        target: BO,
        from: '2026-11-02T09:00:00.000Z',
        to: '2026-11-03T23:59:59.999Z',
      }),
    ).toEqual([9, 6, 5, 4]);
    expect(
      await seqs({
        ...ALL,
        actor: BO,
        target: BO,
        roleId: BILLING,
        commandType: 'ActivateRole',
        outcome: 'accepted',
        from: '2026-11-02T00:00:00.000Z',
        to: '2026-11-02T23:59:59.999Z',
        text: 'invoice',
      }),
    ).toEqual([4]);
    expect(await seqs({ ...ALL, actor: BO, outcome: 'rejected', text: 'invoice' })).toEqual([]);
    expect(await seqs({ ...ALL, roleId: SECREAD, target: BO })).toEqual([]);
  });
});

describe('date range boundaries', () => {
  beforeEach(() => indexAll(ADA));

  it('includes entries exactly at either bound', async () => {
    expect(
      await seqs({ ...ALL, from: '2026-11-02T08:00:00.000Z', to: '2026-11-02T10:00:00.000Z' }),
    ).toEqual([6, 5, 4, 3]);
    expect(await seqs({ ...ALL, from: '2026-11-03T23:59:59.999Z' })).toEqual([9]);
    expect(await seqs({ ...ALL, to: '2026-11-01T09:00:00.000Z' })).toEqual([0]);
  });

  it('excludes entries one millisecond outside', async () => {
    expect(
      await seqs({ ...ALL, from: '2026-11-02T08:00:00.001Z', to: '2026-11-02T09:59:59.999Z' }),
    ).toEqual([5, 4]);
    expect(await seqs({ ...ALL, to: '2026-11-01T08:59:59.999Z' })).toEqual([]);
    expect(await seqs({ ...ALL, from: '2026-11-04T00:00:00.000Z' })).toEqual([]);
  });

  it('is empty between two entries and when from is after to', async () => {
    expect(
      await seqs({ ...ALL, from: '2026-11-02T11:00:00.000Z', to: '2026-11-02T12:00:00.000Z' }),
    ).toEqual([]);
    expect(
      await seqs({ ...ALL, from: '2026-11-03T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' }),
    ).toEqual([]);
  });

  it('applies with an index filter too', async () => {
    expect(await seqs({ ...ALL, actor: ADA, from: '2026-11-01T10:00:00.000Z' })).toEqual([
      9, 8, 7, 3, 1,
    ]);
    expect(await seqs({ ...ALL, outcome: 'rejected', from: '2026-11-02T09:30:00.001Z' })).toEqual([
      7,
    ]);
  });
});

describe('text search in justifications', () => {
  beforeEach(() => indexAll(ADA));

  it('ignores case', async () => {
    expect(await seqs({ ...ALL, text: 'INVOICE' })).toEqual([4]);
    expect(await seqs({ ...ALL, text: 'urgent' })).toEqual([7]);
    expect(await seqs({ ...ALL, text: 'Urgent INCIDENT' })).toEqual([7]);
  });

  it('finds partial words, and the ticket', async () => {
    expect(await seqs({ ...ALL, text: 'voic' })).toEqual([4]);
    expect(await seqs({ ...ALL, text: 'clo' })).toEqual([5, 3]);
    expect(await seqs({ ...ALL, text: 'fin-42' })).toEqual([4]);
    expect(await seqs({ ...ALL, text: 'fin' })).toEqual([9, 4]); // "finance" and "FIN-42"
  });

  it('needs every word, in any order', async () => {
    expect(await seqs({ ...ALL, text: 'close month' })).toEqual([3]);
    expect(await seqs({ ...ALL, text: '  close   quarter ' })).toEqual([5]);
    expect(await seqs({ ...ALL, text: 'close invoice' })).toEqual([]);
  });

  it('finds nothing in entries without a justification, and blank text filters nothing', async () => {
    expect(await seqs({ ...ALL, text: 'setup' })).toEqual([]);
    expect(await seqs({ ...ALL, text: '   ' })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });
});

describe('paging', () => {
  beforeEach(() => indexAll(ADA));

  /** Walks forward from the newest page like the Audit view, keeping each page's cursor. */
  async function walk(filter: AuditFilter, limit: number) {
    const cursors: (number | null)[] = [null];
    const pages: number[][] = [];
    for (;;) {
      const page = await queryAudit(db.auditEntries, filter, cursors.at(-1)!, limit);
      pages.push(page.rows.map((r) => r.seq));
      if (page.next === null) break;
      cursors.push(page.next);
    }
    return { pages, cursors };
  }

  it('pages forward by seq, newest first, without gaps or repeats', async () => {
    const { pages, cursors } = await walk(ALL, 3);
    expect(pages).toEqual([[9, 8, 7], [6, 5, 4], [3, 2, 1], [0]]);
    expect(cursors).toEqual([null, 7, 4, 1]);
  });

  it('says there is no next page when the last page is exactly full', async () => {
    const page = await queryAudit(db.auditEntries, ALL, 5, 5);
    expect(page.rows.map((r) => r.seq)).toEqual([4, 3, 2, 1, 0]);
    expect(page.next).toBeNull();
  });

  it('pages back to the same rows in the same order, even after new entries arrive', async () => {
    const { pages, cursors } = await walk({ ...ALL, actor: ADA }, 2);
    expect(pages).toEqual([
      [9, 8],
      [7, 3],
      [1, 0],
    ]);
    const more = entry(10, '2026-11-04T08:00:00.000Z', {
      actor: ADA,
      commandType: 'CreateInvite',
      signed: signed(ADA, {
        type: 'CreateInvite',
        inviteId: 'i',
        tokenHash: 'h',
        displayName: 'D',
      }),
    });
    await indexEntries(db.auditEntries, [{ seq: 10, text: more }], ADA, LOOKUP);
    for (let i = cursors.length - 1; i >= 1; i--) {
      const page = await queryAudit(db.auditEntries, { ...ALL, actor: ADA }, cursors[i]!, 2);
      expect(page.rows.map((r) => r.seq)).toEqual(pages[i]);
    }
    const newest = await queryAudit(db.auditEntries, { ...ALL, actor: ADA }, null, 2);
    expect(newest.rows.map((r) => r.seq)).toEqual([10, 9]);
  });

  it('pages a filtered view that needs the row filter (text)', async () => {
    const { pages } = await walk({ ...ALL, text: 'o' }, 2);
    // Every justification but "Left the finance team" has an o somewhere.
    expect(pages.flat()).toEqual(await seqs({ ...ALL, text: 'o' }));
    expect(pages.flat()).toEqual([7, 5, 4, 3]);
  });

  it('pages within a date range', async () => {
    const filter: AuditFilter = {
      ...ALL,
      from: '2026-11-01T10:00:00.000Z',
      to: '2026-11-03T00:00:00.000Z',
    };
    const { pages } = await walk(filter, 4);
    expect(pages).toEqual([
      [7, 6, 5, 4],
      [3, 2, 1],
    ]);
  });

  it('streams a filtered view oldest first for the CSV', async () => {
    const seen: number[] = [];
    await eachAuditRow(db.auditEntries, { ...ALL, outcome: 'accepted', actor: ADA }, (row) =>
      seen.push(row.seq),
    );
    expect(seen).toEqual([0, 1, 3, 8, 9]);
  });
});

describe('My audit', () => {
  it('keeps to the entries the person made or that concern them', async () => {
    await indexAll(BO);
    const mine: AuditFilter = { scope: 'mine' };
    // Bo joined (2), was made eligible (3), activated (4), was denied (5), expired (6), removed (9).
    expect(await seqs(mine)).toEqual([9, 6, 5, 4, 3, 2]);
    expect(await seqs({ ...mine, outcome: 'rejected' })).toEqual([5]);
    expect(await seqs({ ...mine, actor: ADA })).toEqual([9, 3]);
    expect(await seqs({ ...mine, text: 'close' })).toEqual([5, 3]);
    expect(await seqs({ ...mine, roleId: SECREAD })).toEqual([]);
  });

  it('is only the own entries for someone who concerns nothing else', async () => {
    await indexAll(CY);
    expect(await seqs({ scope: 'mine' })).toEqual([7]);
  });

  it('is empty when nobody is signed in', async () => {
    await indexAll(null);
    expect(await seqs({ scope: 'mine' })).toEqual([]);
    expect(await seqs(ALL)).toHaveLength(10);
  });
});

describe('re-indexing', () => {
  it('indexing the same seq twice leaves one row, the latest', async () => {
    await indexEntries(db.auditEntries, [{ seq: 6, text: TEXTS[6]! }], BO, NO_LOOKUP);
    expect(await db.auditEntries.get(6)).toMatchObject({ roleId: '', mine: 0 });
    await indexEntries(db.auditEntries, [{ seq: 6, text: TEXTS[6]! }], BO, LOOKUP);
    expect(await db.auditEntries.count()).toBe(1);
    expect(await db.auditEntries.get(6)).toMatchObject({ roleId: BILLING, target: BO, mine: 1 });
    expect(await seqs({ ...ALL, roleId: BILLING })).toEqual([6]);
  });

  it('indexing everything twice changes nothing', async () => {
    await indexAll(ADA);
    const before = await db.auditEntries.toArray();
    const counts = [
      await countAudit(db.auditEntries, ALL),
      await countAudit(db.auditEntries, { ...ALL, roleId: BILLING }),
      await countAudit(db.auditEntries, { scope: 'mine' }),
    ];
    await indexAll(ADA);
    expect(await db.auditEntries.toArray()).toEqual(before);
    expect([
      await countAudit(db.auditEntries, ALL),
      await countAudit(db.auditEntries, { ...ALL, roleId: BILLING }),
      await countAudit(db.auditEntries, { scope: 'mine' }),
    ]).toEqual(counts);
  });

  it('the same entry from /mine and from the audit document is one row', async () => {
    await indexEntries(db.auditEntries, [{ seq: 4, text: TEXTS[4]! }], BO, LOOKUP, 1);
    await indexAll(BO);
    expect(await db.auditEntries.count()).toBe(10);
    expect(await seqs({ ...ALL, commandType: 'ActivateRole' })).toEqual([5, 4]);
  });
});

describe('losing read-audit', () => {
  it('forgets the rows that are not about the person and keeps theirs', async () => {
    await indexAll(BO);
    const removed = await forgetOthers(db.auditEntries);
    expect(removed).toBe(4);
    expect(await seqs(ALL)).toEqual([9, 6, 5, 4, 3, 2]);
    expect(await seqs({ scope: 'mine' })).toEqual([9, 6, 5, 4, 3, 2]);
    expect(await seqs({ ...ALL, actor: ADA })).toEqual([9, 3]);
    expect(await findRegistration(db.auditEntries, 'cred_ada')).toBeUndefined();
    expect((await findRegistration(db.auditEntries, 'cred_bo'))?.seq).toBe(2);
  });

  it('keeps entries the relay sent as theirs, and forgetting twice removes nothing more', async () => {
    await indexAll(CY);
    await indexEntries(db.auditEntries, [{ seq: 0, text: TEXTS[0]! }], CY, NO_LOOKUP, 1);
    expect(await forgetOthers(db.auditEntries)).toBe(8);
    expect(await forgetOthers(db.auditEntries)).toBe(0);
    expect(await seqs(ALL)).toEqual([7, 0]);
  });
});

describe('the search table beside the index', () => {
  it('holds the lower-cased justification of exactly the rows that have one', async () => {
    await indexAll(ADA);
    expect(await db.auditSearch.toArray()).toEqual([
      { seq: 3, search: 'month-end close' },
      { seq: 4, search: 'invoice run 7 jira fin-42' },
      { seq: 5, search: 'quarter close, clock drift' },
      { seq: 7, search: 'urgent incident response' },
      { seq: 9, search: 'left the finance team' },
    ]);
  });

  it('follows re-indexing and forgetting', async () => {
    await indexAll(BO);
    const blank = entry(4, '2026-11-02T09:00:00.000Z', { actor: BO, commandType: 'unparsed' });
    await indexEntries(db.auditEntries, [{ seq: 4, text: blank }], BO, LOOKUP);
    expect(await db.auditSearch.get(4)).toBeUndefined();
    expect(await seqs({ ...ALL, text: 'invoice' })).toEqual([]);
    await forgetOthers(db.auditEntries);
    expect((await db.auditSearch.toArray()).map((r) => r.seq)).toEqual([3, 5, 9]);
  });
});
