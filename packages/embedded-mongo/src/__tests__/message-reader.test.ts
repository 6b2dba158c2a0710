import { describe, expect, it } from 'vitest';
import { MessageReader } from '../wire/message-reader.js';
import { decodeMessage, ProtocolError } from '../wire/protocol.js';
import { opMsg } from './helpers/raw-client.js';

function messages(): Buffer[] {
  return [
    opMsg({ ping: 1, $db: 'admin' }, { requestId: 1 }),
    opMsg(
      { insert: 'c', $db: 'd' },
      { requestId: 2, sequences: { documents: [{ a: 'x'.repeat(3000) }, { b: 2 }] } },
    ),
    opMsg({ find: 'c', $db: 'd', filter: {} }, { requestId: 3, checksum: true }),
  ];
}

describe('MessageReader', () => {
  it('reassembles messages split at every possible byte boundary', () => {
    const whole = Buffer.concat(messages());
    for (const size of [1, 2, 3, 5, 7, 16, 17, 100, 4096]) {
      const reader = new MessageReader();
      const out: Buffer[] = [];
      for (let i = 0; i < whole.length; i += size) {
        reader.push(whole.subarray(i, i + size));
        for (let m = reader.next(); m; m = reader.next()) out.push(Buffer.from(m));
      }
      expect(
        out.map((m) => decodeMessage(m).header.requestId),
        `chunk size ${size}`,
      ).toEqual([1, 2, 3]);
      expect(Buffer.concat(out).equals(whole)).toBe(true);
      expect(reader.pendingBytes).toBe(0);
    }
  });

  it('returns several messages from one chunk and keeps a partial tail', () => {
    const [a, b] = messages();
    const reader = new MessageReader();
    reader.push(Buffer.concat([a!, b!.subarray(0, 10)]));
    expect(reader.next()?.equals(a!)).toBe(true);
    expect(reader.next()).toBeUndefined();
    reader.push(b!.subarray(10));
    expect(reader.next()?.equals(b!)).toBe(true);
  });

  it('rejects an impossible length as soon as the length arrives', () => {
    const reader = new MessageReader();
    const header = Buffer.alloc(4);
    header.writeInt32LE(48_000_001);
    reader.push(header);
    expect(() => reader.next()).toThrow(ProtocolError);
  });
});

describe('decodeMessage', () => {
  it('merges document sequences into the command and reads flags', () => {
    const decoded = decodeMessage(
      opMsg(
        { update: 'c', $db: 'd' },
        { flags: 2, sequences: { updates: [{ q: {}, u: { $set: { a: 1 } } }] } },
      ),
    );
    expect(decoded.kind).toBe('msg');
    expect(decoded.db).toBe('d');
    expect(decoded.moreToCome).toBe(true);
    expect(decoded.command.updates).toHaveLength(1);
  });

  it('accepts exhaustAllowed (an optional flag) and rejects unknown required flags', () => {
    expect(decodeMessage(opMsg({ ping: 1, $db: 'a' }, { flags: 1 << 16 })).moreToCome).toBe(false);
    expect(() => decodeMessage(opMsg({ ping: 1, $db: 'a' }, { flags: 1 << 4 }))).toThrow(
      /required OP_MSG flags/,
    );
  });
});
