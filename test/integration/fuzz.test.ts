/**
 * Property-based fuzzing of a real relay (fast-check): mutated command frames on the commands
 * socket and mutated JSON bodies on every POST route. Whatever arrives, each frame is answered,
 * no HTTP answer is a 5xx, and a well-behaved client is still served afterwards. Bounded
 * by a number of runs (FUZZ_RUNS, default 400 per property) rather than by the clock, so it does
 * the same work on a slow machine; fast-check prints the seed of any failure to replay it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { randomId } from '#ledger/bytes';
import type { ServerFrame } from '#protocol/messages';
import { CommandClient, TestUser, relayWithTwoUsers, type TestRelay } from './support/harness';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 400);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path into a JSON value, the root included. */
function pathsOf(value: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

function leafAt(value: Json, path: Path): Json | undefined {
  let at: Json | undefined = value;
  for (const step of path) at = (at as Record<string, Json> | undefined)?.[step];
  return at;
}

/** Deep nesting is spliced in as text: building it as a value would test our own stack. */
const DEEP = (n: number, open: '[' | '{') =>
  open === '[' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '0' + '}'.repeat(n);

type Mutation =
  | { op: 'replace'; at: number; value: Json }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: Json }
  | { op: 'deep'; at: number; depth: number; open: '[' | '{' }
  /** Splices a hostile fragment into an existing string, keeping the rest of it valid. */
  | { op: 'taint'; at: number; offset: number; fragment: string };

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\ud800',
    'x\udfffy',
    '\udc00\ud800',
    '\u0000',
    '\u202eevil',
    '__proto__',
    'constructor',
    '2026-13-45T99:99:99.999Z',
    'group-member:',
    '../../etc/passwd',
  ),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => 'A'.repeat(n)),
);
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 53), 1e308, 0.5, -0),
  fc.boolean(),
  fc.constant(null),
  fc.constant([] as Json[]),
  fc.constant({} as Json),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);
/** Mostly whole frames; now and then one cut short. */
const truncation = fc.oneof(
  { arbitrary: fc.constant(null), weight: 7 },
  { arbitrary: fc.nat(), weight: 1 },
);
const fragment = fc.constantFrom('\ud800', '\udfff', '\udc00\ud800', '\u0000', '\u202e', '\ufffe');
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('taint' as const),
    at: fc.nat(),
    offset: fc.nat(),
    fragment,
  }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('add' as const),
    at: fc.nat(),
    key: hostileString,
    value: hostileValue,
  }),
  fc.record({
    op: fc.constant('deep' as const),
    at: fc.nat(),
    depth: fc.integer({ min: 14, max: 30_000 }),
    open: fc.constantFrom('[' as const, '{' as const),
  }),
);

/** Applies mutations to a copy of `seed`, then renders it as frame text. */
function mutate(seed: Json, mutations: Mutation[], truncateAt: number | null): string {
  const value = structuredClone(seed);
  const deep = new Map<string, string>();
  for (const m of mutations) {
    const all = pathsOf(value);
    const strings = all.filter((p) => typeof leafAt(value, p) === 'string');
    const paths = m.op === 'taint' && strings.length > 0 ? strings : all;
    const path = paths[m.at % paths.length]!;
    const key = path.at(-1);
    let parent: Json = value;
    for (const step of path.slice(0, -1)) parent = (parent as Record<string, Json>)[step]!;
    const container = parent as Record<string | number, Json>;
    if (key === undefined) continue; // the root stays an object, so the frame stays a frame
    switch (m.op) {
      case 'replace':
        container[key] = structuredClone(m.value);
        break;
      case 'delete':
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete container[key];
        break;
      case 'add': {
        const target = container[key];
        if (target && typeof target === 'object' && !Array.isArray(target))
          (target as Record<string, Json>)[m.key] = structuredClone(m.value);
        else if (Array.isArray(target)) target.push(structuredClone(m.value));
        else container[key] = { [m.key]: structuredClone(m.value) };
        break;
      }
      case 'taint': {
        const text = container[key];
        if (typeof text !== 'string') break;
        const cut = m.offset % (text.length + 1);
        container[key] = text.slice(0, cut) + m.fragment + text.slice(cut);
        break;
      }
      case 'deep': {
        const token = `\u0001deep${deep.size}\u0001`;
        deep.set(JSON.stringify(token), DEEP(m.depth, m.open));
        container[key] = token;
        break;
      }
    }
  }
  let text = JSON.stringify(value);
  for (const [token, nested] of deep) text = text.replace(token, nested);
  return truncateAt === null ? text : text.slice(0, truncateAt % (text.length + 1));
}

