/**
 * `npm run relay:rotate-key -- --data-dir <DATA_DIR>` — on a STOPPED relay.
 *
 * Rotates the relay's checkpoint key (docs/ledger.md "Key rotation"): appends a
 * `RotateRelayKey` system entry whose `keyRotation` names the new key and is signed by the OLD
 * key, then a checkpoint signed by the NEW key, stores the new private key, and records the
 * retired one (so exports can still name the key of their first checkpoint), all in one
 * transaction. Prints the new verifier key, which clients and auditors must pin next.
 * Exit 0 on success, 2 on a usage error or an unreadable data dir.
 */
import { fromBase64, fromUtf8, toBase64 } from '#ledger/bytes';
import { MerkleTree } from '#ledger/merkle';
import { formatVerifierKey, generateRelayKey, importRelaySigner } from '#ledger/relay-key';
import type { LedgerEntry } from '#protocol/ledger-entry';
import { ROTATE_RELAY_KEY, signKeyRotation } from '#protocol/key-rotation';
import { isoAt, systemClock, type Clock } from '../clock';
import { LedgerWriter } from '../ledger-writer';
import { Projection } from '../projection';
import { UsageError, isMain, parseArgs } from './args';
import { META_KEY_HISTORY, openExistingStorage, type RetiredKey } from './ledger-export';

const USAGE = 'usage: npm run relay:rotate-key -- --data-dir <DATA_DIR>   (relay stopped)';
const PAGE = 5000;

/**
 * Rotates the key of the relay store in dataDir.
 * @param clock for the entry's ts (never earlier than the last entry's)
 * @returns the rotation entry's seq and the new verifier key
 */
export async function rotateRelayKey({
  dataDir,
  clock = systemClock,
}: {
  dataDir: string;
  clock?: Clock;
}): Promise<{ seq: number; vkey: string; oldVkey: string }> {
  const storage = openExistingStorage(dataDir);
  try {
    const origin = await storage.getMeta('log_origin');
    const pkcs8 = await storage.getMeta('relay_key_pkcs8');
    if (!origin || !pkcs8) throw new UsageError('the store has no log origin or relay key yet');
    const oldSigner = await importRelaySigner(origin, fromBase64(pkcs8));

    // The tree and the last ts, from the stored leaves, as the relay rebuilds them at start.
    const leafHashes: Uint8Array[] = [];
    let lastTs = '';
    const total = await storage.entryCount();
    for (let from = 0; from < total; from += PAGE) {
      for (const stored of await storage.readEntries(from, PAGE)) {
        leafHashes.push(stored.leafHash);
        if (stored.seq === total - 1)
          lastTs = (JSON.parse(fromUtf8(stored.bytes)) as LedgerEntry).ts;
      }
    }
    const tree = await MerkleTree.fromLeafHashes(leafHashes);
    const oldWriter = new LedgerWriter(tree, oldSigner, origin);

    const next = await generateRelayKey();
    const newSigner = await importRelaySigner(origin, next.privateKeyPkcs8);
    const seq = oldWriter.size;
    const now = isoAt(clock.now());
    const keyRotation = await signKeyRotation(
      oldSigner,
      origin,
      { keyName: newSigner.keyName, publicKey: newSigner.publicKey },
      seq,
    );
    const sealed = await oldWriter.seal({
      ts: now > lastTs ? now : lastTs,
      kind: 'system',
      outcome: 'accepted',
      actor: null,
      commandType: ROTATE_RELAY_KEY,
      cmdId: null,
      signed: null,
      command: null,
      ceremony: null,
      events: [],
      rejection: null,
      keyRotation,
    });
    // The first checkpoint after the rotation entry is the new key's (once the leaf is in the tree).
    await oldWriter.flush();
    const note = await new LedgerWriter(tree, newSigner, origin).checkpoint();

    // The audit document replicates every entry and the latest checkpoint to the app.
    const projection = new Projection();
    for (const u of await storage.readDocUpdates()) projection.load(u.doc, u.update);
    projection.projectEntry(sealed.canonical);
    projection.projectCheckpoint(note);

    const history = JSON.parse((await storage.getMeta(META_KEY_HISTORY)) ?? '[]') as RetiredKey[];
    history.push({
      keyName: oldSigner.keyName,
      publicKey: toBase64(oldSigner.publicKey),
      retiredAtSeq: seq,
    });
    await storage.commit({
      entries: [sealed.stored],
      docUpdates: projection.takeUpdates().map((u) => ({ ...u, seq: seq + 1 })),
      commands: [],
      usedNonces: [],
      checkpoint: { size: seq + 1, note, createdAt: now },
      meta: [
        ['relay_key_pkcs8', toBase64(next.privateKeyPkcs8)],
        [META_KEY_HISTORY, JSON.stringify(history)],
      ],
    });
    return {
      seq,
      vkey: await formatVerifierKey(newSigner),
      oldVkey: await formatVerifierKey(oldSigner),
    };
  } finally {
    await storage.close();
  }
}

/** The CLI: returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv, { values: ['data-dir'], flags: ['help'] });
    if (args.flags.has('help')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const dataDir = args.values.get('data-dir');
    if (!dataDir || args.positional.length > 0) throw new UsageError('--data-dir is required');
    const result = await rotateRelayKey({ dataDir });
    process.stdout.write(
      `rotated the relay key at entry ${result.seq}\n  old: ${result.oldVkey}\n  new: ${result.vkey}\n` +
        'Start the relay again; clients and auditors must pin the new key.\n',
    );
    return 0;
  } catch (error) {
    process.stderr.write(`relay:rotate-key: ${(error as Error).message}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    return 2;
  }
}

if (isMain(import.meta.url)) {
  process.env.LOG_LEVEL ??= 'silent';
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
