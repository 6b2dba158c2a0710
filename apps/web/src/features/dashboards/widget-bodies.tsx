import { ArrowDownOutlined, ArrowUpOutlined, TrophyOutlined } from '@ant-design/icons';
import type { ReportColumn, ReportResult, ReportRow } from '@formloom/report';
import { Button, Flex, Progress, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import {
  columnLabel,
  dimensionColumns,
  dimensionText,
  kpiParts,
  measureText,
  type WidgetContext,
} from './widget-format';

/** What every widget body gets: the answer, how to read it, and what a click on row `i` does. */
export interface BodyProps {
  result: ReportResult;
  ctx: WidgetContext;
  phone: boolean;
  /** Drill into or open the records behind row `index` (absent when nothing is clickable). */
  onPick?: (index: number) => void;
}

const cellText = (column: ReportColumn, row: ReportRow, result: ReportResult, ctx: WidgetContext) =>
  column.type === 'dimension'
    ? dimensionText(column, row[column.key] ?? null, ctx)
    : measureText(column, row[column.key] ?? null, result, ctx);

/** A KPI card: the figure, its target with a progress bar, the change from last period, the other figures. */
export function KpiBody({ result, ctx, onPick }: BodyProps) {
  const row = result.rows[0] ?? {};
  const { main, target, change, others } = kpiParts(result, ctx);
  if (!main) return null;
  const value = row[main.key];
  const goal = target ? row[target.key] : null;
  const ratio = typeof value === 'number' && typeof goal === 'number' && goal > 0 ? value / goal : null;
  const delta = change ? row[change.key] : null;
  const figure = measureText(main, value ?? null, result, ctx);
  return (
    <Flex vertical gap={6} style={{ height: '100%' }} data-testid="kpi">
      <Typography.Text type="secondary">{columnLabel(main, ctx, result.columns)}</Typography.Text>
      {onPick ? (
        <Button
          type="link"
          onClick={() => onPick(0)}
          aria-label={ctx.t('dashboards.openRecords', { label: figure })}
          style={{ padding: 0, height: 'auto', fontSize: 28, fontWeight: 600, justifyContent: 'flex-start' }}
          data-testid="kpi-value"
        >
          {figure}
        </Button>
      ) : (
        <span style={{ fontSize: 28, fontWeight: 600 }} data-testid="kpi-value">
          {figure}
        </span>
      )}
      {typeof delta === 'number' && (
        <Typography.Text type={delta >= 0 ? 'success' : 'danger'} data-testid="kpi-delta">
          {delta >= 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />}{' '}
          {ctx.t('dashboards.vsPrevious', {
            change: measureText({ ...(change as ReportColumn) }, Math.abs(delta), result, ctx),
          })}
        </Typography.Text>
      )}
      {target && (
        <div data-testid="kpi-target">
          <Flex justify="space-between" wrap gap={4}>
            <Typography.Text type="secondary">
              {ctx.t('dashboards.targetOf', { value: measureText(target, goal ?? null, result, ctx) })}
            </Typography.Text>
          </Flex>
          {ratio !== null && (
            <Progress
              percent={Math.round(ratio * 1000) / 10}
              size="small"
              status={ratio >= 1 ? 'success' : 'active'}
              aria-label={ctx.t('dashboards.progress')}
            />
          )}
        </div>
      )}
      {others.length > 0 && (
        <Flex wrap gap="4px 16px">
          {others.map((c) => (
            <Typography.Text key={c.key} type="secondary" style={{ fontSize: 12 }}>
              {columnLabel(c, ctx, result.columns)}: <b>{measureText(c, row[c.key] ?? null, result, ctx)}</b>
            </Typography.Text>
          ))}
        </Flex>
      )}
    </Flex>
  );
}

/** Rows as small cards (phones): no table wider than the screen. */
function RowCards({
  result,
  ctx,
  columns,
  onPick,
  titleOf,
}: BodyProps & { columns: ReportColumn[]; titleOf: (row: ReportRow) => string }) {
  return (
    <Flex vertical gap={8} data-testid="row-cards">
      {result.rows.map((row, index) => (
        <div
          // biome-ignore lint/suspicious/noArrayIndexKey: rows of a result have no id; their order is the result's.
          key={index}
          style={{ border: '1px solid #e2e8f0', borderRadius: 8, padding: '8px 12px' }}
        >
          {onPick ? (
            <Button
              type="link"
              style={{ padding: 0, height: 'auto', fontWeight: 600 }}
              onClick={() => onPick(index)}
            >
              {titleOf(row)}
            </Button>
          ) : (
            <Typography.Text strong>{titleOf(row)}</Typography.Text>
          )}
          <Flex wrap gap="2px 16px">
            {columns.map((c) => (
              <Typography.Text key={c.key} type="secondary" style={{ fontSize: 12 }}>
                {columnLabel(c, ctx, result.columns)}: <b>{cellText(c, row, result, ctx)}</b>
              </Typography.Text>
            ))}
          </Flex>
        </div>
      ))}
    </Flex>
  );
}

function pickable(text: ReactNode, index: number, onPick: BodyProps['onPick']) {
  return onPick ? (
    <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onPick(index)}>
      {text}
    </Button>
  ) : (
    text
  );
}

