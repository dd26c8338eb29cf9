/**
 * Client-side verification of the relay's ledger (ARCHITECTURE §4, trust-anchors §1.7):
 *
 * 1. Pin the relay's Ed25519 key on first contact (trust on first use). A different key later is
 *    accepted only through the relay's published rotation chain, each link signed by the key it
 *    retires (the same signature the ledger's RotateRelayKey entry carries); anything else is an
 *    alarm.
 * 2. Verify the newest checkpoint's signature with the pinned key.
 * 3. Against the last verified checkpoint: a smaller size is a rollback, the same size with
 *    another root is a fork, a larger size needs an RFC 9162 consistency proof (§2.1.4.2).
 * 4. Only then does the new checkpoint become the last verified one.
 * 5. Inclusion receipts (§2.1.3.2) for the user's own entries, checked against that checkpoint
 *    with the leaf hash of the entry bytes this device holds.
 *
 * Every failure becomes a `LedgerAlarm` naming exactly what failed; nothing passes silently.
 */
import { fromBase64, toBase64, utf8 } from '#ledger/bytes';
import { verifyCheckpoint, type Checkpoint } from '#ledger/checkpoint';
import { leafHash, verifyConsistency, verifyInclusion } from '#ledger/merkle';
import { importRelayVerifier, parseVerifierKey } from '#ledger/relay-key';
import type { Iso } from '#domain/model';
import { keyRotationMessage } from '#protocol/key-rotation';
import {
  fetchConsistencyProof,
  fetchInclusionProof,
  fetchLatestCheckpoint,
  fetchRelayKey,
  LedgerAnswerError,
  LedgerEndpointMissingError,
  type LedgerAuth,
  type PublishedRelayKey,
} from './ledger-http';
import type { AlarmKind, LedgerPin, LedgerPinTable } from './ledger-store';

/** A check that failed: what kind, in one sentence for people. */
export type LedgerFailure = { kind: AlarmKind; message: string };

export type CheckpointCheck =
  | { status: 'verified'; pin: LedgerPin; checkpoint: Checkpoint }
  /** Nothing recorded yet: there is no checkpoint to verify. */
  | { status: 'empty'; pin: LedgerPin }
  /** The relay cannot be asked (offline) or does not serve what verification needs. */
  | { status: 'unavailable'; reason: string }
  | { status: 'failed'; failure: LedgerFailure };

export type InclusionCheck =
  | { status: 'recorded'; size: number }
  | { status: 'unavailable'; reason: string }
  | { status: 'failed'; failure: LedgerFailure };

const UNAVAILABLE_PROOFS = 'Verification unavailable: the relay does not serve proofs.';

const sameKey = (pin: LedgerPin, key: PublishedRelayKey): boolean =>
  pin.keyName === key.keyName && pin.publicKey === key.publicKey;

/**
 * Fetches, verifies and (only when everything holds) stores the newest checkpoint.
 * @param pins the Dexie table of pins, one per relay origin
 * @param origin this page's origin: the relay the pin belongs to
 * @param auth the session, for the proof endpoints
 * @param now the time to record
 */
export async function checkLatestCheckpoint(
  pins: LedgerPinTable,
  origin: string,
  auth: LedgerAuth,
  now: Iso,
): Promise<CheckpointCheck> {
  let key: PublishedRelayKey;
  let note: string | null;
  try {
    [key, note] = await Promise.all([fetchRelayKey(), fetchLatestCheckpoint()]);
  } catch (error) {
    if (error instanceof LedgerAnswerError) {
      return { status: 'failed', failure: { kind: 'bad-answer', message: error.message } };
    }
    return { status: 'unavailable', reason: unavailableReason(error) };
  }

  let pin = await pins.get(origin);
  if (!pin) {
    // Trust on first use: the key this device sees first is the one it holds the relay to.
    const verifier = await verifierOf(key);
    if (!verifier) {
      return {
        status: 'failed',
        failure: {
          kind: 'bad-answer',
          message: 'The relay published a key that is not a valid Ed25519 key.',
        },
      };
    }
    pin = {
      origin,
      keyName: key.keyName,
      publicKey: key.publicKey,
      logOrigin: key.origin,
      pinnedAt: now,
      checkpoint: null,
      size: 0,
      root: null,
      verifiedAt: null,
    };
    await pins.put(pin);
  } else if (!sameKey(pin, key)) {
    const rotated = await followRotations(pin, key);
    if (!rotated) {
      return {
        status: 'failed',
        failure: {
          kind: 'key-changed',
          message: `The relay key changed: this device pinned the key “${pin.keyName}” (${short(pin.publicKey)}) but the relay now publishes “${key.keyName}” (${short(key.publicKey)}), and no rotation signed by the pinned key leads to it.`,
        },
      };
    }
    // Re-pinned in memory; stored together with the checkpoint once that verifies too.
    pin = { ...pin, keyName: key.keyName, publicKey: key.publicKey };
  }

  if (note === null) {
    if (pin.size > 0) {
      return {
        status: 'failed',
        failure: {
          kind: 'rollback',
          message: `The relay no longer publishes any checkpoint, but this device verified a ledger of ${pin.size} entries.`,
        },
      };
    }
    return { status: 'empty', pin };
  }

  // The checkpoint must carry a valid signature by the pinned key.
  const verifier = await importRelayVerifier(pin.keyName, fromBase64(pin.publicKey));
  const verified = await verifyCheckpoint(note, verifier);
  if (!verified.ok) {
    return {
      status: 'failed',
      failure: {
        kind: 'bad-signature',
        message: `The relay's newest checkpoint is not signed by the pinned relay key: ${verified.reason}.`,
      },
    };
  }
  const next = verified.checkpoint;
  if (next.origin !== pin.logOrigin) {
    return {
      status: 'failed',
      failure: {
        kind: 'wrong-log',
        message: `The relay's newest checkpoint is for the log “${next.origin}”, not “${pin.logOrigin}”.`,
      },
    };
  }

  if (pin.checkpoint !== null && pin.root !== null) {
    const oldRoot = fromBase64(pin.root);
    // A shorter ledger than one already verified means entries were taken away.
    if (next.size < pin.size) {
      return {
        status: 'failed',
        failure: {
          kind: 'rollback',
          message: `The relay's ledger went back in time: this device verified ${pin.size} entries, the relay now signs only ${next.size}.`,
        },
      };
    }
    if (next.size === pin.size) {
      // Same size, another root: two different histories signed by the same key.
      if (toBase64(next.root) !== pin.root) {
        return {
          status: 'failed',
          failure: {
            kind: 'fork',
            message: `The relay signed two different ledgers of ${next.size} entries: the root it signs now differs from the one this device verified.`,
          },
        };
      }
    } else {
      let proof: Uint8Array[];
      try {
        proof = (await fetchConsistencyProof(pin.size, next.size, auth)).proof;
      } catch (error) {
        if (error instanceof LedgerAnswerError) {
          return { status: 'failed', failure: { kind: 'bad-answer', message: error.message } };
        }
        return { status: 'unavailable', reason: unavailableReason(error) };
      }
      // The new tree must contain the verified one as its prefix (RFC 9162 §2.1.4.2).
      if (!(await verifyConsistency(pin.size, next.size, proof, oldRoot, next.root))) {
        return {
          status: 'failed',
          failure: {
            kind: 'inconsistent',
            message: `The relay's ledger no longer contains the history this device verified: the consistency proof from size ${pin.size} to ${next.size} does not match.`,
          },
        };
      }
    }
  }

  const stored: LedgerPin = {
    ...pin,
    checkpoint: note,
    size: next.size,
    root: toBase64(next.root),
    verifiedAt: now,
  };
  await pins.put(stored);
  return { status: 'verified', pin: stored, checkpoint: next };
}

