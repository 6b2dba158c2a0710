import type { ReportResult } from '@formloom/report';
import type { Widget } from '@formloom/schema';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import type { FormDefinitionSummary } from '../../api/apps';
import type { Member } from '../../api/endpoints';
import { cartesianOption, funnelOption, PALETTE } from './chart-options';
import { AA_TEXT, contrastRatio, labelColorOn } from './label-contrast';
import { columnLabel, dimensionText, kpiParts, measureText, type WidgetContext } from './widget-format';

const t = ((key: string, options?: Record<string, unknown>) =>
  options ? `${key}${JSON.stringify(options)}` : key) as unknown as TFunction;

const form: FormDefinitionSummary = {
  id: 'f1',
  key: 'deals',
  name: { en: 'Deals' },
  version: 1,
  fields: [
    { key: 'amount', type: 'money', currency: 'CNY', label: { en: 'Amount' } },
    {
      key: 'stage',
      type: 'select',
      label: { en: 'Stage' },
      options: [
        { value: 'lead', label: { en: 'Lead', 'zh-CN': '线索' } },
        { value: 'won', label: { en: 'Won', 'zh-CN': '赢单' } },
      ],
    },
    { key: 'rep', type: 'member', label: { en: 'Rep' } },
  ],
};
const members = new Map<string, Member>([
  [
    'a'.repeat(24),
    {
      userId: 'a'.repeat(24),
      name: 'Ann',
      email: '',
      roles: [],
      department: null,
      manager: null,
      active: true,
    },
  ],
]);

function context(widget: Partial<Widget>, language = 'en'): WidgetContext {
  return {
    widget: { key: 'w', type: 'bar', title: { en: 'W' }, source: { form: 'deals' }, ...widget } as Widget,
    widgetTitle: 'W',
    form,
    members,
    departments: undefined,
    language,
    t,
    viewerId: 'a'.repeat(24),
  };
}

const meta = { widget: 'w', type: 'bar' as const, rowCount: 2, truncated: false, timeZone: 'UTC' };

describe('bar charts', () => {
  const result: ReportResult = {
    columns: [
      { key: 'rep', type: 'dimension', field: 'rep' },
      { key: 'revenue', type: 'measure', aggregate: 'sum', field: 'amount', label: { en: 'Revenue' } },
      { key: 'target', type: 'measure', derived: true, derivation: 'target', label: { en: 'Target' } },
      {
        key: 'attainment',
        type: 'measure',
        derived: true,
        derivation: 'formula',
        label: { en: 'Attainment' },
      },
    ],
    rows: [
      { rep: 'a'.repeat(24), revenue: 1200, target: 1000, attainment: 1.2 },
      { rep: null, revenue: 300, target: null, attainment: null },
    ],
    meta,
  };

  it('draws the target line as a marker per category, and leaves ratios out of the bars', () => {
    const ctx = context({ options: { targetLine: 'target', percent: ['attainment'] } });
    const { option } = cartesianOption(result, ctx, 'bar', false);
    const series = option.series as Array<Record<string, unknown>>;
    expect(series.map((s) => [s.name, s.type])).toEqual([
      ['Revenue', 'bar'],
      ['Target', 'line'],
    ]);
    expect(series[1]?.data).toEqual([1000, null]);
    expect(series[1]?.lineStyle).toMatchObject({ opacity: 0 });
    expect((option.xAxis as { data: string[] }).data).toEqual(['Ann', 'dashboards.empty']);
  });

  it('slants the category names on a phone once four or more stand side by side, and not on a wide screen', () => {
    const rows = ['east1', 'east2', 'north1', 'north2', 'south1', 'south2'].map((rep) => ({
      rep,
      revenue: 1,
      target: 1,
      attainment: 1,
    }));
    const six = { ...result, rows };
    const rotate = (phone: boolean, r: ReportResult) =>
      (cartesianOption(r, context({}), 'bar', phone).option.xAxis as { axisLabel: { rotate: number } })
        .axisLabel.rotate;
    expect([rotate(true, six), rotate(false, six)]).toEqual([45, 0]);
    expect(rotate(true, { ...result, rows: rows.slice(0, 3) })).toBe(0);
  });

  it('stacks a second dimension as one series per value and maps clicks back to rows', () => {
    const twoDims: ReportResult = {
      columns: [
        { key: 'rep', type: 'dimension', field: 'rep' },
        { key: 'stage', type: 'dimension', field: 'stage' },
        { key: 'count', type: 'measure', aggregate: 'count' },
      ],
      rows: [
        { rep: 'a'.repeat(24), stage: 'lead', count: 2 },
        { rep: 'a'.repeat(24), stage: 'won', count: 1 },
        { rep: null, stage: 'won', count: 4 },
      ],
      meta,
    };
    const { option, rowOf } = cartesianOption(twoDims, context({ options: { stack: true } }), 'bar', false);
    const series = option.series as Array<{ name: string; data: Array<number | null>; stack?: string }>;
    expect(series.map((s) => [s.name, s.data, s.stack])).toEqual([
      ['Lead', [2, null], 'all'],
      ['Won', [1, 4], 'all'],
    ]);
    expect(rowOf(1, 1)).toBe(2);
    expect(rowOf(0, 0)).toBe(0);
  });
});

