/**
 * HTTP: the passkey ceremonies that create users and enrol devices, device-key sessions,
 * confirmation nonces, ledger reads, health, and the built app. See docs/api.md.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { MAX_OFFLINE_WINDOW_MINUTES } from '#domain/confirmation/offline';
import { getOwn } from '#domain/records';
import type { NewDevice, RelayCommand } from '#domain/commands';
import type { DevicePublicKey } from '#domain/model';
import { randomId, toBase64 } from '#ledger/bytes';
import { formatVerifierKey } from '#ledger/relay-key';
import {
  deviceIdFor,
  enrolmentChallenge,
  isDevicePublicKey,
  sessionSigningBytes,
  verifyDeviceSignature,
} from '#protocol/confirmation';
import type { CeremonyEvidence } from '#protocol/ledger-entry';
import { JsonLimitError, parseJsonWithLimits } from '#protocol/json-limits';
import { isoAt } from './clock';
import { log } from './log';
import {
  authenticationOptions,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
} from './passkeys';
import type { Outcome } from './pipeline';
import { hashToken, type Relay } from './relay';

const MAX_BODY_BYTES = 64 * 1024;
const CEREMONY_TTL_MS = 5 * 60_000;
const NONCE_TTL_MS = 5 * 60_000;
/** How long an "add a device" link stays usable. */
const DEVICE_LINK_TTL_MS = 10 * 60_000;
const deviceLinkKey = (tokenHash: string) => `device-link:${tokenHash}`;

/** The user an unexpired, unused "add a device" link belongs to. */
async function findDeviceLink(
  relay: Relay,
  token: string,
): Promise<{ userId: string; key: string }> {
  const key = deviceLinkKey(await hashToken(token));
  const raw = await relay.storage.getMeta(key);
  const link = raw ? (JSON.parse(raw) as { userId: string; expiresAt: string }) : null;
  if (!link)
    throw new HttpError(
      404,
      'device-link-invalid',
      'This link is not valid or was already used. Make a new one.',
    );
  if (link.expiresAt <= isoAt(relay.clock.now()))
    throw new HttpError(
      410,
      'device-link-expired',
      'This link has expired. Make a new one on your other device.',
    );
  const user = getOwn(relay.state.users, link.userId);
  if (!user || user.status !== 'active')
    throw new HttpError(
      403,
      'device-link-invalid',
      'The person this link was made for can no longer sign in.',
    );
  return { userId: link.userId, key };
}

/** Most unused pooled nonces one device may hold (K): bounds what a stolen device can pre-sign. */
export const NONCE_POOL_SIZE = 8;
const SESSION_CHALLENGE_TTL_MS = 2 * 60_000;
const MAX_PENDING = 10_000;

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

type Ceremony = {
  kind: 'setup' | 'invite' | 'signin' | 'add-device';
  nonce: string;
  devicePublicKey: DevicePublicKey;
  deviceLabel: string;
  displayName: string;
  userId: string;
  token: string;
  inviteId: string | null;
  expiresAt: number;
};

/** Short-lived, in-memory, bounded: a restart just asks the user to try again. */
const ceremonies = new WeakMap<Relay, Map<string, Ceremony>>();
const sessionChallenges = new WeakMap<
  Relay,
  Map<string, { deviceId: string; expiresAt: number }>
>();

