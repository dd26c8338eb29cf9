/**
 * One client's y-websocket connection to one read-only document (y-protocols v1 encoding).
 * The relay answers SyncStep1 and pushes updates; it never sends its own SyncStep1, so a
 * well-behaved client has nothing to write back. A SyncStep2 or Update that carries content the
 * relay does not already have is a write to an authoritative document: the socket closes with
 * 4409 (terminal for y-websocket 3.1, which stops reconnecting).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { CloseCode } from '#protocol/close-codes';
import { log } from './log';
import type { Session } from './pipeline';
import type { DocName } from '#protocol/doc-layout';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const MESSAGE_QUERY_AWARENESS = 3;

export class SyncSocket {
  private readonly ws: WebSocket;
  readonly doc: DocName;
  private readonly ydoc: Y.Doc;
  readonly session: Session;
  constructor(ws: WebSocket, doc: DocName, ydoc: Y.Doc, session: Session) {
    this.ws = ws;
    this.doc = doc;
    this.ydoc = ydoc;
    this.session = session;
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
  }

  sendUpdate(update: Uint8Array): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    this.#send(encoding.toUint8Array(encoder));
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.close(code, reason);
  }

  #send(bytes: Uint8Array): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(bytes);
  }

  #refuse(code: number, reason: string): void {
    log('warn', 'sync frame refused', { userId: this.session.userId, doc: this.doc, code, reason });
    this.close(code, reason);
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (!isBinary) return this.#refuse(CloseCode.MalformedSyncFrame, 'sync frames are binary');
    try {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case MESSAGE_SYNC: {
          const step = decoding.readVarUint(decoder);
          if (step === syncProtocol.messageYjsSyncStep1) {
            const stateVector = decoding.readVarUint8Array(decoder);
            const encoder = encoding.createEncoder();
            encoding.writeVarUint(encoder, MESSAGE_SYNC);
            syncProtocol.writeSyncStep2(encoder, this.ydoc, stateVector);
            this.#send(encoding.toUint8Array(encoder));
          } else if (
            step === syncProtocol.messageYjsSyncStep2 ||
            step === syncProtocol.messageYjsUpdate
          ) {
            const update = decoding.readVarUint8Array(decoder);
            // A client echoing what it got from us (e.g. from IndexedDB) changes nothing: fine.
            if (!Y.snapshotContainsUpdate(Y.snapshot(this.ydoc), update)) {
              return this.#refuse(
                CloseCode.ReadOnlyDocument,
                `${this.doc} is read-only: send commands instead`,
              );
            }
          } else {
            return this.#refuse(CloseCode.MalformedSyncFrame, `unknown sync step ${step}`);
          }
          return;
        }
        case MESSAGE_AWARENESS:
        case MESSAGE_QUERY_AWARENESS:
        case MESSAGE_AUTH:
          // Presence is not shared on authoritative documents.
          return;
        default:
          return this.#refuse(CloseCode.MalformedSyncFrame, `unknown message type ${type}`);
      }
    } catch (error) {
      this.#refuse(
        CloseCode.MalformedSyncFrame,
        `undecodable sync frame: ${(error as Error).message}`.slice(0, 120),
      );
    }
  }
}
