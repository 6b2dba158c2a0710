import type { DashboardFilter, Widget } from '@formloom/schema';
import { useEffect, useMemo, useState } from 'react';
import { useAppScope } from '../../apps/app-scope';
import { browserTimeZone, dashboardsApi } from '../dashboards-api';
import { useWidgetContexts } from '../use-widget-context';
import { type WidgetActions, WidgetCard } from '../widget-card';
import { previewFilters } from './controls-draft';

/** Edits settle for this long before the preview asks the server again. */
const PREVIEW_DEBOUNCE_MS = 400;

/**
 * A widget's answer as it is being designed (`POST /reports/query`, the same access layer as the view),
 * with the dashboard's controls at their starting values and drilling as on the dashboard.
 */
export function PreviewWidget({
  widget,
  controls,
  refresh,
  height,
}: {
  widget: Widget;
  controls: readonly DashboardFilter[] | undefined;
  refresh: number;
  height: number;
}) {
  const scope = useAppScope();
  const contextOf = useWidgetContexts();
  const [settled, setSettled] = useState(widget);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(widget), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [widget]);
  const form = scope.formByKey(settled.source.form);
  // By content, so an unrelated edit of the dashboard does not ask again.
  const filters = JSON.stringify(previewFilters(controls ?? [], form));
  const actions = useMemo<WidgetActions>(
    () => ({
      load: (drill, signal) =>
        dashboardsApi.preview(
          scope.workspaceId,
          scope.app.id,
          settled,
          { timeZone: browserTimeZone(), filters: JSON.parse(filters), drill },
          signal,
        ),
    }),
    [scope.workspaceId, scope.app.id, settled, filters],
  );
  return (
    <WidgetCard
      widget={settled}
      ctx={contextOf(settled)}
      actions={actions}
      refresh={refresh}
      phone={false}
      height={height}
    />
  );
}

/** The key a new dashboard gets from its name: letters, digits and underscores, starting with a letter. */
export function keyFrom(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return /^[a-z]/.test(ascii) ? ascii.slice(0, 60) : `dashboard_${Date.now().toString(36)}`;
}
