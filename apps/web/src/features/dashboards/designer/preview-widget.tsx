import type { Widget } from '@formloom/schema';
import { useEffect, useMemo, useState } from 'react';
import { useAppScope } from '../../apps/app-scope';
import { browserTimeZone, dashboardsApi } from '../dashboards-api';
import { useWidgetContexts } from '../use-widget-context';
import { type WidgetActions, WidgetCard } from '../widget-card';

/** Edits settle for this long before the preview asks the server again. */
const PREVIEW_DEBOUNCE_MS = 400;

/** A widget's answer as it is being designed (`POST /reports/query`, the same access layer as the view). */
export function PreviewWidget({
  widget,
  refresh,
  height,
}: {
  widget: Widget;
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
  const actions = useMemo<WidgetActions>(
    () => ({
      load: (_drill, signal) =>
        dashboardsApi.preview(scope.workspaceId, scope.app.id, settled, browserTimeZone(), signal),
    }),
    [scope.workspaceId, scope.app.id, settled],
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