/**
 * Checks that the entry at `seq`, as this device holds it, is in the verified checkpoint.
 * @param seq the entry's leaf index
 * @param entryText the entry's canonical JSON exactly as received (audit doc or /api/ledger/mine)
 * @param pin the last verified checkpoint (from `checkLatestCheckpoint`)
 */
export async function checkInclusion(
  seq: number,
  entryText: string,
  pin: LedgerPin,
  auth: LedgerAuth,
): Promise<InclusionCheck> {
  if (pin.root === null || seq >= pin.size) {
    return { status: 'unavailable', reason: 'No verified checkpoint covers this entry yet.' };
  }
  let proof: Awaited<ReturnType<typeof fetchInclusionProof>>;
  try {
    proof = await fetchInclusionProof(seq, pin.size, auth);
  } catch (error) {
    if (error instanceof LedgerAnswerError) {
      return { status: 'failed', failure: { kind: 'bad-answer', message: error.message } };
    }
    return { status: 'unavailable', reason: unavailableReason(error) };
  }
  // Hash the bytes this device holds, never the relay's claimed leaf hash.
  const hash = await leafHash(utf8(entryText));
  const ok = await verifyInclusion(seq, pin.size, hash, proof.proof, fromBase64(pin.root));
  if (ok) return { status: 'recorded', size: pin.size };
  return {
    status: 'failed',
    failure: {
      kind: 'not-included',
      message: `Entry #${seq} is not in the ledger the relay signed: its inclusion proof at size ${pin.size} does not match the entry this device holds.`,
    },
  };
}

async function verifierOf(key: PublishedRelayKey) {
  try {
    const parsed = await parseVerifierKey(key.vkey);
    if (parsed.keyName !== key.keyName || toBase64(parsed.publicKey) !== key.publicKey) return null;
    return parsed;
  } catch {
    return null;
  }
}

function unavailableReason(error: unknown): string {
  if (error instanceof LedgerEndpointMissingError) return UNAVAILABLE_PROOFS;
  if (error instanceof Error && error.name === 'RelayUnreachableError') {
    return 'Verification paused: the relay cannot be reached.';
  }
  return `Verification unavailable: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Walks the published rotation chain from the pinned key. Each link must be signed by the key it
 * retires over keyRotationMessage(log origin, new key, seq); true when the walk reaches the key
 * the relay publishes now.
 */
async function followRotations(pin: LedgerPin, key: PublishedRelayKey): Promise<boolean> {
  let current = pin.publicKey;
  for (const link of key.rotations) {
    if (link.fromPublicKey !== current) continue;
    try {
      const retiring = await crypto.subtle.importKey(
        'raw',
        new Uint8Array(fromBase64(current)),
        { name: 'Ed25519' },
        false,
        ['verify'],
      );
      const valid = await crypto.subtle.verify(
        { name: 'Ed25519' },
        retiring,
        new Uint8Array(fromBase64(link.signature)),
        new Uint8Array(keyRotationMessage(pin.logOrigin, link.toPublicKey, link.seq)),
      );
      if (!valid) return false;
    } catch {
      return false;
    }
    current = link.toPublicKey;
  }
  return current === key.publicKey;
}

function short(publicKey: string): string {
  return `${publicKey.slice(0, 8)}…`;
}
