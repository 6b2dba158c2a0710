import { Query } from 'mingo';
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { isAppError, renderDetails } from '../errors.js';
import {
  type CompileFilterOptions,
  compileFilter,
  type FilterField,
  matchesNothing,
  periodRange,
} from './index.js';

const fields = new Map<string, FilterField>([
  ['title', { path: 'data.title', kind: 'text' }],
  ['amount', { path: 'data.amount', kind: 'number' }],
  ['done', { path: 'data.done', kind: 'boolean' }],
  ['signedOn', { path: 'data.signedOn', kind: 'date' }],
  ['at', { path: 'data.at', kind: 'datetime' }],
  ['stage', { path: 'data.stage', kind: 'id' }],
  ['tags', { path: 'data.tags', kind: 'id', multiple: true }],
  ['assignee', { path: 'data.assignee', kind: 'id', refersTo: 'member' }],
  ['team', { path: 'data.team', kind: 'id', refersTo: 'department' }],
  ['address', { path: 'data.address', kind: 'opaque' }],
  ['owner', { path: 'owner', kind: 'id', refersTo: 'member' }],
]);

// 2026-03-15 10:00 UTC, a Sunday in Q1.
const now = new Date('2026-03-15T10:00:00.000Z');
const options: CompileFilterOptions = { fields, context: { userId: 'u1', departmentId: 'd1', now } };

const docs = [
  {
    _id: 1,
    owner: 'u1',
    data: {
      title: 'Alpha (a.b)*',
      amount: 100,
      done: true,
      signedOn: '2026-03-01',
      at: '2026-03-15T09:00:00.000Z',
      stage: 'won',
      tags: ['x', 'y'],
      assignee: 'u1',
      team: 'd1',
    },
  },
  {
    _id: 2,
    owner: 'u2',
    data: {
      title: 'beta',
      amount: 2500,
      done: false,
      signedOn: '2026-02-28',
      at: '2026-02-01T00:00:00.000Z',
      stage: 'lost',
      tags: [],
      assignee: 'u2',
      team: 'd2',
    },
  },
  { _id: 3, owner: 'u2', data: { title: '', amount: 0, signedOn: '2025-12-31', stage: 'won', tags: ['y'] } },
  { _id: 4, owner: 'u1', data: {} },
];

/** Compiles the filter and runs the query over the sample documents; returns matching ids. */
function ids(filter: unknown, opts: CompileFilterOptions = options): number[] {
  const query = new Query(compileFilter(filter, opts));
  return docs.filter((doc) => query.test(doc)).map((doc) => doc._id);
}

/** The details of the 400 a filter is rejected with. */
function rejection(
  filter: unknown,
  opts: CompileFilterOptions = options,
): { path: string; message: string }[] {
  try {
    compileFilter(filter, opts);
  } catch (error) {
    if (!isAppError(error)) throw error;
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    return renderDetails(error.details ?? [], 'en');
  }
  throw new Error('filter was accepted');
}

const cond = (field: string, op: string, value?: unknown) =>
  value === undefined ? { field, op } : { field, op, value };

