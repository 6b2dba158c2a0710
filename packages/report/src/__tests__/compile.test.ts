import { describe, expect, it } from 'vitest';
import { compileReport } from '../compile.js';
import { describeReportIssue } from '../messages.js';
import { compiled, fields, match, widget } from './helpers.js';

const issuesOf = (w: ReturnType<typeof widget>) => {
  const result = compileReport(w, { fields, match });
  return result.ok ? [] : result.issues.map((i) => `${i.code} ${i.path}`);
};

describe('compileReport', () => {
  it('puts the caller match first, untouched, and names pipeline values by slot only', () => {
    const scoped = { ws: 'w1', form: 'f1', $or: [{ owner: 'u1' }, { dept: 'd1' }] };
    const query = compiled(
      widget({
        type: 'bar',
        dimensions: [{ field: 'region' }],
        measures: [{ aggregate: 'sum', field: 'amount' }],
      }),
      { match: scoped },
    );
    expect(query.pipeline[0]).toEqual({ $match: scoped });
    expect(query.pipeline[0]?.$match).toBe(scoped);
    expect(query.pipeline.filter((stage) => '$match' in stage)).toHaveLength(1);
    const text = JSON.stringify(query.pipeline.slice(1));
    expect(text).not.toContain('"region"');
    expect(query.plan.dimensions[0]).toMatchObject({ key: 'region', slot: 'd0' });
    expect(query.plan.measures[0]).toMatchObject({ key: 'sum_amount', slot: 'm0' });
  });

  it('refuses fields it was not given (unknown, hidden from the caller, prototype keys)', () => {
    const w = widget({
      type: 'table',
      dimensions: [{ field: 'margin' }, { field: '__proto__' as string }],
      measures: [{ aggregate: 'sum', field: 'constructor' as string }],
    });
    expect(issuesOf(w)).toEqual([
      'report.unknownField /dimensions/0/field',
      'report.unknownField /dimensions/1/field',
      'report.unknownField /measures/0/field',
    ]);
  });

  it('checks aggregates against field kinds', () => {
    const w = widget({
      type: 'table',
      dimensions: [{ field: 'items' }],
      measures: [
        { aggregate: 'sum', field: 'name' },
        { aggregate: 'avg', field: 'tags' },
        { aggregate: 'max', field: 'won' },
        { aggregate: 'countDistinct', field: 'tags' },
        { aggregate: 'count', field: 'items' },
        { aggregate: 'min', field: 'closeDate' },
      ],
    });
    expect(issuesOf(w)).toEqual([
      'report.dimensionKind /dimensions/0/field',
      'report.aggregateKind /measures/0/field',
      'report.aggregateKind /measures/1/field',
      'report.aggregateKind /measures/2/field',
      'report.aggregateKind /measures/3/field',
    ]);
  });

  it('allows granularity on date fields only', () => {
    expect(
      issuesOf(widget({ type: 'line', dimensions: [{ field: 'amount', granularity: 'month' }] })),
    ).toEqual(['report.granularityKind /dimensions/0/granularity']);
    expect(
      issuesOf(widget({ type: 'line', dimensions: [{ field: '_createdAt', granularity: 'week' }] })),
    ).toEqual([]);
  });

  it('checks dimension counts per widget type and type options', () => {
    expect(issuesOf(widget({ type: 'kpi', dimensions: [{ field: 'region' }] }))).toEqual([
      'report.dimensionCount /dimensions',
    ]);
    expect(issuesOf(widget({ type: 'bar' }))).toEqual(['report.dimensionCount /dimensions']);
    expect(issuesOf(widget({ type: 'pivot', dimensions: [{ field: 'region' }] }))).toEqual([
      'report.dimensionCount /dimensions',
    ]);
    expect(
      issuesOf(
        widget({
          type: 'gauge',
          measures: [{ aggregate: 'count' }, { aggregate: 'sum', field: 'amount' }],
          options: { max: 'lots' },
        }),
      ),
    ).toEqual(['report.measureCount /measures', 'report.option /options/max']);
    expect(
      issuesOf(widget({ type: 'funnel', dimensions: [{ field: 'stage' }], options: { stages: [{ a: 1 }] } })),
    ).toEqual(['report.option /options/stages']);
  });

  it('resolves sorts by column key or dimension field and refuses others', () => {
    const query = compiled(
      widget({
        type: 'table',
        dimensions: [{ field: 'region' }],
        measures: [{ key: 'total', aggregate: 'sum', field: 'amount' }],
        sort: [
          { by: 'total', dir: 'desc' },
          { by: 'region', dir: 'asc' },
        ],
      }),
    );
    expect(query.plan.sort).toEqual([
      { slot: 'm0', key: 'total', dir: -1 },
      { slot: 'd0', key: 'region', dir: 1 },
    ]);
    expect(query.pipeline.find((stage) => '$sort' in stage)).toEqual({ $sort: { m0: -1, _id: 1 } });
    expect(
      issuesOf(
        widget({ type: 'table', dimensions: [{ field: 'region' }], sort: [{ by: 'amount', dir: 'asc' }] }),
      ),
    ).toEqual(['report.unknownSort /sort/0/by']);
  });

  it('gives measures distinct keys and counts when no measure is given', () => {
    const query = compiled(
      widget({
        type: 'table',
        dimensions: [{ field: 'region' }],
        measures: [
          { aggregate: 'sum', field: 'amount' },
          { aggregate: 'sum', field: 'amount' },
          { key: 'region', aggregate: 'count' },
        ],
      }),
    );
    expect(query.plan.measures.map((m) => m.key)).toEqual(['sum_amount', 'sum_amount_2', 'region_2']);
    expect(compiled(widget({ type: 'kpi' })).plan.measures).toMatchObject([
      { key: 'count', aggregate: 'count' },
    ]);
  });

  it('limits groups by the widget, its type default and the cap, asking for one more', () => {
    const limitOf = (q: ReturnType<typeof compiled>) => q.pipeline.at(-1);
    expect(limitOf(compiled(widget({ type: 'bar', dimensions: [{ field: 'region' }], limit: 5 })))).toEqual({
      $limit: 6,
    });
    expect(limitOf(compiled(widget({ type: 'ranking', dimensions: [{ field: 'region' }] })))).toEqual({
      $limit: 11,
    });
    expect(
      limitOf(
        compiled(widget({ type: 'table', dimensions: [{ field: 'region' }], limit: 9000 }), { maxRows: 100 }),
      ),
    ).toEqual({ $limit: 101 });
  });

  it('groups with field paths and a few date expressions only, so the embedded store runs one loop', () => {
    const plain = compiled(
      widget({
        type: 'bar',
        dimensions: [{ field: '_owner' }],
        measures: [{ aggregate: 'avg', field: 'amount' }],
      }),
    );
    expect(plain.pipeline.slice(1).map((stage) => Object.keys(stage)[0])).toEqual([
      '$group',
      '$sort',
      '$limit',
    ]);
    // An average travels as its sum and its count of numbers, so groups merge exactly.
    expect(plain.pipeline[1]).toEqual({
      $group: {
        _id: '$owner',
        m0: { $sum: '$data.amount' },
        m0n: { $sum: { $cond: [{ $isNumber: '$data.amount' }, 1, 0] } },
      },
    });
    expect(compiled(widget({ type: 'kpi' })).pipeline[1]).toEqual({ $group: { _id: null, m0: { $sum: 1 } } });
    const two = compiled(widget({ type: 'table', dimensions: [{ field: 'region' }, { field: 'stage' }] }));
    expect(two.pipeline[1]).toEqual({
      $group: {
        _id: { d0: { $ifNull: ['$data.region', null] }, d1: { $ifNull: ['$data.stage', null] } },
        m0: { $sum: 1 },
      },
    });
    expect(two.pipeline[2]).toEqual({ $sort: { '_id.d0': 1, '_id.d1': 1 } });
    const months = compiled(
      widget({ type: 'bar', dimensions: [{ field: '_createdAt', granularity: 'month' }] }),
      { timeZone: 'Asia/Shanghai' },
    );
    expect(months.pipeline[1]).toEqual({
      $group: {
        _id: {
          $dateToString: {
            date: { $cond: [{ $eq: [{ $type: '$createdAt' }, 'date'] }, '$createdAt', null] },
            format: '%Y-%m-01',
            timezone: 'Asia/Shanghai',
            onNull: null,
          },
        },
        m0: { $sum: 1 },
      },
    });
    expect(months.plan).toMatchObject({ merge: false, sortInPipeline: true });
    // Quarters of instants are local days cut in shaping: merged there, sorted and limited there too.
    const quarters = compiled(
      widget({ type: 'bar', dimensions: [{ field: 'closedAt', granularity: 'quarter' }] }),
    );
    expect(quarters.plan).toMatchObject({ merge: true, sortInPipeline: false });
    expect(quarters.pipeline.map((stage) => Object.keys(stage)[0])).toEqual(['$match', '$group']);
    const distinct = compiled(
      widget({ type: 'kpi', measures: [{ aggregate: 'countDistinct', field: 'region' }] }),
    );
    expect(distinct.pipeline[1]).toEqual({ $group: { _id: null, m0: { $addToSet: '$data.region' } } });
  });

  it('words every issue code', () => {
    const result = compileReport(
      widget({
        type: 'funnel',
        dimensions: [{ field: 'nope' }, { field: 'region' }],
        measures: [{ aggregate: 'sum', field: 'name' }],
        sort: [{ by: 'x', dir: 'asc' }],
      }),
      { fields, match },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((issue) => describeReportIssue(issue))).toEqual([
        'unknown field "nope"',
        'sum does not apply to a text field',
        'a funnel widget takes exactly 1 dimension(s)',
        '"x" is not a column of the widget',
      ]);
      expect(result.issues.map((issue) => describeReportIssue(issue, 'zh-CN'))).toEqual([
        '未知字段“nope”',
        'sum 不适用于文本字段',
        'funnel 组件需要恰好 1 个维度',
        '“x”不是该组件的列',
      ]);
    }
  });
});
