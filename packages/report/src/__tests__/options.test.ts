import { compile } from '@formloom/formula';
import { describe, expect, it } from 'vitest';
import { compileReport } from '../compile.js';
import { fields, match, rec, report, widget } from './helpers.js';

const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won'];

describe('funnel, cumulative (SALES-TEMPLATE.md worked numbers)', () => {
  // Highest stage reached: lead 80, qualified 60, proposal 30, negotiation 12, won 18; plus 7 lost.
  const counts: Record<string, number> = {
    lead: 80,
    qualified: 60,
    proposal: 30,
    negotiation: 12,
    won: 18,
    lost: 7,
  };
  const opportunities = Object.entries(counts).flatMap(([stage, n]) =>
    Array.from({ length: n }, (_, i) => rec({ stage, amount: i })),
  );

  it('counts what reached at least each stage, with stage-to-stage and overall conversion', () => {
    const result = report(
      widget({
        type: 'funnel',
        dimensions: [{ field: 'stage' }],
        options: { stages: STAGES, cumulative: true },
      }),
      opportunities,
    );
    expect(result.rows.map((r) => [r.stage, r.count, r.conversion, r.overall])).toEqual([
      ['lead', 200, null, 1],
      ['qualified', 120, 0.6, 0.6],
      ['proposal', 60, 0.5, 0.3],
      ['negotiation', 30, 0.5, 0.15],
      ['won', 18, 0.6, 0.09],
    ]);
    expect(result.meta).toMatchObject({ cumulative: true, overallConversion: 0.09, droppedGroups: 1 });
  });

  it('needs the stage order, and refuses a non-boolean flag', () => {
    const issues = (options: Record<string, unknown>) => {
      const r = compileReport(widget({ type: 'funnel', dimensions: [{ field: 'stage' }], options }), {
        fields,
        match,
      });
      return r.ok ? [] : r.issues.map((i) => i.path);
    };
    expect(issues({ cumulative: true })).toEqual(['/options/stages']);
    expect(issues({ stages: STAGES, cumulative: 'yes' })).toEqual(['/options/cumulative']);
  });
});

describe('ranking (SALES-TEMPLATE.md leaderboard ties)', () => {
  const people = [
    'aaaaaaaaaaaaaaaaaaaaaaaa',
    'bbbbbbbbbbbbbbbbbbbbbbbb',
    'cccccccccccccccccccccccc',
    'dddddddddddddddddddddddd',
  ];
  const revenue = [500, 400, 400, 300];
  const docs = people.map((owner, i) => rec({ amount: revenue[i] }, { owner }));

  it('ranks 500, 400, 400, 300 as 1, 2, 2, 4 and marks the viewer', () => {
    const result = report(
      widget({
        type: 'ranking',
        dimensions: [{ field: '_owner' }],
        measures: [{ key: 'revenue', aggregate: 'sum', field: 'amount' }],
      }),
      docs,
      { viewer: 'CCCCCCCCCCCCCCCCCCCCCCCC' },
    );
    expect(result.rows.map((r) => [r.rank, r.revenue, r.viewer])).toEqual([
      [1, 500, false],
      [2, 400, false],
      [2, 400, true],
      [4, 300, false],
    ]);
    expect(result.meta).toMatchObject({ viewer: 'cccccccccccccccccccccccc', viewerRank: 2 });
  });
});

describe('forecast', () => {
  const months = [
    ['2026-01-15', 100],
    ['2026-02-15', 120],
    ['2026-03-15', 150],
    // No record in April: position 3 stays a gap, the line keeps the time scale.
    ['2026-05-15', 170],
  ] as const;
  const docs = months.map(([closeDate, amount]) => rec({ closeDate, amount }));

  it('extends a monthly series by least squares over month positions, as FORECAST.LINEAR', () => {
    const result = report(
      widget({
        type: 'line',
        dimensions: [{ field: 'closeDate', granularity: 'month' }],
        measures: [{ key: 'amount', aggregate: 'sum', field: 'amount' }],
        options: { forecast: 'linear', forecastPeriods: 2 },
      }),
      docs,
    );
    // By hand: x = 0, 1, 2, 4; y = 100, 120, 150, 170; mean x 1.75, mean y 135;
    // slope = Σ(dx·dy)/Σdx² = (61.25 + 11.25 + 3.75 + 78.75) / (3.0625 + 0.5625 + 0.0625 + 5.0625) = 155 / 8.75.
    const slope = 155 / 8.75;
    const at = (x: number) => 135 + slope * (x - 1.75);
    expect(result.rows.map((r) => r.closeDate)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-05',
      '2026-06',
      '2026-07',
    ]);
    expect(result.rows.map((r) => r.forecast)).toEqual([false, false, false, false, true, true]);
    expect(result.rows.slice(0, 3).map((r) => r.amount_forecast)).toEqual([null, null, null]);
    // The last actual point starts the forecast line.
    expect(result.rows[3]?.amount_forecast).toBe(170);
    expect(result.rows[4]?.amount_forecast).toBeCloseTo(at(5), 9);
    expect(result.rows[5]?.amount_forecast).toBeCloseTo(at(6), 9);
    expect(result.rows[4]?.amount).toBeNull();
    // The same number through the formula package.
    const excel = compile('FORECAST.LINEAR(5, [100, 120, 150, 170], [0, 1, 2, 4])', {}).evaluate({});
    expect(result.rows[4]?.amount_forecast).toBeCloseTo(excel as number, 12);
    expect(result.meta.forecast).toEqual({ method: 'linear', periods: 2, fits: { amount: { points: 4 } } });
  });

  it('rolls quarters over the year, and needs one date dimension', () => {
    const result = report(
      widget({
        type: 'line',
        dimensions: [{ field: 'closeDate', granularity: 'quarter' }],
        options: { forecast: 'linear' },
      }),
      [rec({ closeDate: '2026-08-01' }), rec({ closeDate: '2026-11-01' }), rec({ closeDate: '2026-12-01' })],
    );
    // Q3 1, Q4 2 → +1 a quarter.
    expect(result.rows.map((r) => [r.closeDate, r.count, r.count_forecast])).toEqual([
      ['2026-Q3', 1, null],
      ['2026-Q4', 2, 2],
      ['2027-Q1', null, 3],
      ['2027-Q2', null, 4],
      ['2027-Q3', null, 5],
    ]);
    const bad = compileReport(
      widget({
        type: 'line',
        dimensions: [{ field: 'region' }],
        options: { forecast: 'linear', forecastPeriods: 0 },
      }),
      { fields, match },
    );
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual([
      '/options/forecastPeriods',
      '/options/forecast',
    ]);
  });

  it('answers an empty series without a forecast', () => {
    const result = report(
      widget({
        type: 'line',
        dimensions: [{ field: 'closeDate', granularity: 'month' }],
        options: { forecast: 'linear' },
      }),
      [],
    );
    expect(result.rows).toEqual([]);
  });
});

