import { readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import {
  calculateObjectSize,
  type Document,
  deserialize,
  serialize,
  serializeWithBufferAndIndex,
} from 'bson';
import type { JournalOp } from './types.js';

/**
 * On-disk framing shared by journals and snapshots: a file is a sequence of entries
 * `[payload length u32 LE][CRC-32 of payload u32 LE][payload]`, and a payload is a plain concatenation
 * of BSON documents (each carries its own int32 length). A sequence rather than one `{ ops: [...] }`
 * document keeps every op under BSON's size limit on its own, so a 48 MB insert batch of 16 MiB
 * documents still serialises, and nothing has to build one giant wrapper object.
 */
export const ENTRY_HEADER_BYTES = 8;

/** Entries larger than this are rejected on read as corrupt (a torn length field can claim 4 GiB). */
export const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;

const SERIALIZE_OPTIONS = { checkKeys: false, ignoreUndefined: false } as const;

/** Serialises one document for the journal; BSON errors (too large, bad keys) surface to the caller. */
export function serializeDoc(doc: Document): Uint8Array {
  return serialize(doc, SERIALIZE_OPTIONS);
}

/**
 * Builds one entry by serialising documents straight into a growing buffer. One buffer per entry (not
 * one small allocation per document plus a concatenation) keeps a 100,000-document insert cheap;
 * growth doubles, so the total copying stays linear.
 */
export class EntryBuilder {
  #buffer: Buffer;
  #end = ENTRY_HEADER_BYTES;
  #count = 0;

  readonly #initialBytes: number;

  constructor(initialBytes = 64 * 1024) {
    this.#initialBytes = initialBytes;
    this.#buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Payload bytes so far. */
  get payloadBytes(): number {
    return this.#end - ENTRY_HEADER_BYTES;
  }

  /** Documents so far. */
  get count(): number {
    return this.#count;
  }

  add(doc: Document): void {
    if (this.#buffer.length === 0) this.#buffer = Buffer.allocUnsafe(this.#initialBytes);
    if (isPutWithBytes(doc)) {
      this.#addPut(doc);
      return;
    }
    for (;;) {
      try {
        this.#end =
          serializeWithBufferAndIndex(doc, this.#buffer, { ...SERIALIZE_OPTIONS, index: this.#end }) + 1;
        this.#count++;
        return;
      } catch (error) {
        // bson serialises into its own scratch space and then copies into ours: a RangeError from that
        // copy means our buffer is too small. Anything else is a real serialisation error.
        const needed = this.#end + calculateObjectSize(doc, SERIALIZE_OPTIONS);
        if (!(error instanceof RangeError) || needed <= this.#buffer.length) throw error;
        const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
        this.#buffer.copy(grown, 0, 0, this.#end);
        this.#buffer = grown;
      }
    }
  }

  /**
   * A put op whose document came with its bytes, written as `serialize(op)` without `bytes` would be:
   * `{ op: 'put', db, coll, doc }` with the document's bytes copied in.
   */
  #addPut(op: PutWithBytes): void {
    const strings = [
      ['op', 'put'],
      ['db', op.db],
      ['coll', op.coll],
    ] as const;
    let size = 4 + 1 + (1 + 4) + op.bytes.length; // length, terminator, 'doc' element header, document
    for (const [key, value] of strings) size += 1 + (key.length + 1) + 4 + Buffer.byteLength(value) + 1;
    const needed = this.#end + size;
    if (needed > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, this.#end);
      this.#buffer = grown;
    }
    const b = this.#buffer;
    let at = this.#end;
    at = b.writeInt32LE(size, at);
    for (const [key, value] of strings) {
      b[at++] = 0x02; // string
      at += b.write(key, at, 'latin1');
      b[at++] = 0;
      at = b.writeInt32LE(Buffer.byteLength(value) + 1, at);
      at += b.write(value, at, 'utf8');
      b[at++] = 0;
    }
    b[at++] = 0x03; // embedded document
    at += b.write('doc', at, 'latin1');
    b[at++] = 0;
    b.set(op.bytes, at);
    at += op.bytes.length;
    b[at++] = 0;
    this.#end = at;
    this.#count++;
  }

  /** Frames what was added as one entry and starts over. The result owns its memory. */
  take(): Buffer {
    const entry = this.#buffer.subarray(0, this.#end);
    const payload = entry.subarray(ENTRY_HEADER_BYTES);
    entry.writeUInt32LE(payload.length, 0);
    entry.writeUInt32LE(crc32(payload), 4);
    // Hand the filled buffer over when it is mostly used; copy out when the slack would be wasted.
    const result = this.#end * 2 >= this.#buffer.length ? entry : Buffer.from(entry);
    if (result === entry) this.#buffer = Buffer.alloc(0); // reallocated by the next add()
    this.#end = ENTRY_HEADER_BYTES;
    this.#count = 0;
    return result;
  }
}

type PutWithBytes = { op: 'put'; db: string; coll: string; doc: Document; bytes: Uint8Array };

function isPutWithBytes(doc: Document): doc is PutWithBytes {
  return doc.op === 'put' && doc.bytes instanceof Uint8Array && typeof doc.db === 'string';
}

/** Frames a list of ops as one journal entry. */
export function encodeOps(ops: readonly JournalOp[]): Buffer {
  // Room for typical form records up front: outgrowing the buffer costs a thrown RangeError, a size pass
  // and a second serialisation (take() copies a mostly empty buffer out to its exact size).
  const builder = new EntryBuilder(ENTRY_HEADER_BYTES + Math.min(ops.length * 4096, 16 * 1024 * 1024));
  for (const op of ops) builder.add(op);
  return builder.take();
}

/**
 * Splits a payload into its BSON documents, keeping wrapper types (Int32, Double, Long stay objects)
 * so a document read back equals the document written, type for type.
 *
 * bson's Binary values are views into the buffer they were read from. Each document is therefore
 * deserialised from its own exact-size copy: the payload may be a reused read buffer, and a view into
 * a shared 1 MiB entry would keep the whole entry alive for as long as one Binary of it lives.
 */
export function* decodePayload(payload: Uint8Array): Generator<Document> {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let at = 0;
  while (at < payload.length) {
    const size = view.getInt32(at, true);
    // Uint8Array.prototype.slice copies into a new ArrayBuffer (Buffer#slice would be a view).
    const own = Uint8Array.prototype.slice.call(payload, at, at + size);
    yield deserialize(own, { promoteValues: false });
    at += size;
  }
}

/** True when the payload is a well-formed sequence of BSON document lengths (CRC already matched). */
function payloadLengthsValid(payload: Buffer): boolean {
  let at = 0;
  while (at < payload.length) {
    if (payload.length - at < 5) return false;
    const size = payload.readInt32LE(at);
    if (size < 5 || at + size > payload.length || payload[at + size - 1] !== 0) return false;
    at += size;
  }
  return payload.length > 0;
}

/** One entry found while scanning a file. */
export interface ScannedEntry {
  /** Byte offset of the entry header. */
  offset: number;
  /**
   * The payload. It is a view into the scanner's chunk buffer, valid only until the next entry is
   * requested: copy it before deserialising anything that outlives that (bson's Binary keeps a view).
   */
  payload: Buffer;
}

/** Why a scan stopped before the end of the file. */
export interface ScanFailure {
  /** Offset of the first entry that is not valid; everything before it is intact. */
  offset: number;
  reason: string;
}

/**
 * Reads the entries of an open file from offset 0 up to `size` with positional reads through a
 * reusable chunk buffer, so a file of any size streams in bounded memory. Stops at the first invalid
 * entry and reports it through `onFailure` (the entries before it were all yielded).
 */
export function* scanEntries(
  fd: number,
  size: number,
  onFailure: (failure: ScanFailure) => void,
  chunkBytes = 4 * 1024 * 1024,
): Generator<ScannedEntry> {
  let chunk = Buffer.allocUnsafe(chunkBytes);
  let chunkStart = 0; // file offset of chunk[0]
  let chunkEnd = 0; // file offset just past the valid bytes in chunk
  let offset = 0;

  // Makes [from, from + length) available in `chunk`, refilling (and growing for a big entry) as needed.
  const ensure = (from: number, length: number): Buffer => {
    if (from >= chunkStart && from + length <= chunkEnd) {
      return chunk.subarray(from - chunkStart, from - chunkStart + length);
    }
    if (length > chunk.length) chunk = Buffer.allocUnsafe(length);
    const want = Math.min(chunk.length, size - from);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, chunk, got, want - got, from + got);
      if (n === 0) break;
      got += n;
    }
    chunkStart = from;
    chunkEnd = from + got;
    return chunk.subarray(0, Math.min(length, got));
  };

  while (offset < size) {
    if (size - offset < ENTRY_HEADER_BYTES) {
      onFailure({ offset, reason: `truncated entry header (${size - offset} bytes)` });
      return;
    }
    const header = ensure(offset, ENTRY_HEADER_BYTES);
    const length = header.readUInt32LE(0);
    const expectedCrc = header.readUInt32LE(4);
    if (length === 0 || length > MAX_ENTRY_BYTES) {
      onFailure({ offset, reason: `invalid entry length ${length}` });
      return;
    }
    if (offset + ENTRY_HEADER_BYTES + length > size) {
      onFailure({ offset, reason: `entry of ${length} bytes runs past the end of the file` });
      return;
    }
    const payload = ensure(offset + ENTRY_HEADER_BYTES, length);
    if (crc32(payload) !== expectedCrc) {
      onFailure({ offset, reason: 'CRC mismatch' });
      return;
    }
    if (!payloadLengthsValid(payload)) {
      onFailure({ offset, reason: 'malformed BSON sequence' });
      return;
    }
    yield { offset, payload };
    offset += ENTRY_HEADER_BYTES + length;
  }
}
