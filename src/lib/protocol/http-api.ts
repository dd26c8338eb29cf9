/**
 * The relay's HTTP API (protocol v1, docs/api.md): each route's request and answer, declared once
 * for the relay that answers and the app that asks. Bodies are what a well-behaved client sends;
 * the relay still checks every field of what arrives.
 *
 * The passkey ceremonies carry WebAuthn L3 JSON (§5.1.x `PublicKeyCredentialCreationOptionsJSON`,
 * `RegistrationResponseJSON`, …). This layer may not import @simplewebauthn, so those four types
 * are parameters that each end fills with its library's: the relay with @simplewebauthn/server's,
 * the app with @simplewebauthn/browser's.
 */
import type { DeviceId, DevicePublicKey, Iso, UserId } from '#domain/model';

/** The WebAuthn JSON a ceremony carries, as each end's WebAuthn library types it. */
export type WebAuthnJson = {
  creationOptions: unknown;
  requestOptions: unknown;
  registrationResponse: unknown;
  authenticationResponse: unknown;
};

/** Every error answer, with a 4xx (or 500) status. */
export type HttpErrorAnswer = { error: { code: string; message: string } };

/** A passkey this user holds, as an allow-list entry for a confirmation prompt. */
export type AllowedCredential = { id: string; transports?: string[] };

/** First step of a ceremony: what the relay remembers it by, and the options for the browser. */
export type CeremonyStart<Options> = { ceremonyId: string; optionsJSON: Options };

/** Second step: the browser's WebAuthn response to the options of `ceremonyId`. */
export type CeremonyFinish<Response> = { ceremonyId: string; response: Response };

/** The device key a ceremony enrols; `deviceLabel` defaults to "Browser". */
export type DeviceToEnrol = { devicePublicKey: DevicePublicKey; deviceLabel?: string };

/** A finished ceremony: the user, the enrolled device (id derived from its key), its ledger entry. */
export type EnrolmentResult = { userId: UserId; deviceId: DeviceId; seq: number };

/** `POST /api/session/challenge`: a challenge for the device key to sign (2 minutes). */
export type SessionChallenge = { challenge: string; expiresAt: Iso };

/** `POST /api/session`: a bearer token for HTTP and websockets (12 hours). */
export type SessionGrant = { token: string; userId: UserId; expiresAt: Iso };

/** `POST /api/devices/link`: the secret of a single-use "add a device" link (10 minutes). */
export type DeviceLink = { token: string; expiresAt: Iso };

/** `POST /api/confirm/nonce`: a single-use nonce for one passkey confirmation (5 minutes). */
export type ConfirmationNonce = {
  nonce: string;
  expiresAt: Iso;
  rpId: string;
  allowCredentials: AllowedCredential[];
};

/** `POST /api/confirm/nonce-pool`: the nonces added to this device's offline pool (up to K). */
export type NoncePoolReply = {
  nonces: { nonce: string; issuedAt: Iso; expiresAt: Iso }[];
  poolSize: number;
  rpId: string;
  allowCredentials: AllowedCredential[];
};

/** `GET /api/status`. */
export type RelayStatus = { setupDone: boolean; rpId: string; origin: string; seq: number };

/** `GET /healthz`. */
export type Health = { ok: true; seq: number };

/** One rotation of the checkpoint key: the outgoing key signs the incoming one. */
export type KeyRotationLink = {
  seq: number;
  fromKeyName: string;
  fromPublicKey: string;
  toKeyName: string;
  toPublicKey: string;
  /** Ed25519 by the outgoing key over keyRotationMessage(origin, toPublicKey, seq). */
  signature: string;
};

/** `GET /.well-known/leasehold/relay-key`: the checkpoint key now in force and how it came to be. */
export type PublishedRelayKey = {
  /** The log origin, first line of every checkpoint. */
  origin: string;
  keyName: string;
  /** Raw Ed25519 public key, std base64. */
  publicKey: string;
  /** The same key as a signed-note verifier key (`name+id+base64`). */
  vkey: string;
  algorithm: string;
  /** Every rotation of the checkpoint key, oldest first (docs/ledger.md "Key rotation"). */
  rotations: KeyRotationLink[];
};

/** RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of `size`; hashes std base64. */
export type InclusionProofAnswer = {
  index: number;
  size: number;
  leafHash: string;
  proof: string[];
};

/** RFC 9162 §2.1.4 consistency proof between tree sizes `from` and `to`; hashes std base64. */
export type ConsistencyProofAnswer = { from: number; to: number; proof: string[] };

/** Stored canonical JSON of entries `from`…; `next` is where the following page starts. */
export type EntriesPage = { from: number; entries: string[]; size: number; next: number | null };

/** The entries about the caller among the seqs scanned. */
export type MinePage = {
  entries: { seq: number; entry: string }[];
  size: number;
  next: number | null;
};

/** Stored checkpoint notes with size ≥ from, ascending. */
export type CheckpointsPage = { checkpoints: string[]; next: number | null };

