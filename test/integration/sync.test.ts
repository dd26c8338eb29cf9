import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { ROLE_IDS } from '#domain/catalogue';
import type { Activation } from '#domain/model';
import { randomId } from '#ledger/bytes';
import {
  relayWithTwoUsers,
  type CommandClient,
  type TestRelay,
  type TestUser,
  docRecord,
} from './support/harness';

/** A stock y-websocket client, as the app uses it, from Node. */
function provider(h: TestRelay, doc: string, token: string, ydoc = new Y.Doc()) {
  const p = new WebsocketProvider(`${h.ws}/sync`, doc, ydoc, {
    WebSocketPolyfill: WebSocket as never,
    params: { token },
    disableBc: true,
  });
  const closed = new Promise<number>((resolve) =>
    p.on('connection-close', (event: { code: number } | null) => resolve(event?.code ?? 0)),
  );
  const synced = new Promise<void>((resolve) =>
    p.once('sync', (isSynced: boolean) => isSynced && resolve()),
  );
  return { p, ydoc, closed, synced };
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('y-websocket sync of read-only documents', () => {
  let h: TestRelay;
  let admin: TestUser;
  let user: TestUser;
  let adminCmd: CommandClient;
  let userCmd: CommandClient;
  const providers: WebsocketProvider[] = [];

  beforeAll(async () => {
    ({ h, admin, user, adminCmd, userCmd } = await relayWithTwoUsers());
  });
  afterAll(async () => {
    for (const p of providers) p.destroy();
    adminCmd.close();
    userCmd.close();
    await h.close();
  });

  it('lets a signed-in member sync the directory and access documents', async () => {
    const dir = provider(h, 'directory', user.token);
    providers.push(dir.p);
    await dir.synced;
    // Record values are JSON text (ADR 0005).
    const users = dir.ydoc.getMap<string>('users').toJSON() as Record<string, string>;
    expect(
      Object.values(users)
        .map((text) => (JSON.parse(text) as { displayName: string }).displayName)
        .sort(),
    ).toEqual(['Ada Admin', 'Bo User']);
    expect(dir.ydoc.getMap('meta').get('setupCompletedAt')).toBeTruthy();
  });

  it('refuses the audit document to a member without an audit-reading role (4403), and serves it to the admin', async () => {
    const refused = provider(h, 'audit', user.token);
    providers.push(refused.p);
    expect(await refused.closed).toBe(4403);
    const allowed = provider(h, 'audit', admin.token);
    providers.push(allowed.p);
    await allowed.synced;
    expect(allowed.ydoc.getArray('entries').length).toBe(h.relay.ledger.size);
    expect(String(allowed.ydoc.getMap('checkpoint').get('latest'))).toContain(
      `${h.relay.ledger.size}\n`,
    );
  });

  it('refuses unknown documents (4404) and missing sessions (4401)', async () => {
    const unknown = provider(h, 'secrets', admin.token);
    providers.push(unknown.p);
    expect(await unknown.closed).toBe(4404);
    const anon = provider(h, 'directory', 'nope');
    providers.push(anon.p);
    expect(await anon.closed).toBe(4401);
  });

  it('pushes an activation to an open admin view without a reload', async () => {
    const access = provider(h, 'access', admin.token);
    providers.push(access.p);
    await access.synced;
    const assignmentId = `a_${randomId(8)}`;
    await adminCmd.send(
      await admin.signed({
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId,
        principalId: user.userId,
        roleId: ROLE_IDS.UserAdministrator,
        assignmentType: 'eligible',
        startsAt: null,
        endsAt: null,
        justification: '',
      }),
    );
    const activationId = `act_${randomId(8)}`;
    const reply = await userCmd.send(
      await user.signed(
        {
          type: 'ActivateRole',
          activationId,
          assignmentId,
          durationMinutes: 120,
          startsAt: null,
          justification: 'Incident 42',
          ticket: null,
        },
        { confirm: true },
      ),
    );
    expect(reply.t).toBe('ack');
    await until(() => access.ydoc.getMap('activations').has(activationId));
    expect(docRecord(access.ydoc, 'activations', activationId) as Activation).toMatchObject({
      principalId: user.userId,
      status: 'active',
    });
  });

  it('gives a reader who gains an audit role the audit document, and closes it when the role ends', async () => {
    const assignmentId = `a_${randomId(8)}`;
    const grant = await adminCmd.send(
      await admin.signed({
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId,
        principalId: user.userId,
        roleId: ROLE_IDS.GlobalReader,
        assignmentType: 'active',
        startsAt: null,
        endsAt: null,
        justification: 'Quarterly audit',
      }),
    );
    expect(grant.t).toBe('ack');
    const audit = provider(h, 'audit', user.token);
    providers.push(audit.p);
    await audit.synced;
    h.clock.advance(5 * 60_000);
    const removal = await adminCmd.send(
      await admin.signed({ type: 'RemoveAssignment', assignmentId, justification: 'Audit over' }),
    );
    expect(removal.t).toBe('ack');
    expect(await audit.closed).toBe(4403);
  });

  it('closes a client that writes to an authoritative document with 4409', async () => {
    const ydoc = new Y.Doc();
    const sneaky = provider(h, 'access', user.token, ydoc);
    providers.push(sneaky.p);
    await sneaky.synced;
    ydoc.getMap('assignments').set('a_forged', {
      principalId: user.userId,
      roleId: ROLE_IDS.GlobalAdministrator,
      type: 'active',
    });
    expect(await sneaky.closed).toBe(4409);
    expect(h.relay.projection.docs.access.getMap('assignments').has('a_forged')).toBe(false);
    expect(h.relay.state.assignments['a_forged']).toBeUndefined();
  });

  it('closes a socket that sends an undecodable sync frame with 4400', async () => {
    const ws = new WebSocket(`${h.ws}/sync/access?token=${user.token}`);
    await new Promise((r) => ws.once('open', r));
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsUpdate);
    encoding.writeVarUint(encoder, 1_000_000); // claims a megabyte that is not there
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(encoding.toUint8Array(encoder));
    expect(await closed).toBe(4400);
  });
});
