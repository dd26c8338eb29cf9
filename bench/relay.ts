/**
 * Relay figures (ARCHITECTURE §7), printed, never asserted:
 *  1. accepted commands per second through the real pipeline (signature checks, domain decide,
 *     ledger sealing, Y.Doc projection, SQLite WAL + synchronous=FULL group commit);
 *  2. activation → visible on other connected clients: p50/p99 over N sync sockets on loopback.
 * Run: npm run bench:relay  (BENCH_COMMANDS=4000 BENCH_CLIENTS=1000 to change the sizes)
 */
import os from 'node:os';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { ROLE_IDS } from '#domain/catalogue';
import { randomId } from '#ledger/bytes';
import { RECORD_PLACES } from '#protocol/doc-layout';
import { CommandClient, relayWithTwoUsers } from '../test/integration/support/harness';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 4000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const SOCKETS = 16;

process.env.LOG_LEVEL = 'silent';
const { h, admin, user, adminCmd, userCmd } = await relayWithTwoUsers();
console.log(
  `machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, node ${process.version}, storage ${h.relay.storage.kind}`,
);

// 1. Throughput: pre-sign so that the figure is the relay's, not the client's.
const signed = [];
for (let i = 0; i < COMMANDS; i++) {
  signed.push(
    await admin.signed({
      type: 'CreateInvite',
      administrativeUnitId: null,
      inviteId: `inv_${randomId(8)}`,
      tokenHash: randomId(32),
      displayName: `Bench invite ${i}`,
    }),
  );
}
const sockets = await Promise.all(
  Array.from({ length: SOCKETS }, () => CommandClient.connect(h, admin.token)),
);
const started = performance.now();
const replies = await Promise.all(signed.map((s, i) => sockets[i % SOCKETS]!.send(s, 120_000)));
const seconds = (performance.now() - started) / 1000;
const accepted = replies.filter((r) => r.t === 'ack').length;
console.log(
  `throughput: ${accepted}/${COMMANDS} accepted in ${seconds.toFixed(2)} s = ${Math.round(accepted / seconds)} commands/s (${SOCKETS} sockets, fsync'd group commit)`,
);
for (const s of sockets) s.close();

// 2. Fan-out: CLIENTS raw sync sockets on the access document; time until each sees the activation.
const assignmentId = `a_${randomId(8)}`;
await adminCmd.send(
  await admin.signed({
    type: 'AssignRole',
    principalKind: 'user',
    scopeId: null,
    administrativeUnitId: null,
    assignmentId,
    principalId: user.userId,
    roleId: ROLE_IDS.SecurityReader,
    assignmentType: 'eligible',
    startsAt: null,
    endsAt: null,
    justification: '',
  }),
);
const activationId = `act_${randomId(8)}`;
const seen: number[] = [];
let sentAt = 0;
const clients = await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    const ws = new WebSocket(`${h.ws}/sync/${RECORD_PLACES.activations.doc}?token=${admin.token}`);
    const doc = new Y.Doc();
    ws.binaryType = 'nodebuffer';
    let synced: () => void = () => {};
    const ready = new Promise<void>((r) => (synced = r));
    ws.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      decoding.readVarUint(decoder);
      const step = decoding.readVarUint(decoder);
      Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
      if (step === syncProtocol.messageYjsSyncStep2) synced();
      else if (
        doc.getMap(RECORD_PLACES.activations.map).has(activationId) &&
        seen.length < CLIENTS &&
        sentAt
      )
        seen.push(performance.now() - sentAt);
    });
    await new Promise((r) => ws.once('open', r));
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, doc);
    ws.send(encoding.toUint8Array(e));
    await ready;
    return ws;
  }),
);
const confirmed = await user.signed(
  {
    type: 'ActivateRole',
    activationId,
    assignmentId,
    durationMinutes: 60,
    startsAt: null,
    justification: 'bench',
    ticket: null,
  },
  { confirm: true },
);
sentAt = performance.now();
const ack = await userCmd.send(confirmed);
while (seen.length < CLIENTS && performance.now() - sentAt < 10_000)
  await new Promise((r) => setTimeout(r, 2));
seen.sort((a, b) => a - b);
const pct = (p: number) =>
  seen[Math.min(seen.length - 1, Math.floor((p / 100) * seen.length))]?.toFixed(1);
console.log(
  `fan-out: ${ack.t}; ${seen.length}/${CLIENTS} clients saw the activation; p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${seen.at(-1)?.toFixed(1)} ms (confirmed command sent → update applied)`,
);

for (const ws of clients) ws.close();
adminCmd.close();
userCmd.close();
await h.close();
