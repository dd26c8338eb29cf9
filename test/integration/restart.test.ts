import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import { ROLE_IDS } from '#domain/catalogue';
import { fromBase64, randomId } from '#ledger/bytes';
import { verifyCheckpoint } from '#ledger/checkpoint';
import { rootFromLeafHashes, leafHash } from '#ledger/merkle';
import { utf8 } from '#ledger/bytes';
import {
  CommandClient,
  TestUser,
  docRecord,
  relayWithTwoUsers,
  startRelay,
} from './support/harness';

const MESSAGE_SYNC = 0;

/**
 * Sends a SyncStep1 on the provider's own socket and resolves at the relay's SyncStep2 answer.
 * The relay handles one socket's frames in order and closes it at the first frame it refuses,
 * so an answer proves every frame the provider sent before was accepted; a close rejects.
 */
function roundTrip(provider: WebsocketProvider, doc: Y.Doc): Promise<void> {
  const ws = provider.ws as unknown as WebSocket;
  return new Promise((resolve, reject) => {
    const onMessage = (data: ArrayBuffer | Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
      if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep2) return;
      ws.off('close', onClose);
      ws.off('message', onMessage);
      resolve();
    };
    const onClose = (code: number, reason: Buffer) =>
      reject(new Error(`the relay closed the replica's socket: ${code} ${String(reason)}`));
    ws.on('message', onMessage);
    ws.once('close', onClose);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, doc);
    ws.send(encoding.toUint8Array(encoder));
  });
}

describe('durability across a relay restart', () => {
  it('keeps state, ledger, checkpoints, sessions and replicas; a stale replica re-syncs cleanly', async () => {
    const { h, admin, user, adminCmd, userCmd } = await relayWithTwoUsers();
    const assignmentId = `a_${randomId(8)}`;
    await adminCmd.send(
      await admin.signed({
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
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
    // The replica misses this one while it is away, so it is stale when it comes back.
    const missedId = `a_${randomId(8)}`;
    const missed = await adminCmd.send(
      await admin.signed({
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId: missedId,
        principalId: user.userId,
        roleId: ROLE_IDS.SecurityReader,
        assignmentType: 'eligible',
        startsAt: null,
        endsAt: null,
        justification: '',
      }),
    );
    expect(missed.t).toBe('ack');
    expect(docRecord(replica, 'assignments', missedId)).toBeUndefined();
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
      const closes: number[] = [];
      p2.on('connection-close', (e: { code: number } | null) => closes.push(e?.code ?? 0));
      await new Promise<void>((r) => p2.once('sync', () => r()));
      expect(docRecord(replica, 'assignments', missedId)).toMatchObject({
        id: missedId,
        roleId: ROLE_IDS.SecurityReader,
      });
      await roundTrip(p2, replica);
      expect(closes).toEqual([]);
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
