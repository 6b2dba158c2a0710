import { Double, deserialize, Long, ObjectId, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { layOutDoc } from '../layout.js';
import { normalize } from '../values.js';
import { memEngine, run } from './helpers.js';

/**
 * Stored documents are copied into a layout made for scans (fields inside the object, repeated ObjectIds
 * shared): the copy must be the same document — same keys in the same order, same values and types —
 * and what the layout cannot copy exactly is kept as it is.
 */
describe('the stored layout of documents', () => {
  it('copies a document into an equal one, keys in order, repeated ids shared, _id kept', () => {
    const ws = new ObjectId();
    const a = {
      _id: new ObjectId(),
      ws: new ObjectId(ws.toHexString()),
      z: 1,
      data: { b: null, a: [1, { x: 'y' }] },
    };
    const b = { _id: new ObjectId(), ws: new ObjectId(ws.toHexString()), z: 2, data: { b: 'text', a: [] } };
    const la = layOutDoc(normalize(a) as never);
    const lb = layOutDoc(normalize(b) as never);
    expect(la).toEqual(a);
    expect(Object.keys(la)).toEqual(['_id', 'ws', 'z', 'data']);
    expect(Object.keys(la.data as object)).toEqual(['b', 'a']);
    expect(la.ws).toBe(lb.ws);
    // Texts too (equal texts are one string either way; sharing only saves hashing and memory).
    const t1 = layOutDoc(normalize({ _id: 1, s: ['won'].join('') }) as never);
    const t2 = layOutDoc(normalize({ _id: 2, s: ['w', 'on'].join('') }) as never);
    expect(t1.s).toBe('won');
    expect(t2.s).toBe(t1.s);
    expect(la._id).toBe(a._id);
  });

  it('keeps containers with number wrappers, objects without a prototype and __proto__ keys as they are', () => {
    const wrapped = normalize({ n: new Double(5), l: Long.fromNumber(2) }) as Record<string, unknown>;
    expect(layOutDoc(wrapped)).toBe(wrapped);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(layOutDoc(bare)).toBe(bare);
    const proto = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as Record<string, unknown>;
    const laid = layOutDoc(proto);
    expect(Object.keys(laid)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(laid)).toBe(Object.prototype);
  });

  it('reads back type for type through the engine, inserts and updates alike', async () => {
    const { engine } = memEngine();
    const owner = new ObjectId();
    const docs = [
      { _id: 1, owner, n: new Double(3), data: { when: new Date(0), tags: ['a', null], owner } },
      { _id: 2, owner, data: { nested: { deeper: { v: 1.5 } } } },
    ];
    await run(engine, 'db', { insert: 'c', documents: docs });
    await run(engine, 'db', {
      update: 'c',
      updates: [{ q: { _id: 2 }, u: { $set: { 'data.extra': owner } } }],
    });
    const reply = await engine.run('db', { find: 'c', filter: {}, sort: { _id: 1 } }, { connectionId: 1 });
    // As the wire reads it, wrappers kept: the integral double stays a double, the long a long.
    const read = deserialize(serialize(reply), { promoteValues: false, promoteLongs: false });
    const [first] = read.cursor.firstBatch as Record<string, unknown>[];
    expect((first as { n: unknown }).n).toBeInstanceOf(Double);
    const found = await run(engine, 'db', { find: 'c', filter: {}, sort: { _id: 1 } });
    const [plain, second] = found.cursor.firstBatch as Record<string, unknown>[];
    expect(plain).toEqual({ ...docs[0], n: 3 });
    expect(second).toEqual({ ...docs[1], data: { ...docs[1]?.data, extra: owner } });
  });
});