describe('lines with a forecast', () => {
  it('adds a dashed forecast series and never plots the forecast flag', () => {
    const result: ReportResult = {
      columns: [
        { key: 'month', type: 'dimension', field: 'month', granularity: 'month' },
        { key: 'revenue', type: 'measure', aggregate: 'sum', field: 'amount', label: { en: 'Revenue' } },
        { key: 'revenue_forecast', type: 'measure', derived: true, derivation: 'forecast', of: 'revenue' },
        { key: 'forecast', type: 'measure', derived: true, derivation: 'forecastFlag' },
      ],
      rows: [
        { month: '2026-01', revenue: 10, revenue_forecast: null },
        { month: '2026-02', revenue: 20, revenue_forecast: 20 },
        { month: '2026-03', revenue: null, revenue_forecast: 30, forecast: true },
      ],
      meta: { ...meta, type: 'line' },
    };
    const { option } = cartesianOption(result, context({ type: 'line' }), 'line', false);
    const series = option.series as Array<{ name: string; data: unknown[]; lineStyle?: { type: string } }>;
    expect(series).toHaveLength(2);
    expect(series[1]?.data).toEqual([null, 20, 30]);
    expect(series[1]?.lineStyle?.type).toBe('dashed');
    expect(series[1]?.name).toBe('dashboards.derived.forecast{"of":"Revenue"}');
  });
});

describe('funnels', () => {
  it('keeps stage order and labels each stage with its conversion from the one before', () => {
    const result: ReportResult = {
      columns: [
        { key: 'stage', type: 'dimension', field: 'stage' },
        { key: 'count', type: 'measure', aggregate: 'count' },
        { key: 'conversion', type: 'measure', derived: true, derivation: 'conversion', of: 'count' },
      ],
      rows: [
        { stage: 'lead', count: 80, conversion: null },
        { stage: 'won', count: 20, conversion: 0.25 },
      ],
      meta: { ...meta, type: 'funnel' },
    };
    const option = funnelOption(result, context({ type: 'funnel' }));
    const [series] = option.series as Array<{
      sort: string;
      data: Array<{ name: string; label: { formatter: string } }>;
    }>;
    expect(series?.sort).toBe('none');
    expect(series?.data.map((d) => d.label.formatter)).toEqual(['Lead\n80', 'Won\n20  (25%)']);
  });

  it('labels every stage in a colour that meets WCAG AA on its fill', () => {
    const rows = PALETTE.map((_, i) => ({ stage: `s${i}`, count: 100 - i }));
    const result: ReportResult = {
      columns: [
        { key: 'stage', type: 'dimension', field: 'stage' },
        { key: 'count', type: 'measure', aggregate: 'count' },
      ],
      rows,
      meta: { ...meta, type: 'funnel' },
    };
    const [series] = funnelOption(result, context({ type: 'funnel' })).series as Array<{
      data: Array<{ label: { color: string } }>;
    }>;
    const colours = series?.data.map((d) => d.label.color) ?? [];
    expect(colours).toHaveLength(PALETTE.length);
    colours.forEach((colour, i) => {
      expect(contrastRatio(colour, PALETTE[i] as string), PALETTE[i]).toBeGreaterThanOrEqual(AA_TEXT);
    });
    // White on the dark blue stage, near-black on the amber one.
    expect([labelColorOn('#1d4ed8'), labelColorOn('#f59e0b')]).toEqual(['#ffffff', '#111111']);
  });
});