/** A table of the widget's columns (dimensions then figures); cards on phones. */
export function TableBody(props: BodyProps) {
  const { result, ctx, phone, onPick } = props;
  const shown = result.columns.filter((c) => c.derivation !== 'viewer' && c.derivation !== 'forecastFlag');
  const [first] = dimensionColumns(result);
  if (phone) {
    return (
      <RowCards
        {...props}
        columns={shown.filter((c) => c !== first)}
        titleOf={(row) => (first ? cellText(first, row, result, ctx) : '')}
      />
    );
  }
  const columns: ColumnsType<ReportRow & { __i: number }> = shown.map((c, ci) => ({
    key: c.key,
    title: columnLabel(c, ctx, result.columns),
    align: c.type === 'measure' ? 'right' : 'left',
    render: (_: unknown, row) =>
      ci === 0 ? pickable(cellText(c, row, result, ctx), row.__i, onPick) : cellText(c, row, result, ctx),
  }));
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="__i"
      columns={columns}
      dataSource={result.rows.map((row, i) => ({ ...row, __i: i }))}
      data-testid="widget-table"
    />
  );
}

/** A pivot: a row per value of the first dimension, a column group per value of the second, subtotals and totals. */
export function PivotBody(props: BodyProps) {
  const { result, ctx, phone, onPick } = props;
  const pivot = (result.meta.pivot ?? { values: [], totals: {} }) as {
    values: Array<ReportRow[string]>;
    totals: Record<string, ReportRow[string]>;
  };
  const [rowDim] = dimensionColumns(result);
  const across = ctx.widget.dimensions?.[1];
  const acrossColumn: ReportColumn = {
    key: across?.field ?? '',
    type: 'dimension',
    field: across?.field ?? '',
  };
  const measureKeys = [
    ...new Set(result.columns.filter((c) => /:\d+$/.test(c.key)).map((c) => c.key.replace(/:\d+$/, ''))),
  ];
  const byKey = new Map(result.columns.map((c) => [c.key, c]));
  const label = (key: string, index: number | 'total') => {
    const base = byKey.get(`${key}:${index}`);
    const measure = base ? columnLabel(base, ctx) : key;
    const value =
      index === 'total'
        ? ctx.t('dashboards.subtotal')
        : dimensionText(acrossColumn, pivot.values[index] ?? null, ctx);
    return measureKeys.length > 1 ? `${value} · ${measure}` : value;
  };
  const cells: Array<{ key: string; title: string }> = [];
  pivot.values.forEach((_v, index) => {
    for (const key of measureKeys) cells.push({ key: `${key}:${index}`, title: label(key, index) });
  });
  for (const key of measureKeys)
    if (byKey.has(`${key}:total`)) cells.push({ key: `${key}:total`, title: label(key, 'total') });
  if (phone) {
    const columns = cells.map(
      (c): ReportColumn => ({
        ...(byKey.get(c.key) as ReportColumn),
        label: { en: c.title, 'zh-CN': c.title },
      }),
    );
    return (
      <RowCards
        {...props}
        columns={columns}
        titleOf={(row) => (rowDim ? dimensionText(rowDim, row[rowDim.key] ?? null, ctx) : '')}
      />
    );
  }
  const columns: ColumnsType<ReportRow & { __i: number }> = [
    {
      key: rowDim?.key ?? 'row',
      title: rowDim ? columnLabel(rowDim, ctx) : '',
      fixed: 'left',
      render: (_: unknown, row) =>
        pickable(rowDim ? dimensionText(rowDim, row[rowDim.key] ?? null, ctx) : '', row.__i, onPick),
    },
    ...cells.map((cell) => ({
      key: cell.key,
      title: cell.title,
      align: 'right' as const,
      render: (_: unknown, row: ReportRow) => {
        const column = byKey.get(cell.key);
        const text = column ? measureText(column, row[cell.key] ?? null, result, ctx) : '';
        return cell.key.endsWith(':total') ? <b>{text}</b> : text;
      },
    })),
  ];
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="__i"
      columns={columns}
      scroll={{ x: 'max-content' }}
      dataSource={result.rows.map((row, i) => ({ ...row, __i: i }))}
      data-testid="widget-pivot"
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0}>
            <b>{ctx.t('dashboards.total')}</b>
          </Table.Summary.Cell>
          {cells.map((cell, i) => {
            const column = byKey.get(cell.key);
            return (
              <Table.Summary.Cell key={cell.key} index={i + 1} align="right">
                <b>{column ? measureText(column, pivot.totals[cell.key] ?? null, result, ctx) : ''}</b>
              </Table.Summary.Cell>
            );
          })}
        </Table.Summary.Row>
      )}
    />
  );
}

