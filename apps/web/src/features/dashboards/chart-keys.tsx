import type { ReportResult } from '@formloom/report';
import { dimensionColumns, dimensionText, type WidgetContext } from './widget-format';

/** At most this many data items get a keyboard entry (charts rarely show more; tables list them all). */
const MAX_KEYS = 60;

/**
 * The keyboard's way into a chart's data items: a button per row ("Details of East") that drills in or
 * opens the records behind it, as a click on the bar does. Hidden until a keyboard user tabs into it
 * (`.chart-keys` in styles.css), so the chart stays uncluttered for pointers.
 */
export function ChartKeys({
  result,
  ctx,
  onPick,
}: {
  result: ReportResult;
  ctx: WidgetContext;
  onPick(index: number): void;
}) {
  const dims = dimensionColumns(result);
  if (dims.length === 0) return null;
  const rows = result.rows.slice(0, MAX_KEYS).flatMap((row, index) =>
    // Forecast buckets have no records behind them.
    row.forecast === true
      ? []
      : [{ index, text: dims.map((d) => dimensionText(d, row[d.key] ?? null, ctx)).join(' · ') }],
  );
  return (
    <fieldset className="chart-keys" aria-label={ctx.t('dashboards.chartKeys', { title: ctx.widgetTitle })}>
      {rows.map(({ index, text }) => (
        <button key={index} type="button" data-testid="chart-key" onClick={() => onPick(index)}>
          {ctx.t('dashboards.detailsOf', { value: text })}
        </button>
      ))}
    </fieldset>
  );
}
