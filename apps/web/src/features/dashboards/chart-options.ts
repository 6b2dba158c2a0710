import type { ReportColumn, ReportResult, ReportRow } from '@formloom/report';
import type { EChartsCoreOption } from 'echarts/core';
import { labelColorOn } from './label-contrast';
import { PALETTE } from './palette';
import {
  columnLabel,
  compactNumber,
  dimensionColumns,
  dimensionText,
  isPercent,
  measureText,
  plottedMeasures,
  type WidgetContext,
} from './widget-format';

export { PALETTE };

const TARGET_COLOR = '#dc2626';

/** One row's figures as tooltip lines, every measure the row has (percentages and deltas too). */
function tooltipOf(
  result: ReportResult,
  ctx: WidgetContext,
  row: ReportRow | undefined,
  title: string,
): string {
  if (!row) return '';
  const html = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const lines = result.columns
    .filter(
      (c) =>
        c.type === 'measure' &&
        c.derivation !== 'viewer' &&
        c.derivation !== 'forecastFlag' &&
        row[c.key] !== undefined &&
        row[c.key] !== null,
    )
    .map(
      (c) =>
        `${html(columnLabel(c, ctx, result.columns))}: <b>${html(measureText(c, row[c.key] ?? null, result, ctx))}</b>`,
    );
  return [`<b>${html(title)}</b>`, ...lines].join('<br/>');
}

/** Measures drawn as bars or lines: ratios only when nothing else is there (a bar of 0.8 beside 80,000 says nothing). */
function drawn(result: ReportResult, ctx: WidgetContext): ReportColumn[] {
  const all = plottedMeasures(result);
  const plain = all.filter((c) => !isPercent(c, ctx.widget));
  return plain.length > 0 ? plain : all;
}

const axisNumber = (ctx: WidgetContext) => (value: number) => compactNumber(value, ctx.language);

/** Rows of a two-dimension result as a matrix: categories by the first, one series per value of the second. */
function crossTab(result: ReportResult, ctx: WidgetContext, measure: ReportColumn) {
  const [first, second] = dimensionColumns(result);
  const categories: Array<ReportRow[string]> = [];
  const seriesValues: Array<ReportRow[string]> = [];
  for (const row of result.rows) {
    const a = row[first?.key ?? ''] ?? null;
    const b = row[second?.key ?? ''] ?? null;
    if (!categories.includes(a)) categories.push(a);
    if (!seriesValues.includes(b)) seriesValues.push(b);
  }
  const rowAt = new Map(
    result.rows.map((row) => [
      JSON.stringify([row[first?.key ?? ''] ?? null, row[second?.key ?? ''] ?? null]),
      row,
    ]),
  );
  return {
    categories: categories.map((v) => dimensionText(first, v, ctx)),
    series: seriesValues.map((b) => ({
      name: dimensionText(second, b, ctx),
      data: categories.map((a) => {
        const value = rowAt.get(JSON.stringify([a, b]))?.[measure.key];
        return typeof value === 'number' ? value : null;
      }),
    })),
    rowOf: (dataIndex: number, seriesIndex: number) =>
      result.rows.indexOf(
        rowAt.get(JSON.stringify([categories[dataIndex], seriesValues[seriesIndex]])) as ReportRow,
      ),
  };
}

/** Where a click on (dataIndex, seriesIndex) points in the result's rows. */
export type RowLocator = (dataIndex: number, seriesIndex: number) => number;

