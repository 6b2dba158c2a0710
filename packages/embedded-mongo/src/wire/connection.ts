import type { Socket } from 'node:net';
import type { Document } from 'bson';
import type { ConnectionInfo, ServerState } from './admin.js';
import type { CommandDispatcher } from './dispatcher.js';
import { MessageReader } from './message-reader.js';
import {
  type DecodedRequest,
  decodeMessage,
  encodeOpMsg,
  encodeOpReply,
  HEADER_SIZE,
  ProtocolError,
} from './protocol.js';

/** Messages buffered per connection before the socket stops reading (backpressure). */
const MAX_QUEUED = 32;
/** How long a closed-by-us socket may linger half-open before it is destroyed. */
const LINGER_MS = 1000;

let nextReplyId = 1;
function replyId(): number {
  nextReplyId = nextReplyId >= 0x7fffffff ? 1 : nextReplyId + 1;
  return nextReplyId;
}

/** MongoDB's names for the codes protocol errors use. */
const PROTOCOL_CODE_NAMES: Record<number, string> = {
  2: 'BadValue',
  22: 'InvalidBSON',
  352: 'UnsupportedOpQueryCommand',
  10334: 'BSONObjectTooLarge',
  40571: 'Location40571',
};

function errorReply(error: ProtocolError): Document {
  const codeName = PROTOCOL_CODE_NAMES[error.code] ?? 'UnknownError';
  return { ok: 0, errmsg: error.message, code: error.code, codeName };
}

/**
 * One client connection: frames messages, runs them strictly one after another (a client's commands
 * are ordered, as on mongod) and writes the replies. Malformed input gets an error reply where the
 * request can be identified and closes this connection only.
 */
export class Connection {
  private readonly reader = new MessageReader();
  private readonly queue: Array<Buffer | ProtocolError> = [];
  private running: Promise<void> | undefined;
  private closing = false;

  constructor(
    private readonly socket: Socket,
    readonly info: ConnectionInfo,
    private readonly dispatcher: CommandDispatcher,
    private readonly state: ServerState,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // 'close' always follows 'error'; the listener only keeps an error from being thrown.
    socket.on('error', () => {});
  }

  /** Resolves when no command of this connection is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops reading and closes the socket now. */
  destroy(): void {
    this.closing = true;
    this.queue.length = 0;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.state.network.bytesIn += chunk.length;
    this.reader.push(chunk);
    try {
      for (let message = this.reader.next(); message; message = this.reader.next()) this.queue.push(message);
    } catch (error) {
      this.queue.push(error instanceof ProtocolError ? error : new ProtocolError(String(error)));
      this.socket.pause();
    }
    if (this.queue.length >= MAX_QUEUED) this.socket.pause();
    if (!this.running && this.queue.length > 0) {
      // drain() answers every failure itself; anything escaping it is a bug that must cost this
      // connection only, never the process (an unhandled rejection would end it).
      this.running = this.drain().catch(() => this.destroy());
    }
  }

  private async drain(): Promise<void> {
    try {
      for (let item = this.queue.shift(); item && !this.closing; item = this.queue.shift()) {
        if (item instanceof ProtocolError) {
          this.failProtocol(item, 0);
          return;
        }
        let request: DecodedRequest;
        try {
          request = decodeMessage(item);
        } catch (error) {
          const protocolError = error instanceof ProtocolError ? error : new ProtocolError(String(error));
          this.failProtocol(protocolError, item.length >= HEADER_SIZE ? item.readInt32LE(4) : 0);
          return;
        }
        await this.handle(request);
        // A client that sends without reading must not make replies pile up in memory.
        if (this.socket.writableNeedDrain) await this.writable();
        if (this.queue.length < MAX_QUEUED / 2 && !this.closing) this.socket.resume();
      }
    } finally {
      this.running = undefined;
    }
  }

  private writable(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private async handle(request: DecodedRequest): Promise<void> {
    this.state.network.numRequests += 1;
    const reply = await this.dispatcher.run(
      request.db,
      request.command,
      this.info,
      request.header.messageLength,
    );
    if (request.moreToCome || this.closing || this.socket.destroyed) return;
    this.send(reply, request);
  }

  private send(reply: Document, request: DecodedRequest): void {
    const encode = request.kind === 'msg' ? encodeOpMsg : encodeOpReply;
    let out: Buffer;
    try {
      out = encode(reply, replyId(), request.header.requestId);
    } catch (error) {
      const message = `reply could not be encoded: ${(error as Error).message}`;
      out = encode(errorReply(new ProtocolError(message, 10334)), replyId(), request.header.requestId);
    }
    this.state.network.bytesOut += out.length;
    this.socket.write(out);
  }

  private failProtocol(error: ProtocolError, responseTo: number): void {
    this.closing = true;
    this.queue.length = 0;
    if (!this.socket.destroyed) {
      const out = encodeOpMsg(errorReply(error), replyId(), responseTo);
      this.state.network.bytesOut += out.length;
      this.socket.end(out);
      setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
    }
  }
}
