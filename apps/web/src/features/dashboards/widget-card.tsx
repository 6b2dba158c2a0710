import { DownloadOutlined, ReloadOutlined, RollbackOutlined } from '@ant-design/icons';
import type { ReportResult, ReportRow } from '@formloom/report';
import type { Widget } from '@formloom/schema';
import { Breadcrumb, Button, Card, Empty, Flex, Skeleton, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { useErrorText } from '../../components/status-states';
import { dimensionColumns, dimensionText, type WidgetContext } from './widget-format';
import { WidgetBody, widgetViews } from './widget-registry';

/** Charts on phones: tall enough to read, short enough to scroll past. */
const PHONE_CHART_HEIGHT = 320;

/** A value of the drill path: the dimension value clicked at each level. */
export type DrillValue = ReportRow[string];

/** What a card can do with its widget besides drawing it. */
export interface WidgetActions {
  /** Loads the widget's answer at a drill path. */
  load(drill: DrillValue[], signal: AbortSignal): Promise<ReportResult>;
  /** Opens the records behind a cell (its dimension values by column key: click-through); absent in previews. */
  openCell?(cell: ReportRow, drill: DrillValue[]): Promise<void>;
  /** Downloads the widget's data as XLSX; absent when the viewer may not export. */
  exportData?(drill: DrillValue[]): Promise<void>;
}

/**
 * One widget on a dashboard: title, drill path, export; its loading (skeleton), error (the server's
 * message, retry), empty and drawn states. `refresh` changes when the widget's forms changed (live
 * updates); the previous answer stays on screen while the new one loads.
 */
export function WidgetCard({
  widget,
  ctx,
  actions,
  refresh,
  phone,
  height,
}: {
  widget: Widget;
  ctx: WidgetContext;
  actions: WidgetActions;
  refresh: number;
  phone: boolean;
  /** The card's height in pixels (from the grid); phones size by kind. */
  height: number;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const errorText = useErrorText();
  const [drill, setDrill] = useState<DrillValue[]>([]);
  const [busy, setBusy] = useState(false);
  const query = useApiQuery((signal) => actions.load(drill, signal), [actions, drill, refresh]);
  const result =
    query.status === 'success' ? query.data : query.status === 'loading' ? query.previous : undefined;
  const view = widgetViews[widget.type];
  const levels = widget.drilldown?.length ?? 0;

  const pick = async (index: number) => {
    if (!result) return;
    const row = result.rows[index];
    if (!row) return;
    const [first] = dimensionColumns(result);
    if (first && drill.length < levels) {
      setDrill([...drill, row[first.key] ?? null]);
      return;
    }
    if (!actions.openCell) return;
    const cell: ReportRow = {};
    for (const column of dimensionColumns(result)) cell[column.key] = row[column.key] ?? null;
    try {
      await actions.openCell(cell, drill);
    } catch (error) {
      void message.error(errorText(error as ApiError));
    }
  };

  const download = async () => {
    if (!actions.exportData) return;
    setBusy(true);
    try {
      await actions.exportData(drill);
    } catch (error) {
      void message.error(errorText(error as ApiError));
    } finally {
      setBusy(false);
    }
  };

  const clickable = levels > drill.length || Boolean(actions.openCell);
  let body: React.ReactNode;
  if (query.status === 'error') {
    body = (
      <Flex
        vertical
        align="center"
        justify="center"
        gap={8}
        role="alert"
        style={{ height: '100%', textAlign: 'center' }}
      >
        <Typography.Text type="danger">{t('dashboards.widgetError')}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {errorText(query.error)}
        </Typography.Text>
        <Button size="small" icon={<ReloadOutlined />} onClick={query.retry}>
          {t('common.retry')}
        </Button>
      </Flex>
    );
  } else if (!result) {
    body = (
      <div role="status" aria-label={t('common.loading')}>
        <Skeleton active paragraph={{ rows: widget.type === 'kpi' ? 1 : 4 }} />
      </div>
    );
  } else if (view.emptyWhenNoRows && result.rows.length === 0) {
    body = (
      <Flex align="center" justify="center" style={{ height: '100%' }}>
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboards.noData')} />
      </Flex>
    );
  } else {
    body = (
      <WidgetBody
        result={result}
        ctx={ctx}
        phone={phone}
        {...(clickable ? { onPick: (i: number) => void pick(i) } : {})}
      />
    );
  }

  const path = drill.map((value, i) => {
    const level = i === 0 ? widget.dimensions?.[0] : widget.drilldown?.[i - 1];
    const column = { key: level?.field ?? '', type: 'dimension' as const, field: level?.field ?? '' };
    return dimensionText(column, value, ctx);
  });
  const scrolls = widget.type === 'table' || widget.type === 'pivot' || widget.type === 'ranking';
  return (
    <Card
      size="small"
      data-testid={`widget-${widget.key}`}
      data-state={query.status}
      title={
        <span title={ctx.widgetTitle} style={{ whiteSpace: 'normal' }}>
          {ctx.widgetTitle}
        </span>
      }
      extra={
        <Flex gap={4}>
          {actions.exportData && (
            <Tooltip title={t('dashboards.export')}>
              <Button
                type="text"
                size="small"
                icon={<DownloadOutlined />}
                loading={busy}
                onClick={() => void download()}
                aria-label={t('dashboards.exportOf', { title: ctx.widgetTitle })}
                data-testid="widget-export"
              />
            </Tooltip>
          )}
        </Flex>
      }
      style={{
        height: phone ? (scrolls || widget.type === 'kpi' ? 'auto' : PHONE_CHART_HEIGHT) : height,
        display: 'flex',
        flexDirection: 'column',
        minWidth: 0,
      }}
      styles={{
        body: {
          flex: 1,
          minHeight: 0,
          overflow: scrolls && !phone ? 'auto' : 'hidden',
          display: 'flex',
          flexDirection: 'column',
        },
      }}
    >
      {drill.length > 0 && (
        <Flex align="center" gap={8} style={{ marginBottom: 8 }}>
          <Button
            size="small"
            icon={<RollbackOutlined />}
            onClick={() => setDrill(drill.slice(0, -1))}
            data-testid="drill-up"
          >
            {t('dashboards.drillUp')}
          </Button>
          <Breadcrumb
            items={[
              {
                title: (
                  <Button
                    type="link"
                    size="small"
                    style={{ padding: 0, height: 'auto' }}
                    onClick={() => setDrill([])}
                  >
                    {t('dashboards.drillAll')}
                  </Button>
                ),
              },
              ...path.map((title) => ({ title })),
            ]}
          />
        </Flex>
      )}
      <div style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>{body}</div>
    </Card>
  );
}