describe('compileFilter: operators', () => {
  it('matches everything for an absent or empty filter', () => {
    expect(ids(undefined)).toEqual([1, 2, 3, 4]);
    expect(ids(null)).toEqual([1, 2, 3, 4]);
    expect(ids({ and: [] })).toEqual([1, 2, 3, 4]);
  });

  it('compares numbers', () => {
    expect(ids(cond('amount', 'eq', 100))).toEqual([1]);
    expect(ids(cond('amount', 'ne', 100))).toEqual([2, 3, 4]);
    expect(ids(cond('amount', 'gt', 100))).toEqual([2]);
    expect(ids(cond('amount', 'gte', 100))).toEqual([1, 2]);
    expect(ids(cond('amount', 'lt', 100))).toEqual([3]);
    expect(ids(cond('amount', 'lte', 100))).toEqual([1, 3]);
    expect(ids(cond('amount', 'between', [1, 2500]))).toEqual([1, 2]);
    expect(ids(cond('amount', 'in', [0, 2500]))).toEqual([2, 3]);
    expect(ids(cond('amount', 'nin', [0, 2500]))).toEqual([1, 4]);
  });

  it('matches text by substring and prefix, case-insensitively, with regex characters taken literally', () => {
    expect(ids(cond('title', 'contains', '(A.B)*'))).toEqual([1]);
    expect(ids(cond('title', 'contains', '.*'))).toEqual([]);
    expect(ids(cond('title', 'startsWith', 'BE'))).toEqual([2]);
    expect(ids(cond('title', 'startsWith', '^'))).toEqual([]);
    expect(ids(cond('title', 'eq', 'beta'))).toEqual([2]);
  });

  it('treats missing, null, empty strings and empty lists as empty', () => {
    expect(ids(cond('title', 'empty'))).toEqual([3, 4]);
    expect(ids(cond('title', 'notEmpty'))).toEqual([1, 2]);
    expect(ids(cond('tags', 'empty'))).toEqual([2, 4]);
    expect(ids(cond('tags', 'notEmpty'))).toEqual([1, 3]);
    expect(ids(cond('amount', 'empty'))).toEqual([4]);
    expect(ids(cond('address', 'empty'))).toEqual([1, 2, 3, 4]);
  });

  it('tests multi-value fields element-wise', () => {
    expect(ids(cond('tags', 'eq', 'y'))).toEqual([1, 3]);
    expect(ids(cond('tags', 'contains', 'x'))).toEqual([1]);
    expect(ids(cond('tags', 'contains', ['x', 'y']))).toEqual([1]);
    expect(ids(cond('tags', 'in', ['x', 'z']))).toEqual([1]);
  });

  it('compares booleans and dates', () => {
    expect(ids(cond('done', 'eq', true))).toEqual([1]);
    expect(ids(cond('signedOn', 'lt', '2026-03-01'))).toEqual([2, 3]);
    expect(ids(cond('signedOn', 'between', ['2026-01-01', '2026-03-01']))).toEqual([1, 2]);
    // Offsets are normalised to UTC before comparing with stored UTC strings.
    expect(ids(cond('at', 'gte', '2026-03-15T10:30:00+02:00'))).toEqual([1]);
  });

  it('nests and/or groups', () => {
    const filter = {
      or: [{ and: [cond('stage', 'eq', 'won'), cond('amount', 'gt', 10)] }, cond('title', 'startsWith', 'b')],
    };
    expect(ids(filter)).toEqual([1, 2]);
  });
});

