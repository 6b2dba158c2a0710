import { describe, expect, it } from 'vitest';
import { rec, report, widget } from './helpers.js';

const deals = [
  rec({ region: 'north', amount: 100, stage: 'lead', tags: ['a', 'b'], won: true }, { owner: 'u1' }),
  rec({ region: 'north', amount: 300, stage: 'won', tags: ['a'], won: true }, { owner: 'u2' }),
  rec({ region: 'south', amount: 50, stage: 'lead', won: false }, { owner: 'u1' }),
  rec({ region: 'south', amount: 50, stage: 'proposal' }, { owner: 'u1' }),
  rec({ region: 'east', amount: 500, stage: 'proposal', tags: [] }, { owner: 'u3' }),
  rec({ amount: 7, stage: 'archived' }, { owner: 'u3' }),
  // Another form and another workspace: the match keeps them out.
  rec({ region: 'north', amount: 10_000 }, { form: 'f2' }),
  rec({ region: 'north', amount: 10_000 }, { ws: 'w2' }),
];

describe('kpi and gauge', () => {
  it('aggregates every measure over the matched records', () => {
    const result = report(
      widget({
        type: 'kpi',
        measures: [
          { aggregate: 'count' },
          { aggregate: 'sum', field: 'amount' },
          { aggregate: 'avg', field: 'amount' },
          { aggregate: 'min', field: 'amount' },
          { aggregate: 'max', field: 'amount' },
          { aggregate: 'countDistinct', field: 'region' },
          { key: 'withRegion', aggregate: 'count', field: 'region' },
        ],
      }),
      deals,
    );
    expect(result.rows).toEqual([
      {
        count: 6,
        sum_amount: 1007,
        avg_amount: 1007 / 6,
        min_amount: 7,
        max_amount: 500,
        countDistinct_region: 3,
        withRegion: 5,
      },
    ]);
    expect(result.columns[1]).toEqual({
      key: 'sum_amount',
      type: 'measure',
      aggregate: 'sum',
      field: 'amount',
      label: { en: 'Amount' },
    });
    expect(result.meta).toMatchObject({
      widget: 'w',
      type: 'kpi',
      rowCount: 1,
      truncated: false,
      timeZone: 'UTC',
    });
  });

  it('answers one row of empty figures when nothing matches', () => {
    const result = report(
      widget({
        type: 'kpi',
        measures: [
          { aggregate: 'count' },
          { aggregate: 'sum', field: 'amount' },
          { aggregate: 'avg', field: 'amount' },
        ],
      }),
      [],
    );
    expect(result.rows).toEqual([{ count: 0, sum_amount: 0, avg_amount: null }]);
  });

  it('gauge passes its numeric bounds on in meta', () => {
    const result = report(
      widget({
        type: 'gauge',
        measures: [{ aggregate: 'sum', field: 'amount' }],
        options: { min: 0, max: 2000, target: 1500 },
      }),
      deals,
    );
    expect(result.rows).toEqual([{ sum_amount: 1007 }]);
    expect(result.meta).toMatchObject({ min: 0, max: 2000, target: 1500 });
  });
});

describe('bar, line, pie and table', () => {
  it('groups by a dimension, sorted by it, missing values as one null group', () => {
    const result = report(
      widget({
        type: 'bar',
        dimensions: [{ field: 'region' }],
        measures: [{ aggregate: 'sum', field: 'amount' }],
      }),
      deals,
    );
    expect(result.columns.map((c) => [c.key, c.type])).toEqual([
      ['region', 'dimension'],
      ['sum_amount', 'measure'],
    ]);
    expect(result.rows).toEqual([
      { region: null, sum_amount: 7 },
      { region: 'east', sum_amount: 500 },
      { region: 'north', sum_amount: 400 },
      { region: 'south', sum_amount: 100 },
    ]);
  });

  it('a table without dimensions answers one row, also over no records', () => {
    const w = widget({
      type: 'table',
      measures: [{ aggregate: 'count' }, { aggregate: 'max', field: 'amount' }],
    });
    expect(report(w, deals).rows).toEqual([{ count: 6, max_amount: 500 }]);
    expect(report(w, []).rows).toEqual([{ count: 0, max_amount: null }]);
  });

  it('pie and line answer the same shape as bar', () => {
    const spec = { dimensions: [{ field: 'stage' }], measures: [{ aggregate: 'count' as const }] };
    const bar = report(widget({ type: 'bar', ...spec }), deals);
    expect(report(widget({ type: 'pie', ...spec }), deals).rows).toEqual(bar.rows);
    expect(report(widget({ type: 'line', ...spec }), deals).columns).toEqual(bar.columns);
  });

  it('table groups by several dimensions, sorts by a measure and limits, saying it truncated', () => {
    const result = report(
      widget({
        type: 'table',
        dimensions: [{ field: 'region' }, { field: 'stage' }],
        measures: [{ key: 'total', aggregate: 'sum', field: 'amount' }],
        sort: [{ by: 'total', dir: 'desc' }],
        limit: 3,
      }),
      deals,
    );
    expect(result.rows).toEqual([
      { region: 'east', stage: 'proposal', total: 500 },
      { region: 'north', stage: 'won', total: 300 },
      { region: 'north', stage: 'lead', total: 100 },
    ]);
    expect(result.meta).toMatchObject({ rowCount: 3, truncated: true });
  });

  it('counts a record under each value of a multi-valued dimension', () => {
    const tags = report(widget({ type: 'bar', dimensions: [{ field: 'tags' }] }), deals);
    expect(tags.rows).toEqual([
      { tags: null, count: 4 },
      { tags: 'a', count: 2 },
      { tags: 'b', count: 1 },
    ]);
  });
});

