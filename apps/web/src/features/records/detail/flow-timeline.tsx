import { Empty, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMembers } from '../../forms/fields/directory';
import { formatDateTime } from '../../forms/fields/format';

/** The parts of a record's flow instance (packages/flow `FlowInstance`) the timeline shows. */
interface FlowView {
  status?: string;
  startedAt?: string;
  endedAt?: string | null;
  timeline?: Array<{
    at: string;
    by: string | null;
    node: string | null;
    action: string;
    comment?: string;
    to?: string | string[];
    outcome?: string;
  }>;
}

const COLORS: Record<string, string> = {
  approved: 'green',
  rejected: 'red',
  returned: 'orange',
  withdrawn: 'gray',
  inProgress: 'blue',
};

/** A record's approval flow: its state and every step of its timeline, who did what, when, and why. */
export function FlowTimeline({
  flow,
  workspaceId,
  language,
}: {
  flow: unknown;
  workspaceId: string;
  language: string;
}) {
  const { t } = useTranslation();
  const members = useMembers(workspaceId);
  const view = (flow && typeof flow === 'object' ? flow : null) as FlowView | null;
  if (!view) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('flowTimeline.none')} />;
  const name = (id: string | null) =>
    id ? (members?.get(id)?.name ?? t('fields.unknownMember')) : t('flowTimeline.system');
  const entries = view.timeline ?? [];
  return (
    <div data-testid="flow-timeline">
      {view.status && (
        <Tag color={COLORS[view.status] ?? 'default'} style={{ marginBottom: 12 }}>
          {t(`flowTimeline.status.${view.status}`, { defaultValue: view.status })}
        </Tag>
      )}
      {entries.length === 0 ? (
        <Typography.Text type="secondary">{t('flowTimeline.empty')}</Typography.Text>
      ) : (
        <Timeline
          items={entries.map((entry, i) => ({
            key: `${entry.at}-${i}`,
            color: COLORS[entry.outcome ?? entry.action] ?? 'blue',
            content: (
              <div>
                <Typography.Text strong>{name(entry.by)}</Typography.Text>{' '}
                {t(`flowTimeline.action.${entry.action}`, { defaultValue: entry.action })}
                {entry.to && (
                  <Typography.Text type="secondary">
                    {' → '}
                    {(Array.isArray(entry.to) ? entry.to : [entry.to])
                      .map((to) => members?.get(to)?.name ?? to)
                      .join(', ')}
                  </Typography.Text>
                )}
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(entry.at, language)}
                  </Typography.Text>
                </div>
                {entry.comment && (
                  <Typography.Paragraph style={{ margin: '4px 0 0' }}>“{entry.comment}”</Typography.Paragraph>
                )}
              </div>
            ),
          }))}
        />
      )}
    </div>
  );
}
