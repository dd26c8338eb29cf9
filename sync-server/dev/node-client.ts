/**
 * A Node client for the relay, speaking its real protocols: HTTP passkey ceremonies (with a
 * software authenticator), device-key sessions, signed commands on the commands websocket.
 * Used by the integration tests, the benchmarks and the demo loader.
 */
import { webcrypto } from 'node:crypto';
import WebSocket from 'ws';
import type { UserCommand } from '#domain/commands';
import type { DevicePublicKey } from '#domain/model';
import { randomId, sha256, toBase64Url, utf8 } from '#ledger/bytes';
import {
  commandSigningBytes,
  confirmationChallenge,
  deviceIdFor,
  sessionSigningBytes,
} from '#protocol/confirmation';
import {
  PROTOCOL_VERSION,
  type AssertionJSON,
  type CommandEnvelope,
  type CommandIntent,
  type ServerFrame,
  type SignedCommand,
} from '#protocol/messages';
import { SoftAuthenticator, type TamperOptions } from './soft-authenticator';

/** Where a relay answers, and whose clock stamps commands (a test relay's movable clock). */
export type RelayEndpoint = {
  http: string;
  ws: string;
  origin: string;
  clock: { now(): number };
};

export async function post<T = Record<string, unknown>>(
  h: RelayEndpoint,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(h.http + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** A person with a passkey (soft authenticator) and a device key, as the app would have. */
export class TestUser {
  userId = '';
  token = '';
  readonly authenticator: SoftAuthenticator;
  readonly h: RelayEndpoint;
  readonly keyPair: webcrypto.CryptoKeyPair;
  readonly publicKey: DevicePublicKey;
  readonly deviceId: string;

  private constructor(
    h: RelayEndpoint,
    keyPair: webcrypto.CryptoKeyPair,
    publicKey: DevicePublicKey,
    deviceId: string,
  ) {
    this.h = h;
    this.keyPair = keyPair;
    this.publicKey = publicKey;
    this.deviceId = deviceId;
    this.authenticator = new SoftAuthenticator(h.origin);
  }

  static async create(h: RelayEndpoint): Promise<TestUser> {
    const keyPair = (await webcrypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    const jwk = await webcrypto.subtle.exportKey('jwk', keyPair.publicKey);
    const publicKey: DevicePublicKey = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
    return new TestUser(h, keyPair, publicKey, await deviceIdFor(publicKey));
  }

  async sign(bytes: Uint8Array): Promise<string> {
    return toBase64Url(
      new Uint8Array(
        await webcrypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          this.keyPair.privateKey,
          bytes,
        ),
      ),
    );
  }

  async register(kind: 'setup' | 'invite', token: string, displayName: string): Promise<void> {
    const options = await post<{ ceremonyId: string; optionsJSON: Record<string, unknown> }>(
      this.h,
      `/api/${kind}/options`,
      {
        token,
        displayName,
        devicePublicKey: this.publicKey,
        deviceLabel: 'Node test client',
      },
    );
    if (options.status !== 200)
      throw new Error(`${kind} options failed: ${JSON.stringify(options.body)}`);
    const response = await this.authenticator.register(options.body.optionsJSON);
    const verify = await post<{ userId: string }>(this.h, `/api/${kind}/verify`, {
      ceremonyId: options.body.ceremonyId,
      response,
    });
    if (verify.status !== 200)
      throw new Error(`${kind} verify failed: ${JSON.stringify(verify.body)}`);
    this.userId = verify.body.userId;
    await this.openSession();
  }

  async openSession(): Promise<void> {
    const challenge = await post<{ challenge: string }>(this.h, '/api/session/challenge', {
      deviceId: this.deviceId,
    });
    if (challenge.status !== 200)
      throw new Error(`session challenge failed: ${JSON.stringify(challenge.body)}`);
    const signature = await this.sign(sessionSigningBytes(challenge.body.challenge));
    const session = await post<{ token: string }>(this.h, '/api/session', {
      deviceId: this.deviceId,
      challenge: challenge.body.challenge,
      signature,
    });
    if (session.status !== 200) throw new Error(`session failed: ${JSON.stringify(session.body)}`);
    this.token = session.body.token;
  }

  intent(command: UserCommand, over: Partial<CommandIntent> = {}): CommandIntent {
    return {
      v: PROTOCOL_VERSION,
      cmdId: randomId(16),
      deviceId: this.deviceId,
      issuedAt: new Date(this.h.clock.now()).toISOString(),
      command,
      ...over,
    };
  }

  async nonce(): Promise<string> {
    const res = await post<{ nonce: string }>(this.h, '/api/confirm/nonce', {}, this.token);
    if (res.status !== 200) throw new Error(`nonce failed: ${JSON.stringify(res.body)}`);
    return res.body.nonce;
  }

  /** Builds and signs a command; with confirm, a passkey assertion bound to it by a fresh nonce. */
  async signed(
    command: UserCommand,
    opts: {
      confirm?: boolean;
      nonce?: string;
      tamper?: TamperOptions;
      intent?: Partial<CommandIntent>;
      challengeFor?: CommandIntent;
    } = {},
  ): Promise<SignedCommand> {
    const intent = this.intent(command, opts.intent);
    let confirmation: CommandEnvelope['confirmation'] = null;
    if (opts.confirm) {
      const nonce = opts.nonce ?? (await this.nonce());
      const challenge = await confirmationChallenge(nonce, opts.challengeFor ?? intent);
      const assertion = (await this.authenticator.assert(
        toBase64Url(challenge),
        opts.tamper,
      )) as unknown as AssertionJSON;
      confirmation = { nonce, assertion };
    }
    const envelope: CommandEnvelope = { ...intent, confirmation };
    return { envelope, signature: await this.sign(commandSigningBytes(envelope)) };
  }
}

/** The commands websocket, with replies matched by cmdId (or taken in order). */
export class CommandClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  #waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      this.frames.push(frame);
      const i = this.#waiters.findIndex((w) => w.match(frame));
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(frame);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  static async connect(h: RelayEndpoint, token: string): Promise<CommandClient> {
    const ws = new WebSocket(`${h.ws}/sync/commands?token=${encodeURIComponent(token)}`);
    const client = new CommandClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  next(match: (f: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const seen = this.frames.find(match);
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching frame in ${timeoutMs} ms; socket state ${this.ws.readyState}; unmatched frames: ${JSON.stringify(this.frames).slice(0, 300)}`,
            ),
          ),
        timeoutMs,
      );
      this.#waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(f), 1);
          resolve(f);
        },
      });
    });
  }

  async send(signed: SignedCommand, timeoutMs = 5000): Promise<ServerFrame> {
    const cmdId = signed.envelope.cmdId;
    const reply = this.next(
      (f) => (f.t === 'ack' || f.t === 'reject') && f.cmdId === cmdId,
      timeoutMs,
    );
    this.ws.send(JSON.stringify({ t: 'command', signed }));
    return reply;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  close(): void {
    this.ws.close();
  }
}

export async function tokenHashOf(secret: string): Promise<string> {
  return toBase64Url(await sha256(utf8(secret)));
}
