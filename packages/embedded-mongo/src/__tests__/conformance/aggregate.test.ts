import { Binary, Decimal128, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: aggregate', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('agg');
    await t.db.collection<AnyDoc>('sales').insertMany([
      {
        _id: 1,
        region: 'n',
        rep: 'r1',
        amount: 10,
        qty: 1,
        at: new Date('2026-01-05T10:00:00Z'),
        tags: ['x'],
      },
      {
        _id: 2,
        region: 'n',
        rep: 'r2',
        amount: 30,
        qty: 2,
        at: new Date('2026-01-20T10:00:00Z'),
        tags: ['x', 'y'],
      },
      { _id: 3, region: 's', rep: 'r1', amount: 5, qty: 5, at: new Date('2026-02-02T10:00:00Z'), tags: [] },
      {
        _id: 4,
        region: 's',
        rep: 'r3',
        amount: 55,
        qty: 1,
        at: new Date('2026-02-10T10:00:00Z'),
        tags: ['y'],
      },
      { _id: 5, region: 'e', rep: 'r2', amount: 20, qty: 3, at: new Date('2026-03-01T10:00:00Z') },
    ]);
    await t.db.collection<AnyDoc>('reps').insertMany([
      { _id: 'r1', name: 'Ann', team: 't1' },
      { _id: 'r2', name: 'Bob', team: 't2' },
      { _id: 'r3', name: 'Cid', team: 't1' },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const sales = () => t.db.collection<AnyDoc>('sales');

  it('$match + $group with sum, avg, min, max, count, addToSet, then $sort/$project/$limit', async () => {
    const rows = await sales()
      .aggregate([
        { $match: { amount: { $gte: 5 } } },
        {
          $group: {
            _id: '$region',
            total: { $sum: '$amount' },
            avg: { $avg: '$amount' },
            min: { $min: '$amount' },
            max: { $max: '$amount' },
            n: { $sum: 1 },
            count: { $count: {} },
            reps: { $addToSet: '$rep' },
          },
        },
        { $sort: { total: -1 } },
        { $project: { _id: 0, region: '$_id', total: 1, avg: 1, min: 1, max: 1, n: 1, count: 1, reps: 1 } },
        { $limit: 2 },
      ])
      .toArray();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ region: 's', total: 60, avg: 30, min: 5, max: 55, n: 2, count: 2 });
    expect(rows[0]?.reps.sort()).toEqual(['r1', 'r3']);
    expect(rows[1]).toMatchObject({ region: 'n', total: 40, avg: 20, n: 2 });
    const all = await sales()
      .aggregate([{ $group: { _id: null, total: { $sum: '$amount' } } }])
      .toArray();
    expect(all).toEqual([{ _id: null, total: 120 }]);
    const byTwo = await sales()
      .aggregate([
        { $group: { _id: { region: '$region', rep: '$rep' }, n: { $sum: 1 } } },
        { $sort: { '_id.region': 1, '_id.rep': 1 } },
      ])
      .toArray();
    expect(byTwo.map((r) => r._id)).toEqual([
      { region: 'e', rep: 'r2' },
      { region: 'n', rep: 'r1' },
      { region: 'n', rep: 'r2' },
      { region: 's', rep: 'r1' },
      { region: 's', rep: 'r3' },
    ]);
  });

  it('$lookup (localField and pipeline forms, missing collection) and $unwind', async () => {
    const joined = await sales()
      .aggregate([
        { $match: { _id: { $in: [1, 4] } } },
        { $lookup: { from: 'reps', localField: 'rep', foreignField: '_id', as: 'who' } },
        { $unwind: '$who' },
        { $project: { _id: 1, name: '$who.name' } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(joined).toEqual([
      { _id: 1, name: 'Ann' },
      { _id: 4, name: 'Cid' },
    ]);
    const piped = await t.db
      .collection<AnyDoc>('reps')
      .aggregate([
        {
          $lookup: {
            from: 'sales',
            let: { rid: '$_id' },
            pipeline: [
              { $match: { $expr: { $eq: ['$rep', '$$rid'] } } },
              { $group: { _id: null, s: { $sum: '$amount' } } },
            ],
            as: 'totals',
          },
        },
        { $project: { total: { $ifNull: [{ $first: '$totals.s' }, 0] } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(piped).toEqual([
      { _id: 'r1', total: 15 },
      { _id: 'r2', total: 50 },
      { _id: 'r3', total: 55 },
    ]);
    const none = await sales()
      .aggregate([
        { $limit: 1 },
        { $lookup: { from: 'nowhere', localField: 'rep', foreignField: '_id', as: 'x' } },
      ])
      .toArray();
    expect(none[0]?.x).toEqual([]);
    const unwound = await sales()
      .aggregate([{ $unwind: { path: '$tags', preserveNullAndEmptyArrays: true } }, { $count: 'n' }])
      .toArray();
    expect(unwound).toEqual([{ n: 6 }]);
  });

  it('$unionWith and $facet', async () => {
    const union = await t.db
      .collection<AnyDoc>('reps')
      .aggregate([
        { $project: { _id: 1 } },
        { $unionWith: { coll: 'sales', pipeline: [{ $project: { _id: 1 } }] } },
      ])
      .toArray();
    expect(union).toHaveLength(8);
    const [facets] = await sales()
      .aggregate([
        {
          $facet: {
            big: [{ $match: { amount: { $gt: 25 } } }, { $count: 'n' }],
            byRegion: [{ $sortByCount: '$region' }, { $sort: { count: -1, _id: 1 } }],
          },
        },
      ])
      .toArray();
    expect(facets?.big).toEqual([{ n: 2 }]);
    expect(facets?.byRegion).toEqual([
      { _id: 'n', count: 2 },
      { _id: 's', count: 2 },
      { _id: 'e', count: 1 },
    ]);
  });

  it('$out replaces a collection and $merge upserts into one', async () => {
    await sales()
      .aggregate([{ $group: { _id: '$rep', total: { $sum: '$amount' } } }, { $out: 'rep_totals' }])
      .toArray();
    const out = await t.db.collection<AnyDoc>('rep_totals').find().sort({ _id: 1 }).toArray();
    expect(out).toEqual([
      { _id: 'r1', total: 15 },
      { _id: 'r2', total: 50 },
      { _id: 'r3', total: 55 },
    ]);
    await t.db.collection<AnyDoc>('board').insertMany([
      { _id: 'r1', total: 0, keep: true },
      { _id: 'zz', total: 1 },
    ]);
    await sales()
      .aggregate([
        { $group: { _id: '$rep', total: { $sum: '$amount' } } },
        { $merge: { into: 'board', on: '_id', whenMatched: 'merge', whenNotMatched: 'insert' } },
      ])
      .toArray();
    const merged = await t.db.collection<AnyDoc>('board').find().sort({ _id: 1 }).toArray();
    expect(merged).toEqual([
      { _id: 'r1', total: 15, keep: true },
      { _id: 'r2', total: 50 },
      { _id: 'r3', total: 55 },
      { _id: 'zz', total: 1 },
    ]);
  });

  it('date operators take any IANA time zone name, and UTC offsets', async () => {
    // Sale 5 happened at 2026-03-01T10:00Z.
    const zones = ['UTC', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires', 'America/Port-au-Prince', '+08:00'];
    const rows = await sales()
      .aggregate([
        { $match: { _id: 5 } },
        {
          $project: {
            _id: 0,
            ...Object.fromEntries(
              zones.map((timezone, i) => [
                `z${i}`,
                { $dateToString: { format: '%Y-%m-%d %H:%M', date: '$at', timezone } },
              ]),
            ),
            hour: { $hour: { date: '$at', timezone: 'Asia/Kolkata' } },
          },
        },
      ])
      .toArray();
    expect(rows).toEqual([
      {
        z0: '2026-03-01 10:00',
        z1: '2026-03-01 05:00',
        z2: '2026-03-01 07:00',
        z3: '2026-03-01 05:00',
        z4: '2026-03-01 18:00',
        hour: 15,
      },
    ]);
  });

  it('date operators, $bucket and $replaceRoot keeping _id', async () => {
    const months = await sales()
      .aggregate([
        { $group: { _id: { $dateToString: { format: '%Y-%m', date: '$at' } }, n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(months).toEqual([
      { _id: '2026-01', n: 2 },
      { _id: '2026-02', n: 2 },
      { _id: '2026-03', n: 1 },
    ]);
    const trunc = await sales()
      .aggregate([
        { $match: { _id: 2 } },
        { $project: { _id: 0, m: { $dateTrunc: { date: '$at', unit: 'month' } } } },
      ])
      .toArray();
    expect(trunc).toEqual([{ m: new Date('2026-01-01T00:00:00Z') }]);
    // A value equal to a boundary belongs to the bucket that starts there.
    const buckets = await sales()
      .aggregate([
        {
          $bucket: {
            groupBy: '$amount',
            boundaries: [0, 20, 100],
            default: 'other',
            output: { n: { $sum: 1 } },
          },
        },
      ])
      .toArray();
    expect(buckets).toEqual([
      { _id: 0, n: 2 },
      { _id: 20, n: 3 },
    ]);
    const replaced = await sales()
      .aggregate([{ $match: { _id: 1 } }, { $replaceRoot: { newRoot: { _id: '$_id', r: '$rep' } } }])
      .toArray();
    expect(replaced).toEqual([{ _id: 1, r: 'r1' }]);
  });

  it('type operators, conversions and Decimal128 sums behave as in MongoDB', async () => {
    const c = t.db.collection<AnyDoc>('typed');
    const oid = new ObjectId('6500000000000000000000aa');
    await c.insertOne({
      _id: oid,
      bin: new Binary(Buffer.from('hi')),
      d: Decimal128.fromString('1.10'),
      s: 'hello',
    });
    await c.insertOne({ _id: new ObjectId(), d: Decimal128.fromString('2.25') });
    const [row] = await c
      .aggregate([
        { $match: { _id: oid } },
        {
          $project: {
            _id: 0,
            idType: { $type: '$_id' },
            binType: { $type: '$bin' },
            idString: { $toString: '$_id' },
            back: { $toObjectId: { $literal: oid.toHexString() } },
            pos: { $indexOfCP: ['$s', 'l'] },
          },
        },
      ])
      .toArray();
    expect(row).toEqual({
      idType: 'objectId',
      binType: 'binData',
      idString: oid.toHexString(),
      back: oid,
      pos: 2,
    });
    const [sum] = await c.aggregate([{ $group: { _id: null, total: { $sum: '$d' } } }]).toArray();
    expect(sum?.total).toBeInstanceOf(Decimal128);
    expect(sum?.total.toString()).toBe('3.35');
  });

  it('countDocuments as mongoose sends it, and explain on an aggregate', async () => {
    const counted = await sales()
      .aggregate([
        { $match: { region: 'n' } },
        { $skip: 0 },
        { $limit: 10 },
        { $group: { _id: 1, n: { $sum: 1 } } },
      ])
      .toArray();
    expect(counted).toEqual([{ _id: 1, n: 2 }]);
    const explained = await sales()
      .aggregate([{ $match: { region: 'n' } }])
      .explain();
    expect(explained).toBeTruthy();
  });
});
