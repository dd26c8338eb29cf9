import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { fromBase64, randomId, utf8 } from '#ledger/bytes';
import { verifyCheckpoint } from '#ledger/checkpoint';
import { leafHash, verifyConsistency, verifyInclusion } from '#ledger/merkle';
import type { LedgerEntry } from '#protocol/ledger-entry';
import {
  relayWithTwoUsers,
  type CommandClient,
  type TestRelay,
  type TestUser,
} from './support/harness';

describe('ledger HTTP: checkpoints, proofs and entries', () => {
  let h: TestRelay;
  let admin: TestUser;
  let user: TestUser;
  let adminCmd: CommandClient;
  let userCmd: CommandClient;

  beforeAll(async () => {
    ({ h, admin, user, adminCmd, userCmd } = await relayWithTwoUsers());
  });
  afterAll(async () => {
    adminCmd.close();
    userCmd.close();
    await h.close();
  });

  const get = async (path: string, token?: string) => {
    const res = await fetch(h.http + path, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const checkpoint = async () => {
    const note = await (await fetch(`${h.http}/api/ledger/checkpoint`)).text();
    const key = (await get('/.well-known/leasehold/relay-key')).body as {
      keyName: string;
      publicKey: string;
      vkey: string;
    };
    const verified = await verifyCheckpoint(note, {
      keyName: key.keyName,
      publicKey: fromBase64(key.publicKey),
    });
    if (!verified.ok) throw new Error(verified.reason);
    return verified.checkpoint;
  };

  it('publishes the relay key with its C2SP verifier-key string', async () => {
    const { body } = await get('/.well-known/leasehold/relay-key');
    expect(body.vkey).toMatch(
      new RegExp(`^${h.relay.origin.replace(/[.]/g, '\\.')}\\+[0-9a-f]{8}\\+`),
    );
  });

  it('proves inclusion of a user’s own command at the newest checkpoint', async () => {
    const reply = await userCmd.send(
      await user.signed({ type: 'RevokeInvite', inviteId: 'inv_none' }),
    );
    expect(reply.t).toBe('reject');
    const seq = reply.t === 'reject' ? reply.seq! : -1;
    const cp = await checkpoint();
    const mine = (await get(`/api/ledger/mine`, user.token)).body as {
      entries: { seq: number; entry: string }[];
    };
    const own = mine.entries.find((e) => e.seq === seq)!;
    expect((JSON.parse(own.entry) as LedgerEntry).actor).toBe(user.userId);
    const proof = (
      await get(`/api/ledger/proof/inclusion?index=${seq}&size=${cp.size}`, user.token)
    ).body as { proof: string[]; leafHash: string };
    const hash = await leafHash(utf8(own.entry));
    expect(Buffer.from(fromBase64(proof.leafHash)).equals(Buffer.from(hash))).toBe(true);
    expect(await verifyInclusion(seq, cp.size, hash, proof.proof.map(fromBase64), cp.root)).toBe(
      true,
    );
    // The same proof does not prove a different entry.
    expect(
      await verifyInclusion(
        seq,
        cp.size,
        await leafHash(utf8(own.entry + ' ')),
        proof.proof.map(fromBase64),
        cp.root,
      ),
    ).toBe(false);
  });

  it('proves that a newer checkpoint extends an older one', async () => {
    const old = await checkpoint();
    await adminCmd.send(
      await admin.signed({
        type: 'CreateRole',
        roleId: `r_${randomId(6)}`,
        name: 'Ledger Clerk',
        description: '',
      }),
    );
    const now = await checkpoint();
    expect(now.size).toBeGreaterThan(old.size);
    const { body } = await get(
      `/api/ledger/proof/consistency?from=${old.size}&to=${now.size}`,
      user.token,
    );
    const proof = (body.proof as string[]).map(fromBase64);
    expect(await verifyConsistency(old.size, now.size, proof, old.root, now.root)).toBe(true);
    expect(await verifyConsistency(old.size, now.size, proof, now.root, old.root)).toBe(false);
  });

  it('lists "my" entries to everyone, including the relay’s expiry of their activation', async () => {
    const assignmentId = `a_${randomId(6)}`;
    await adminCmd.send(
      await admin.signed({
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId,
        principalId: user.userId,
        roleId: ROLE_IDS.UserAdministrator,
        assignmentType: 'eligible',
        startsAt: null,
        endsAt: null,
        justification: '',
      }),
    );
    await userCmd.send(
      await user.signed(
        {
          type: 'ActivateRole',
          activationId: `act_${randomId(6)}`,
          assignmentId,
          durationMinutes: 5,
          startsAt: null,
          justification: 'short',
          ticket: null,
        },
        { confirm: true },
      ),
    );
    await fetch(`${h.http}/api/test/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 6 * 60_000 }),
    });
    const mine = (await get(`/api/ledger/mine?from=0&limit=5000`, user.token)).body as {
      entries: { entry: string }[];
    };
    const types = mine.entries.map((e) => (JSON.parse(e.entry) as LedgerEntry).commandType);
    expect(types).toEqual(
      expect.arrayContaining(['AcceptInvite', 'AssignRole', 'ActivateRole', 'ExpireActivation']),
    );
    expect(types).not.toContain('CompleteSetup');
  });

  it('serves whole-ledger pages and checkpoints to audit readers only', async () => {
    const denied = await get('/api/ledger/entries', user.token);
    expect(denied.status).toBe(403);
    expect((await get('/api/ledger/checkpoints', user.token)).status).toBe(403);
    const page = (await get('/api/ledger/entries?from=0&limit=2', admin.token)).body as {
      entries: string[];
      next: number | null;
      size: number;
    };
    expect(page.entries).toHaveLength(2);
    expect(page.next).toBe(2);
    expect((JSON.parse(page.entries[0]!) as LedgerEntry).seq).toBe(0);
    const cps = (await get('/api/ledger/checkpoints?from=0', admin.token)).body as {
      checkpoints: string[];
    };
    expect(cps.checkpoints.length).toBeGreaterThan(1);
    expect(cps.checkpoints.at(-1)).toContain(`\n${page.size}\n`);
  });

  it('refuses anonymous proof requests and impossible ranges with clear errors', async () => {
    expect((await get('/api/ledger/proof/inclusion?index=0')).status).toBe(401);
    const size = (await checkpoint()).size;
    const bad = await get(`/api/ledger/proof/inclusion?index=${size}`, user.token);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid-request' } } });
    expect((await get(`/api/ledger/proof/consistency?from=0&to=${size}`, user.token)).status).toBe(
      400,
    );
    expect(
      (await get(`/api/ledger/proof/consistency?from=2&to=${size + 5}`, user.token)).status,
    ).toBe(400);
    expect((await get(`/api/ledger/entries?from=-1`, admin.token)).status).toBe(400);
  });
});