/** A leaderboard: rank, name, a bar of the figure; the viewer's row highlighted. */
export function RankingBody({ result, ctx, onPick }: BodyProps) {
  const [dim] = dimensionColumns(result);
  const measure = result.columns.find((c) => c.type === 'measure' && !c.derived);
  const top = Math.max(
    ...result.rows.map((r) =>
      typeof r[measure?.key ?? ''] === 'number' ? (r[measure?.key ?? ''] as number) : 0,
    ),
    1,
  );
  return (
    <ol style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="ranking">
      {result.rows.map((row, index) => {
        const value = row[measure?.key ?? ''];
        const me = row.viewer === true;
        const name = dimensionText(dim, row[dim?.key ?? ''] ?? null, ctx);
        return (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: ranks can tie, rows have no other identity.
            key={index}
            data-viewer={me ? 'true' : undefined}
            style={{
              display: 'grid',
              gridTemplateColumns: '32px minmax(0, 1fr) auto',
              gap: 8,
              alignItems: 'center',
              padding: '6px 8px',
              borderRadius: 6,
              background: me ? '#eff6ff' : undefined,
              outline: me ? '1px solid #93c5fd' : undefined,
            }}
          >
            <span style={{ fontWeight: 600, color: row.rank === 1 ? '#d97706' : '#475569' }}>
              {row.rank === 1 ? <TrophyOutlined aria-hidden /> : null} {String(row.rank ?? index + 1)}
            </span>
            <div style={{ minWidth: 0 }}>
              <Flex gap={4} align="center" style={{ minWidth: 0 }}>
                <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {pickable(name, index, onPick)}
                </span>
                {me && (
                  <Tag color="blue" bordered={false}>
                    {ctx.t('dashboards.you')}
                  </Tag>
                )}
              </Flex>
              <div style={{ height: 4, background: '#e2e8f0', borderRadius: 2 }}>
                <div
                  style={{
                    height: 4,
                    borderRadius: 2,
                    background: me ? '#1d4ed8' : '#60a5fa',
                    width: `${typeof value === 'number' ? Math.max(0, (value / top) * 100) : 0}%`,
                  }}
                />
              </div>
            </div>
            <span style={{ fontVariantNumeric: 'tabular-nums' }}>
              {measure ? measureText(measure, value ?? null, result, ctx) : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
