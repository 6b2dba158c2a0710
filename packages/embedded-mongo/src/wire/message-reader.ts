import { checkMessageLength, HEADER_SIZE } from './protocol.js';

/**
 * Cuts a TCP byte stream into whole wire messages. Chunks are kept in a list and each message is
 * copied once into a buffer of its declared length, so a 48 MB message arriving in 64 KiB pieces
 * costs one copy instead of a quadratic series of concatenations.
 */
export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds received bytes. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Bytes received but not yet returned as a message. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Returns the next complete message, or undefined when more bytes are needed. Throws a
   * ProtocolError as soon as a header declares an impossible length, before its body arrives.
   */
  next(): Buffer | undefined {
    if (this.buffered < 4) return undefined;
    const length = this.peekInt32();
    checkMessageLength(length);
    if (this.buffered < Math.max(length, HEADER_SIZE)) return undefined;
    return this.take(length);
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32LE(0);
    const head = Buffer.alloc(4);
    let filled = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(4 - filled, chunk.length);
      chunk.copy(head, filled, 0, n);
      filled += n;
      if (filled === 4) break;
    }
    return head.readInt32LE(0);
  }

  private take(length: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= length) {
      // The common case: a whole message within one chunk needs no copy.
      const message = first.subarray(0, length);
      if (first.length === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
      this.buffered -= length;
      return message;
    }
    const message = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const chunk = this.chunks[0]!;
      const n = Math.min(length - filled, chunk.length);
      chunk.copy(message, filled, 0, n);
      filled += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    this.buffered -= length;
    return message;
  }
}
