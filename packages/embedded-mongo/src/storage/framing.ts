import { readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { type Document, deserialize, serialize } from 'bson';
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

/** Serialises one document for the journal; BSON errors (too large, bad keys) surface to the caller. */
export function serializeDoc(doc: Document): Uint8Array {
  return serialize(doc, { checkKeys: false, ignoreUndefined: false });
}

/** Frames the already serialised documents as one entry: a single allocation, no repeated concatenation. */
export function frameEntry(docs: readonly Uint8Array[]): Buffer {
  let payloadBytes = 0;
  for (const doc of docs) payloadBytes += doc.byteLength;
  const entry = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + payloadBytes);
  let at = ENTRY_HEADER_BYTES;
  for (const doc of docs) {
    entry.set(doc, at);
    at += doc.byteLength;
  }
  const payload = entry.subarray(ENTRY_HEADER_BYTES);
  entry.writeUInt32LE(payloadBytes, 0);
  entry.writeUInt32LE(crc32(payload), 4);
  return entry;
}

/** Frames a list of ops as one journal entry. */
export function encodeOps(ops: readonly JournalOp[]): Buffer {
  return frameEntry(ops.map((op) => serializeDoc(op)));
}

/**
 * Splits a payload into its BSON documents, keeping wrapper types (Int32, Double, Long stay objects)
 * so a document read back equals the document written, type for type.
 */
export function* decodePayload(payload: Buffer): Generator<Document> {
  let at = 0;
  while (at < payload.length) {
    const size = payload.readInt32LE(at);
    yield deserialize(payload.subarray(at, at + size), { promoteValues: false });
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