describe('time-zone period boundaries', () => {
  // 23:30 on the last day of a month, local time: 2026-03-31T23:30+08:00 and 2026-01-31T23:30-05:00.
  const shanghai = '2026-03-31T15:30:00.000Z';
  const newYork = '2026-02-01T04:30:00.000Z';

  it('puts a date-time at 23:30 local on the last day of a month in that month', () => {
    for (const [instant, zone, month, quarter] of [
      [shanghai, 'Asia/Shanghai', '2026-03', '2026-Q1'],
      [newYork, 'America/New_York', '2026-01', '2026-Q1'],
    ] as const) {
      for (const field of ['closedAt', '_createdAt']) {
        const docs = [
          field === 'closedAt' ? rec({ closedAt: instant }) : rec({}, { createdAt: new Date(instant) }),
        ];
        const bucket = (granularity: 'month' | 'quarter' | 'day', timeZone: string) =>
          report(widget({ type: 'bar', dimensions: [{ field, granularity }] }), docs, { timeZone }).rows;
        expect(bucket('month', zone), `${field} ${zone}`).toEqual([{ [field]: month, count: 1 }]);
        expect(bucket('quarter', zone)).toEqual([{ [field]: quarter, count: 1 }]);
        expect(bucket('day', zone)[0]?.[field]).toBe(`${month}-31`);
      }
    }
    // The same instant counted in UTC falls in the next month (New York) or on the same day (Shanghai).
    const utc = report(widget({ type: 'bar', dimensions: [{ field: 'closedAt', granularity: 'month' }] }), [
      rec({ closedAt: newYork }),
    ]);
    expect(utc.rows).toEqual([{ closedAt: '2026-02', count: 1 }]);
  });
});

describe('subform columns', () => {
  const subformFields = new Map([
    ...fields,
    ['items.product', { path: 'data.items.product', kind: 'id' as const, unwind: 'data.items' }],
    ['items.qty', { path: 'data.items.qty', kind: 'number' as const, unwind: 'data.items' }],
    ['lines.note', { path: 'data.lines.note', kind: 'text' as const, unwind: 'data.lines' }],
  ]);
  const quotes = [
    rec({
      region: 'north',
      items: [
        { product: 'a', qty: 2 },
        { product: 'b', qty: 1 },
      ],
    }),
    rec({ region: 'south', items: [{ product: 'a', qty: 5 }, { product: 'a' }] }),
    rec({ region: 'south', items: [] }),
    rec({ region: 'east' }),
  ];

  it('counts one row per subform row, the record fields repeated on each', () => {
    const result = report(
      widget({
        type: 'table',
        dimensions: [{ field: 'items.product' }, { field: 'region' }],
        measures: [
          { key: 'rows', aggregate: 'count' },
          { key: 'qty', aggregate: 'sum', field: 'items.qty' },
        ],
      }),
      quotes,
      { fields: subformFields },
    );
    expect(result.rows).toEqual([
      { 'items.product': 'a', region: 'north', rows: 1, qty: 2 },
      { 'items.product': 'a', region: 'south', rows: 2, qty: 5 },
      { 'items.product': 'b', region: 'north', rows: 1, qty: 1 },
    ]);
  });

  it('refuses columns of two subforms in one widget', () => {
    const r = compileReport(
      widget({
        type: 'bar',
        dimensions: [{ field: 'items.product' }],
        measures: [{ aggregate: 'countDistinct', field: 'lines.note' }],
      }),
      { fields: subformFields, match },
    );
    expect(r.ok ? [] : r.issues.map((i) => `${i.code} ${i.path}`)).toEqual([
      'report.subformMix /measures/0/field',
    ]);
  });
});
