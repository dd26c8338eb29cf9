import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '#ledger/bytes';
import { INVITE_LIFETIME_DAYS } from '#domain/directory/invites';
import {
  CommandClient,
  post,
  startRelay,
  TestUser,
  tokenHashOf,
  type TestRelay,
} from './support/harness';

/**
 * `POST /api/invite/check`: the invite page asks whether its link is still usable before showing
 * the form. It answers with the refusals `/api/invite/options` would give, and spends nothing.
 */
describe('checking an invite link', () => {
  let h: TestRelay;
  let admin: TestUser;
  let adminCmd: CommandClient;

  beforeAll(async () => {
    h = await startRelay();
    admin = await TestUser.create(h);
    await admin.register('setup', h.setupToken, 'Ada Admin');
    adminCmd = await CommandClient.connect(h, admin.token);
  });
  afterAll(async () => {
    adminCmd.close();
    await h.close();
  });

  /** A fresh invite: its secret and id. */
  const invite = async (displayName: string) => {
    const secret = randomId(32);
    const inviteId = `inv_${randomId(8)}`;
    const reply = await adminCmd.send(
      await admin.signed({
        type: 'CreateInvite',
        administrativeUnitId: null,
        inviteId,
        tokenHash: await tokenHashOf(secret),
        displayName,
      }),
    );
    expect(reply.t).toBe('ack');
    return { secret, inviteId };
  };
  const check = (token: unknown) => post(h, '/api/invite/check', { token });
  const optionsFor = (user: TestUser, token: string) =>
    post(h, '/api/invite/options', {
      token,
      displayName: 'Someone',
      devicePublicKey: user.publicKey,
      deviceLabel: 'Node test client',
    });

  it('answers a usable link with the name the invite proposes, and leaves it usable', async () => {
    const { secret } = await invite('Bo User');
    expect(await check(secret)).toEqual({
      status: 200,
      body: { status: 'usable', displayName: 'Bo User' },
    });
    expect(await check(secret)).toMatchObject({ status: 200 });
    const bo = await TestUser.create(h);
    await bo.register('invite', secret, 'Bo User');
    expect(h.relay.state.users[bo.userId]).toMatchObject({ displayName: 'Bo User' });
  });

  it('says a link was already used, exactly as the ceremony would', async () => {
    const { secret } = await invite('Cy User');
    await (await TestUser.create(h)).register('invite', secret, 'Cy User');
    const checked = await check(secret);
    expect(checked).toMatchObject({ status: 409, body: { error: { code: 'invite-used' } } });
    const ceremony = await optionsFor(await TestUser.create(h), secret);
    expect(ceremony.status).toBe(checked.status);
    expect(ceremony.body).toEqual(checked.body);
  });

  it('calls a withdrawn link and an unknown one invalid alike', async () => {
    const { secret, inviteId } = await invite('Di User');
    const revoked = await adminCmd.send(await admin.signed({ type: 'RevokeInvite', inviteId }));
    expect(revoked.t).toBe('ack');
    expect(await check(secret)).toMatchObject({
      status: 404,
      body: { error: { code: 'invite-invalid' } },
    });
    expect(await check(randomId(32))).toMatchObject({
      status: 404,
      body: { error: { code: 'invite-invalid' } },
    });
  });

  it('says a link expired once its lifetime has passed', async () => {
    const { secret } = await invite('Ed User');
    h.clock.advance(INVITE_LIFETIME_DAYS * 86_400_000 + 60_000);
    const checked = await check(secret);
    expect(checked).toMatchObject({ status: 410, body: { error: { code: 'invite-expired' } } });
    const ceremony = await optionsFor(await TestUser.create(h), secret);
    expect(ceremony.body).toEqual(checked.body);
  });

  it('refuses a body without a token the way the ceremony does', async () => {
    for (const token of [undefined, '', 42, 'x'.repeat(201)]) {
      expect(await check(token)).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid-request' } },
      });
    }
  });
});
