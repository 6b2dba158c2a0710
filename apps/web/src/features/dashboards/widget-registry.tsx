import type { WidgetType } from '@formloom/report';
import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { ChartKeys } from './chart-keys';
import { cartesianOption, funnelOption, gaugeOption, pieOption, type RowLocator } from './chart-options';
import { EChart } from './echart';
import { type BodyProps, KpiBody, PivotBody, RankingBody, TableBody } from './widget-bodies';

/** An echarts option made from a widget's answer, with where a click on a data item points in its rows. */
type ChartBuilder = (props: BodyProps) => { option: EChartsCoreOption; rowOf?: RowLocator };

/** How one widget type is drawn: a React body, or an echarts option; and whether no rows means no data. */
type WidgetView = ({ Body: (props: BodyProps) => React.ReactNode } | { chart: ChartBuilder }) & {
  /** KPI cards and gauges always have their one row (zeros over no records). */
  emptyWhenNoRows: boolean;
};

/** A chart body: the echarts option of the type, clicks mapped back to the result's rows. */
function ChartBody({ build, ...props }: BodyProps & { build: ChartBuilder }) {
  const { result, ctx, phone, onPick } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the option depends on the answer, names and size only.
  const built = useMemo(
    () => build(props),
    [build, result, ctx.members, ctx.departments, ctx.language, phone],
  );
  const rowOf = built.rowOf ?? ((dataIndex: number) => dataIndex);
  return (
    <>
      <EChart
        option={built.option}
        label={ctx.t('dashboards.chartLabel', {
          title: ctx.widgetTitle,
          type: ctx.t(`dashboards.types.${ctx.widget.type}`),
        })}
        testId={`chart-${ctx.widget.type}`}
        {...(onPick
          ? {
              onClick: ({ dataIndex, seriesIndex }) => {
                const index = rowOf(dataIndex, seriesIndex);
                if (index >= 0) onPick(index);
              },
            }
          : {})}
      />
      {onPick && <ChartKeys result={result} ctx={ctx} onPick={onPick} />}
    </>
  );
}

/** Every widget type of the report package, drawn (docs/reports.md, "Widget types"). */
export const widgetViews: Record<WidgetType, WidgetView> = {
  kpi: { Body: KpiBody, emptyWhenNoRows: false },
  gauge: { chart: ({ result, ctx }) => ({ option: gaugeOption(result, ctx) }), emptyWhenNoRows: false },
  bar: {
    chart: ({ result, ctx, phone }) => cartesianOption(result, ctx, 'bar', phone),
    emptyWhenNoRows: true,
  },
  line: {
    chart: ({ result, ctx, phone }) => cartesianOption(result, ctx, 'line', phone),
    emptyWhenNoRows: true,
  },
  pie: {
    chart: ({ result, ctx, phone }) => ({ option: pieOption(result, ctx, phone) }),
    emptyWhenNoRows: true,
  },
  funnel: { chart: ({ result, ctx }) => ({ option: funnelOption(result, ctx) }), emptyWhenNoRows: true },
  table: { Body: TableBody, emptyWhenNoRows: true },
  pivot: { Body: PivotBody, emptyWhenNoRows: true },
  ranking: { Body: RankingBody, emptyWhenNoRows: true },
};

/** Draws a widget's answer with its type's view. */
export function WidgetBody(props: BodyProps) {
  const view = widgetViews[props.ctx.widget.type];
  return 'chart' in view ? <ChartBody {...props} build={view.chart} /> : <view.Body {...props} />;
}
