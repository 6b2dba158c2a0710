import { BarChart, FunnelChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import { type ECharts, type EChartsCoreOption, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only the chart types and components the widget registry draws, so the bundle carries no more of echarts.
use([
  BarChart,
  LineChart,
  PieChart,
  FunnelChart,
  GaugeChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  AriaComponent,
  CanvasRenderer,
]);

/** A click on a data item: which row of the result it stands for. */
export interface ChartClick {
  dataIndex: number;
  seriesIndex: number;
}

/**
 * An echarts instance in a box that follows the box's size (a grid cell resizes with the page), disposed
 * on unmount. The option replaces the previous one whole (`notMerge`), so removed series disappear.
 */
export function EChart({
  option,
  onClick,
  label,
  testId,
}: {
  option: EChartsCoreOption;
  onClick?: (click: ChartClick) => void;
  /** What the chart shows, for screen readers (echarts' aria description follows it). */
  label: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | undefined>(undefined);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => {
      const { dataIndex, seriesIndex } = params as { dataIndex?: number; seriesIndex?: number };
      if (typeof dataIndex === 'number') click.current?.({ dataIndex, seriesIndex: seriesIndex ?? 0 });
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    // People who asked their system for less motion get charts that appear at once.
    const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    chart.current?.setOption(
      { aria: { enabled: true }, ...(still ? { animation: false } : {}), ...option },
      { notMerge: true },
    );
  }, [option]);

  return (
    <div
      ref={box}
      role="img"
      aria-label={label}
      data-testid={testId}
      style={{ width: '100%', height: '100%', minHeight: 160, cursor: onClick ? 'pointer' : undefined }}
    />
  );
}
