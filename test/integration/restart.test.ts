import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { ROLE_IDS } from '#domain/catalogue';
import { fromBase64, randomId } from '#ledger/bytes';
import { verifyCheckpoint } from '#ledger/checkpoint';
import { rootFromLeafHashes, leafHash } from '#ledger/merkle';
import { utf8 } from '#ledger/bytes';
import { CommandClient, TestUser, relayWithTwoUsers, startRelay } from './support/harness';

describe('durability across a relay restart', () => {
  it('keeps state, ledger, checkpoints, sessions and replicas; a stale replica re-syncs cleanly', async () => {
    const { h, admin, user, adminCmd, userCmd } = await relayWithTwoUsers();
    const assignmentId = `a_${randomId(8)}`;
    await adminCmd.send(
      await admin.signed({
        type: 'AssignRole',
        assignmentId,
        principalId: user.userId,
        roleId: ROLE_IDS.SecurityAdministrator,
        assignmentType: 'eligible',
        startsAt: null,
        endsAt: null,
        justification: '',
      }),
    );
    const activate = await user.signed(
      {
        type: 'ActivateRole',
        activationId: `act_${randomId(8)}`,
        assignmentId,
        durationMinutes: 90,
        startsAt: null,
        justification: 'Restart drill',
        ticket: null,
      },
      { confirm: true },
    );
    expect((await userCmd.send(activate)).t).toBe('ack');

    // A client replica, as y-indexeddb would hold it.
    const replica = new Y.Doc();
    const p1 = new WebsocketProvider(`${h.ws}/sync`, 'access', replica, {
      WebSocketPolyfill: WebSocket as never,
      params: { token: user.token },
      disableBc: true,
    });
    await new Promise<void>((r) => p1.once('sync', () => r()));
    p1.destroy();
    adminCmd.close();
    userCmd.close();

    const before = { state: JSON.stringify(h.relay.state), size: h.relay.ledger.size };
    await h.close({ keepData: true });

    const h2 = await startRelay({ dataDir: h.dataDir });
    try {
      expect(JSON.parse(JSON.stringify(h2.relay.state))).toEqual(JSON.parse(before.state));
      expect(h2.relay.ledger.size).toBe(before.size);
      expect(h2.setupToken).toBe(''); // no new setup link once an administrator exists

      // Sessions survive; an exact resend after the restart is still answered, not re-applied.
      const again = await CommandClient.connect(h2, user.token);
      const replay = await again.send(activate);
      expect(replay).toMatchObject({ t: 'ack', duplicate: true });
      expect(h2.relay.ledger.size).toBe(before.size);
      again.close();

      // The stale replica syncs against the restarted relay without being taken for a writer.
      const p2 = new WebsocketProvider(`${h2.ws}/sync`, 'access', replica, {
        WebSocketPolyfill: WebSocket as never,
        params: { token: user.token },
        disableBc: true,
      });
      let closedWith = 0;
      p2.on('connection-close', (e: { code: number } | null) => (closedWith = e?.code ?? 0));
      await new Promise<void>((r) => p2.once('sync', () => r()));
      await new Promise((r) => setTimeout(r, 100));
      expect(closedWith).toBe(0);
      p2.destroy();

      // The newest checkpoint is signed by the published key and commits to every stored entry.
      const key = (await (await fetch(`${h2.http}/.well-known/leasehold/relay-key`)).json()) as {
        keyName: string;
        publicKey: string;
      };
      const note = await (await fetch(`${h2.http}/api/ledger/checkpoint`)).text();
      const verified = await verifyCheckpoint(note, {
        keyName: key.keyName,
        publicKey: fromBase64(key.publicKey),
      });
      expect(verified.ok).toBe(true);
      const entries = h2.relay.projection.docs.audit.getArray<string>('entries').toArray();
      const root = await rootFromLeafHashes(
        await Promise.all(entries.map((e) => leafHash(utf8(e)))),
      );
      expect(verified.ok && verified.checkpoint.size).toBe(entries.length);
      expect(verified.ok && Buffer.from(verified.checkpoint.root).equals(Buffer.from(root))).toBe(
        true,
      );

      // And a new user can still be served.
      const late = await TestUser.create(h2);
      expect(late.deviceId).toMatch(/^d_/);
    } finally {
      await h2.close();
    }
  });
});