describe('fuzzing a real relay with hostile frames and bodies', () => {
  let h: TestRelay;
  let admin: TestUser;
  let user: TestUser;
  let adminCmd: CommandClient;
  let userCmd: CommandClient;
  const assignmentId = `a_${randomId(8)}`;

  /** What would have killed a relay running under Node's default (throw on unhandled rejection). */
  const escaped: unknown[] = [];
  const onEscape = (error: unknown) => escaped.push(error);

  beforeAll(async () => {
    process.on('unhandledRejection', onEscape);
    process.on('uncaughtException', onEscape);
    ({ h, admin, user, adminCmd, userCmd } = await relayWithTwoUsers());
    const reply = await adminCmd.send(
      await admin.signed({
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId,
        principalId: user.userId,
        roleId: ROLE_IDS.SecurityReader,
        assignmentType: 'eligible',
        startsAt: null,
        endsAt: null,
        justification: 'fuzzing',
      }),
    );
    expect(reply.t).toBe('ack');
  });
  afterAll(async () => {
    process.off('unhandledRejection', onEscape);
    process.off('uncaughtException', onEscape);
    adminCmd.close();
    userCmd.close();
    await h.close();
  });

  /** The administrator's well-formed command is still decided, and HTTP still answers. */
  async function wellBehavedClientServed(): Promise<void> {
    const reply = await adminCmd.send(
      await admin.signed({
        type: 'CreateRole',
        roleId: `r_${randomId(8)}`,
        name: `Fuzz check ${randomId(6)}`,
        description: 'made by the fuzz test to prove the relay still decides',
      }),
    );
    expect(reply.t).toBe('ack');
    expect((await fetch(`${h.http}/healthz`)).status).toBe(200);
    expect(escaped.map(String)).toEqual([]);
  }

  it('answers every mutated command frame and keeps serving others', async () => {
    const seeds: Json[] = [];
    for (const confirm of [false, true]) {
      const signed = await user.signed(
        {
          type: 'ActivateRole',
          activationId: `act_${randomId(8)}`,
          assignmentId,
          durationMinutes: 60,
          startsAt: null,
          justification: 'seed',
          ticket: null,
        },
        { confirm },
      );
      seeds.push({ t: 'command', signed } as unknown as Json);
    }
    seeds.push({
      t: 'command',
      signed: await user.signed({
        type: 'DecideRequests',
        batchId: `b_${randomId(8)}`,
        decision: 'approve',
        requestIds: [`req_${randomId(8)}`],
        justification: 'seed',
      }),
    } as unknown as Json);
    seeds.push({ t: 'ping', id: 'seed' });

    let frames = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        truncation,
        async (seedIndex, mutations, truncateAt) => {
          if (userCmd.ws.readyState !== userCmd.ws.OPEN)
            userCmd = await CommandClient.connect(h, user.token);
          const text = mutate(seeds[seedIndex]!, mutations, truncateAt);
          const answered = userCmd.next((f: ServerFrame) => f.t !== 'hello', 10_000);
          userCmd.sendRaw(text);
          frames++;
          const reply = await Promise.race([
            answered,
            userCmd.closed.then((c) => ({ t: 'closed', ...c }) as const),
          ]);
          // Either an answer, or the socket closed with a named code (e.g. 1009 too big).
          if (reply.t === 'closed') expect(reply.code).toBeGreaterThanOrEqual(1000);
          else expect(['ack', 'reject', 'error', 'pong']).toContain(reply.t);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    expect(frames).toBe(FUZZ_RUNS);
    await wellBehavedClientServed();
  }, 120_000);

  it('answers every mutated HTTP body with a 2xx or 4xx and keeps serving', async () => {
    const device = { publicKey: user.publicKey, label: 'fuzz' };
    const seeds: [string, Json, boolean][] = [
      [
        '/api/setup/options',
        {
          token: 'x',
          displayName: 'A',
          devicePublicKey: user.publicKey,
          deviceLabel: 'l',
        } as never,
        false,
      ],
      ['/api/setup/verify', { ceremonyId: 'c', response: { id: 'x', response: {} } }, false],
      [
        '/api/invite/options',
        {
          token: 'x',
          displayName: 'A',
          devicePublicKey: user.publicKey,
          deviceLabel: 'l',
        } as never,
        false,
      ],
      ['/api/invite/verify', { ceremonyId: 'c', response: { id: 'x' } }, false],
      [
        '/api/signin/options',
        { devicePublicKey: device.publicKey, deviceLabel: 'l' } as never,
        false,
      ],
      [
        '/api/signin/verify',
        { ceremonyId: 'c', response: { id: 'x', response: { clientDataJSON: 'e30' } } },
        false,
      ],
      ['/api/session/challenge', { deviceId: user.deviceId }, false],
      ['/api/session', { deviceId: user.deviceId, challenge: 'x', signature: 'y' }, false],
      ['/api/devices/link', {}, true],
      [
        '/api/add-device/options',
        { token: 'x', devicePublicKey: user.publicKey, deviceLabel: 'l' } as never,
        false,
      ],
      ['/api/add-device/verify', { ceremonyId: 'c', response: {} }, false],
      ['/api/confirm/nonce', {}, true],
      ['/api/confirm/nonce-pool', { count: 4 }, true],
    ];
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(mutation, { maxLength: 4 }),
        truncation,
        async (i, mutations, truncateAt) => {
          const [path, body, authed] = seeds[i]!;
          const res = await fetch(`${h.http}${path}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(authed ? { authorization: `Bearer ${user.token}` } : {}),
            },
            body: mutate(body, mutations, truncateAt),
          });
          requests++;
          await res.arrayBuffer();
          expect(res.status, `${path}`).toBeGreaterThanOrEqual(200);
          expect(res.status, `${path}`).toBeLessThan(500);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    expect(requests).toBe(FUZZ_RUNS);
    await wellBehavedClientServed();
  }, 120_000);
});