describe('compileFilter: special values', () => {
  it('resolves $me and $myDepartment from the caller', () => {
    expect(ids(cond('assignee', 'eq', { $me: true }))).toEqual([1]);
    expect(ids(cond('owner', 'eq', { $me: true }))).toEqual([1, 4]);
    expect(ids(cond('team', 'eq', { $myDepartment: true }))).toEqual([1]);
    expect(ids(cond('assignee', 'in', [{ $me: true }, 'u2']))).toEqual([1, 2]);
  });

  it('matches nothing for $myDepartment when the caller has none', () => {
    const noDept = { ...options, context: { userId: 'u1', now } };
    expect(ids(cond('team', 'eq', { $myDepartment: true }), noDept)).toEqual([]);
    expect(ids(cond('team', 'ne', { $myDepartment: true }), noDept)).toEqual([1, 2, 3, 4]);
  });

  it('resolves $today and $period on date fields', () => {
    expect(ids(cond('signedOn', 'eq', { $period: 'thisMonth' }))).toEqual([1]);
    expect(ids(cond('signedOn', 'eq', { $period: 'lastMonth' }))).toEqual([2]);
    expect(ids(cond('signedOn', 'eq', { $period: 'thisQuarter' }))).toEqual([1, 2]);
    expect(ids(cond('signedOn', 'eq', { $period: 'lastYear' }))).toEqual([3]);
    expect(ids(cond('signedOn', 'ne', { $period: 'thisYear' }))).toEqual([3, 4]);
    expect(ids(cond('signedOn', 'lt', { $period: 'thisMonth' }))).toEqual([2, 3]);
    expect(ids(cond('signedOn', 'lte', { $period: 'thisMonth' }))).toEqual([1, 2, 3]);
    expect(ids(cond('signedOn', 'gt', { $period: 'lastYear' }))).toEqual([1, 2]);
    expect(ids(cond('signedOn', 'between', { $period: 'thisYear' }))).toEqual([1, 2]);
    expect(ids(cond('signedOn', 'between', ['2026-02-01', { $today: true }]))).toEqual([1, 2]);
    expect(ids(cond('signedOn', 'lte', { $today: true }))).toEqual([1, 2, 3]);
  });

  it('resolves $today on datetime fields to the local day', () => {
    expect(ids(cond('at', 'eq', { $today: true }))).toEqual([1]);
    expect(ids(cond('at', 'eq', { $period: 'thisMonth' }))).toEqual([1]);
    expect(ids(cond('at', 'eq', { $period: 'lastMonth' }))).toEqual([2]);
  });

  it('counts periods in the given time zone, across DST', () => {
    // 2026-03-31 23:30 UTC is already April 1st in Shanghai.
    const late = new Date('2026-03-31T23:30:00.000Z');
    expect(periodRange('thisMonth', late, 'Asia/Shanghai')).toEqual({
      start: new Date('2026-03-31T16:00:00.000Z'),
      end: new Date('2026-04-30T16:00:00.000Z'),
    });
    expect(periodRange('thisMonth', late, 'UTC').start).toEqual(new Date('2026-03-01T00:00:00.000Z'));
    // The day DST starts in New York is 23 hours long.
    const dst = periodRange('today', new Date('2026-03-08T12:00:00.000Z'), 'America/New_York');
    expect(dst.end.getTime() - dst.start.getTime()).toBe(23 * 3600_000);
    expect(periodRange('thisWeek', now, 'UTC').start).toEqual(new Date('2026-03-09T00:00:00.000Z'));
    expect(periodRange('last7Days', now, 'UTC')).toEqual({
      start: new Date('2026-03-09T00:00:00.000Z'),
      end: new Date('2026-03-16T00:00:00.000Z'),
    });
  });

  it('moves periods back by their own length (the previous period of a report)', () => {
    expect(periodRange('thisMonth', now, 'UTC', -1)).toEqual(periodRange('lastMonth', now, 'UTC'));
    expect(periodRange('thisQuarter', now, 'Asia/Shanghai', -1)).toEqual(
      periodRange('lastQuarter', now, 'Asia/Shanghai'),
    );
    expect(periodRange('lastMonth', now, 'UTC', -1)).toEqual({
      start: new Date('2026-01-01T00:00:00.000Z'),
      end: new Date('2026-02-01T00:00:00.000Z'),
    });
    expect(periodRange('last7Days', now, 'UTC', -1)).toEqual({
      start: new Date('2026-03-02T00:00:00.000Z'),
      end: new Date('2026-03-09T00:00:00.000Z'),
    });
  });
});