/** A bar (or column, `options.horizontal`) or line (`options.area`) chart, grouped or stacked, with target line and forecast. */
export function cartesianOption(
  result: ReportResult,
  ctx: WidgetContext,
  kind: 'bar' | 'line',
  phone: boolean,
): { option: EChartsCoreOption; rowOf: RowLocator } {
  const options = ctx.widget.options ?? {};
  const dims = dimensionColumns(result);
  const horizontal = kind === 'bar' && options.horizontal === true;
  const stack = options.stack === true;
  const area = options.area === true;
  const targetKey = typeof options.targetLine === 'string' ? options.targetLine : undefined;
  const measures = drawn(result, ctx);
  let categories: string[];
  let series: Array<Record<string, unknown>>;
  let rowOf: RowLocator = (dataIndex) => dataIndex;
  const seriesType = kind;
  if (dims.length >= 2 && measures[0]) {
    const tab = crossTab(result, ctx, measures[0]);
    categories = tab.categories;
    rowOf = tab.rowOf;
    series = tab.series.map((s) => ({
      ...s,
      type: seriesType,
      ...(stack ? { stack: 'all' } : {}),
      ...(area ? { areaStyle: { opacity: 0.15 } } : {}),
      emphasis: { focus: 'series' },
    }));
  } else {
    const first = dims[0];
    categories = result.rows.map((row) => dimensionText(first, row[first?.key ?? ''] ?? null, ctx));
    series = [];
    for (const measure of measures) {
      const data = result.rows.map((row) => {
        const value = row[measure.key];
        return typeof value === 'number' ? value : null;
      });
      if (measure.key === targetKey) {
        // A target per category: a short red bar across each column (a line between categories would mean nothing).
        series.push({
          name: columnLabel(measure, ctx, result.columns),
          type: 'line',
          data,
          color: TARGET_COLOR,
          symbol: 'rect',
          symbolSize: horizontal ? [4, 40] : [40, 4],
          lineStyle: { opacity: 0 },
          z: 5,
        });
        continue;
      }
      series.push({
        name: columnLabel(measure, ctx, result.columns),
        type: seriesType,
        data,
        ...(stack ? { stack: 'all' } : {}),
        ...(area ? { areaStyle: { opacity: 0.15 } } : {}),
        ...(kind === 'line' ? { smooth: false, connectNulls: false } : {}),
      });
      const forecast = result.columns.find((c) => c.derivation === 'forecast' && c.of === measure.key);
      if (forecast) {
        series.push({
          name: columnLabel(forecast, ctx, result.columns),
          type: 'line',
          data: result.rows.map((row) => {
            const value = row[forecast.key];
            return typeof value === 'number' ? value : null;
          }),
          lineStyle: { type: 'dashed' },
          itemStyle: { opacity: 0.7 },
          connectNulls: false,
        });
      }
    }
  }
  const categoryAxis = {
    type: 'category',
    data: categories,
    axisLabel: {
      hideOverlap: true,
      ...(horizontal
        ? { width: phone ? 72 : 110, overflow: 'truncate' }
        : // Slanted once the names cannot stand side by side: on a phone four columns already leave each name
          // ~60 px, and level labels hid all but two of six teams and truncated those ('Team east1 20...').
          {
            rotate: categories.length > (phone ? 3 : 6) ? (phone ? 45 : 30) : 0,
            width: phone ? 100 : 90,
            overflow: 'truncate',
          }),
    },
  };
  const valueAxis = { type: 'value', axisLabel: { formatter: axisNumber(ctx) } };
  const option: EChartsCoreOption = {
    color: PALETTE,
    grid: { left: 8, right: 16, top: series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
    legend: series.length > 1 ? { type: 'scroll', top: 0 } : undefined,
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (
        params:
          | Array<{ dataIndex: number; seriesIndex: number }>
          | { dataIndex: number; seriesIndex: number },
      ) => {
        const first = Array.isArray(params) ? params[0] : params;
        if (!first) return '';
        if (dims.length >= 2) {
          const lines = (Array.isArray(params) ? params : [params]) as unknown as Array<{
            seriesName: string;
            value: number | null;
            marker: string;
          }>;
          return [
            `<b>${categories[first.dataIndex] ?? ''}</b>`,
            ...lines
              .filter((p) => p.value !== null)
              .map(
                (p) =>
                  `${p.marker}${p.seriesName}: <b>${measureText(measures[0] as ReportColumn, p.value, result, ctx)}</b>`,
              ),
          ].join('<br/>');
        }
        return tooltipOf(result, ctx, result.rows[first.dataIndex], categories[first.dataIndex] ?? '');
      },
    },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series,
  };
  return { option, rowOf };
}

