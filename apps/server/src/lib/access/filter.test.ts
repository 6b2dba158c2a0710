import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import { compileFilter, type FilterContext, FilterError, isFilterNode, periodRange } from './filter.js';

const now = new Date('2026-05-20T10:00:00Z'); // a Wednesday
const ctx: FilterContext = { me: 'u1', myDepartment: 'd1', now };

const records = [
  {
    _id: 1,
    owner: 'u1',
    dept: 'd1',
    data: { amount: 500, name: 'Alpha Co', tags: ['a'], when: new Date('2026-05-20T08:00:00Z') },
  },
  {
    _id: 2,
    owner: 'u2',
    dept: 'd1',
    data: { amount: 1500, name: 'beta (ltd)', tags: [], when: new Date('2026-05-02T00:00:00Z') },
  },
  {
    _id: 3,
    owner: 'u3',
    dept: 'd2',
    data: { amount: 2500, name: '', when: new Date('2026-04-30T23:59:59Z') },
  },
  { _id: 4, owner: 'u1', dept: 'd2', data: { amount: null, name: 'a.*b' } },
];

/** Runs a DSL filter over the sample records with a MongoDB-compatible matcher; returns the ids. */
function ids(node: unknown, context: FilterContext = ctx): number[] {
  const query = new Query(compileFilter(node, context));
  return records.filter((record) => query.test(record)).map((record) => record._id);
}

function rejects(node: unknown): FilterError {
  try {
    compileFilter(node, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterError);
    return error as FilterError;
  }
  throw new Error('expected the filter to be rejected');
}

describe('compileFilter: operators', () => {
  it('compares numbers', () => {
    expect(ids({ field: 'amount', op: 'gte', value: 1000 })).toEqual([2, 3]);
    expect(ids({ field: 'amount', op: 'lt', value: 1000 })).toEqual([1]);
    expect(ids({ field: 'amount', op: 'between', value: [1000, 2000] })).toEqual([2]);
    expect(ids({ field: 'amount', op: 'eq', value: null })).toEqual([4]);
    expect(ids({ field: 'amount', op: 'ne', value: 500 })).toEqual([2, 3, 4]);
  });

  it('matches lists', () => {
    expect(ids({ field: 'amount', op: 'in', value: [500, 2500] })).toEqual([1, 3]);
    expect(ids({ field: 'amount', op: 'nin', value: [500, 2500] })).toEqual([2, 4]);
  });

  it('matches text literally, not as a regular expression', () => {
    expect(ids({ field: 'name', op: 'contains', value: 'co' })).toEqual([1]);
    expect(ids({ field: 'name', op: 'contains', value: '(ltd)' })).toEqual([2]);
    expect(ids({ field: 'name', op: 'startsWith', value: 'a.*' })).toEqual([4]);
    expect(ids({ field: 'name', op: 'contains', value: '.*' })).toEqual([4]);
  });

  it('treats missing, null, empty strings and empty lists as empty', () => {
    expect(ids({ field: 'name', op: 'empty' })).toEqual([3]);
    expect(ids({ field: 'tags', op: 'empty' })).toEqual([2, 3, 4]);
    expect(ids({ field: 'tags', op: 'notEmpty' })).toEqual([1]);
    expect(ids({ field: 'amount', op: 'notEmpty' })).toEqual([1, 2, 3]);
  });

  it('combines with and / or', () => {
    const node = {
      or: [
        {
          and: [
            { field: 'amount', op: 'gt', value: 1000 },
            { field: '_dept', op: 'eq', value: 'd1' },
          ],
        },
        { field: '_owner', op: 'eq', value: { $me: true } },
      ],
    };
    expect(ids(node)).toEqual([1, 2, 4]);
  });
});