describe('compileFilter: rejections', () => {
  it('rejects unknown operators and fields', () => {
    expect(rejection(cond('amount', 'regex', 'x'))).toEqual([{ path: '/op', message: expect.any(String) }]);
    expect(rejection(cond('nope', 'eq', 1))).toEqual([{ path: '/field', message: 'unknown field "nope"' }]);
    expect(rejection({ and: [cond('amount', 'eq', 1), cond('missing', 'eq', 1)] })).toEqual([
      { path: '/and/1/field', message: 'unknown field "missing"' },
    ]);
  });

  it('rejects raw MongoDB operators anywhere', () => {
    for (const key of ['$where', '$function', '$expr', '$accumulator', '$or', '$regex']) {
      const details = rejection({ [key]: 'sleep(1000)' });
      expect(details.some((d) => d.message.includes(key))).toBe(true);
    }
    expect(rejection({ ...cond('amount', 'eq', 1), $where: '1' })[0]?.path).toBe('/$where');
    expect(rejection(cond('title', 'eq', { $ne: null }))).toEqual([
      { path: '/value', message: expect.stringContaining('"$ne" is not accepted') },
    ]);
    expect(rejection(cond('title', 'eq', { $gt: '' }))[0]?.path).toBe('/value');
    expect(rejection(cond('title', 'in', [{ $regex: '.*' }]))[0]?.path).toBe('/value/0');
    expect(rejection(cond('title', 'eq', { nested: 1 }))[0]?.message).toContain('objects are not accepted');
  });

  it('rejects prototype keys as fields and as condition keys', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(rejection(cond(key, 'eq', 1))).toEqual([{ path: '/field', message: `unknown field "${key}"` }]);
    }
    const parsed: unknown = JSON.parse('{"field":"amount","op":"eq","value":1,"__proto__":{"x":1}}');
    expect(rejection(parsed)).toEqual([{ path: '/__proto__', message: 'unknown key "__proto__"' }]);
    expect(
      rejection(JSON.parse('{"field":"title","op":"eq","value":{"__proto__":{"$gt":""}}}'))[0]?.path,
    ).toBe('/value');
  });

  it('type-checks values against the field', () => {
    expect(rejection(cond('amount', 'eq', '100'))).toEqual([
      { path: '/value', message: 'must be a number, got a string' },
    ]);
    expect(rejection(cond('done', 'eq', 1))[0]?.message).toBe('must be true or false, got a number');
    expect(rejection(cond('signedOn', 'eq', '2026-02-30'))[0]?.message).toContain('YYYY-MM-DD');
    expect(rejection(cond('at', 'gt', '2026-02-01'))[0]?.message).toContain('ISO-8601');
    expect(rejection(cond('title', 'eq', 'x'.repeat(1001)))[0]?.message).toContain('at most 1000');
    expect(rejection(cond('amount', 'between', [1]))[0]?.path).toBe('/value');
    expect(rejection(cond('amount', 'between', [1, 'x']))[0]?.path).toBe('/value/1');
    expect(rejection(cond('amount', 'in', 5))[0]?.message).toBe('must be a list of values');
    expect(rejection(cond('amount', 'eq', [1, 2]))[0]?.message).toContain('use in/nin');
    expect(rejection(cond('amount', 'eq', null))[0]?.message).toBe('must be a number, got null');
    expect(rejection(cond('amount', 'eq'))[0]?.message).toBe('eq needs a value');
    expect(rejection(cond('amount', 'empty', 1))[0]?.message).toBe('empty takes no value');
  });

  it('rejects operators that do not fit the field', () => {
    expect(rejection(cond('amount', 'contains', 'x'))[0]?.message).toContain('contains applies');
    expect(rejection(cond('stage', 'startsWith', 'w'))[0]?.message).toContain('startsWith applies');
    expect(rejection(cond('done', 'gt', true))[0]?.message).toContain('gt applies');
    expect(rejection(cond('tags', 'between', ['a', 'b']))[0]?.message).toContain('between applies');
    expect(rejection(cond('address', 'eq', 'x'))[0]?.message).toContain('empty / notEmpty');
    expect(rejection(cond('title', 'eq', { $me: true }))[0]?.message).toContain('member fields');
    expect(rejection(cond('assignee', 'eq', { $myDepartment: true }))[0]?.message).toContain(
      'department fields',
    );
    expect(rejection(cond('amount', 'eq', { $period: 'thisMonth' }))[0]?.message).toContain(
      'date and datetime',
    );
    expect(rejection(cond('signedOn', 'eq', { $period: 'someday' }))[0]?.path).toBe('/value/$period');
    expect(rejection(cond('signedOn', 'in', [{ $period: 'thisMonth' }]))[0]?.message).toContain('between');
  });

  it('rejects malformed groups and collects every problem', () => {
    expect(rejection([])[0]).toEqual({ path: '/', message: 'must be a condition or an and/or group' });
    expect(rejection({ and: {} })[0]?.path).toBe('/and');
    expect(rejection({ or: [] })[0]?.path).toBe('/or');
    expect(rejection({ and: [], or: [] })[0]?.message).toContain('exactly one key');
    const details = rejection({ and: [cond('x', 'eq', 1), cond('amount', 'zz', 1), 'text'] });
    expect(details.map((d) => d.path)).toEqual(['/and/0/field', '/and/1/op', '/and/2']);
  });

  it('limits nesting depth and size', () => {
    let deep: unknown = cond('amount', 'eq', 1);
    for (let i = 0; i < 10; i++) deep = { and: [deep] };
    expect(rejection(deep)[0]?.message).toContain('nest at most');
    const wide = { or: Array.from({ length: 500 }, () => cond('amount', 'eq', 1)) };
    expect(rejection(wide)).toHaveLength(1);
    expect(rejection(wide)[0]?.message).toContain('at most 200');
    expect(
      rejection(
        cond(
          'amount',
          'in',
          Array.from({ length: 501 }, (_, i) => i),
        ),
      )[0]?.message,
    ).toContain('at most 500');
  });

  it('prefixes issue paths with the base path', () => {
    expect(rejection(cond('nope', 'eq', 1), { ...options, basePath: '/query/filter' })[0]?.path).toBe(
      '/query/filter/field',
    );
  });
});

