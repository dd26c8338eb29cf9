/** One client's command channel: JSON frames of #protocol/messages over a websocket. */
import type { WebSocket } from 'ws';
import { CommandShapeError, FrameError, readClientFrame } from '#protocol/codec';
import type { ServerFrame } from '#protocol/messages';
import { log } from './log';
import type { Session } from './pipeline';
import type { CommandHost } from './relay-host';

export class CommandsSocket {
  private readonly relay: CommandHost;
  private readonly ws: WebSocket;
  readonly session: Session;
  constructor(relay: CommandHost, ws: WebSocket, session: Session) {
    this.relay = relay;
    this.ws = ws;
    this.session = session;
  }

  start(): void {
    this.ws.on('message', (data, isBinary) => {
      this.#onMessage(data as Buffer, isBinary).catch((error: unknown) => {
        log('error', 'command socket failure', { error: String((error as Error)?.stack ?? error) });
      });
    });
    this.#send({
      t: 'hello',
      userId: this.session.userId,
      deviceId: this.session.deviceId,
      seq: this.relay.ledger.size,
    });
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.close(code, reason);
  }

  #send(frame: ServerFrame): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(frame));
  }

  async #onMessage(data: Buffer, isBinary: boolean): Promise<void> {
    const who = { userId: this.session.userId, deviceId: this.session.deviceId };
    try {
      if (isBinary) throw new FrameError('malformed-frame', 'command frames are JSON text');
      const frame = readClientFrame(data.toString('utf8'));
      switch (frame.t) {
        case 'ping':
          return this.#send({
            t: 'pong',
            ...(frame.id ? { id: frame.id } : {}),
            at: this.relay.now(),
          });
        case 'command': {
          const reply = await this.relay.pipeline.submitSigned(frame.signed, this.session);
          if (reply.t === 'reject')
            log('info', 'command rejected', {
              ...who,
              cmdId: reply.cmdId,
              code: reply.code,
              seq: reply.seq,
            });
          return this.#send(reply);
        }
      }
    } catch (error) {
      if (error instanceof FrameError) {
        log('warn', 'frame refused', { ...who, code: error.code, reason: error.message });
        return this.#send({ t: 'error', code: error.code, message: error.message });
      }
      if (error instanceof CommandShapeError) {
        log('warn', 'malformed command', { ...who, cmdId: error.cmdId, reason: error.message });
        return this.#send({
          t: 'reject',
          cmdId: error.cmdId,
          code: 'malformed-command',
          message: error.message,
          seq: null,
        });
      }
      log('error', 'command socket failure', {
        ...who,
        error: String((error as Error)?.stack ?? error),
      });
      this.#send({
        t: 'error',
        code: 'malformed-frame',
        message: 'The relay could not process this frame.',
      });
    }
  }
}
