/**
 * The offline verifier against real ledgers: a relay with passkey users produces the ledger,
 * `ledger:export` writes it, `ledger:verify` checks it, and a matrix of tampered copies
 * (each corruption described as data, CloudTrail-validator style) must each be caught with
 * the right entry and reason. Also: key rotation on a stopped relay, and incremental state.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { UserCommand } from '#domain/commands';
import { fromBase64, randomId, utf8 } from '#ledger/bytes';
import { canonicalize } from '#ledger/canonical-json';
import { parseCheckpoint, signCheckpoint, type CheckpointSigner } from '#ledger/checkpoint';
import { MerkleTree, leafHash } from '#ledger/merkle';
import { generateRelayKey, importRelaySigner } from '#ledger/relay-key';
import type { LedgerEntry } from '#protocol/ledger-entry';
import { signKeyRotation } from '#protocol/key-rotation';
import { main as exportMain } from '../../sync-server/cli/ledger-export';
import { main as verifyMain } from '../../sync-server/cli/ledger-verify';
import { main as rotateMain } from '../../sync-server/cli/rotate-key';
import { openSqliteStorage } from '../../sync-server/storage/sqlite';
import { CommandClient, relayWithTwoUsers, startRelay, type TestRelay } from './support/harness';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `leasehold-${prefix}-`));

/** Runs a CLI's main in-process, capturing what it prints. */
async function run(
  main: (argv: string[]) => Promise<number>,
  ...argv: string[]
): Promise<{ code: number; out: string }> {
  let out = '';
  const capture = (chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return { code: await main(argv), out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

const lines = (dir: string): string[] =>
  readFileSync(join(dir, 'entries.jsonl'), 'utf8').split('\n').slice(0, -1);
const writeLines = (dir: string, entries: string[]) =>
  writeFileSync(join(dir, 'entries.jsonl'), entries.map((l) => `${l}\n`).join(''));
const notes = (dir: string): string[] =>
  readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8')
    .split('\n')
    .slice(0, -1)
    .map((l) => JSON.parse(l) as string);
const writeNotes = (dir: string, list: string[]) =>
  writeFileSync(join(dir, 'checkpoints.jsonl'), list.map((n) => `${JSON.stringify(n)}\n`).join(''));

/** Re-signs every checkpoint over (possibly edited) entries, as a malicious operator could. */
async function resign(dir: string, signerFor: (size: number) => CheckpointSigner): Promise<void> {
  const entryLines = lines(dir);
  const tree = await MerkleTree.fromLeafHashes(
    await Promise.all(entryLines.map((l) => leafHash(utf8(l)))),
  );
  const signed: string[] = [];
  for (const note of notes(dir)) {
    const { checkpoint } = parseCheckpoint(note);
    signed.push(
      await signCheckpoint(
        { ...checkpoint, root: await tree.root(checkpoint.size) },
        signerFor(checkpoint.size),
      ),
    );
  }
  writeNotes(dir, signed);
}

async function signerFromStore(dataDir: string): Promise<CheckpointSigner> {
  const storage = openSqliteStorage(join(dataDir, 'leasehold.sqlite'));
  try {
    const origin = (await storage.getMeta('log_origin'))!;
    return importRelaySigner(origin, fromBase64((await storage.getMeta('relay_key_pkcs8'))!));
  } finally {
    await storage.close();
  }
}

describe('ledger:export and ledger:verify on a real ledger', () => {
  let h: TestRelay;
  let exportDir: string;
  let work: string;
  let signer: CheckpointSigner;
  /** seq of interesting entries, from the relay's replies. */
  const seqs = { eligibility: -1, denied: -1, activation: -1, confirmedAssign: -1, badPasskey: -1 };

  beforeAll(async () => {
    const { h: relay, admin, user, adminCmd, userCmd } = await relayWithTwoUsers();
    h = relay;
    const assignmentId = `a_${randomId(8)}`;
    const ack = (reply: Awaited<ReturnType<CommandClient['send']>>) => {
      if (reply.t === 'ack') return reply.seq;
      if (reply.t === 'reject' && reply.seq !== null) return reply.seq;
      throw new Error(`no ledger entry: ${JSON.stringify(reply)}`);
    };
    const assign = (id: string, roleId: string, justification: string) => ({
      type: 'AssignRole' as const,
      principalKind: 'user' as const,
      scopeId: null,
      administrativeUnitId: null,
      assignmentId: id,
      principalId: user.userId,
      roleId,
      assignmentType: 'eligible' as const,
      startsAt: null,
      endsAt: null,
      justification,
    });
    seqs.eligibility = ack(
      await adminCmd.send(
        await admin.signed(assign(assignmentId, ROLE_IDS.SecurityReader, 'On-call auditor')),
      ),
    );
    // startsAt is left out, as the wire codec and activation.test.ts do: it means "now".
    const activate = (justification: string) =>
      ({
        type: 'ActivateRole',
        activationId: `act_${randomId(8)}`,
        assignmentId,
        durationMinutes: 60,
        startsAt: null,
        justification,
        ticket: null,
      }) as Extract<UserCommand, { type: 'ActivateRole' }>;
    const denied = await userCmd.send(await user.signed(activate('No passkey')));
    expect(denied).toMatchObject({ t: 'reject', code: 'confirmation-required' });
    seqs.denied = ack(denied);
    const activated = await userCmd.send(
      await user.signed(activate('Quarterly audit'), { confirm: true }),
    );
    expect(activated).toMatchObject({ t: 'ack' });
    seqs.activation = ack(activated);
    const confirmedAssign = await adminCmd.send(
      await admin.signed(assign(`a_${randomId(8)}`, ROLE_IDS.GlobalReader, 'Reporting'), {
        confirm: true,
      }),
    );
    expect(confirmedAssign).toMatchObject({ t: 'ack' });
    seqs.confirmedAssign = ack(confirmedAssign);
    // A forged assertion is refused by the relay and recorded; it must not fail --webauthn.
    const bad = await userCmd.send(
      await user.signed(activate('Forged'), { confirm: true, tamper: { badSignature: true } }),
    );
    expect(bad).toMatchObject({ t: 'reject', code: 'confirmation-invalid' });
    seqs.badPasskey = ack(bad);
    adminCmd.close();
    userCmd.close();
    await h.close({ keepData: true });
    signer = await signerFromStore(h.dataDir);
    work = tmp('ledger-cli');
    exportDir = join(work, 'export');
    const exported = await run(exportMain, '--data-dir', h.dataDir, '--out', exportDir);
    expect(exported.code, exported.out).toBe(0);
  });

  afterAll(() => {
    rmSync(h.dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** A copy of the export with one corruption applied. */
  let copies = 0;
  async function tampered(mutate: (dir: string) => void | Promise<void>): Promise<string> {
    const dir = join(work, `copy-${++copies}`);
    cpSync(exportDir, dir, { recursive: true });
    await mutate(dir);
    return dir;
  }

  it('exports the three files, one canonical entry per line', () => {
    const entryLines = lines(exportDir);
    expect(entryLines.length).toBeGreaterThan(seqs.badPasskey);
    entryLines.forEach((line, i) => {
      expect(canonicalize(JSON.parse(line))).toBe(line);
      expect((JSON.parse(line) as LedgerEntry).seq).toBe(i);
    });
    const key = JSON.parse(readFileSync(join(exportDir, 'relay-key.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(key.origin).toBe(signer.keyName);
    expect(fromBase64(key.publicKey!)).toEqual(signer.publicKey);
    expect(parseCheckpoint(notes(exportDir).at(-1)!).checkpoint.size).toBe(entryLines.length);
  });

  it('verifies the export, with and without --webauthn', async () => {
    const plain = await run(verifyMain, exportDir);
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out).toMatch(/VALID/);
    expect(plain.out).toContain(`entries: ${lines(exportDir).length}`);
    const webauthn = await run(verifyMain, exportDir, '--webauthn');
    expect(webauthn.code, webauthn.out).toBe(0);
    // setup + invite registrations, two confirmed commands; the forged one is not required.
    expect(webauthn.out).toMatch(/passkey evidence: 4 verified, 1 in rejected entries/);
  });

  it('runs as an npm script in its own process', () => {
    const tsx = join('node_modules', '.bin', 'tsx');
    const ok = spawnSync(tsx, ['sync-server/cli/ledger-verify.ts', exportDir, '--webauthn'], {
      encoding: 'utf8',
    });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const bad = spawnSync(tsx, ['sync-server/cli/ledger-verify.ts'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });

  it('writes and verifies a single ledger-export.tar', async () => {
    const out = join(work, 'tar');
    expect((await run(exportMain, '--data-dir', h.dataDir, '--out', out, '--tar')).code).toBe(0);
    const result = await run(verifyMain, join(out, 'ledger-export.tar'), '--webauthn');
    expect(result.code, result.out).toBe(0);
  });

  const mutateLine = (seq: number, edit: (line: string) => string) => (dir: string) => {
    const all = lines(dir);
    all[seq] = edit(all[seq]!);
    writeLines(dir, all);
  };

  const matrix: [string, () => Promise<string>, RegExp, () => number | null][] = [
    [
      'a flipped byte in an entry',
      () =>
        tampered((dir) => {
          const file = join(dir, 'entries.jsonl');
          const bytes = readFileSync(file);
          const start = lines(dir)
            .slice(0, seqs.eligibility)
            .reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
          const at = bytes.indexOf('On-call auditor', start) + 3;
          bytes[at] = bytes[at]! ^ 0x01;
          writeFileSync(file, bytes);
        }),
      /has root .* but entries 0\.\.\d+ hash to/,
      () => seqs.eligibility,
    ],
    [
      'keys reordered in a line',
      () =>
        tampered(
          mutateLine(seqs.activation, (line) => {
            const value = JSON.parse(line) as Record<string, unknown>;
            return JSON.stringify(Object.fromEntries(Object.entries(value).reverse()));
          }),
        ),
      /not canonical JSON \(RFC 8785\): member order/,
      () => seqs.activation,
    ],
    [
      'whitespace added to a line',
      () => tampered(mutateLine(seqs.denied, (line) => line.replace(',', ', '))),
      /not canonical JSON \(RFC 8785\): whitespace/,
      () => seqs.denied,
    ],
    [
      'an entry deleted',
      () =>
        tampered((dir) =>
          writeLines(
            dir,
            lines(dir).filter((_, i) => i !== seqs.eligibility),
          ),
        ),
      /has seq \d+, expected \d+/,
      () => seqs.eligibility,
    ],
    [
      'two entries swapped',
      () =>
        tampered((dir) => {
          const all = lines(dir);
          [all[seqs.denied], all[seqs.activation]] = [all[seqs.activation]!, all[seqs.denied]!];
          writeLines(dir, all);
        }),
      /has seq \d+, expected \d+/,
      () => seqs.denied,
    ],
    [
      'an entry duplicated',
      () =>
        tampered((dir) => {
          const all = lines(dir);
          all.splice(seqs.denied, 0, all[seqs.denied]!);
          writeLines(dir, all);
        }),
      /has seq \d+, expected \d+/,
      () => seqs.denied + 1,
    ],
    [
      'the last two entries cut off',
      () => tampered((dir) => writeLines(dir, lines(dir).slice(0, -2))),
      /export ends after \d+ entries: entry \d+ is missing/,
      () => lines(exportDir).length - 2,
    ],
    [
      'the file truncated in the middle of a line',
      () =>
        tampered((dir) => {
          const file = join(dir, 'entries.jsonl');
          truncateSync(file, statSync(file).size - 20);
        }),
      /is truncated/,
      () => lines(exportDir).length - 1,
    ],
    [
      'an entry appended without a checkpoint',
      () =>
        tampered((dir) => {
          const all = lines(dir);
          const last = JSON.parse(all.at(-1)!) as LedgerEntry;
          all.push(canonicalize({ ...last, seq: all.length }));
          writeLines(dir, all);
        }),
      /entry \d+ is not covered by any checkpoint/,
      () => lines(exportDir).length,
    ],
    [
      'the newest checkpoint signed by another key',
      () =>
        tampered(async (dir) => {
          const list = notes(dir);
          const key = await generateRelayKey();
          const other = await importRelaySigner(signer.keyName, key.privateKeyPkcs8);
          list[list.length - 1] = await signCheckpoint(
            parseCheckpoint(list.at(-1)!).checkpoint,
            other,
          );
          writeNotes(dir, list);
        }),
      /is not signed by the key in force/,
      () => null,
    ],
    [
      'an older checkpoint with another root (a fork), properly signed',
      () =>
        tampered(async (dir) => {
          const list = notes(dir);
          const i = list.findIndex(
            (n) => parseCheckpoint(n).checkpoint.size === seqs.activation + 1,
          );
          const { checkpoint } = parseCheckpoint(list[i]!);
          list[i] = await signCheckpoint(
            { ...checkpoint, root: await leafHash(utf8('another history')) },
            signer,
          );
          writeNotes(dir, list);
        }),
      /the log forked/,
      () => seqs.activation,
    ],
    [
      'two checkpoints of one size with different roots',
      () =>
        tampered(async (dir) => {
          const list = notes(dir);
          const { checkpoint } = parseCheckpoint(list[2]!);
          list.splice(
            3,
            0,
            await signCheckpoint({ ...checkpoint, root: await leafHash(utf8('fork')) }, signer),
          );
          writeNotes(dir, list);
        }),
      /both have size \d+ but different roots: the log forked/,
      () => null,
    ],
  ];

  for (const [what, make, reason, index] of matrix) {
    it(`fails with exit 1 on ${what}`, async () => {
      const dir = await make();
      const result = await run(verifyMain, dir);
      expect(result.code, result.out).toBe(1);
      expect(result.out).toMatch(reason);
      const at = index();
      expect(result.out).toContain(at === null ? 'INVALID (checkpoints)' : `INVALID (entry ${at})`);
    });
  }

  it('catches a re-signed ledger with swapped passkey evidence only with --webauthn', async () => {
    const dir = await tampered(async (d) => {
      const all = lines(d).map((l) => JSON.parse(l) as LedgerEntry);
      const a = all[seqs.activation]!.signed!.envelope;
      const b = all[seqs.confirmedAssign]!.signed!.envelope;
      [a.confirmation, b.confirmation] = [b.confirmation, a.confirmation];
      writeLines(d, all.map(canonicalize));
      await resign(d, () => signer);
    });
    const plain = await run(verifyMain, dir);
    expect(plain.code, plain.out).toBe(0);
    const webauthn = await run(verifyMain, dir, '--webauthn');
    expect(webauthn.code, webauthn.out).toBe(1);
    expect(webauthn.out).toContain(`INVALID (entry ${seqs.activation})`);
    expect(webauthn.out).toMatch(/passkey belongs to .*, not to the actor/);
  });

  it("catches a re-signed edit of a confirmed command's justification only with --webauthn", async () => {
    const dir = await tampered(async (d) => {
      const all = lines(d).map((l) => JSON.parse(l) as LedgerEntry);
      const command = all[seqs.activation]!.signed!.envelope.command as { justification: string };
      command.justification = 'Nothing to see here';
      writeLines(d, all.map(canonicalize));
      await resign(d, () => signer);
    });
    expect((await run(verifyMain, dir)).code).toBe(0);
    const webauthn = await run(verifyMain, dir, '--webauthn');
    expect(webauthn.code, webauthn.out).toBe(1);
    expect(webauthn.out).toContain(`INVALID (entry ${seqs.activation})`);
    expect(webauthn.out).toMatch(/challenge is not the expected challenge/);
  });

  it('answers 2 for usage errors and unreadable input', async () => {
    expect((await run(verifyMain)).code).toBe(2);
    expect((await run(verifyMain, exportDir, '--frobnicate')).code).toBe(2);
    expect((await run(verifyMain, exportDir, exportDir)).code).toBe(2);
    expect((await run(verifyMain, join(work, 'does-not-exist'))).code).toBe(2);
    const noKey = await tampered((dir) => rmSync(join(dir, 'relay-key.json')));
    expect((await run(verifyMain, noKey)).code).toBe(2);
    const junkTar = join(work, 'junk.tar');
    writeFileSync(junkTar, 'not a tar archive at all');
    expect((await run(verifyMain, junkTar)).code).toBe(2);
    expect((await run(exportMain, '--out', work)).code).toBe(2);
    expect((await run(exportMain, '--data-dir', join(work, 'nope'), '--out', work)).code).toBe(2);
  });

  it('pins the relay key with --vkey', async () => {
    const key = JSON.parse(readFileSync(join(exportDir, 'relay-key.json'), 'utf8')) as {
      vkey: string;
    };
    expect((await run(verifyMain, exportDir, '--vkey', key.vkey)).code).toBe(0);
    const other = await importRelaySigner(
      signer.keyName,
      (await generateRelayKey()).privateKeyPkcs8,
    );
    const { formatVerifierKey } = await import('#ledger/relay-key');
    const wrong = await run(verifyMain, exportDir, '--vkey', await formatVerifierKey(other));
    expect(wrong.code).toBe(1);
  });
});

describe('key rotation and incremental verification', () => {
  let h: TestRelay;
  let work: string;

  beforeAll(async () => {
    work = tmp('ledger-rotate');
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    if (h) rmSync(h.dataDir, { recursive: true, force: true });
  });

  it('rotates on a stopped relay, keeps working, and verifies across the rotation', async () => {
    const first = await relayWithTwoUsers();
    h = first.h;
    const { admin } = first;
    first.adminCmd.close();
    first.userCmd.close();
    await h.close({ keepData: true });
    const oldSigner = await signerFromStore(h.dataDir);

    // Verify once, saving state, to check the incremental run later.
    const before = join(work, 'before');
    expect((await run(exportMain, '--data-dir', h.dataDir, '--out', before)).code).toBe(0);
    const stateFile = join(work, 'state.json');
    expect((await run(verifyMain, before, '--webauthn', '--state', stateFile)).code).toBe(0);

    const rotated = await run(rotateMain, '--data-dir', h.dataDir);
    expect(rotated.code, rotated.out).toBe(0);
    const newSigner = await signerFromStore(h.dataDir);
    expect(newSigner.publicKey).not.toEqual(oldSigner.publicKey);

    // The relay starts with the new key and goes on appending entries.
    const h2 = await startRelay({ dataDir: h.dataDir });
    Object.assign(admin, { h: h2 });
    Object.assign(admin.authenticator, { origin: h2.origin });
    await admin.openSession();
    const cmd = await CommandClient.connect(h2, admin.token);
    const reply = await cmd.send(
      await admin.signed({
        type: 'CreateInvite',
        administrativeUnitId: null,
        inviteId: `inv_${randomId(8)}`,
        tokenHash: randomId(32),
        displayName: 'After Rotation',
      }),
    );
    expect(reply).toMatchObject({ t: 'ack' });
    cmd.close();
    await h2.close({ keepData: true });

    const after = join(work, 'after');
    expect((await run(exportMain, '--data-dir', h.dataDir, '--out', after)).code).toBe(0);
    // The export names the key of its first checkpoint: the old one.
    const key = JSON.parse(readFileSync(join(after, 'relay-key.json'), 'utf8')) as {
      publicKey: string;
    };
    expect(fromBase64(key.publicKey)).toEqual(oldSigner.publicKey);
    const full = await run(verifyMain, after, '--webauthn');
    expect(full.code, full.out).toBe(0);
    expect(full.out).toMatch(/key rotations: 1/);

    // Incremental: only the entries after the saved state are read and checked.
    const incremental = await run(verifyMain, after, '--webauthn', '--state', stateFile);
    expect(incremental.code, incremental.out).toBe(0);
    expect(incremental.out).toMatch(/entries: \d+ \(2 new since the saved state\)/);

    // A checkpoint after the rotation signed with the retired key is refused.
    const oldKeyAfter = join(work, 'old-key-after');
    cpSync(after, oldKeyAfter, { recursive: true });
    const rotationSeq = lines(after).findIndex((l) => l.includes('"RotateRelayKey"'));
    await resign(oldKeyAfter, () => oldSigner);
    const stale = await run(verifyMain, oldKeyAfter);
    expect(stale.code, stale.out).toBe(1);
    expect(stale.out).toMatch(
      new RegExp(`size ${rotationSeq + 1}\\) is not signed by the key in force`),
    );

    // A rotation signed by any key but the one in force is refused, even if re-signed.
    const forged = join(work, 'forged');
    cpSync(after, forged, { recursive: true });
    const all = lines(forged);
    const entry = JSON.parse(all[rotationSeq]!) as LedgerEntry;
    const intruder = await importRelaySigner(
      oldSigner.keyName,
      (await generateRelayKey()).privateKeyPkcs8,
    );
    entry.keyRotation = await signKeyRotation(intruder, oldSigner.keyName, intruder, rotationSeq);
    all[rotationSeq] = canonicalize(entry);
    writeLines(forged, all);
    await resign(forged, (size) => (size > rotationSeq ? intruder : oldSigner));
    const result = await run(verifyMain, forged);
    expect(result.code, result.out).toBe(1);
    expect(result.out).toContain(`INVALID (entry ${rotationSeq})`);
    expect(result.out).toMatch(/key rotation is not signed by the key in force/);
  });

  it('refuses to rotate without a relay store', async () => {
    expect((await run(rotateMain, '--data-dir', join(work, 'none'))).code).toBe(2);
    expect((await run(rotateMain)).code).toBe(2);
  });
});