describe('compileFilter: stored ids, timestamps and server-side operands', () => {
  const owner = '0123456789abcdef01234567';
  const withSystem = new Map<string, FilterField>([
    ['_owner', { path: 'owner', kind: 'objectId', refersTo: 'member' }],
    ['_createdAt', { path: 'createdAt', kind: 'timestamp' }],
    ['amount', { path: 'data.amount', kind: 'number' }],
  ]);
  const opts = { fields: withSystem, context: { userId: owner, now } };

  it('turns ids into ObjectIds and instants into Dates', () => {
    const query = compileFilter({ field: '_owner', op: 'eq', value: owner }, opts) as {
      owner: Types.ObjectId;
    };
    expect(query.owner).toBeInstanceOf(Types.ObjectId);
    expect(query.owner.toHexString()).toBe(owner);
    const me = compileFilter({ field: '_owner', op: 'eq', value: { $me: true } }, opts) as {
      owner: Types.ObjectId;
    };
    expect(me.owner.toHexString()).toBe(owner);
    expect(compileFilter({ field: '_createdAt', op: 'gte', value: '2026-03-01T00:00:00Z' }, opts)).toEqual({
      createdAt: { $gte: new Date('2026-03-01T00:00:00.000Z') },
    });
    expect(compileFilter({ field: '_createdAt', op: 'eq', value: { $period: 'thisMonth' } }, opts)).toEqual({
      createdAt: { $gte: new Date('2026-03-01T00:00:00.000Z'), $lt: new Date('2026-04-01T00:00:00.000Z') },
    });
    expect(() => compileFilter({ field: '_owner', op: 'eq', value: 'not-an-id' }, opts)).toThrow(
      'Invalid filter',
    );
  });

  it('lets the server resolve its own operands, which clients cannot use', () => {
    const resolve = (raw: Record<string, unknown>) =>
      typeof raw.$field === 'string' ? { type: 'value' as const, value: 42 } : undefined;
    expect(
      compileFilter({ field: 'amount', op: 'eq', value: { $field: 'x' } }, { ...opts, resolve }),
    ).toEqual({
      'data.amount': 42,
    });
    expect(() => compileFilter({ field: 'amount', op: 'eq', value: { $field: 'x' } }, opts)).toThrow(
      'Invalid filter',
    );
  });

  it('tells when a server operand that resolved to nothing leaves nothing to match', () => {
    const resolve = (raw: Record<string, unknown>) =>
      raw.$field === 'empty' ? { type: 'none' as const } : { type: 'value' as const, value: 42 };
    const compile = (filter: unknown) => compileFilter(filter, { ...options, resolve });
    const empty = { field: 'amount', op: 'eq', value: { $field: 'empty' } };
    const full = { field: 'amount', op: 'eq', value: { $field: 'x' } };
    const title = { field: 'title', op: 'eq', value: 'beta' };
    for (const nothing of [empty, { and: [title, empty] }, { or: [empty, { and: [empty, full] }] }]) {
      expect(matchesNothing(compile(nothing))).toBe(true);
      expect(ids(nothing, { ...options, resolve })).toEqual([]);
    }
    for (const some of [
      full,
      { or: [title, empty] },
      { field: 'amount', op: 'ne', value: { $field: 'empty' } },
    ]) {
      expect(matchesNothing(compile(some))).toBe(false);
    }
    expect(matchesNothing({ ws: 1, $and: [compile(empty)] })).toBe(true);
    expect(matchesNothing({ _id: { $in: [1] } })).toBe(false);
  });
});
