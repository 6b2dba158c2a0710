import net from 'node:net';
import { crc32c } from '@aws-crypto/crc32c';
import { type Document, deserialize, serialize } from 'bson';

/** A decoded reply read off a raw socket. */
export interface RawReply {
  opCode: number;
  responseTo: number;
  doc: Document;
}

/** Builds an OP_MSG from a body and optional document sequences, with an optional CRC-32C checksum. */
export function opMsg(
  body: Document,
  options: {
    requestId?: number;
    flags?: number;
    sequences?: Record<string, Document[]>;
    checksum?: boolean;
  } = {},
): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [id, docs] of Object.entries(options.sequences ?? {})) {
    const payload = Buffer.concat([Buffer.from(`${id}\0`), ...docs.map((d) => Buffer.from(serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const flags = (options.flags ?? 0) | (options.checksum ? 1 : 0);
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags >>> 0);
  const content = Buffer.concat([flagBuf, ...parts]);
  const total = 16 + content.length + (options.checksum ? 4 : 0);
  const header = Buffer.alloc(16);
  header.writeInt32LE(total, 0);
  header.writeInt32LE(options.requestId ?? 1, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12);
  const message = Buffer.concat([header, content]);
  if (!options.checksum) return message;
  const sum = Buffer.alloc(4);
  sum.writeUInt32LE(crc32c(message));
  return Buffer.concat([message, sum]);
}

/** Builds a legacy OP_QUERY command on `<db>.$cmd`. */
export function opQuery(db: string, query: Document, requestId = 1): Buffer {
  const body = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from(`${db}.$cmd\0`),
    Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from(serialize(query)),
  ]);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(2004, 12);
  return Buffer.concat([header, body]);
}

/** A raw TCP client that collects whole reply messages and notices when the server closes. */
export class RawClient {
  private buffer = Buffer.alloc(0);
  private readonly replies: RawReply[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const length = this.buffer.readInt32LE(0);
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        this.replies.push(decodeReply(message));
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects to `port` on 127.0.0.1 (or to a Unix socket path). */
  static connect(target: number | string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket =
        typeof target === 'number'
          ? net.connect({ port: target, host: '127.0.0.1' })
          : net.connect({ path: target });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Next reply; undefined if the server closed the connection first. */
  async reply(timeoutMs = 5000): Promise<RawReply | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0 && !this.closed) {
      if (Date.now() > deadline) throw new Error('no reply within timeout');
      await this.waitEvent(deadline - Date.now());
    }
    return this.replies.shift();
  }

  /** Resolves true once the server has closed the connection. */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.waitEvent(deadline - Date.now());
    return this.closed;
  }

  /** Sends a command and returns the reply document. */
  async command(body: Document): Promise<Document | undefined> {
    this.send(opMsg(body));
    return (await this.reply())?.doc;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private waitEvent(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(ms, 1));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function decodeReply(message: Buffer): RawReply {
  const opCode = message.readInt32LE(12);
  const responseTo = message.readInt32LE(8);
  const start = opCode === 1 ? 36 : 21;
  return { opCode, responseTo, doc: deserialize(message.subarray(start)) };
}
