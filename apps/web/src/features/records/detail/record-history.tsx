import { Empty, Flex, Skeleton, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FormDefinitionSummary } from '../../../api/apps';
import { recordExtrasApi } from '../../../api/records';
import { useApiQuery } from '../../../api/use-api-query';
import { ErrorState } from '../../../components/status-states';
import { localized } from '../../../i18n/localized';
import { useMembers } from '../../forms/fields/directory';
import { formatDateTime } from '../../forms/fields/format';
import { widgetOf } from '../../forms/fields/registry';
import type { FieldContext } from '../../forms/fields/types';

function Value({
  form,
  fieldKey,
  value,
  ctx,
}: {
  form: FormDefinitionSummary;
  fieldKey: string;
  value: unknown;
  ctx: FieldContext;
}) {
  const { t } = useTranslation();
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    return <Typography.Text type="secondary">{t('history.empty')}</Typography.Text>;
  }
  const field = form.fields.find((f) => f.key === fieldKey);
  if (!field) return <span>{JSON.stringify(value)}</span>;
  const { Display } = widgetOf(field);
  return <Display field={field} value={value} ctx={ctx} compact />;
}

/** A record's history: each version, who made it and when, with every field's old and new value. */
export function RecordHistory({
  form,
  recordId,
  ctx,
  version,
}: {
  form: FormDefinitionSummary;
  recordId: string;
  ctx: FieldContext;
  version: number;
}) {
  const { t } = useTranslation();
  const members = useMembers(ctx.workspaceId);
  const history = useApiQuery(
    (signal) => recordExtrasApi.history(ctx.workspaceId, form.id, recordId, signal),
    [ctx.workspaceId, form.id, recordId, version],
  );
  if (history.status === 'error')
    return <ErrorState title={t('history.loadFailed')} error={history.error} onRetry={history.retry} />;
  if (history.status === 'loading' && !history.previous) return <Skeleton active />;
  const entries = [...(history.status === 'success' ? history.data : (history.previous ?? []))].reverse();
  if (entries.length === 0) return <Empty description={t('history.none')} />;
  return (
    <Timeline
      data-testid="record-history"
      items={entries.map((entry) => ({
        key: `${entry.v}-${entry.at}`,
        content: (
          <Flex vertical gap={4}>
            <span>
              <Typography.Text strong>
                {entry.by
                  ? (members?.get(entry.by)?.name ?? t('fields.unknownMember'))
                  : t('flowTimeline.system')}
              </Typography.Text>{' '}
              {t(`history.action.${entry.action}`, { defaultValue: entry.action })}{' '}
              <Tag bordered={false}>v{entry.v}</Tag>
            </span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(entry.at, ctx.language)}
            </Typography.Text>
            {entry.changes.length > 0 && (
              <table style={{ borderCollapse: 'collapse', width: '100%' }} data-testid="history-diff">
                <tbody>
                  {entry.changes.map((change) => {
                    const field = form.fields.find((f) => f.key === change.key);
                    return (
                      <tr key={change.key} style={{ borderTop: '1px solid #f0f0f0' }}>
                        <th
                          scope="row"
                          style={{
                            textAlign: 'start',
                            fontWeight: 500,
                            padding: '4px 8px 4px 0',
                            verticalAlign: 'top',
                            whiteSpace: 'nowrap',
                          }}
                        >
                          {field ? localized(field.label as never, ctx.language) || field.key : change.key}
                        </th>
                        <td
                          style={{
                            padding: 4,
                            textDecoration: 'line-through',
                            color: '#94a3b8',
                            verticalAlign: 'top',
                          }}
                          aria-label={t('history.before')}
                        >
                          <Value form={form} fieldKey={change.key} value={change.from} ctx={ctx} />
                        </td>
                        <td style={{ padding: 4, verticalAlign: 'top' }} aria-label={t('history.after')}>
                          <Value form={form} fieldKey={change.key} value={change.to} ctx={ctx} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </Flex>
        ),
      }))}
    />
  );
}
