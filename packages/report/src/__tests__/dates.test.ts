import { describe, expect, it } from 'vitest';
import { bucketLabel, bucketStartOfDay } from '../buckets.js';
import type { Granularity } from '../types.js';
import { compiled, rec, report, widget } from './helpers.js';

const days = [
  '2025-12-31',
  '2026-01-01',
  '2026-01-04',
  '2026-01-05',
  '2026-03-31',
  '2026-04-01',
  '2026-12-28',
];
const byDay = days.map((d) => rec({ closeDate: d, amount: 1 }));

function buckets(field: string, granularity: Granularity, docs: object[], timeZone?: string) {
  const result = report(
    widget({ type: 'line', dimensions: [{ field, granularity }] }),
    docs,
    timeZone ? { timeZone } : {},
  );
  return result.rows.map((row) => [row[field], row.count]);
}

describe('date buckets', () => {
  it('bucket calendar dates by day, ISO week, month, quarter and year, in order', () => {
    expect(buckets('closeDate', 'day', byDay)).toEqual(days.map((d) => [d, 1]));
    expect(buckets('closeDate', 'week', byDay)).toEqual([
      ['2025-12-29', 3],
      ['2026-01-05', 1],
      ['2026-03-30', 2],
      ['2026-12-28', 1],
    ]);
    expect(buckets('closeDate', 'month', byDay)).toEqual([
      ['2025-12', 1],
      ['2026-01', 3],
      ['2026-03', 1],
      ['2026-04', 1],
      ['2026-12', 1],
    ]);
    expect(buckets('closeDate', 'quarter', byDay)).toEqual([
      ['2025-Q4', 1],
      ['2026-Q1', 4],
      ['2026-Q2', 1],
      ['2026-Q4', 1],
    ]);
    expect(buckets('closeDate', 'year', byDay)).toEqual([
      ['2025', 1],
      ['2026', 6],
    ]);
  });

  it('counts records without a date in one null bucket', () => {
    expect(
      buckets('closeDate', 'month', [...byDay.slice(0, 2), rec({ amount: 1 }), rec({ closeDate: null })]),
    ).toEqual([
      [null, 2],
      ['2025-12', 1],
      ['2026-01', 1],
    ]);
  });

  it('buckets instants in the given time zone (calendar dates have none)', () => {
    const late = [
      rec(
        { closedAt: '2026-03-31T23:30:00.000Z', closeDate: '2026-03-31' },
        { createdAt: new Date('2026-03-31T23:30:00Z') },
      ),
      rec(
        { closedAt: '2026-03-31T15:00:00.000Z', closeDate: '2026-03-31' },
        { createdAt: new Date('2026-03-31T15:00:00Z') },
      ),
      rec({ closedAt: 'not a date' }, { createdAt: null }),
    ];
    expect(buckets('closedAt', 'day', late)).toEqual([
      [null, 1],
      ['2026-03-31', 2],
    ]);
    expect(buckets('closedAt', 'quarter', late, 'Asia/Shanghai')).toEqual([
      [null, 1],
      ['2026-Q1', 1],
      ['2026-Q2', 1],
    ]);
    expect(buckets('_createdAt', 'day', late, 'Asia/Shanghai')).toEqual([
      [null, 1],
      ['2026-03-31', 1],
      ['2026-04-01', 1],
    ]);
    expect(buckets('_createdAt', 'month', late, 'Asia/Shanghai')).toEqual([
      [null, 1],
      ['2026-03', 1],
      ['2026-04', 1],
    ]);
    expect(buckets('_createdAt', 'year', late)).toEqual([
      [null, 1],
      ['2026', 2],
    ]);
    expect(buckets('closedAt', 'month', late, 'America/New_York')).toEqual([
      [null, 1],
      ['2026-03', 2],
    ]);
    expect(buckets('closeDate', 'day', late, 'Asia/Shanghai')).toEqual([
      [null, 1],
      ['2026-03-31', 2],
    ]);
  });

  it('labels buckets from their first day', () => {
    expect(bucketLabel('2026-10-01', 'quarter')).toBe('2026-Q4');
    expect(bucketLabel('2026-07-01', 'quarter')).toBe('2026-Q3');
    expect(bucketLabel('2026-02-01', 'month')).toBe('2026-02');
    expect(bucketLabel('2026-01-01', 'year')).toBe('2026');
    expect(bucketLabel('2026-03-30', 'week')).toBe('2026-03-30');
  });

  it('groups timestamps without granularity by their ISO instant', () => {
    const result = report(widget({ type: 'table', dimensions: [{ field: '_createdAt' }] }), [rec({})]);
    expect(result.rows).toEqual([{ _createdAt: '2026-01-15T10:00:00.000Z', count: 1 }]);
  });

  it('merges per-day groups into buckets exactly, averages and distinct counts included', () => {
    const docs = [
      ...byDay,
      ...days.map((d, i) => rec({ closeDate: d, amount: i * 10, region: i % 2 ? 'north' : 'south' })),
      rec({ amount: 3 }),
      rec({ closeDate: '2026-01-02' }),
    ];
    const measures = [
      { aggregate: 'count' as const },
      { aggregate: 'sum' as const, field: 'amount' },
      { aggregate: 'min' as const, field: 'amount' },
      { aggregate: 'max' as const, field: 'amount' },
      { aggregate: 'avg' as const, field: 'amount' },
      { aggregate: 'countDistinct' as const, field: 'region' },
    ];
    // By hand: every record with its bucket, then plain arithmetic per bucket.
    const expected = (granularity: Granularity) => {
      const groups = new Map<string | null, { amounts: number[]; count: number; regions: Set<unknown> }>();
      for (const doc of docs as { data: { closeDate?: string; amount?: number; region?: string } }[]) {
        const day = doc.data.closeDate;
        const start = day ? bucketStartOfDay(day, granularity) : null;
        const key = start === null ? null : bucketLabel(start, granularity);
        const g = groups.get(key) ?? { amounts: [], count: 0, regions: new Set() };
        g.count += 1;
        if (typeof doc.data.amount === 'number') g.amounts.push(doc.data.amount);
        if (doc.data.region !== undefined) g.regions.add(doc.data.region);
        groups.set(key, g);
      }
      return [...groups.entries()]
        .sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a < b ? -1 : 1))
        .map(([key, g]) => ({
          closeDate: key,
          count: g.count,
          sum_amount: g.amounts.reduce((x, y) => x + y, 0),
          min_amount: g.amounts.length ? Math.min(...g.amounts) : null,
          max_amount: g.amounts.length ? Math.max(...g.amounts) : null,
          avg_amount: g.amounts.length ? g.amounts.reduce((x, y) => x + y, 0) / g.amounts.length : null,
          countDistinct_region: g.regions.size,
        }));
    };
    for (const granularity of ['day', 'week', 'month', 'quarter', 'year'] as const) {
      const merged = widget({ type: 'bar', dimensions: [{ field: 'closeDate', granularity }], measures });
      expect(compiled(merged).plan.merge).toBe(granularity !== 'day');
      expect(report(merged, docs).rows, granularity).toEqual(expected(granularity));
    }
  });

  it('sorts and limits merged buckets, saying when it truncated', () => {
    const result = report(
      widget({
        type: 'bar',
        dimensions: [{ field: 'closeDate', granularity: 'month' }],
        sort: [{ by: 'count', dir: 'desc' }],
        limit: 2,
      }),
      byDay,
    );
    expect(result.rows).toEqual([
      { closeDate: '2026-01', count: 3 },
      { closeDate: '2025-12', count: 1 },
    ]);
    expect(result.meta.truncated).toBe(true);
  });
});
