import { EditOutlined, WifiOutlined } from '@ant-design/icons';
import type { Widget } from '@formloom/schema';
import { Button, Card, Empty, Flex, Tag, Tooltip } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useRealtimeOnline } from '../../api/realtime';
import { useApiQuery } from '../../api/use-api-query';
import { PageHeader } from '../../components/page-header';
import { ErrorState, PageSkeleton } from '../../components/status-states';
import { useIsPhone } from '../../components/use-is-phone';
import { useLocalized } from '../../i18n/localized';
import { useAppScope } from '../apps/app-scope';
import { BackToApp } from '../apps/app-shell';
import { DashboardControls, defaultControls } from './dashboard-controls';
import { cellHeight, DashboardGrid } from './dashboard-grid';
import {
  browserTimeZone,
  type ControlValues,
  type DashboardView,
  dashboardsApi,
  saveBlob,
} from './dashboards-api';
import { useLiveRefresh } from './use-live-refresh';
import { formsOfWidget, useWidgetContexts } from './use-widget-context';
import { type DrillValue, type WidgetActions, WidgetCard } from './widget-card';
import type { WidgetContext } from './widget-format';

/** The records page of a form with a filter applied (click-through). */
export function recordsLink(appId: string, formId: string, filter: unknown): string {
  return `/apps/${appId}/forms/${formId}?filter=${encodeURIComponent(JSON.stringify(filter))}`;
}

/** One widget of a stored dashboard, run through the dashboard's routes with the viewer's controls. */
function StoredWidget({
  view,
  widget,
  controls,
  ctx,
  refresh,
  phone,
  height,
}: {
  view: DashboardView;
  widget: Widget;
  controls: ControlValues;
  ctx: WidgetContext;
  refresh: number;
  phone: boolean;
  height: number;
}) {
  const scope = useAppScope();
  const navigate = useNavigate();
  const canExport = scope.accessOf(widget.source.form).export;
  const actions = useMemo<WidgetActions>(() => {
    const ws = scope.workspaceId;
    const app = scope.app.id;
    const run = (drill: DrillValue[]) => ({
      controls,
      timeZone: browserTimeZone(),
      ...(drill.length > 0 ? { drill } : {}),
    });
    return {
      load: (drill, signal) => dashboardsApi.query(ws, app, view.id, widget.key, run(drill), signal),
      openCell: async (cell, drill) => {
        const target = await dashboardsApi.cell(ws, app, view.id, widget.key, run(drill), cell);
        navigate(recordsLink(target.app, target.form, target.filter));
      },
      ...(canExport
        ? {
            exportData: async (drill: DrillValue[]) => {
              const { blob, filename } = await dashboardsApi.export(ws, app, view.id, widget.key, run(drill));
              saveBlob(blob, filename);
            },
          }
        : {}),
    };
  }, [scope.workspaceId, scope.app.id, view.id, widget, controls, canExport, navigate]);
  return (
    <WidgetCard widget={widget} ctx={ctx} actions={actions} refresh={refresh} phone={phone} height={height} />
  );
}

/** `/apps/:appId/dashboards/:dashboardKey`: the dashboard's controls and its grid of live widgets. */
export function DashboardPage() {
  const { t } = useTranslation();
  const l = useLocalized();
  const phone = useIsPhone();
  const scope = useAppScope();
  const online = useRealtimeOnline();
  const { dashboardKey = '' } = useParams();
  const data = useApiQuery(
    (signal) => dashboardsApi.get(scope.workspaceId, scope.app.id, dashboardKey, signal),
    [scope.workspaceId, scope.app.id, dashboardKey],
  );
  const view = data.status === 'success' ? data.data : undefined;
  const [controls, setControls] = useState<ControlValues | undefined>(undefined);
  const values = controls ?? (view ? defaultControls(view.dashboard) : {});
  const contextOf = useWidgetContexts();
  const formsOf = useMemo(() => {
    const map = new Map<string, Set<string>>();
    for (const widget of view?.dashboard.widgets ?? []) {
      const ids = formsOfWidget(widget).flatMap((key) => scope.formByKey(key)?.id ?? []);
      map.set(widget.key, new Set(ids));
    }
    return map;
  }, [view, scope]);
  const ticks = useLiveRefresh(formsOf);

  if (data.status === 'error') {
    return (
      <ErrorState
        title={data.error.status === 404 ? t('dashboards.notFound') : t('dashboards.loadFailed')}
        error={data.error}
        {...(data.error.status === 404 ? {} : { onRetry: data.retry })}
      />
    );
  }
  if (!view) return <PageSkeleton blocks={3} />;
  const { dashboard } = view;
  const title = l(dashboard.name, dashboard.key);
  return (
    <div data-testid="dashboard-page" style={{ minWidth: 0 }}>
      <PageHeader
        title={title}
        subtitle={l(dashboard.description)}
        {...(phone ? { back: <BackToApp /> } : {})}
        actions={
          <Flex gap={8} align="center" wrap>
            {!online && (
              <Tooltip title={t('dashboards.offlineHint')}>
                <Tag icon={<WifiOutlined />} color="warning">
                  {t('dashboards.offline')}
                </Tag>
              </Tooltip>
            )}
            {view.editable && !phone && (
              <Link to={`/apps/${scope.app.id}/dashboards/${encodeURIComponent(dashboard.key)}/design`}>
                <Button icon={<EditOutlined />} data-testid="edit-dashboard">
                  {t('dashboards.edit')}
                </Button>
              </Link>
            )}
          </Flex>
        }
      />
      <DashboardControls
        dashboard={dashboard}
        workspaceId={scope.workspaceId}
        values={values}
        onChange={setControls}
        formByKey={scope.formByKey}
        phone={phone}
      />
      {dashboard.widgets.length === 0 ? (
        <Card>
          <Empty description={t('dashboards.noWidgets')}>
            {view.editable && (
              <Link to={`/apps/${scope.app.id}/dashboards/${encodeURIComponent(dashboard.key)}/design`}>
                <Button type="primary">{t('dashboards.addFirstWidget')}</Button>
              </Link>
            )}
          </Empty>
        </Card>
      ) : (
        <DashboardGrid
          dashboard={dashboard}
          phone={phone}
          render={(place) => {
            const widget = dashboard.widgets.find((w) => w.key === place.widget);
            if (!widget) return null;
            return (
              <StoredWidget
                view={view}
                widget={widget}
                controls={values}
                ctx={contextOf(widget)}
                refresh={ticks[widget.key] ?? 0}
                phone={phone}
                height={cellHeight(place.h)}
              />
            );
          }}
        />
      )}
    </div>
  );
}