describe('compileFilter: special values', () => {
  it('resolves $me and $myDepartment for the caller', () => {
    expect(ids({ field: '_owner', op: 'eq', value: { $me: true } })).toEqual([1, 4]);
    expect(ids({ field: '_dept', op: 'eq', value: { $myDepartment: true } })).toEqual([1, 2]);
    expect(ids({ field: '_owner', op: 'in', value: [{ $me: true }, 'u3'] })).toEqual([1, 3, 4]);
  });

  it('makes $myDepartment match nothing for a caller without a department', () => {
    const noDept: FilterContext = { me: 'u1', now };
    expect(ids({ field: '_dept', op: 'eq', value: { $myDepartment: true } }, noDept)).toEqual([]);
    expect(ids({ field: '_dept', op: 'ne', value: { $myDepartment: true } }, noDept)).toEqual([]);
    // In a list the unresolvable item drops out; the rest still applies.
    expect(ids({ field: '_dept', op: 'in', value: [{ $myDepartment: true }, 'd2'] }, noDept)).toEqual([3, 4]);
  });

  it('resolves $today and $period to UTC ranges', () => {
    expect(ids({ field: 'when', op: 'eq', value: { $today: true } })).toEqual([1]);
    expect(ids({ field: 'when', op: 'eq', value: { $period: 'thisMonth' } })).toEqual([1, 2]);
    expect(ids({ field: 'when', op: 'eq', value: { $period: 'lastMonth' } })).toEqual([3]);
    expect(ids({ field: 'when', op: 'lt', value: { $period: 'thisMonth' } })).toEqual([3]);
    expect(ids({ field: 'when', op: 'gte', value: { $period: 'thisWeek' } })).toEqual([1]);
  });

  it('computes period boundaries', () => {
    expect(periodRange('thisWeek', now)).toEqual({
      start: new Date('2026-05-18T00:00:00Z'),
      end: new Date('2026-05-25T00:00:00Z'),
    });
    expect(periodRange('lastQuarter', now)).toEqual({
      start: new Date('2026-01-01T00:00:00Z'),
      end: new Date('2026-04-01T00:00:00Z'),
    });
    expect(periodRange('lastMonth', new Date('2026-01-15T00:00:00Z')).start).toEqual(
      new Date('2025-12-01T00:00:00Z'),
    );
  });
});

describe('compileFilter: injection is refused', () => {
  it.each([
    [{ $where: 'sleep(1000)' }, '/$where'],
    [{ field: 'amount', op: 'eq', value: { $gt: '' } }, '/value'],
    [{ field: 'amount', op: 'eq', value: { $function: { body: 'x' } } }, '/value'],
    [{ field: 'amount', op: 'in', value: [{ $ne: null }] }, '/value/0'],
    [{ field: 'amount', op: 'eq', value: [1, 2] }, '/value'],
    [{ field: '$expr', op: 'eq', value: 1 }, '/field'],
    [{ field: 'data.$where', op: 'eq', value: 1 }, '/field'],
    [{ field: 'amount', op: '$accumulator', value: 1 }, '/op'],
    [{ field: 'amount', op: 'regex', value: '.*' }, '/op'],
    [{ field: 'amount', op: 'eq', value: 1, $expr: {} }, '/$expr'],
    [{ and: [{ field: 'a', op: 'eq', value: 1 }], or: [] }, '/and'],
    [{ and: [] }, '/and'],
    [{ and: [{ $expr: { $eq: [1, 1] } }] }, '/and/0/$expr'],
    [JSON.parse('{"__proto__": {"x": 1}, "field": "amount", "op": "eq", "value": 1}'), '/__proto__'],
    [{ field: 'constructor', op: 'eq', value: { constructor: 1 } }, '/value'],
    [{ field: 'amount', op: 'eq', value: Number.NaN }, '/value'],
    [{ field: 'amount', op: 'between', value: [1] }, '/value'],
    [{ field: 'when', op: 'eq', value: { $period: 'someday' } }, '/value/$period'],
    [{ field: 'name', op: 'contains', value: 'x'.repeat(1001) }, '/value'],
    ['amount > 5', '/'],
    [null, '/'],
  ])('%j', (node, path) => {
    expect(rejects(node).path.startsWith(path)).toBe(true);
  });

  it('limits depth and size', () => {
    let deep: unknown = { field: 'a', op: 'eq', value: 1 };
    for (let i = 0; i < 12; i += 1) deep = { and: [deep] };
    expect(rejects(deep).message).toMatch(/nest at most/);
    const wide = { or: Array.from({ length: 101 }, () => ({ field: 'a', op: 'eq', value: 1 })) };
    expect(rejects(wide).message).toMatch(/at most 100 conditions/);
    expect(rejects({ field: 'a', op: 'in', value: new Array(1001).fill(1) }).message).toMatch(/limited/);
  });

  it('never emits a client-chosen operator key', () => {
    const compiled = JSON.stringify(
      compileFilter(
        {
          or: [
            { field: 'name', op: 'contains', value: '$where' },
            { field: 'a', op: 'eq', value: '$ne' },
          ],
        },
        ctx,
      ),
    );
    expect(compiled).not.toMatch(/"\$where"\s*:/);
    expect(compiled).not.toMatch(/"\$ne"\s*:/);
  });

  it('isFilterNode tells valid from invalid input', () => {
    expect(isFilterNode({ field: 'a', op: 'eq', value: 1 })).toBe(true);
    expect(isFilterNode({ field: 'a', op: 'eq', value: { $gt: 1 } })).toBe(false);
  });
});
