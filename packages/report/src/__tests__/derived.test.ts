import { describe, expect, it } from 'vitest';
import { compileReport } from '../compile.js';
import { seriesIndex } from '../derived.js';
import { shapeReport } from '../shape.js';
import { aggregate, compiled, fields, match, rec, report, widget } from './helpers.js';

const deals = [
  rec({ region: 'north', amount: 100, won: true, closeDate: '2026-01-10' }),
  rec({ region: 'north', amount: 300, won: false, closeDate: '2026-02-03' }),
  rec({ region: 'south', amount: 50, won: true, closeDate: '2026-02-20' }),
  rec({ region: 'south', amount: 50, closeDate: '2026-04-01' }),
  rec({ region: 'east', amount: 500, won: true, closeDate: '2026-04-30' }),
];

const issuesOf = (w: ReturnType<typeof widget>, options: { hasPeriodFilter?: boolean } = {}) => {
  const result = compileReport(w, { fields, match, ...options });
  return result.ok ? [] : result.issues.map((i) => `${i.code} ${i.path}`);
};

describe('derived measures', () => {
  it('computes a formula over the measures before it, per row; a row it cannot compute is empty', () => {
    const result = report(
      widget({
        type: 'bar',
        dimensions: [{ field: 'region' }],
        measures: [
          { key: 'total', aggregate: 'count' },
          { key: 'won', aggregate: 'count', field: 'won' },
          { key: 'amount', aggregate: 'sum', field: 'amount' },
          { key: 'rate', formula: 'won / total' },
          { key: 'perWon', formula: 'ROUND(amount / (won - 1), 1)' },
        ],
      }),
      deals,
    );
    // north: 2 records, won set on 2; south: 2 records, won set on 1; east: 1 and 1.
    expect(result.rows).toEqual([
      { region: 'east', total: 1, won: 1, amount: 500, rate: 1, perWon: null },
      { region: 'north', total: 2, won: 2, amount: 400, rate: 1, perWon: 400 },
      { region: 'south', total: 2, won: 1, amount: 100, rate: 0.5, perWon: null },
    ]);
    expect(result.columns.at(-2)).toEqual({
      key: 'rate',
      type: 'measure',
      derived: true,
      derivation: 'formula',
    });
  });

  it('gives each group its share of the total over every group, and running totals in row order', () => {
    const result = report(
      widget({
        type: 'bar',
        dimensions: [{ field: 'region' }],
        measures: [
          { key: 'amount', aggregate: 'sum', field: 'amount' },
          { key: 'share', percentOfTotal: 'amount' },
          { key: 'cumulative', runningTotal: 'amount' },
        ],
        sort: [{ by: 'amount', dir: 'desc' }],
        limit: 2,
      }),
      deals,
    );
    // Total 1000 over all three groups, though only two are shown.
    expect(result.rows).toEqual([
      { region: 'east', amount: 500, share: 0.5, cumulative: 500 },
      { region: 'north', amount: 400, share: 0.4, cumulative: 900 },
    ]);
    expect(result.meta.truncated).toBe(true);
    expect(
      compiled(
        widget({
          type: 'bar',
          dimensions: [{ field: 'region' }],
          measures: [
            { key: 'a', aggregate: 'sum', field: 'amount' },
            { key: 's', percentOfTotal: 'a' },
          ],
        }),
      ).plan.sortInPipeline,
    ).toBe(false);
  });

  it('compares each month with the month before along a date dimension, with delta and change', () => {
    const result = report(
      widget({
        type: 'line',
        dimensions: [{ field: 'closeDate', granularity: 'month' }],
        measures: [
          { key: 'amount', aggregate: 'sum', field: 'amount' },
          { key: 'last', previous: 'amount' },
        ],
      }),
      deals,
    );
    expect(result.columns.map((c) => c.key)).toEqual([
      'closeDate',
      'amount',
      'last',
      'last_delta',
      'last_change',
    ]);
    expect(result.rows).toEqual([
      // January: the month before is outside the data: unknown, not zero.
      { closeDate: '2026-01', amount: 100, last: null, last_delta: null, last_change: null },
      { closeDate: '2026-02', amount: 350, last: 100, last_delta: 250, last_change: 2.5 },
      // April after a March without records: March had 0.
      { closeDate: '2026-04', amount: 550, last: 0, last_delta: 550, last_change: null },
    ]);
  });

  it('compares with the previous period by a second run when there is no date dimension', () => {
    const w = widget({
      type: 'bar',
      dimensions: [{ field: 'region' }],
      measures: [
        { key: 'amount', aggregate: 'sum', field: 'amount' },
        { key: 'before', previous: 'amount' },
      ],
    });
    expect(issuesOf(w)).toEqual(['report.previousPeriod /measures/1/previous']);
    // This period: April; the previous one: February (what the server compiles from a shifted $period).
    const april = { ...match, 'data.closeDate': { $gte: '2026-04-01', $lt: '2026-05-01' } };
    const february = { ...match, 'data.closeDate': { $gte: '2026-02-01', $lt: '2026-03-01' } };
    const now = compiled(w, { match: april, hasPeriodFilter: true });
    const then = compiled(w, { match: february, hasPeriodFilter: true });
    expect(now.plan.previousQuery).toBe(true);
    const result = shapeReport(now.plan, aggregate(now.pipeline, deals), {
      previous: aggregate(then.pipeline, deals),
    });
    expect(result.rows).toEqual([
      { region: 'east', amount: 500, before: 0, before_delta: 500, before_change: null },
      { region: 'south', amount: 50, before: 50, before_delta: 0, before_change: 0 },
    ]);
  });

  it('joins a target series on the dimension values; groups without one have none', () => {
    const w = widget({
      type: 'bar',
      dimensions: [{ field: 'region' }],
      measures: [
        { key: 'amount', aggregate: 'sum', field: 'amount' },
        {
          key: 'goal',
          target: { form: 'targets', aggregate: 'sum', field: 'amount', match: [{ field: 'region' }] },
        },
        { key: 'attainment', formula: 'amount / goal' },
      ],
    });
    const query = compiled(w);
    const targets = seriesIndex(
      [
        { region: 'north', t: 800 },
        { region: 'south', t: 100 },
        { region: 'west', t: 999 },
      ],
      ['region'],
      't',
    );
    const result = shapeReport(query.plan, aggregate(query.pipeline, deals), { targets: { goal: targets } });
    expect(result.rows).toEqual([
      { region: 'east', amount: 500, goal: null, attainment: null },
      { region: 'north', amount: 400, goal: 800, attainment: 0.5 },
      { region: 'south', amount: 100, goal: 100, attainment: 1 },
    ]);
    expect(result.columns.find((c) => c.key === 'goal')).toMatchObject({
      derivation: 'target',
      field: 'amount',
    });
  });

  it('refuses derived measures that name nothing before them, do not add up, or do not compile', () => {
    expect(
      issuesOf(
        widget({
          type: 'bar',
          dimensions: [{ field: 'region' }],
          measures: [
            { key: 'x', percentOfTotal: 'later' },
            { key: 'avg', aggregate: 'avg', field: 'amount' },
            { key: 'share', percentOfTotal: 'avg' },
            { key: 'f', formula: 'avg +' },
            { key: 'g', formula: 'nope * 2' },
            { aggregate: 'count', formula: 'avg' },
            { formula: 'avg' },
            { key: 'later', aggregate: 'count' },
          ],
        }),
      ),
    ).toEqual([
      'report.unknownMeasure /measures/0/percentOfTotal',
      'report.notAdditive /measures/2/percentOfTotal',
      'report.formula /measures/3/formula',
      'report.formula /measures/4/formula',
      'report.measureKind /measures/5',
      'report.measureKind /measures/6/key',
    ]);
  });
});