describe('ranking', () => {
  it('sorts by the first measure, descending, with competition ranks for ties', () => {
    const result = report(
      widget({
        type: 'ranking',
        dimensions: [{ field: 'stage' }],
        measures: [{ aggregate: 'count' }, { aggregate: 'sum', field: 'amount' }],
      }),
      deals,
    );
    expect(result.columns[0]).toEqual({ key: 'rank', type: 'measure', derived: true, derivation: 'rank' });
    expect(result.rows).toEqual([
      { rank: 1, stage: 'lead', count: 2, sum_amount: 150, viewer: false },
      { rank: 1, stage: 'proposal', count: 2, sum_amount: 550, viewer: false },
      { rank: 3, stage: 'archived', count: 1, sum_amount: 7, viewer: false },
      { rank: 3, stage: 'won', count: 1, sum_amount: 300, viewer: false },
    ]);
  });

  it('ranks by the sorted measure and keeps the top N', () => {
    const result = report(
      widget({
        type: 'ranking',
        dimensions: [{ field: 'region' }],
        measures: [{ aggregate: 'count' }, { key: 'total', aggregate: 'sum', field: 'amount' }],
        sort: [{ by: 'total', dir: 'desc' }],
        limit: 2,
      }),
      deals,
    );
    expect(result.rows).toEqual([
      { rank: 1, region: 'east', count: 1, total: 500, viewer: false },
      { rank: 2, region: 'north', count: 2, total: 400, viewer: false },
    ]);
    expect(result.meta.truncated).toBe(true);
  });
});

describe('funnel', () => {
  it('orders groups by options.stages, keeps empty stages, drops others, and converts to the previous stage', () => {
    const result = report(
      widget({
        type: 'funnel',
        dimensions: [{ field: 'stage' }],
        options: { stages: ['lead', 'proposal', 'negotiation', 'won'] },
      }),
      deals,
    );
    expect(result.rows).toEqual([
      { stage: 'lead', count: 2, conversion: null, overall: 1 },
      { stage: 'proposal', count: 2, conversion: 1, overall: 1 },
      { stage: 'negotiation', count: 0, conversion: 0, overall: 0 },
      { stage: 'won', count: 1, conversion: null, overall: 0.5 },
    ]);
    expect(result.columns.at(-2)).toEqual({
      key: 'conversion',
      type: 'measure',
      derived: true,
      derivation: 'conversion',
      of: 'count',
    });
    expect(result.meta).toMatchObject({
      stages: ['lead', 'proposal', 'negotiation', 'won'],
      droppedGroups: 1,
    });
  });

  it('without stages, orders by the measure descending', () => {
    const result = report(
      widget({
        type: 'funnel',
        dimensions: [{ field: 'region' }],
        measures: [{ aggregate: 'sum', field: 'amount' }],
      }),
      deals.slice(0, 5),
    );
    expect(result.rows).toEqual([
      { region: 'east', sum_amount: 500, conversion: null, overall: 1 },
      { region: 'north', sum_amount: 400, conversion: 0.8, overall: 0.8 },
      { region: 'south', sum_amount: 100, conversion: 0.25, overall: 0.2 },
    ]);
  });
});

describe('pivot', () => {
  it('answers one row per first-dimension value and a column per second-dimension value', () => {
    const result = report(
      widget({ type: 'pivot', dimensions: [{ field: 'region' }, { field: 'won' }] }),
      deals.slice(0, 5),
    );
    expect(result.meta.pivot).toEqual({
      rows: 'region',
      columns: 'won',
      values: [null, true, false],
      totals: { 'count:0': 2, 'count:1': 2, 'count:2': 1, 'count:total': 5 },
    });
    expect(result.columns.map((c) => c.key)).toEqual([
      'region',
      'count:0',
      'count:1',
      'count:2',
      'count:total',
    ]);
    expect(result.rows).toEqual([
      { region: 'east', 'count:0': 1, 'count:1': 0, 'count:2': 0, 'count:total': 1 },
      { region: 'north', 'count:0': 0, 'count:1': 2, 'count:2': 0, 'count:total': 2 },
      { region: 'south', 'count:0': 1, 'count:1': 0, 'count:2': 1, 'count:total': 2 },
    ]);
  });
});
