/**
 * `npm run ledger:export -- --data-dir <DATA_DIR> --out <DIR> [--tar]`
 *
 * Writes a relay's ledger as an export (docs/ledger.md): entries.jsonl with the stored bytes
 * of every entry, checkpoints.jsonl with every signed checkpoint, and relay-key.json with the
 * key of the first checkpoint. With --tar, writes <DIR>/ledger-export.tar instead. Reads the
 * SQLite store directly, so it works on a stopped relay (and on a copy of its data).
 * Exit 0 on success, 2 on a usage error or an unreadable data dir.
 */
import Database from 'better-sqlite3';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { fromBase64 } from '#ledger/bytes';
import { importRelaySigner } from '#ledger/relay-key';
import {
  EXPORT_FILES,
  EXPORT_TAR_NAME,
  encodeCheckpointsJsonl,
  encodeTar,
  exportFiles,
  relayKeyFile,
  type RelayKeyFile,
} from '#protocol/ledger-export';
import { openSqliteStorage } from '../storage/sqlite';
import type { RelayStorage } from '../storage/types';
import { UsageError, isMain, parseArgs } from './args';

const USAGE = 'usage: npm run ledger:export -- --data-dir <DATA_DIR> --out <DIR> [--tar]';
/** Entries read per query: bounded memory however long the ledger is. */
const PAGE = 5000;
/** Meta key rotate-key.ts keeps the retired checkpoint keys under, oldest first. */
export const META_KEY_HISTORY = 'relay_key_history';

/** A retired checkpoint key, as rotate-key.ts records it. */
export type RetiredKey = { keyName: string; publicKey: string; retiredAtSeq: number };

/** The SQLite file inside a relay data dir (as sync-server/main.ts names it). */
export const sqliteFile = (dataDir: string): string => join(dataDir, 'leasehold.sqlite');

/**
 * Opens an existing relay store; refuses to create an empty one for a mistyped path.
 * @throws UsageError when there is no store in dataDir
 */
export function openExistingStorage(dataDir: string): RelayStorage {
  const file = sqliteFile(dataDir);
  if (!existsSync(file)) throw new UsageError(`no relay store at ${file}`);
  return openSqliteStorage(file);
}

/** relay-key.json for the key the first checkpoint was signed with (before any rotation). */
export async function firstRelayKey(storage: RelayStorage): Promise<RelayKeyFile> {
  const origin = await storage.getMeta('log_origin');
  const pkcs8 = await storage.getMeta('relay_key_pkcs8');
  if (!origin || !pkcs8) throw new UsageError('the store has no log origin or relay key yet');
  const current = await importRelaySigner(origin, fromBase64(pkcs8));
  const history = JSON.parse((await storage.getMeta(META_KEY_HISTORY)) ?? '[]') as RetiredKey[];
  const first = history[0];
  return relayKeyFile(
    origin,
    first ? { keyName: first.keyName, publicKey: fromBase64(first.publicKey) } : current,
  );
}

/** Every stored checkpoint note, ascending size (the storage interface only serves the latest). */
function readCheckpoints(dataDir: string): string[] {
  const db = new Database(sqliteFile(dataDir), { readonly: true });
  try {
    return db
      .prepare<[], { note: string }>('SELECT note FROM checkpoints ORDER BY size')
      .all()
      .map((row) => row.note);
  } finally {
    db.close();
  }
}

/**
 * Writes the export of the relay store in dataDir.
 * @returns how many entries and checkpoints were written, and where
 */
export async function exportLedger({
  dataDir,
  out,
  tar = false,
}: {
  dataDir: string;
  out: string;
  tar?: boolean;
}): Promise<{ entries: number; checkpoints: number; path: string }> {
  const storage = openExistingStorage(dataDir);
  try {
    const relayKey = await firstRelayKey(storage);
    const total = await storage.entryCount();
    const checkpoints = readCheckpoints(dataDir).filter(
      (note) => Number(note.split('\n')[1]) <= total,
    );
    mkdirSync(out, { recursive: true });
    if (tar) {
      // The archive header needs each size up front; an export this way is held in memory.
      const entries: Uint8Array[] = [];
      for (let from = 0; from < total; from += PAGE) {
        for (const stored of await storage.readEntries(from, PAGE)) entries.push(stored.bytes);
      }
      const path = join(out, EXPORT_TAR_NAME);
      writeFileSync(path, encodeTar(exportFiles({ entries, checkpoints, relayKey })));
      return { entries: total, checkpoints: checkpoints.length, path };
    }
    const stream = createWriteStream(join(out, EXPORT_FILES.entries));
    for (let from = 0; from < total; from += PAGE) {
      const page = await storage.readEntries(from, PAGE);
      for (const stored of page) {
        if (!stream.write(stored.bytes)) await once(stream, 'drain');
        stream.write('\n');
      }
    }
    stream.end();
    await once(stream, 'finish');
    writeFileSync(join(out, EXPORT_FILES.checkpoints), encodeCheckpointsJsonl(checkpoints));
    const [, , keyFile] = exportFiles({ entries: [], checkpoints: [], relayKey });
    writeFileSync(join(out, EXPORT_FILES.relayKey), keyFile!.bytes);
    return { entries: total, checkpoints: checkpoints.length, path: out };
  } finally {
    await storage.close();
  }
}

/** The CLI: returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv, { values: ['data-dir', 'out'], flags: ['tar', 'help'] });
    if (args.flags.has('help')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const dataDir = args.values.get('data-dir');
    const out = args.values.get('out');
    if (!dataDir || !out || args.positional.length > 0) {
      throw new UsageError('--data-dir and --out are required');
    }
    const result = await exportLedger({
      dataDir: resolve(dataDir),
      out: resolve(out),
      tar: args.flags.has('tar'),
    });
    process.stdout.write(
      `exported ${result.entries} entries and ${result.checkpoints} checkpoints to ${result.path}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`ledger:export: ${(error as Error).message}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    return 2;
  }
}

if (isMain(import.meta.url)) {
  process.env.LOG_LEVEL ??= 'silent';
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
