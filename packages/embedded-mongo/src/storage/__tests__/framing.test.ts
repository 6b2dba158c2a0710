import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Binary, Int32, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { decodePayload, EntryBuilder, encodeOps, type ScanFailure, scanEntries } from '../framing.js';
import { put, tempDir } from './helpers.js';

/** Scans bytes written to a temp file; returns the decoded documents per entry and any failure. */
function scan(bytes: Buffer, chunkBytes?: number): { entries: unknown[][]; failure?: ScanFailure } {
  const path = join(tempDir(), 'f');
  writeFileSync(path, bytes);
  const fd = openSync(path, 'r');
  try {
    let failure: ScanFailure | undefined;
    const onFailure = (f: ScanFailure) => {
      failure = f;
    };
    const entries: unknown[][] = [];
    // Payloads are views into the scanner's buffer: decode each before asking for the next.
    for (const { payload } of scanEntries(fd, bytes.length, onFailure, chunkBytes)) {
      entries.push([...decodePayload(payload)]);
    }
    return failure ? { entries, failure } : { entries };
  } finally {
    closeSync(fd);
  }
}

function rawEntry(payload: Buffer, crc = crc32(payload)): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc, 4);
  return Buffer.concat([header, payload]);
}

describe('entry framing', () => {
  it('frames [length][crc32][BSON sequence] and reads it back', () => {
    const entry = encodeOps([put(1), put(2)]);
    const payload = entry.subarray(8);
    expect(entry.readUInt32LE(0)).toBe(payload.length);
    expect(entry.readUInt32LE(4)).toBe(crc32(payload));
    expect(payload.length).toBe(serialize(put(1)).length + serialize(put(2)).length);
    const { entries, failure } = scan(entry);
    expect(failure).toBeUndefined();
    expect(entries).toEqual([
      [
        { ...put(1), doc: { _id: new Int32(1) } },
        { ...put(2), doc: { _id: new Int32(2) } },
      ],
    ]);
  });

  it('journals a put that came with its bytes exactly as serialising the op without them', () => {
    const doc = {
      _id: 'x',
      n: new Int32(7),
      nested: { list: [1, 'two', { three: 3.5 }], name: 'ünï' },
      bin: new Binary(Buffer.from('bytes')),
    };
    const plain = { op: 'put' as const, db: 'db-é', coll: 'records', doc };
    const given = { ...plain, bytes: serialize(doc) };
    // A small first buffer makes the builder grow for the put with bytes too.
    const a = new EntryBuilder(16);
    const b = new EntryBuilder(16);
    for (const op of [put(1), plain, put(2)]) a.add(op);
    for (const op of [put(1), given, put(2)]) b.add(op);
    expect(b.take().equals(a.take())).toBe(true);
  });

  it('reads entries larger than its chunk and across chunk boundaries', () => {
    const big = encodeOps([put('big', { blob: 'b'.repeat(10_000) })]);
    const small = encodeOps([put('small')]);
    const { entries, failure } = scan(Buffer.concat([small, big, small, big]), 64);
    expect(failure).toBeUndefined();
    expect(entries.map((docs) => docs.length)).toEqual([1, 1, 1, 1]);
  });

  it('gives every decoded Binary its own memory, not a view of the read buffer', () => {
    const entry = encodeOps([
      put('a', { bin: new Binary(Buffer.from('first')) }),
      put('b', { bin: new Binary(Buffer.from('second')) }),
    ]);
    const docs = [...decodePayload(entry.subarray(8))] as Array<{ doc: { bin: Binary } }>;
    entry.fill(0); // as the scanner's chunk buffer is reused for the next entry
    expect(docs.map(({ doc }) => Buffer.from(doc.bin.buffer).toString())).toEqual(['first', 'second']);
    expect(docs[0]?.doc.bin.buffer.buffer).not.toBe(entry.buffer);
    expect(docs[0]?.doc.bin.buffer.buffer).not.toBe(docs[1]?.doc.bin.buffer.buffer);
  });

  it('grows its buffer for many and for large documents', () => {
    const builder = new EntryBuilder(16);
    for (let i = 0; i < 1000; i++) builder.add(put(i));
    builder.add(put('large', { blob: 'z'.repeat(100_000) }));
    expect(builder.count).toBe(1001);
    const entry = builder.take();
    expect(builder.count).toBe(0);
    const { entries } = scan(entry);
    expect(entries[0]?.length).toBe(1001);
    // The builder starts over cleanly after take().
    builder.add(put('next'));
    expect(scan(builder.take()).entries).toHaveLength(1);
  });

  it('stops at the first bad entry and says why', () => {
    const good = encodeOps([put(1)]);
    const payload = good.subarray(8);
    // [bad bytes, what follows them, expected reason]; torn entries can only be at the end of a file.
    const cases: Array<[Buffer, Buffer, RegExp]> = [
      [good.subarray(0, 5), Buffer.alloc(0), /truncated entry header/],
      [good.subarray(0, good.length - 1), Buffer.alloc(0), /runs past the end/],
      [rawEntry(Buffer.from(payload), 12345), good, /CRC mismatch/],
      [Buffer.alloc(16), good, /invalid entry length 0/],
      [rawEntry(Buffer.from([9, 0, 0, 0, 1, 2, 3, 4, 5])), good, /malformed BSON sequence/],
    ];
    for (const [bad, after, reason] of cases) {
      const { entries, failure } = scan(Buffer.concat([good, bad, after]));
      expect(entries).toHaveLength(1);
      expect(failure?.offset).toBe(good.length);
      expect(failure?.reason).toMatch(reason);
    }
  });
});
