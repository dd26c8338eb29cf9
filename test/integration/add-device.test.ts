import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandClient,
  post,
  relayWithTwoUsers,
  TestUser,
  type TestRelay,
} from './support/harness';

/**
 * "Add a device": a signed-in device makes a single-use link (10 minutes); a phone registers its
 * own passkey and device key for the same user through it (AddPasskey in the ledger).
 */
describe('add a device by link', () => {
  let h: TestRelay;
  let bo: TestUser;

  beforeAll(async () => {
    ({ h, user: bo } = await relayWithTwoUsers());
  });
  afterAll(() => h.close());

  const link = async () => {
    const res = await post<{ token: string; expiresAt: string }>(
      h,
      '/api/devices/link',
      {},
      bo.token,
    );
    expect(res.status).toBe(200);
    return res.body.token;
  };
  const enrol = async (phone: TestUser, token: string) => {
    const options = await post<{ ceremonyId: string; optionsJSON: Record<string, unknown> }>(
      h,
      '/api/add-device/options',
      { token, devicePublicKey: phone.publicKey, deviceLabel: 'Bo’s phone' },
    );
    if (options.status !== 200) return options;
    const response = await phone.authenticator.register(options.body.optionsJSON);
    return post<{ userId: string; deviceId: string; seq: number }>(h, '/api/add-device/verify', {
      ceremonyId: options.body.ceremonyId,
      response,
    });
  };

  it('refuses an expired link and a link made without a session', async () => {
    const token = await link();
    h.clock.advance(11 * 60_000);
    const late = await enrol(await TestUser.create(h), token);
    expect(late).toMatchObject({ status: 410, body: { error: { code: 'device-link-expired' } } });
    expect((await post(h, '/api/devices/link', {})).status).toBe(401);
  });
  it("enrols the phone's own passkey and device key for the same user, once", async () => {
    const token = await link();
    const phone = await TestUser.create(h);
    const res = await enrol(phone, token);
    expect(res).toMatchObject({
      status: 200,
      body: { userId: bo.userId, deviceId: phone.deviceId },
    });
    expect(h.relay.state.devices[phone.deviceId]).toMatchObject({ userId: bo.userId });
    const passkeys = Object.values(h.relay.state.passkeys).filter((p) => p.userId === bo.userId);
    expect(passkeys).toHaveLength(2);

    // The phone signs in with its device key and, confirming with its own passkey, revokes the
    // laptop (say it was lost).
    phone.userId = bo.userId;
    await phone.openSession();
    const cmd = await CommandClient.connect(h, phone.token);
    const reply = await cmd.send(
      await phone.signed({ type: 'RevokeDevice', deviceId: bo.deviceId }, { confirm: true }),
    );
    expect(reply.t).toBe('ack');
    expect(h.relay.state.devices[bo.deviceId]?.revokedAt).not.toBeNull();
    cmd.close();

    // Single use.
    const again = await enrol(await TestUser.create(h), token);
    expect(again).toMatchObject({ status: 404, body: { error: { code: 'device-link-invalid' } } });
  });
});