/**
 * A usable invite link, and the name it was made for (which `/api/invite/options` reveals to the
 * token's holder anyway).
 */
export type InviteCheck = { status: 'usable'; displayName: string };

/** `/api/test/clock` (relays started with LEASEHOLD_TEST_CLOCK=1 only). */
export type TestClockNow = { now: Iso };

type Route<Body, Answer> = { body: Body; answer: Answer };

/** `POST` routes: JSON body in, JSON answer out. */
export type HttpPostRoutes<W extends WebAuthnJson> = {
  '/api/setup/options': Route<
    DeviceToEnrol & { token: string; displayName: string },
    CeremonyStart<W['creationOptions']>
  >;
  '/api/setup/verify': Route<CeremonyFinish<W['registrationResponse']>, EnrolmentResult>;
  /** `displayName` defaults to the name the invite was made for. */
  '/api/invite/options': Route<
    DeviceToEnrol & { token: string; displayName?: string },
    CeremonyStart<W['creationOptions']>
  >;
  '/api/invite/verify': Route<CeremonyFinish<W['registrationResponse']>, EnrolmentResult>;
  /** Whether an invite link is still usable; refused with the codes of `/api/invite/options`. */
  '/api/invite/check': Route<{ token: string }, InviteCheck>;
  '/api/signin/options': Route<DeviceToEnrol, CeremonyStart<W['requestOptions']>>;
  '/api/signin/verify': Route<CeremonyFinish<W['authenticationResponse']>, EnrolmentResult>;
  '/api/add-device/options': Route<
    DeviceToEnrol & { token: string },
    CeremonyStart<W['creationOptions']>
  >;
  '/api/add-device/verify': Route<CeremonyFinish<W['registrationResponse']>, EnrolmentResult>;
  '/api/session/challenge': Route<{ deviceId: DeviceId }, SessionChallenge>;
  '/api/session': Route<{ deviceId: DeviceId; challenge: string; signature: string }, SessionGrant>;
  /** Session needed (`Authorization: Bearer`) from here on. */
  '/api/devices/link': Route<Record<string, never>, DeviceLink>;
  '/api/confirm/nonce': Route<Record<string, never>, ConfirmationNonce>;
  '/api/confirm/nonce-pool': Route<{ retire?: string[] }, NoncePoolReply>;
  '/api/test/clock': Route<{ advanceMs: number }, TestClockNow>;
};

export type HttpPostPath = keyof HttpPostRoutes<WebAuthnJson>;
export type HttpPostBody<
  P extends HttpPostPath,
  W extends WebAuthnJson = WebAuthnJson,
> = HttpPostRoutes<W>[P]['body'];
export type HttpPostAnswer<
  P extends HttpPostPath,
  W extends WebAuthnJson = WebAuthnJson,
> = HttpPostRoutes<W>[P]['answer'];

type Query<Q, Answer> = { query: Q; answer: Answer };
/** A page of `limit` from `from`; both optional. */
type Paging = { from?: number; limit?: number };

/**
 * `GET` routes answering JSON. Query parameters are whole numbers. `GET /api/ledger/checkpoint`
 * (the newest signed note as text/plain; 404 before the first) is the one text answer.
 */
export type HttpGetRoutes = {
  '/healthz': Query<Record<string, never>, Health>;
  '/api/status': Query<Record<string, never>, RelayStatus>;
  '/.well-known/leasehold/relay-key': Query<Record<string, never>, PublishedRelayKey>;
  '/api/test/clock': Query<Record<string, never>, TestClockNow>;
  /** Session needed; `size` defaults to the newest checkpoint's. */
  '/api/ledger/proof/inclusion': Query<{ index: number; size?: number }, InclusionProofAnswer>;
  /** Session needed; `to` defaults to the newest checkpoint's size. */
  '/api/ledger/proof/consistency': Query<{ from: number; to?: number }, ConsistencyProofAnswer>;
  /** Audit readers only. */
  '/api/ledger/entries': Query<Paging, EntriesPage>;
  /** Every member: the entries about the caller. */
  '/api/ledger/mine': Query<Paging, MinePage>;
  /** Audit readers only. */
  '/api/ledger/checkpoints': Query<Paging, CheckpointsPage>;
};

export type HttpGetPath = keyof HttpGetRoutes;
export type HttpGetQuery<P extends HttpGetPath> = HttpGetRoutes[P]['query'];
export type HttpGetAnswer<P extends HttpGetPath> = HttpGetRoutes[P]['answer'];

/** `path?query` for a GET route, the query in the order given. */
export function httpGetUrl<P extends HttpGetPath>(path: P, query: HttpGetQuery<P>): string {
  const params = Object.entries(query as Record<string, number | undefined>)
    .filter((pair): pair is [string, number] => pair[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${value}`);
  return params.length > 0 ? `${path}?${params.join('&')}` : path;
}