/** A pie, or a donut with `options.donut`. */
export function pieOption(result: ReportResult, ctx: WidgetContext, phone: boolean): EChartsCoreOption {
  const [dim] = dimensionColumns(result);
  const measure = drawn(result, ctx)[0];
  const data = result.rows.map((row) => ({
    name: dimensionText(dim, row[dim?.key ?? ''] ?? null, ctx),
    value: typeof row[measure?.key ?? ''] === 'number' ? row[measure?.key ?? ''] : 0,
  }));
  const donut = ctx.widget.options?.donut === true;
  return {
    color: PALETTE,
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: { dataIndex: number; name: string; percent: number }) =>
        `${tooltipOf(result, ctx, result.rows[p.dataIndex], p.name)}<br/>${p.percent}%`,
    },
    legend: { type: 'scroll', bottom: 0 },
    series: [
      {
        type: 'pie',
        radius: donut ? ['42%', '68%'] : [0, '68%'],
        center: ['50%', '45%'],
        data,
        label: { show: !phone, formatter: '{b}: {d}%' },
      },
    ],
  };
}

/** A funnel in stage order (not sorted by size), each stage with its conversion from the one before. */
export function funnelOption(result: ReportResult, ctx: WidgetContext): EChartsCoreOption {
  const [dim] = dimensionColumns(result);
  const measure = drawn(result, ctx)[0];
  const conversion = result.columns.find((c) => c.derivation === 'conversion');
  const data = result.rows.map((row, i) => {
    const name = dimensionText(dim, row[dim?.key ?? ''] ?? null, ctx);
    const rate = conversion && i > 0 ? row[conversion.key] : null;
    return {
      name,
      value: typeof row[measure?.key ?? ''] === 'number' ? row[measure?.key ?? ''] : 0,
      label: {
        // Each stage's label in the colour that reads best on that stage's fill (WCAG AA on every palette colour).
        color: labelColorOn(PALETTE[i % PALETTE.length] as string),
        // The stage's name above its number: on one line a narrow lower stage clipped both ('otiation 283 (59').
        formatter: `${name}\n${measure ? measureText(measure, row[measure.key] ?? null, result, ctx) : ''}${
          conversion && typeof rate === 'number' ? `  (${measureText(conversion, rate, result, ctx)})` : ''
        }`,
        lineHeight: 16,
      },
    };
  });
  return {
    color: PALETTE,
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: { dataIndex: number; name: string }) =>
        tooltipOf(result, ctx, result.rows[p.dataIndex], p.name),
    },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: '4%',
        width: '92%',
        top: 8,
        bottom: 8,
        // Wide enough at the narrowest stage for its two label lines in a quarter-width widget.
        minSize: '36%',
        gap: 2,
        label: { position: 'inside' },
        data,
      },
    ],
  };
}

/** A gauge of the first measure between `meta.min` and `meta.max`, the target marked where the band turns green. */
export function gaugeOption(result: ReportResult, ctx: WidgetContext): EChartsCoreOption {
  const measure = drawn(result, ctx)[0];
  const row = result.rows[0];
  const value = typeof row?.[measure?.key ?? ''] === 'number' ? (row?.[measure?.key ?? ''] as number) : 0;
  const meta = result.meta as { min?: number; max?: number; target?: number };
  const min = typeof meta.min === 'number' ? meta.min : 0;
  const target = typeof meta.target === 'number' ? meta.target : undefined;
  const max =
    typeof meta.max === 'number'
      ? meta.max
      : Math.max(target ?? 0, value, 1) * (measure && isPercent(measure, ctx.widget) ? 1 : 1.2);
  const at = target === undefined ? 1 : Math.min(1, Math.max(0, (target - min) / (max - min || 1)));
  const text = (v: number) => (measure ? measureText(measure, v, result, ctx) : String(v));
  return {
    series: [
      {
        type: 'gauge',
        min,
        max,
        radius: '92%',
        center: ['50%', '58%'],
        progress: { show: true, width: 12 },
        axisLine: {
          lineStyle: {
            width: 12,
            color:
              target === undefined
                ? [[1, '#e2e8f0']]
                : [
                    [at, '#e2e8f0'],
                    [1, '#bbf7d0'],
                  ],
          },
        },
        axisTick: { show: false },
        splitLine: { length: 8 },
        axisLabel: { distance: 16, formatter: (v: number) => compactNumber(v, ctx.language), fontSize: 10 },
        pointer: { width: 4 },
        detail: { valueAnimation: false, formatter: text, fontSize: 20, offsetCenter: [0, '60%'] },
        title: { offsetCenter: [0, '88%'], fontSize: 12 },
        data: [
          {
            value,
            name: target === undefined ? '' : ctx.t('dashboards.targetOf', { value: text(target) }),
          },
        ],
      },
    ],
  };
}
