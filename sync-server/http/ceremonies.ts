/**
 * Passkey ceremonies (docs/api.md "Passkey ceremonies"): setup, invite, sign-in and "add a
 * device". Each binds a fresh device key to the passkey — the WebAuthn challenge is derived from
 * the device's public key (enrolmentChallenge) — and ends in one ledger entry through the
 * pipeline, so the ledger proves which passkey enrolled which device.
 */
import { getOwn } from '#domain/records';
import type { NewDevice, NewPasskey, RelayCommand } from '#domain/commands';
import type { Invite } from '#domain/model';
import { randomId } from '#ledger/bytes';
import { deviceIdFor, enrolmentChallenge } from '#protocol/confirmation';
import type { CeremonyStart, EnrolmentResult } from '#protocol/http-api';
import type { CeremonyEvidence } from '#protocol/ledger-entry';
import { isoAt } from '../clock';
import { log } from '../log';
import {
  authenticationOptions,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
  type RelayWebAuthn,
} from '../passkeys';
import type { HttpHost } from '../relay-host';
import { hashToken } from '../token-hash';
import type { PendingCeremony } from './ceremony-store';
import { HttpError, rejectionToHttp } from './http-errors';
import { readDevice, str, type JsonBody } from './request';
import type { PostRoutes, RouteContext } from './route';
import { requireSession } from './sessions';

/** How long an "add a device" link stays usable. */
const DEVICE_LINK_TTL_MS = 10 * 60_000;
const deviceLinkKey = (tokenHash: string) => `device-link:${tokenHash}`;

