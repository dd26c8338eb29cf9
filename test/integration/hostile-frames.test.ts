import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '#ledger/bytes';
import type { SignedCommand } from '#protocol/messages';
import { CommandClient, TestUser, relayWithTwoUsers, type TestRelay } from './support/harness';

/**
 * Frames that once took the relay down before any signature was checked: a lone surrogate in
 * any string field, and JSON nested thousands deep. Each must be refused on its own, and the
 * relay must go on answering its other clients.
 */
describe('hostile frames and bodies never take the relay down', () => {
  let h: TestRelay;
  let user: TestUser;
  let userCmd: CommandClient;
  let adminCmd: CommandClient;

  beforeAll(async () => {
    ({ h, user, userCmd, adminCmd } = await relayWithTwoUsers());
  });
  afterAll(async () => {
    userCmd.close();
    adminCmd.close();
    await h.close();
  });

  /** Another client still gets an answer after the hostile frame. */
  const othersStillServed = async () => {
    const id = randomId(6);
    const pong = adminCmd.next((f) => f.t === 'pong');
    adminCmd.sendRaw(JSON.stringify({ t: 'ping', id }));
    expect(await pong).toMatchObject({ t: 'pong', id });
    expect((await fetch(`${h.http}/healthz`)).status).toBe(200);
  };

  const signedActivation = (): Promise<SignedCommand> =>
    user.signed({
      type: 'ActivateRole',
      activationId: `act_${randomId(8)}`,
      assignmentId: `a_${randomId(8)}`,
      durationMinutes: 60,
      startsAt: null,
      justification: 'PLACEHOLDER',
      ticket: null,
    });

  it('refuses a lone surrogate in a command field under the command id', async () => {
    const signed = await signedActivation();
    // JSON.stringify would escape the surrogate the same way; write it by hand to be explicit.
    const text = JSON.stringify({ t: 'command', signed }).replace('PLACEHOLDER', '\\ud800');
    const reply = userCmd.next((f) => f.t === 'reject' && f.cmdId === signed.envelope.cmdId);
    userCmd.sendRaw(text);
    const frame = await reply;
    expect(frame).toMatchObject({ t: 'reject', code: 'malformed-command', seq: null });
    expect(frame.t === 'reject' && frame.message).toMatch(
      /envelope\.command\.justification.*lone surrogate/,
    );
    await othersStillServed();
  });

  it('refuses JSON nested 20,000 deep inside a passkey assertion', async () => {
    const signed = await user.signed(
      {
        type: 'ActivateRole',
        activationId: `act_${randomId(8)}`,
        assignmentId: `a_${randomId(8)}`,
        durationMinutes: 60,
        startsAt: null,
        justification: 'deep',
        ticket: null,
      },
      { confirm: true },
    );
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const text = JSON.stringify({ t: 'command', signed }).replace(
      '"clientExtensionResults":{}',
      `"clientExtensionResults":${deep}`,
    );
    expect(text).toContain('{"a":{"a":');
    const reply = userCmd.next((f) => f.t === 'reject' && f.cmdId === signed.envelope.cmdId);
    userCmd.sendRaw(text);
    const frame = await reply;
    expect(frame).toMatchObject({ t: 'reject', code: 'malformed-command', seq: null });
    expect(frame.t === 'reject' && frame.message).toMatch(/nested deeper than 16 levels/);
    await othersStillServed();
  });

  it('answers a frame-level lone surrogate with a specific error', async () => {
    const reply = userCmd.next((f) => f.t === 'error');
    userCmd.sendRaw('{"t":"ping","id":"\\udc00"}');
    expect(await reply).toMatchObject({ t: 'error', code: 'ill-formed-unicode' });
    await othersStillServed();
  });

  it('answers a lone surrogate in a device key on /api/signin/options with 400', async () => {
    const res = await fetch(`${h.http}/api/signin/options`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"devicePublicKey":{"kty":"EC","crv":"P-256","x":"\\ud800","y":"AA"},"deviceLabel":"x"}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'ill-formed-unicode' } });
    await othersStillServed();
  });

  it('answers a body over 64 KiB with 413, not a reset connection', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${h.http}/api/signin/options`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ deviceLabel: 'x'.repeat(200_000) }),
      });
      expect(res.status).toBe(413);
    }
    await othersStillServed();
  });

  it('answers a deeply nested HTTP body with 400', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const res = await fetch(`${h.http}/api/signin/options`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"devicePublicKey":${deep}}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'nesting-too-deep' } });
    await othersStillServed();
  });
});
