import { Query } from 'mingo';
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { FilterField } from '../../lib/filter-dsl/index.js';
import { afterCursor, encodeCursor, parseSort } from './cursor.js';

const fields = new Map<string, FilterField>([
  ['_id', { path: '_id', kind: 'objectId' }],
  ['amount', { path: 'data.amount', kind: 'number' }],
  ['tags', { path: 'data.tags', kind: 'id', multiple: true }],
]);

/** Pages through `docs` sorted as MongoDB would, using only cursors; returns the order seen. */
function pageThrough(docs: Record<string, unknown>[], sort: string, size: number): unknown[] {
  const keys = parseSort(sort, fields);
  const compare = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const key of keys) {
      const get = (d: Record<string, unknown>) =>
        key.path === '_id' ? String(d._id) : ((d.data as Record<string, unknown>).amount ?? null);
      const [x, y] = [get(a), get(b)];
      if (x === y) continue;
      // Missing values sort first ascending, as in MongoDB.
      const order =
        x === null ? -1 : y === null ? 1 : (x as number | string) < (y as number | string) ? -1 : 1;
      return order * key.direction;
    }
    return 0;
  };
  const sorted = [...docs].sort(compare);
  const seen: unknown[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const query = cursor ? new Query(afterCursor(cursor, keys)) : undefined;
    const page = sorted.filter((d) => !query || query.test(d)).slice(0, size);
    seen.push(...page.map((d) => d._id));
    const last = page.at(-1);
    if (page.length < size || !last) break;
    cursor = encodeCursor(last, keys);
  }
  return seen;
}

describe('cursor pagination', () => {
  const docs = [5, null, 3, 5, null, 1, 3, 8].map((amount) => ({
    _id: new Types.ObjectId(),
    data: amount === null ? {} : { amount },
  }));

  it('visits every record exactly once in both directions, with ties and missing values', () => {
    for (const sort of ['amount', '-amount', '_id', '-_id']) {
      for (const size of [1, 2, 3]) {
        const seen = pageThrough(docs, sort, size);
        expect(seen.length).toBe(docs.length);
        expect(new Set(seen.map(String)).size).toBe(docs.length);
      }
    }
  });

  it('rejects sorts by unknown or list fields and cursors of another sort or tampered ones', () => {
    expect(() => parseSort('nope', fields)).toThrow('Invalid sort');
    expect(() => parseSort('tags', fields)).toThrow('Invalid sort');
    expect(() => parseSort('a,b,c,d', fields)).toThrow('Invalid sort');
    const cursor = encodeCursor(docs[0] as Record<string, unknown>, parseSort('amount', fields));
    expect(() => afterCursor(cursor, parseSort('-amount', fields))).toThrow('Invalid cursor');
    const forged = Buffer.from(JSON.stringify({ s: ['amount', '_id'], k: [{ $gt: '' }, null] })).toString(
      'base64url',
    );
    expect(() => afterCursor(forged, parseSort('amount', fields))).toThrow('Invalid cursor');
  });
});