function pending<K, V>(store: WeakMap<Relay, Map<K, V>>, relay: Relay): Map<K, V> {
  let map = store.get(relay);
  if (!map) store.set(relay, (map = new Map()));
  if (map.size >= MAX_PENDING) map.delete(map.keys().next().value as K);
  return map;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(
        413,
        'invalid-request',
        `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
      );
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = parseJsonWithLimits(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch (error) {
    // Ill-formed Unicode or deep nesting anywhere in the body: refused before any field is read.
    if (error instanceof JsonLimitError) throw new HttpError(400, error.code, error.message);
    throw new HttpError(400, 'invalid-request', 'The request body must be a JSON object.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HttpError(400, 'invalid-request', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}

const str = (body: Record<string, unknown>, key: string, max = 200): string => {
  const v = body[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    throw new HttpError(
      400,
      'invalid-request',
      `"${key}" must be a string of 1–${max} characters.`,
    );
  return v;
};

const bearer = (req: IncomingMessage): string | null => {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : null;
};

function readDevice(body: Record<string, unknown>): { publicKey: DevicePublicKey; label: string } {
  if (!isDevicePublicKey(body.devicePublicKey))
    throw new HttpError(400, 'invalid-request', '"devicePublicKey" must be a P-256 public JWK.');
  const label = typeof body.deviceLabel === 'string' ? body.deviceLabel.slice(0, 100) : 'Browser';
  const { kty, crv, x, y } = body.devicePublicKey;
  return { publicKey: { kty, crv, x, y }, label: label || 'Browser' };
}

function rejectionToHttp(outcome: Extract<Outcome, { ok: false }>): HttpError {
  const status = outcome.rejection.code === 'not-authorized' ? 403 : 409;
  return new HttpError(status, outcome.rejection.code, outcome.rejection.message);
}

function takeCeremony(
  relay: Relay,
  body: Record<string, unknown>,
  kind: Ceremony['kind'],
): Ceremony {
  const map = pending(ceremonies, relay);
  const id = str(body, 'ceremonyId', 64);
  const ceremony = map.get(id);
  map.delete(id);
  if (!ceremony || ceremony.kind !== kind)
    throw new HttpError(
      404,
      'ceremony-unknown',
      'This passkey request is unknown or was already used; start again.',
    );
  if (ceremony.expiresAt < relay.clock.now())
    throw new HttpError(410, 'ceremony-expired', 'This passkey request expired; start again.');
  return ceremony;
}

function credentialsOf(relay: Relay, userId: string): { id: string; transports: string[] }[] {
  return Object.values(relay.state.passkeys)
    .filter((p) => p.userId === userId)
    .map((p) => ({ id: p.id, transports: p.transports }));
}

async function startCeremony(relay: Relay, ceremony: Omit<Ceremony, 'nonce' | 'expiresAt'>) {
  const nonce = randomId(32);
  const ceremonyId = randomId(16);
  pending(ceremonies, relay).set(ceremonyId, {
    ...ceremony,
    nonce,
    expiresAt: relay.clock.now() + CEREMONY_TTL_MS,
  });
  const challenge = await enrolmentChallenge(nonce, ceremony.devicePublicKey);
  const optionsJSON =
    ceremony.kind === 'signin'
      ? await authenticationOptions(relay.rp, challenge)
      : await registrationOptions(
          relay.rp,
          { id: ceremony.userId, displayName: ceremony.displayName },
          challenge,
        );
  return { ceremonyId, optionsJSON };
}

const evidence = (
  relay: Relay,
  kind: CeremonyEvidence['kind'],
  nonce: string,
  response: unknown,
): CeremonyEvidence => ({
  kind,
  nonce,
  response: JSON.parse(JSON.stringify(response)) as unknown,
  origin: relay.rp.origin,
  rpId: relay.rp.rpId,
});

async function finishRegistration(
  relay: Relay,
  body: Record<string, unknown>,
  kind: 'setup' | 'invite',
) {
  const ceremony = takeCeremony(relay, body, kind);
  if (kind === 'setup' && !(await relay.checkSetupToken(ceremony.token))) {
    throw new HttpError(403, 'setup-token-invalid', 'This setup link is no longer valid.');
  }
  const passkey = await verifyRegistration(
    relay.rp,
    body.response,
    await enrolmentChallenge(ceremony.nonce, ceremony.devicePublicKey),
  );
  if (!passkey)
    throw new HttpError(400, 'passkey-invalid', 'The passkey could not be verified. Try again.');
  const device: NewDevice = {
    id: await deviceIdFor(ceremony.devicePublicKey),
    publicKey: ceremony.devicePublicKey,
    label: ceremony.deviceLabel,
  };
  const command: RelayCommand =
    kind === 'setup'
      ? {
          type: 'CompleteSetup',
          userId: ceremony.userId,
          displayName: ceremony.displayName,
          passkey,
          device,
          assignmentId: `a_${randomId(12)}`,
        }
      : {
          type: 'AcceptInvite',
          inviteId: ceremony.inviteId!,
          tokenHash: await hashToken(ceremony.token),
          userId: ceremony.userId,
          displayName: ceremony.displayName,
          passkey,
          device,
        };
  const outcome = await relay.pipeline.submitCeremony(
    command,
    evidence(relay, 'registration', ceremony.nonce, body.response),
    kind === 'setup' ? [[relay.setupTokenMetaKey, null]] : [],
  );
  if (!outcome.ok) throw rejectionToHttp(outcome);
  return { userId: ceremony.userId, deviceId: device.id, seq: outcome.seq };
}

function findInvite(relay: Relay, tokenHash: string) {
  const invite = Object.values(relay.state.invites).find((i) => i.tokenHash === tokenHash);
  if (!invite || invite.revokedAt)
    throw new HttpError(404, 'invite-invalid', 'This invite link is not valid. Ask for a new one.');
  if (invite.acceptedAt)
    throw new HttpError(409, 'invite-used', 'This invite link was already used.');
  if (invite.expiresAt <= relay.now())
    throw new HttpError(410, 'invite-expired', 'This invite link has expired. Ask for a new one.');
  return invite;
}

type Route = (
  relay: Relay,
  req: IncomingMessage,
  body: Record<string, unknown>,
) => Promise<unknown>;

const POST_ROUTES: Record<string, Route> = {
  '/api/setup/options': async (relay, _req, body) => {
    const token = str(body, 'token', 200);
    if (relay.state.setupCompletedAt)
      throw new HttpError(
        409,
        'setup-already-done',
        'Leasehold is already set up. Sign in instead.',
      );
    if (!(await relay.checkSetupToken(token)))
      throw new HttpError(
        403,
        'setup-token-invalid',
        'This setup link is not valid. Use the link the relay printed.',
      );
    const device = readDevice(body);
    const displayName = str(body, 'displayName', 100).trim();
    return startCeremony(relay, {
      kind: 'setup',
      devicePublicKey: device.publicKey,
      deviceLabel: device.label,
      displayName,
      userId: `u_${randomId(12)}`,
      token,
      inviteId: null,
    });
  },
  '/api/setup/verify': (relay, _req, body) => finishRegistration(relay, body, 'setup'),
  '/api/invite/options': async (relay, _req, body) => {
    const token = str(body, 'token', 200);
    const invite = findInvite(relay, await hashToken(token));
    const device = readDevice(body);
    const displayName = (
      typeof body.displayName === 'string' && body.displayName.trim()
        ? body.displayName
        : invite.displayName
    )
      .trim()
      .slice(0, 100);
    return startCeremony(relay, {
      kind: 'invite',
      devicePublicKey: device.publicKey,
      deviceLabel: device.label,
      displayName,
      userId: `u_${randomId(12)}`,
      token,
      inviteId: invite.id,
    });
  },
  '/api/invite/verify': (relay, _req, body) => finishRegistration(relay, body, 'invite'),
  '/api/signin/options': async (relay, _req, body) => {
    const device = readDevice(body);
    return startCeremony(relay, {
      kind: 'signin',
      devicePublicKey: device.publicKey,
      deviceLabel: device.label,
      displayName: '',
      userId: '',
      token: '',
      inviteId: null,
    });
  },
  '/api/signin/verify': async (relay, _req, body) => {
    const ceremony = takeCeremony(relay, body, 'signin');
    const response = body.response as { id?: unknown } | undefined;
    const passkey =
      typeof response?.id === 'string' ? getOwn(relay.state.passkeys, response.id) : undefined;
    if (!passkey)
      throw new HttpError(
        404,
        'unknown-credential',
        'This passkey is not registered with Leasehold.',
      );
    const ok = await verifyAssertion(
      relay.rp,
      body.response,
      await enrolmentChallenge(ceremony.nonce, ceremony.devicePublicKey),
      passkey,
    );
    if (!ok)
      throw new HttpError(400, 'passkey-invalid', 'The passkey could not be verified. Try again.');
    const device: NewDevice = {
      id: await deviceIdFor(ceremony.devicePublicKey),
      publicKey: ceremony.devicePublicKey,
      label: ceremony.deviceLabel,
    };
    const outcome = await relay.pipeline.submitCeremony(
      { type: 'EnrolDevice', userId: passkey.userId, credentialId: passkey.id, device },
      evidence(relay, 'authentication', ceremony.nonce, body.response),
    );
    if (!outcome.ok) throw rejectionToHttp(outcome);
    return { userId: passkey.userId, deviceId: device.id, seq: outcome.seq };
  },
  '/api/session/challenge': async (relay, _req, body) => {
    const deviceId = str(body, 'deviceId', 64);
    const device = getOwn(relay.state.devices, deviceId);
    if (!device)
      throw new HttpError(
        404,
        'unknown-device',
        'This device is not enrolled. Sign in with your passkey.',
      );
    if (device.revokedAt)
      throw new HttpError(
        403,
        'device-revoked',
        'This device was revoked. Sign in with your passkey.',
      );
    const challenge = randomId(32);
    const expiresAt = relay.clock.now() + SESSION_CHALLENGE_TTL_MS;
    pending(sessionChallenges, relay).set(challenge, { deviceId, expiresAt });
    return { challenge, expiresAt: isoAt(expiresAt) };
  },
  '/api/session': async (relay, _req, body) => {
    const deviceId = str(body, 'deviceId', 64);
    const challenge = str(body, 'challenge', 64);
    const signature = str(body, 'signature', 256);
    const map = pending(sessionChallenges, relay);
    const issued = map.get(challenge);
    map.delete(challenge);
    if (!issued || issued.deviceId !== deviceId || issued.expiresAt < relay.clock.now()) {
      throw new HttpError(401, 'challenge-invalid', 'The sign-in challenge is unknown or expired.');
    }
    const device = getOwn(relay.state.devices, deviceId);
    if (!device) throw new HttpError(404, 'unknown-device', 'This device is not enrolled.');
    if (device.revokedAt) throw new HttpError(403, 'device-revoked', 'This device was revoked.');
    if (
      !(await verifyDeviceSignature(device.publicKey, signature, sessionSigningBytes(challenge)))
    ) {
      log('warn', 'session signature refused', { deviceId });
      throw new HttpError(401, 'bad-signature', 'The device signature does not verify.');
    }
    const session = await relay.createSession(device.userId, device.id);
    return { ...session, userId: device.userId };
  },
  /** A single-use link (10 minutes) that lets another device of the same user add its passkey. */
  '/api/devices/link': async (relay, req) => {
    const session = await relay.resolveSession(bearer(req));
    if (!session) throw new HttpError(401, 'unauthenticated', 'Sign in again.');
    const token = randomId(32);
    const expiresAt = isoAt(relay.clock.now() + DEVICE_LINK_TTL_MS);
    await relay.storage.setMeta(
      deviceLinkKey(await hashToken(token)),
      JSON.stringify({ userId: session.userId, expiresAt, by: session.deviceId }),
    );
    log('info', 'device link issued', { userId: session.userId, deviceId: session.deviceId });
    return { token, expiresAt };
  },
  '/api/add-device/options': async (relay, _req, body) => {
    const token = str(body, 'token', 200);
    const link = await findDeviceLink(relay, token);
    const device = readDevice(body);
    const user = getOwn(relay.state.users, link.userId)!;
    return startCeremony(relay, {
      kind: 'add-device',
      devicePublicKey: device.publicKey,
      deviceLabel: device.label,
      displayName: user.displayName,
      userId: user.id,
      token,
      inviteId: null,
    });
  },
  '/api/add-device/verify': async (relay, _req, body) => {
    const ceremony = takeCeremony(relay, body, 'add-device');
    const link = await findDeviceLink(relay, ceremony.token);
    if (link.userId !== ceremony.userId)
      throw new HttpError(403, 'device-link-invalid', 'This link belongs to someone else.');
    const passkey = await verifyRegistration(
      relay.rp,
      body.response,
      await enrolmentChallenge(ceremony.nonce, ceremony.devicePublicKey),
    );
    if (!passkey)
      throw new HttpError(400, 'passkey-invalid', 'The passkey could not be verified. Try again.');
    const device: NewDevice = {
      id: await deviceIdFor(ceremony.devicePublicKey),
      publicKey: ceremony.devicePublicKey,
      label: ceremony.deviceLabel,
    };
    const outcome = await relay.pipeline.submitCeremony(
      { type: 'AddPasskey', userId: ceremony.userId, passkey, device },
      evidence(relay, 'registration', ceremony.nonce, body.response),
      // Single use: the link is consumed in the same commit as the new passkey.
      [[link.key, null]],
    );
    if (!outcome.ok) throw rejectionToHttp(outcome);
    return { userId: ceremony.userId, deviceId: device.id, seq: outcome.seq };
  },
  '/api/confirm/nonce': async (relay, req) => {
    const session = await relay.resolveSession(bearer(req));
    if (!session) throw new HttpError(401, 'unauthenticated', 'Sign in again.');
    const nonce = randomId(32);
    const now = relay.clock.now();
    const expiresAt = isoAt(now + NONCE_TTL_MS);
    await relay.storage.putNonce({
      nonce,
      deviceId: session.deviceId,
      userId: session.userId,
      expiresAt,
      usedSeq: null,
      kind: 'online',
      issuedAt: isoAt(now),
    });
    return {
      nonce,
      expiresAt,
      rpId: relay.rp.rpId,
      allowCredentials: credentialsOf(relay, session.userId),
    };
  },
  /**
   * Tops the device's pool of offline confirmation nonces up to K (body `{ retire?: string[] }`:
   * unused nonces the device gives up first, e.g. stale ones). A device never holds more than K
   * live ones; nonces already spent on queued commands stay live until those arrive. Each is
   * single-use, bound to the device, and expires after the longest offline window (24 h); the
   * pipeline accepts it only within the window of the role the command concerns, at arrival.
   */
  '/api/confirm/nonce-pool': async (relay, req, body) => {
    const session = await relay.resolveSession(bearer(req));
    if (!session) throw new HttpError(401, 'unauthenticated', 'Sign in again.');
    const retire: unknown = body.retire ?? [];
    if (
      !Array.isArray(retire) ||
      retire.length > NONCE_POOL_SIZE * 4 ||
      !retire.every((n) => typeof n === 'string' && n.length <= 100)
    ) {
      throw new HttpError(400, 'invalid-request', '"retire" must be a short list of nonces.');
    }
    const now = relay.clock.now();
    const issuedAt = isoAt(now);
    const expiresAt = isoAt(now + MAX_OFFLINE_WINDOW_MINUTES * 60_000);
    await relay.storage.retirePoolNonces(session.deviceId, retire as string[], issuedAt);
    const live = await relay.storage.countLivePoolNonces(session.deviceId, issuedAt);
    const nonces: { nonce: string; issuedAt: string; expiresAt: string }[] = [];
    for (let i = live; i < NONCE_POOL_SIZE; i++) {
      const nonce = randomId(32);
      await relay.storage.putNonce({
        nonce,
        deviceId: session.deviceId,
        userId: session.userId,
        expiresAt,
        usedSeq: null,
        kind: 'pool',
        issuedAt,
      });
      nonces.push({ nonce, issuedAt, expiresAt });
    }
    log('info', 'nonce pool issued', { deviceId: session.deviceId, issued: nonces.length });
    return {
      nonces,
      poolSize: NONCE_POOL_SIZE,
      rpId: relay.rp.rpId,
      allowCredentials: credentialsOf(relay, session.userId),
    };
  },
  '/api/test/clock': async (relay, _req, body) => {
    const clock = relay.options.testClock;
    if (!clock) throw new HttpError(404, 'not-found', 'No such endpoint.');
    const advanceMs = body.advanceMs;
    if (typeof advanceMs !== 'number' || !Number.isInteger(advanceMs) || advanceMs < 0)
      throw new HttpError(
        400,
        'invalid-request',
        '"advanceMs" must be a non-negative whole number.',
      );
    const now = clock.advance(advanceMs);
    await new Promise((r) => setTimeout(r, 20));
    await relay.pipeline.drain();
    return { now: isoAt(now) };
  },
};

async function requireSession(relay: Relay, req: IncomingMessage) {
  const session = await relay.resolveSession(bearer(req));
  if (!session) throw new HttpError(401, 'unauthenticated', 'Sign in again.');
  return session;
}

async function requireAuditReader(relay: Relay, req: IncomingMessage) {
  const session = await requireSession(relay, req);
  if (!relay.canRead(session.userId, 'audit')) {
    throw new HttpError(403, 'not-authorized', 'Only audit readers may read the whole ledger.');
  }
  return session;
}

function intParam(url: URL, name: string, min: number, max: number, fallback?: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null && fallback !== undefined) return fallback;
  const value = raw !== null && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new HttpError(
      400,
      'invalid-request',
      `"${name}" must be a whole number from ${min} to ${max}.`,
    );
  }
  return value;
}

const b64 = (bytes: Uint8Array) => toBase64(bytes);

/** Proofs are served against durable checkpoints only. */
function committedSize(relay: Relay): number {
  const size = relay.committed?.size ?? 0;
  if (size === 0) throw new HttpError(404, 'not-found', 'The ledger has no checkpoint yet.');
  return size;
}

type GetRoute = (relay: Relay, req: IncomingMessage, url: URL) => Promise<unknown>;

const LEDGER_ROUTES: Record<string, GetRoute> = {
  '/api/ledger/proof/inclusion': async (relay, req, url) => {
    await requireSession(relay, req);
    const newest = committedSize(relay);
    const size = intParam(url, 'size', 1, newest, newest);
    const index = intParam(url, 'index', 0, size - 1);
    const proof = await relay.ledger.tree.inclusionProof(index, size);
    return { index, size, leafHash: b64(relay.ledger.tree.leafHash(index)), proof: proof.map(b64) };
  },
  '/api/ledger/proof/consistency': async (relay, req, url) => {
    await requireSession(relay, req);
    const newest = committedSize(relay);
    const to = intParam(url, 'to', 1, newest, newest);
    const from = intParam(url, 'from', 1, to);
    const proof = await relay.ledger.tree.consistencyProof(from, to);
    return { from, to, proof: proof.map(b64) };
  },
  '/api/ledger/entries': async (relay, req, url) => {
    await requireAuditReader(relay, req);
    const size = relay.committed?.size ?? 0;
    const from = intParam(url, 'from', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intParam(url, 'limit', 1, 1000, 500);
    const entries = relay.projection.docs.audit
      .getArray<string>('entries')
      .slice(Math.min(from, size), Math.min(from + limit, size));
    return { from, entries, size, next: from + limit < size ? from + limit : null };
  },
  '/api/ledger/mine': async (relay, req, url) => {
    const session = await requireSession(relay, req);
    const size = relay.committed?.size ?? 0;
    const from = intParam(url, 'from', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intParam(url, 'limit', 1, 5000, 1000);
    const all = relay.entriesOf(session.userId);
    const array = relay.projection.docs.audit.getArray<string>('entries');
    const end = Math.min(from + limit, size);
    const entries = all
      .filter((seq) => seq >= from && seq < end)
      .map((seq) => ({ seq, entry: array.get(seq) }));
    return { entries, size, next: end < size ? end : null };
  },
  '/api/ledger/checkpoints': async (relay, req, url) => {
    await requireAuditReader(relay, req);
    const from = intParam(url, 'from', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intParam(url, 'limit', 1, 1000, 1000);
    const rows = await relay.storage.readCheckpoints(from, limit + 1);
    const page = rows.slice(0, limit);
    return {
      checkpoints: page.map((r) => r.note),
      next: rows.length > limit ? rows[limit]!.size : null,
    };
  },
};

const GET_ROUTES: Record<string, (relay: Relay) => Promise<unknown>> = {
  '/healthz': async (relay) => ({ ok: true, seq: relay.ledger.size }),
  '/api/status': async (relay) => ({
    setupDone: relay.state.setupCompletedAt !== null,
    rpId: relay.rp.rpId,
    origin: relay.rp.origin,
    seq: relay.ledger.size,
  }),
  '/.well-known/leasehold/relay-key': async (relay) => ({
    origin: relay.origin,
    keyName: relay.signer.keyName,
    publicKey: toBase64(relay.signer.publicKey),
    vkey: await formatVerifierKey({
      keyName: relay.signer.keyName,
      publicKey: relay.signer.publicKey,
    }),
    algorithm: 'Ed25519',
    rotations: relay.keyRotations,
  }),
  '/api/test/clock': async (relay) => {
    if (!relay.options.testClock) throw new HttpError(404, 'not-found', 'No such endpoint.');
    return { now: relay.now() };
  },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

async function serveStatic(
  relay: Relay,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  const root = relay.options.staticDir;
  if (!root) return send(res, 404, { error: { code: 'not-found', message: 'No such page.' } });
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return send(res, 400, { error: { code: 'invalid-request', message: 'Bad path.' } });
  }
  const file = normalize(join(root, decoded));
  const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
  let target = join(root, 'index.html');
  if (inside) {
    const info = await stat(file).catch(() => null);
    if (info?.isFile()) target = file;
  }
  const info = await stat(target).catch(() => null);
  if (!info)
    return send(res, 404, {
      error: { code: 'not-found', message: 'The app is not built: run npm run build.' },
    });
  const immutable = target.includes(`${sep}_app${sep}immutable${sep}`);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(target).pipe(res);
}

export async function handleHttp(
  relay: Relay,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // A request target Node accepts can still be an invalid URL (e.g. "//"): refuse, never crash.
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    log('info', 'http request refused', { status: 400, code: 'invalid-request' });
    return send(res, 400, {
      error: { code: 'invalid-request', message: 'The request path is not a valid URL.' },
    });
  }
  try {
    if (req.method === 'POST') {
      const route = POST_ROUTES[url.pathname];
      if (!route) throw new HttpError(404, 'not-found', 'No such endpoint.');
      const body = await readJson(req);
      return send(res, 200, await route(relay, req, body));
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const route = GET_ROUTES[url.pathname];
      if (route) return send(res, 200, await route(relay));
      const ledgerRoute = LEDGER_ROUTES[url.pathname];
      if (ledgerRoute) return send(res, 200, await ledgerRoute(relay, req, url));
      if (url.pathname === '/api/ledger/checkpoint') {
        const note = await relay.storage.latestCheckpoint();
        res.writeHead(note ? 200 : 404, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
        });
        return void res.end(note ?? 'no checkpoint yet\n');
      }
      if (url.pathname.startsWith('/api/'))
        throw new HttpError(404, 'not-found', 'No such endpoint.');
      return await serveStatic(relay, req, res, url.pathname);
    }
    throw new HttpError(405, 'method-not-allowed', `${req.method} is not supported here.`);
  } catch (error) {
    if (error instanceof HttpError) {
      if (error.status >= 400)
        log('info', 'http request refused', {
          path: url.pathname,
          status: error.status,
          code: error.code,
        });
      return send(res, error.status, { error: { code: error.code, message: error.message } });
    }
    log('error', 'http handler failed', {
      path: url.pathname,
      error: String((error as Error)?.stack ?? error),
    });
    send(res, 500, { error: { code: 'internal', message: 'Something went wrong on the relay.' } });
  }
}
