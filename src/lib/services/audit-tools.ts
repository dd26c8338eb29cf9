/**
 * What the Audit page does with entries beyond listing them: CSV of a filtered view (RFC 4180),
 * the whole ledger as `ledger-export.tar` (the format `npm run ledger:verify` reads), and
 * re-verifying an entry's passkey evidence in the browser against the credential registered
 * earlier in the same ledger (WebAuthn L3 §7.2).
 */
import type { AuditFilter, AuditRow } from '$lib/sync/audit-index';
import { encodeTar, exportFiles } from '#protocol/ledger-export';
import { verifyAssertionEvidence } from '#protocol/webauthn-verify';
import { confirmationChallenge, enrolmentChallenge, intentOf } from '#protocol/confirmation';
import { parseCheckpoint } from '#ledger/checkpoint';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { AssertionJSON } from '#protocol/messages';
import type { LedgerService } from './ledger';

/** One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_HEADER = ['seq', 'time', 'actor', 'action', 'outcome', 'reason', 'justification'];

export type CsvColumns = { actor: string; action: string; outcome: string; reason: string };

/**
 * The filtered view as CSV (CRLF line ends, per RFC 4180), oldest first.
 * @param describe the words for each row, as the page shows them
 * @param onProgress rows written so far
 */
export async function auditCsv(
  ledger: LedgerService,
  filter: AuditFilter,
  describe: (row: AuditRow) => CsvColumns,
  onProgress: (done: number) => void,
): Promise<Blob> {
  const lines: string[] = [CSV_HEADER.join(',')];
  let done = 0;
  await ledger.eachRow(filter, (row) => {
    const words = describe(row);
    lines.push(
      [row.seq, row.ts, words.actor, words.action, words.outcome, words.reason, row.justification]
        .map(csvField)
        .join(','),
    );
    if (++done % 5000 === 0) onProgress(done);
  });
  onProgress(done);
  return new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
}

export type ExportProgress = {
  step: 'checkpoints' | 'entries' | 'packing';
  done: number;
  total: number;
};

/**
 * The whole ledger as one tar: entries.jsonl, checkpoints.jsonl, relay-key.json (audit readers).
 * Checkpoints are fetched first, so every one of them covers entries in the download.
 * @param auditTexts the audit document's entries, used when they reach the newest checkpoint
 */
export async function exportLedgerTar(
  ledger: LedgerService,
  auditTexts: readonly string[],
  onProgress: (progress: ExportProgress) => void,
): Promise<Blob> {
  onProgress({ step: 'checkpoints', done: 0, total: 0 });
  const checkpoints = await ledger.allCheckpoints();
  const newest = checkpoints.reduce(
    (max, note) => Math.max(max, parseCheckpoint(note).checkpoint.size),
    0,
  );
  const entries =
    auditTexts.length >= newest && auditTexts.length > 0
      ? [...auditTexts]
      : await ledger.allEntries(null, (done, total) =>
          onProgress({ step: 'entries', done, total }),
        );
  const covered = checkpoints.filter(
    (note) => parseCheckpoint(note).checkpoint.size <= entries.length,
  );
  onProgress({ step: 'packing', done: entries.length, total: entries.length });
  const key = await ledger.relayKey();
  const relayKey = {
    origin: key.origin,
    keyName: key.keyName,
    publicKey: key.publicKey,
    vkey: key.vkey,
  };
  const tar = encodeTar(exportFiles({ entries, checkpoints: covered, relayKey }));
  return new Blob([tar as Uint8Array<ArrayBuffer>], { type: 'application/x-tar' });
}

export type PasskeyCheck =
  | { state: 'none'; message: string }
  | { state: 'valid'; message: string }
  | { state: 'invalid'; message: string }
  | { state: 'unknown'; message: string };

type Evidence = { assertion: AssertionJSON; challenge: Uint8Array; what: string };

async function evidenceOf(entry: LedgerEntry): Promise<Evidence | null> {
  const confirmation = entry.signed?.envelope.confirmation;
  if (confirmation && entry.signed) {
    return {
      assertion: confirmation.assertion,
      challenge: await confirmationChallenge(confirmation.nonce, intentOf(entry.signed.envelope)),
      what: 'confirmation of this exact request',
    };
  }
  const ceremony = entry.ceremony;
  const command = entry.command;
  if (ceremony?.kind === 'authentication' && command?.type === 'EnrolDevice') {
    return {
      assertion: ceremony.response as AssertionJSON,
      challenge: await enrolmentChallenge(ceremony.nonce, command.device.publicKey),
      what: 'sign-in that enrolled this device',
    };
  }
  return null;
}

/**
 * Re-checks the passkey signature in an entry, in this browser, with the public key from the
 * ledger entry that registered that passkey (origin and rpId from that registration ceremony).
 */
export async function reverifyPasskey(ledger: LedgerService, row: AuditRow): Promise<PasskeyCheck> {
  const entry = JSON.parse(row.text) as LedgerEntry;
  const evidence = await evidenceOf(entry);
  if (!evidence) {
    if (entry.ceremony?.kind === 'registration') {
      return {
        state: 'none',
        message:
          'This entry registered a passkey; later passkey signatures are checked against it.',
      };
    }
    return { state: 'none', message: 'This entry carries no passkey signature.' };
  }
  const credentialId = evidence.assertion.id;
  const registration = await ledger.registrationOf(credentialId);
  if (!registration) {
    return {
      state: 'unknown',
      message:
        'This device does not hold the ledger entry that registered this passkey, so it cannot check the signature.',
    };
  }
  const registered = JSON.parse(registration.text) as LedgerEntry;
  const passkey = registered.events
    .map((e) => (e.type === 'PasskeyRegistered' ? e.passkey : null))
    .find((p) => p?.id === credentialId);
  if (!passkey || !registered.ceremony) {
    return {
      state: 'unknown',
      message: `Entry #${registration.seq} does not hold the passkey's public key and ceremony, so the signature cannot be checked.`,
    };
  }
  const result = await verifyAssertionEvidence({
    assertion: evidence.assertion,
    expectedChallenge: evidence.challenge,
    origin: registered.ceremony.origin,
    rpId: registered.ceremony.rpId,
    cosePublicKey: passkey.publicKey,
  });
  if (result.ok) {
    return {
      state: 'valid',
      message: `The passkey signature is valid: it is the ${evidence.what}, made with the passkey registered in entry #${registration.seq}.`,
    };
  }
  return {
    state: 'invalid',
    message: `The passkey signature is not valid: ${result.reason}.`,
  };
}
