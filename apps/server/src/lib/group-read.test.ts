import { type Connection, Types } from 'mongoose';
import { describe, expect, it, vi } from 'vitest';
import { groupRead, readKey } from './group-read.js';

/** Only the identity of the connection matters to groupRead. */
const connection = () => ({}) as Connection;

/** A read whose answers the test releases one by one. */
function controlled() {
  const releases: Array<(value: number) => void> = [];
  let n = 0;
  const read = vi.fn(
    () =>
      new Promise<number>((resolve) => {
        const answer = ++n;
        releases.push(() => resolve(answer));
      }),
  );
  return { read, release: () => releases.shift()?.(0) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('groupRead', () => {
  it('answers identical reads asked in the same turn with one read', async () => {
    const c = connection();
    const { read, release } = controlled();
    const asked = [groupRead(c, 'k', read), groupRead(c, 'k', read), groupRead(c, 'k', read)];
    await turn();
    release();
    expect(await Promise.all(asked)).toEqual([1, 1, 1]);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('never answers a caller with a read sent before it asked: it waits for the next one', async () => {
    const c = connection();
    const { read, release } = controlled();
    const first = groupRead(c, 'k', read);
    await turn();
    // The first read is on its way now: these two must not get its answer.
    const later = [groupRead(c, 'k', read), groupRead(c, 'k', read)];
    release();
    expect(await first).toBe(1);
    await turn();
    release();
    expect(await Promise.all(later)).toEqual([2, 2]);
    expect(read).toHaveBeenCalledTimes(2);
    // Nothing left waiting: a new ask sends a new read.
    const again = groupRead(c, 'k', read);
    await turn();
    release();
    expect(await again).toBe(3);
  });

  it('keeps different keys and connections apart', async () => {
    const [a, b] = [connection(), connection()];
    const read = vi.fn(async () => 'x');
    await Promise.all([groupRead(a, 'k', read), groupRead(a, 'other', read), groupRead(b, 'k', read)]);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('rejects every caller of a failed read; the next read starts afresh', async () => {
    const c = connection();
    const failing = vi.fn(async () => {
      throw new Error('store away');
    });
    const outcomes = await Promise.allSettled([groupRead(c, 'k', failing), groupRead(c, 'k', failing)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await groupRead(c, 'k', async () => 7)).toBe(7);
  });
});

describe('readKey', () => {
  it('tells ids, dates and their texts apart', () => {
    const id = new Types.ObjectId();
    expect(readKey({ a: id })).not.toBe(readKey({ a: id.toHexString() }));
    const when = new Date(0);
    expect(readKey({ a: when })).not.toBe(readKey({ a: when.toISOString() }));
    expect(readKey({ a: [1, 'x', { b: null }] })).toBe(JSON.stringify({ a: [1, 'x', { b: null }] }));
    expect(readKey({ a: new Types.ObjectId(id.toHexString()) })).toBe(readKey({ a: id }));
  });

  it('writes a query as JSON with ids and dates tagged, whichever way it is written', () => {
    const id = new Types.ObjectId();
    const query = {
      ws: id,
      at: new Date(5),
      gone: undefined,
      $and: [{ 'data.x': { $in: ['a"b', 2.5, -0, null, true, undefined, Number.NaN] } }],
    };
    const expected = JSON.stringify({
      ws: { $ObjectId: id.toHexString() },
      at: { $date: 5 },
      $and: [{ 'data.x': { $in: ['a"b', 2.5, 0, null, true, null, null] } }],
    });
    expect(readKey(query)).toBe(expected);
    // Values outside JSON, dates and ids take JSON.stringify's own way (a Map writes as {}).
    expect(readKey({ a: new Map([[1, 2]]), ws: id })).toBe(
      `{"a":{},"ws":{"$ObjectId":"${id.toHexString()}"}}`,
    );
  });
});
