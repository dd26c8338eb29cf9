import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type TestRelay } from './support/harness';

/** Raw HTTP, because fetch normalises the very request targets that used to crash the relay. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, 'localhost', () => socket.write(request));
    let answer = '';
    socket.on('data', (d) => (answer += String(d)));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    setTimeout(() => socket.destroy(), 3000);
  });
}

describe('malformed HTTP requests', () => {
  let h: TestRelay;
  beforeAll(async () => {
    h = await startRelay();
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers a request target that is not a URL with 400 and keeps serving', async () => {
    const answer = await rawRequest(
      h.port,
      'GET // HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('invalid-request');
    expect((await fetch(`${h.http}/healthz`)).status).toBe(200);
  });

  it('refuses a websocket upgrade to a target that is not a URL, and keeps serving', async () => {
    const answer = await rawRequest(
      h.port,
      'GET // HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${h.http}/healthz`)).status).toBe(200);
  });
});