describe('empty data and nulls', () => {
  it('answers derived figures over no records without failing', () => {
    const result = report(
      widget({
        type: 'kpi',
        measures: [
          { key: 'n', aggregate: 'count' },
          { key: 'sum', aggregate: 'sum', field: 'amount' },
          { key: 'avg', aggregate: 'avg', field: 'amount' },
          { key: 'per', formula: 'sum / n' },
          { key: 'share', percentOfTotal: 'sum' },
          { key: 'cumulative', runningTotal: 'n' },
        ],
      }),
      [],
    );
    expect(result.rows).toEqual([{ n: 0, sum: 0, avg: null, per: null, share: null, cumulative: 0 }]);
  });

  it('counts records without a value of the dimension in one null group, and ignores them in sums', () => {
    const result = report(
      widget({
        type: 'bar',
        dimensions: [{ field: 'region' }],
        measures: [
          { key: 'amount', aggregate: 'sum', field: 'amount' },
          { key: 'share', percentOfTotal: 'amount' },
        ],
      }),
      [
        rec({ amount: 10 }),
        rec({ region: null, amount: 30 }),
        rec({ region: 'x', amount: null }),
        rec({ region: 'x' }),
      ],
    );
    expect(result.rows).toEqual([
      { region: null, amount: 40, share: 1 },
      { region: 'x', amount: 0, share: 0 },
    ]);
  });
});
