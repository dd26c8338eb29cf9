import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '#ledger/bytes';
import { generateRelayKey, importRelaySigner } from '#ledger/relay-key';
import {
  EXPORT_FILES,
  LedgerExportError,
  decodeTar,
  encodeCheckpointsJsonl,
  encodeEntriesJsonl,
  encodeTar,
  exportFiles,
  parseCheckpointsJsonl,
  parseRelayKeyFile,
  readExportFiles,
  relayKeyFile,
} from './ledger-export';

const ORIGIN = 'test.leasehold.local/export';
const keyFile = async () =>
  relayKeyFile(ORIGIN, await importRelaySigner(ORIGIN, (await generateRelayKey()).privateKeyPkcs8));

describe('export files', () => {
  it('writes each entry as its stored bytes plus a newline', () => {
    const bytes = encodeEntriesJsonl(['{"a":1}', utf8('{"b":"é"}')]);
    expect(fromUtf8(bytes)).toBe('{"a":1}\n{"b":"é"}\n');
    expect(encodeEntriesJsonl([])).toEqual(new Uint8Array(0));
  });

  it('round-trips checkpoints as one JSON string per line', () => {
    const notes = ['origin\n1\nAAAA\n\n— origin sig\n', 'origin\n2\nBBBB\n\n— origin sig\n'];
    const text = encodeCheckpointsJsonl(notes);
    expect(text.split('\n')).toHaveLength(3);
    expect(parseCheckpointsJsonl(text)).toEqual(notes);
    expect(parseCheckpointsJsonl('')).toEqual([]);
    expect(() => parseCheckpointsJsonl('"a"')).toThrow(/newline/);
    expect(() => parseCheckpointsJsonl('"a"\n7\n')).toThrow(/line 2 is not a JSON string/);
  });

  it('checks that relay-key.json agrees with itself', async () => {
    const file = await keyFile();
    expect(await parseRelayKeyFile(JSON.stringify(file))).toEqual(file);
    const other = await keyFile();
    await expect(
      parseRelayKeyFile(JSON.stringify({ ...file, publicKey: other.publicKey })),
    ).rejects.toThrow(/does not match/);
    await expect(parseRelayKeyFile(JSON.stringify({ ...file, vkey: 'x' }))).rejects.toThrow(
      LedgerExportError,
    );
    await expect(parseRelayKeyFile('{')).rejects.toThrow(/not JSON/);
    await expect(parseRelayKeyFile('{"origin":""}')).rejects.toThrow(/"origin"/);
  });

  it('reads back what exportFiles wrote, and names a missing file', async () => {
    const relayKey = await keyFile();
    const files = exportFiles({ entries: ['{"seq":0}'], checkpoints: ['n\n'], relayKey });
    expect(files.map((f) => f.name)).toEqual(Object.values(EXPORT_FILES));
    const read = await readExportFiles(decodeTar(encodeTar(files)));
    expect(fromUtf8(read.entries)).toBe('{"seq":0}\n');
    expect(read.checkpoints).toEqual(['n\n']);
    expect(read.relayKey).toEqual(relayKey);
    await expect(readExportFiles(files.slice(1))).rejects.toThrow(/no entries.jsonl/);
  });
});

describe('ustar archives', () => {
  const files = [
    { name: 'entries.jsonl', bytes: utf8('x'.repeat(1000)) },
    { name: 'empty', bytes: new Uint8Array(0) },
    { name: 'exactly-512', bytes: new Uint8Array(512).fill(7) },
  ];

  it('round-trips files of any size, padded to 512-byte blocks', () => {
    const tar = encodeTar(files);
    expect(tar.length % 512).toBe(0);
    // header + 2 data blocks, header alone, header + 1 block, two zero blocks
    expect(tar.length).toBe(512 * (1 + 2 + 1 + 1 + 1 + 2));
    expect(decodeTar(tar)).toEqual(files);
  });

  it('is readable by the system tar, and reads what it writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-tar-'));
    try {
      writeFileSync(join(dir, 'ours.tar'), encodeTar(files));
      const list = spawnSync('tar', ['-tvf', join(dir, 'ours.tar')], { encoding: 'utf8' });
      expect(list.status, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/entries\.jsonl/);
      writeFileSync(join(dir, 'a.txt'), 'hello\n');
      const made = spawnSync('tar', ['--format=ustar', '-cf', 'theirs.tar', 'a.txt'], { cwd: dir });
      expect(made.status).toBe(0);
      const [file] = decodeTar(new Uint8Array(readFileSync(join(dir, 'theirs.tar'))));
      expect(file!.name).toBe('a.txt');
      expect(fromUtf8(file!.bytes)).toBe('hello\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses corrupt archives', () => {
    const tar = encodeTar(files);
    const flipped = tar.slice();
    flipped[3]! ^= 1;
    expect(() => decodeTar(flipped)).toThrow(/checksum/);
    expect(() => decodeTar(tar.subarray(0, 700))).toThrow(/truncated/);
    expect(() => decodeTar(tar.subarray(0, 512 * 6))).toThrow(/end-of-archive/);
    const link = tar.slice();
    link[156] = 0x32; // symlink
    link.fill(0x20, 148, 156);
    const sum = link.subarray(0, 512).reduce((n, b) => n + b, 0);
    link.set(utf8(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    expect(() => decodeTar(link)).toThrow(/entry type 2/);
    expect(() => encodeTar([{ name: 'x'.repeat(101), bytes: new Uint8Array() }])).toThrow(/long/);
  });
});