describe('contrast ratios', () => {
  it('follow WCAG: black on white is 21, a colour on itself 1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});

describe('values as people read them', () => {
  it('names members, options and empty groups; formats money and ratios', () => {
    const ctx = context({ options: { percent: ['rate'] } }, 'zh-CN');
    expect(dimensionText({ key: 'rep', type: 'dimension', field: 'rep' }, 'a'.repeat(24), ctx)).toBe('Ann');
    expect(dimensionText({ key: 'stage', type: 'dimension', field: 'stage' }, 'won', ctx)).toBe('赢单');
    expect(dimensionText({ key: 'stage', type: 'dimension', field: 'stage' }, null, ctx)).toBe(
      'dashboards.empty',
    );
    const result = { columns: [], rows: [], meta } as ReportResult;
    expect(measureText({ key: 'rate', type: 'measure' }, 0.125, result, ctx)).toBe('12.5%');
    expect(
      measureText({ key: 's', type: 'measure', aggregate: 'sum', field: 'amount' }, 1500, result, ctx),
    ).toBe('¥1,500');
    expect(measureText({ key: 'c', type: 'measure', aggregate: 'count' }, null, result, ctx)).toBe('–');
  });

  it('leads a KPI card with its figure beside a target, with a ratio when there is no target', () => {
    const withTarget: ReportResult = {
      columns: [
        { key: 'revenue', type: 'measure', aggregate: 'sum', field: 'amount' },
        { key: 'target', type: 'measure', derived: true, derivation: 'target' },
        { key: 'attainment', type: 'measure', derived: true, derivation: 'formula' },
        { key: 'last', type: 'measure', derived: true, derivation: 'previous', of: 'revenue' },
        { key: 'last_change', type: 'measure', derived: true, derivation: 'change', of: 'revenue' },
      ],
      rows: [{ revenue: 10, target: 20, attainment: 0.5, last: 5, last_change: 1 }],
      meta: { ...meta, type: 'kpi' },
    };
    const parts = kpiParts(withTarget, context({ type: 'kpi' }));
    expect([parts.main?.key, parts.target?.key, parts.change?.key]).toEqual([
      'revenue',
      'target',
      'last_change',
    ]);
    const rate: ReportResult = {
      columns: [
        { key: 'won', type: 'measure', aggregate: 'sum', field: 'amount' },
        { key: 'winRate', type: 'measure', derived: true, derivation: 'formula' },
      ],
      rows: [{ won: 2, winRate: 1 }],
      meta: { ...meta, type: 'kpi' },
    };
    expect(kpiParts(rate, context({ type: 'kpi' })).main?.key).toBe('winRate');
  });
});

describe('labels of computed columns', () => {
  it('names a computed figure without a label of its own by what it is computed from, never by its key', () => {
    const columns: ReportResult['columns'] = [
      { key: 'sum_amount', type: 'measure', aggregate: 'sum', field: 'amount' },
      { key: 'previous1', type: 'measure', derived: true, derivation: 'previous', of: 'sum_amount' },
      { key: 'share1', type: 'measure', derived: true, derivation: 'percentOfTotal', of: 'sum_amount' },
      { key: 'formula1', type: 'measure', derived: true, derivation: 'formula' },
      {
        key: 'ytd',
        type: 'measure',
        derived: true,
        derivation: 'runningTotal',
        of: 'sum_amount',
        label: { en: 'YTD' },
      },
    ] as ReportResult['columns'];
    const labels = columns.map((c) => columnLabel(c, context({ type: 'kpi' }), columns));
    expect(labels.slice(1)).toEqual([
      `dashboards.derived.previous${JSON.stringify({ of: labels[0] })}`,
      `dashboards.derived.percentOfTotal${JSON.stringify({ of: labels[0] })}`,
      'dashboards.derived.formula',
      'YTD',
    ]);
    expect(labels.join()).not.toMatch(/previous1|share1|formula1/);
  });
});
