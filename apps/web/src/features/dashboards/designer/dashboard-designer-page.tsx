import { DeleteOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Input, Popconfirm, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { useApiQuery } from '../../../api/use-api-query';
import { useFeedback } from '../../../components/feedback';
import { PageHeader } from '../../../components/page-header';
import { ErrorState, PageSkeleton } from '../../../components/status-states';
import { useIsPhone } from '../../../components/use-is-phone';
import { localized } from '../../../i18n/localized';
import { useAppScope } from '../../apps/app-scope';
import { type Placement, placements } from '../dashboard-grid';
import { type Dashboard, type DashboardView, dashboardsApi } from '../dashboards-api';
import { useLiveRefresh } from '../use-live-refresh';
import { formsOfWidget } from '../use-widget-context';
import { ControlsEditor } from './controls-editor';
import { DesignerGrid } from './designer-grid';
import { keyFrom, PreviewWidget } from './preview-widget';
import { addWidget, NEW_WIDGET_TITLE, removeWidget, replaceWidget } from './widget-draft';
import { WidgetPanel } from './widget-panel';

const EMPTY: Dashboard = { key: '', name: {}, widgets: [], layout: [] };

/**
 * `/apps/:appId/dashboards/:dashboardKey/design` and `/apps/:appId/new-dashboard`: the dashboard designer.
 * Add a widget, pick its source, dimensions, measures, target series, filter and type in the panel with a
 * live preview on the grid, drag and resize it, save through the dashboards routes (a save over someone
 * else's is refused with 409 and says so).
 */
export function DashboardDesignerPage() {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const scope = useAppScope();
  const phone = useIsPhone();
  const language = i18n.resolvedLanguage ?? 'en';
  const { dashboardKey } = useParams();
  const creating = dashboardKey === undefined;
  const data = useApiQuery<DashboardView | null>(
    (signal) =>
      creating
        ? Promise.resolve(null)
        : dashboardsApi.get(scope.workspaceId, scope.app.id, dashboardKey, signal),
    [scope.workspaceId, scope.app.id, dashboardKey],
  );
  const [draft, setDraft] = useState<Dashboard | undefined>(undefined);
  const [version, setVersion] = useState<{ id: string; v: number } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const loaded = data.status === 'success' ? data.data : undefined;
  useEffect(() => {
    if (data.status !== 'success') return;
    setDraft(loaded ? loaded.dashboard : EMPTY);
    setVersion(loaded ? { id: loaded.id, v: loaded.v } : null);
    setSelected(loaded?.dashboard.widgets[0]?.key ?? null);
  }, [data.status, loaded]);
  const formsOf = useMemo(() => {
    const map = new Map<string, Set<string>>();
    for (const widget of draft?.widgets ?? []) {
      map.set(widget.key, new Set(formsOfWidget(widget).flatMap((key) => scope.formByKey(key)?.id ?? [])));
    }
    return map;
  }, [draft, scope]);
  const ticks = useLiveRefresh(formsOf);

  if (data.status === 'error') {
    return <ErrorState title={t('dashboards.loadFailed')} error={data.error} onRetry={data.retry} />;
  }
  if (!draft) return <PageSkeleton blocks={2} />;
  if (loaded && !loaded.editable) {
    return <ErrorState title={t('dashboards.designer.notEditable')} />;
  }
  const name = localized(draft.name, language);
  const selectedWidget = draft.widgets.find((w) => w.key === selected);
  const places = placements(draft);
  const firstForm = scope.forms.find((f) => scope.accessOf(f.key).view);

  const setLayout = (next: Placement[]) => setDraft((d) => (d ? { ...d, layout: next } : d));
  const save = async () => {
    setProblem(null);
    if (!name.trim()) {
      setProblem(new ApiError(0, 'NAME', t('dashboards.designer.nameNeeded')));
      return;
    }
    setSaving(true);
    try {
      const body: Dashboard = { ...draft, key: draft.key || keyFrom(name), layout: placements(draft) };
      const saved = version
        ? await dashboardsApi.update(scope.workspaceId, scope.app.id, version.id, body, version.v)
        : await dashboardsApi.create(scope.workspaceId, scope.app.id, body);
      setDraft(saved.dashboard);
      setVersion({ id: saved.id, v: saved.v });
      void message.success(t('dashboards.designer.saved'));
      // A new dashboard was added to the app's menu: load the menu again so it shows there.
      if (!version) scope.reload();
      if (!version)
        navigate(`/apps/${scope.app.id}/dashboards/${encodeURIComponent(saved.dashboard.key)}/design`, {
          replace: true,
        });
    } catch (error) {
      if (error instanceof ApiError) setProblem(error);
      else throw error;
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    if (!version) return;
    setProblem(null);
    try {
      await dashboardsApi.remove(scope.workspaceId, scope.app.id, version.id);
      void message.success(t('dashboards.designer.deleted'));
      scope.reload();
      navigate(`/apps/${scope.app.id}`, { replace: true });
    } catch (error) {
      if (error instanceof ApiError) setProblem(error);
      else throw error;
    }
  };

  return (
    <div data-testid="dashboard-designer">
      <PageHeader
        title={creating ? t('dashboards.designer.newTitle') : t('dashboards.designer.editTitle', { name })}
        actions={
          <>
            {version && (
              <Link to={`/apps/${scope.app.id}/dashboards/${encodeURIComponent(draft.key)}`}>
                <Button data-testid="open-dashboard">{t('dashboards.designer.view')}</Button>
              </Link>
            )}
            {version && (
              <Popconfirm
                title={t('dashboards.designer.deleteConfirm', { name })}
                okText={t('dashboards.designer.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() => remove()}
              >
                <Button danger icon={<DeleteOutlined />} data-testid="delete-dashboard">
                  {t('dashboards.designer.delete')}
                </Button>
              </Popconfirm>
            )}
            <Button
              icon={<PlusOutlined />}
              disabled={!firstForm}
              data-testid="add-widget"
              onClick={() => {
                if (!firstForm) return;
                const next = addWidget(draft, firstForm, {
                  ...NEW_WIDGET_TITLE,
                  [language]: t('dashboards.designer.newWidget'),
                });
                setDraft(next);
                setSelected(next.widgets.at(-1)?.key ?? null);
              }}
            >
              {t('dashboards.designer.addWidget')}
            </Button>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              loading={saving}
              onClick={() => void save()}
              data-testid="save-dashboard"
            >
              {t('dashboards.designer.save')}
            </Button>
          </>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <label htmlFor="dashboard-name" style={{ alignSelf: 'center' }}>
          {t('dashboards.designer.name')}
        </label>
        <Input
          id="dashboard-name"
          data-testid="dashboard-name"
          style={{ maxWidth: 360 }}
          value={name}
          onChange={(e) =>
            setDraft({
              ...draft,
              name: { ...(typeof draft.name === 'object' ? draft.name : {}), [language]: e.target.value },
            })
          }
        />
      </Flex>
      <ControlsEditor dashboard={draft} onChange={setDraft} />
      {problem && (
        <Alert
          type="error"
          showIcon
          closable
          onClose={() => setProblem(null)}
          style={{ marginBottom: 16 }}
          title={problem.status === 409 ? t('dashboards.designer.conflict') : problem.message}
          description={
            problem.details.length > 0 ? (
              <ul style={{ margin: 0, paddingInlineStart: 16 }}>
                {problem.details.map((d) => (
                  <li key={`${d.path}:${d.message}`}>
                    <Typography.Text code>{d.path}</Typography.Text> {d.message}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
          data-testid="designer-problem"
        />
      )}
      <Flex gap={16} align="flex-start" vertical={phone}>
        <div style={{ flex: 1, minWidth: 0, width: phone ? '100%' : undefined }}>
          {draft.widgets.length === 0 ? (
            <Card>
              <Empty description={t('dashboards.designer.empty')} />
            </Card>
          ) : (
            <DesignerGrid
              dashboard={draft}
              phone={phone}
              selected={selected}
              onSelect={setSelected}
              onLayout={setLayout}
              render={(place) => {
                const widget = draft.widgets.find((w) => w.key === place.widget);
                return widget ? (
                  <PreviewWidget
                    widget={widget}
                    controls={draft.filters}
                    refresh={ticks[widget.key] ?? 0}
                    height={place.h * 40 + (place.h - 1) * 16}
                  />
                ) : null;
              }}
            />
          )}
        </div>
        <Card
          size="small"
          title={t('dashboards.designer.panel')}
          style={
            phone
              ? { width: '100%' }
              : {
                  width: 360,
                  flex: 'none',
                  position: 'sticky',
                  top: 88,
                  maxHeight: 'calc(100vh - 104px)',
                  overflow: 'auto',
                }
          }
        >
          {selectedWidget ? (
            <WidgetPanel
              key={selectedWidget.key}
              widget={selectedWidget}
              place={
                places.find((p) => p.widget === selectedWidget.key) ?? {
                  widget: selectedWidget.key,
                  x: 0,
                  y: 0,
                  w: 12,
                  h: 8,
                }
              }
              onChange={(next) => setDraft((d) => (d ? replaceWidget(d, selectedWidget.key, next) : d))}
              onPlace={(next) => setLayout(places.map((p) => (p.widget === next.widget ? next : p)))}
              onRemove={() => {
                setDraft((d) => (d ? removeWidget(d, selectedWidget.key) : d));
                setSelected(null);
              }}
            />
          ) : (
            <Typography.Text type="secondary">{t('dashboards.designer.pickWidget')}</Typography.Text>
          )}
        </Card>
      </Flex>
    </div>
  );
}