/** The user an unexpired, unused "add a device" link belongs to. */
async function findDeviceLink(
  relay: HttpHost,
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

function findInvite(relay: HttpHost, tokenHash: string): Invite {
  const invite = Object.values(relay.state.invites).find((i) => i.tokenHash === tokenHash);
  if (!invite || invite.revokedAt)
    throw new HttpError(404, 'invite-invalid', 'This invite link is not valid. Ask for a new one.');
  if (invite.acceptedAt)
    throw new HttpError(409, 'invite-used', 'This invite link was already used.');
  if (invite.expiresAt <= relay.now())
    throw new HttpError(410, 'invite-expired', 'This invite link has expired. Ask for a new one.');
  return invite;
}

/** The ceremony a verify step names; unknown, used, of another kind or expired: start again. */
function takeCeremony(
  { ceremonies }: RouteContext,
  body: JsonBody,
  kind: PendingCeremony['kind'],
): PendingCeremony {
  const taken = ceremonies.take(str(body, 'ceremonyId', 64));
  if (!taken || taken.value.kind !== kind)
    throw new HttpError(
      404,
      'ceremony-unknown',
      'This passkey request is unknown or was already used; start again.',
    );
  if (taken.expired)
    throw new HttpError(410, 'ceremony-expired', 'This passkey request expired; start again.');
  return taken.value;
}

/** Remembers a started ceremony; its WebAuthn challenge binds a fresh nonce and the device key. */
async function begin(
  { ceremonies }: RouteContext,
  ceremony: Omit<PendingCeremony, 'nonce'>,
): Promise<{ ceremonyId: string; challenge: Uint8Array }> {
  const nonce = randomId(32);
  const ceremonyId = randomId(16);
  ceremonies.put(ceremonyId, { ...ceremony, nonce });
  return { ceremonyId, challenge: await enrolmentChallenge(nonce, ceremony.devicePublicKey) };
}

/** Setup, invite and add-device create a passkey for the ceremony's user. */
async function startRegistration(
  ctx: RouteContext,
  ceremony: Omit<PendingCeremony, 'nonce'>,
): Promise<CeremonyStart<RelayWebAuthn['creationOptions']>> {
  const { ceremonyId, challenge } = await begin(ctx, ceremony);
  const user = { id: ceremony.userId, displayName: ceremony.displayName };
  return { ceremonyId, optionsJSON: await registrationOptions(ctx.relay.rp, user, challenge) };
}

/** The raw WebAuthn response goes into the ledger entry, so auditors can re-verify it. */
const evidence = (
  relay: HttpHost,
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

/**
 * The passkey a registration ceremony created, verified against the challenge that binds it to
 * the ceremony's device key, and that device as it will be enrolled.
 */
async function verifyNewPasskey(
  relay: HttpHost,
  ceremony: PendingCeremony,
  response: unknown,
): Promise<{ passkey: NewPasskey; device: NewDevice }> {
  const passkey = await verifyRegistration(
    relay.rp,
    response,
    await enrolmentChallenge(ceremony.nonce, ceremony.devicePublicKey),
  );
  if (!passkey)
    throw new HttpError(400, 'passkey-invalid', 'The passkey could not be verified. Try again.');
  const device: NewDevice = {
    id: await deviceIdFor(ceremony.devicePublicKey),
    publicKey: ceremony.devicePublicKey,
    label: ceremony.deviceLabel,
  };
  return { passkey, device };
}

async function finishRegistration(
  ctx: RouteContext,
  body: JsonBody,
  kind: 'setup' | 'invite',
): Promise<EnrolmentResult> {
  const { relay } = ctx;
  const ceremony = takeCeremony(ctx, body, kind);
  if (kind === 'setup' && !(await relay.checkSetupToken(ceremony.token))) {
    throw new HttpError(403, 'setup-token-invalid', 'This setup link is no longer valid.');
  }
  const { passkey, device } = await verifyNewPasskey(relay, ceremony, body.response);
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

export const ceremonyRoutes: Pick<
  PostRoutes,
  | '/api/setup/options'
  | '/api/setup/verify'
  | '/api/invite/options'
  | '/api/invite/verify'
  | '/api/invite/check'
  | '/api/signin/options'
  | '/api/signin/verify'
  | '/api/devices/link'
  | '/api/add-device/options'
  | '/api/add-device/verify'
> = {
  '/api/setup/options': async (ctx, body) => {
    const { relay } = ctx;
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
    return startRegistration(ctx, {
      kind: 'setup',
      devicePublicKey: device.publicKey,
      deviceLabel: device.label,
      displayName,
      userId: `u_${randomId(12)}`,
      token,
      inviteId: null,
    });
  },
  '/api/setup/verify': (ctx, body) => finishRegistration(ctx, body, 'setup'),
  '/api/invite/options': async (ctx, body) => {
    const token = str(body, 'token', 200);
    const invite = findInvite(ctx.relay, await hashToken(token));
    const device = readDevice(body);
    const displayName = (
      typeof body.displayName === 'string' && body.displayName.trim()
        ? body.displayName
        : invite.displayName
    )
      .trim()
      .slice(0, 100);
    return startRegistration(ctx, {
      kind: 'invite',
      devicePublicKey: device.publicKey,
      deviceLabel: device.label,
      displayName,
      userId: `u_${randomId(12)}`,
      token,
      inviteId: invite.id,
    });
  },
  '/api/invite/verify': (ctx, body) => finishRegistration(ctx, body, 'invite'),
  // The invite page asks as it opens, so a spent link says so before anyone types a name. The
  // same lookup as /api/invite/options, so it reveals nothing more; it starts and spends nothing.
  '/api/invite/check': async (ctx, body) => {
    const invite = findInvite(ctx.relay, await hashToken(str(body, 'token', 200)));
    return { status: 'usable', displayName: invite.displayName };
  },
  '/api/signin/options': async (ctx, body) => {
    const device = readDevice(body);
    const { ceremonyId, challenge } = await begin(ctx, {
      kind: 'signin',
      devicePublicKey: device.publicKey,
      deviceLabel: device.label,
      displayName: '',
      userId: '',
      token: '',
      inviteId: null,
    });
    return { ceremonyId, optionsJSON: await authenticationOptions(ctx.relay.rp, challenge) };
  },
  '/api/signin/verify': async (ctx, body) => {
    const { relay } = ctx;
    const ceremony = takeCeremony(ctx, body, 'signin');
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
  /** A single-use link (10 minutes) that lets another device of the same user add its passkey. */
  '/api/devices/link': async (ctx) => {
    const { relay } = ctx;
    const session = await requireSession(ctx);
    const token = randomId(32);
    const expiresAt = isoAt(relay.clock.now() + DEVICE_LINK_TTL_MS);
    await relay.storage.setMeta(
      deviceLinkKey(await hashToken(token)),
      JSON.stringify({ userId: session.userId, expiresAt, by: session.deviceId }),
    );
    log('info', 'device link issued', { userId: session.userId, deviceId: session.deviceId });
    return { token, expiresAt };
  },
  '/api/add-device/options': async (ctx, body) => {
    const { relay } = ctx;
    const token = str(body, 'token', 200);
    const link = await findDeviceLink(relay, token);
    const device = readDevice(body);
    const user = getOwn(relay.state.users, link.userId)!;
    return startRegistration(ctx, {
      kind: 'add-device',
      devicePublicKey: device.publicKey,
      deviceLabel: device.label,
      displayName: user.displayName,
      userId: user.id,
      token,
      inviteId: null,
    });
  },
  '/api/add-device/verify': async (ctx, body) => {
    const { relay } = ctx;
    const ceremony = takeCeremony(ctx, body, 'add-device');
    const link = await findDeviceLink(relay, ceremony.token);
    if (link.userId !== ceremony.userId)
      throw new HttpError(403, 'device-link-invalid', 'This link belongs to someone else.');
    const { passkey, device } = await verifyNewPasskey(relay, ceremony, body.response);
    const outcome = await relay.pipeline.submitCeremony(
      { type: 'AddPasskey', userId: ceremony.userId, passkey, device },
      evidence(relay, 'registration', ceremony.nonce, body.response),
      // Single use: the link is consumed in the same commit as the new passkey.
      [[link.key, null]],
    );
    if (!outcome.ok) throw rejectionToHttp(outcome);
    return { userId: ceremony.userId, deviceId: device.id, seq: outcome.seq };
  },
};
