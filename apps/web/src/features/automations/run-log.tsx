import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Collapse, Empty, Flex, List, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../api/use-api-query';
import { ErrorState, PageSkeleton } from '../../components/status-states';
import { useLanguage } from '../designer/type-labels';
import { type AutomationRun, automationApi, type RunEffect, type RunStatus } from './automation-api';

const STATUS_COLOR: Record<RunStatus, string> = {
  succeeded: 'green',
  failed: 'red',
  retrying: 'orange',
  skipped: 'default',
  running: 'blue',
};

/** A run's (or an action's) status as a coloured tag. */
export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status as RunStatus] ?? 'default'}>
      {t(`automations.status.${status}`, { defaultValue: status })}
    </Tag>
  );
}

const shortId = (id: string | undefined) => (id ? `#${id.slice(-6)}` : '');

/** What actions did, one line per effect, in the user's words. */
export function EffectList({
  effects,
  formName,
}: {
  effects: RunEffect[];
  formName: (key?: string) => string;
}) {
  const { t } = useTranslation();
  if (effects.length === 0)
    return <Typography.Text type="secondary">{t('automations.noEffects')}</Typography.Text>;
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="effects">
      {effects.map((e, i) => {
        const users = (e.detail?.users as unknown[] | undefined)?.length ?? 0;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: effects of one action have no identity of their own.
          <li key={i}>
            {t(`automations.effects.${e.kind}`, {
              defaultValue: e.kind,
              form: formName(e.form),
              record: shortId(e.record),
              count: users,
              status: String(e.detail?.status ?? ''),
            })}
          </li>
        );
      })}
    </ul>
  );
}

function RunBody({ run, formName }: { run: AutomationRun; formName: (key?: string) => string }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={8}>
      {run.reason && (
        <Typography.Text type="secondary">{t('automations.reason', { reason: run.reason })}</Typography.Text>
      )}
      {run.error && <Alert type="error" showIcon title={run.error.message} description={run.error.code} />}
      {run.input && (
        <Typography.Text type="secondary">
          {t('automations.inputWas')} <code>{JSON.stringify(run.input)}</code>
        </Typography.Text>
      )}
      <List
        size="small"
        dataSource={run.actions}
        locale={{ emptyText: t('automations.noActionsRan') }}
        renderItem={(a) => (
          <List.Item style={{ display: 'block' }} data-testid={`run-action-${a.index}`}>
            <Flex gap={8} wrap align="center">
              <Typography.Text strong>
                {a.index + 1}. {t(`automations.actions.${a.type}`, { defaultValue: a.type })}
              </Typography.Text>
              <StatusTag status={a.status === 'done' ? 'succeeded' : 'failed'} />
              <Typography.Text type="secondary">{t('automations.ms', { ms: a.durationMs })}</Typography.Text>
            </Flex>
            <EffectList effects={a.effects} formName={formName} />
            {a.error && (
              <Typography.Text type="danger" role="alert">
                {a.error.message}
              </Typography.Text>
            )}
          </List.Item>
        )}
      />
    </Flex>
  );
}

/**
 * The run log: newest first, each run with its trigger, status, time and duration; opened, each action's
 * effects and errors. Reloads when `refresh` changes (after a manual run) and on request.
 */
export function RunLog({
  workspace,
  automationId,
  refresh,
  formName,
}: {
  workspace: string;
  automationId: string;
  refresh: number;
  formName: (key?: string) => string;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [older, setOlder] = useState<AutomationRun[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const query = useApiQuery(
    (signal) => automationApi.runs(workspace, automationId, undefined, signal),
    [workspace, automationId, refresh],
  );
  const first =
    query.status === 'success' ? query.data : query.status === 'loading' ? query.previous : undefined;
  useEffect(() => {
    setOlder([]);
    setCursor(first?.nextCursor ?? null);
  }, [first]);
  if (query.status === 'error')
    return <ErrorState title={t('automations.runsFailed')} error={query.error} onRetry={query.retry} />;
  if (!first) return <PageSkeleton blocks={1} />;
  const runs = [...first.items, ...older];
  const when = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' });
  const more = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await automationApi.runs(workspace, automationId, cursor);
      setOlder((list) => [...list, ...page.items]);
      setCursor(page.nextCursor);
    } finally {
      setLoadingMore(false);
    }
  };
  return (
    <Flex vertical gap={8} data-testid="run-log">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Text type="secondary">{t('automations.runsHint')}</Typography.Text>
        <Button icon={<ReloadOutlined />} onClick={query.retry} loading={query.status === 'loading'}>
          {t('automations.refresh')}
        </Button>
      </Flex>
      {runs.length === 0 ? (
        <Empty description={t('automations.noRuns')} />
      ) : (
        <Collapse
          items={runs.map((run) => ({
            key: run.id,
            label: (
              <Flex gap={8} wrap align="center" data-testid="run-entry">
                <StatusTag status={run.status} />
                <Typography.Text>
                  {t(`automations.enum.${run.trigger.type}`, { defaultValue: run.trigger.type })}
                  {run.trigger.record ? ` ${shortId(run.trigger.record)}` : ''}
                </Typography.Text>
                {run.trigger.type !== 'manual' && (
                  <Typography.Text type="secondary">
                    {t(`automations.via.${run.trigger.via}`, { defaultValue: run.trigger.via })}
                  </Typography.Text>
                )}
                <Typography.Text type="secondary">{when.format(new Date(run.startedAt))}</Typography.Text>
                {run.durationMs !== null && (
                  <Typography.Text type="secondary">
                    {t('automations.ms', { ms: run.durationMs })}
                  </Typography.Text>
                )}
                {run.attempts > 1 && (
                  <Typography.Text type="secondary">
                    {t('automations.attempts', { count: run.attempts })}
                  </Typography.Text>
                )}
              </Flex>
            ),
            children: <RunBody run={run} formName={formName} />,
          }))}
        />
      )}
      {cursor && (
        <Button onClick={() => void more()} loading={loadingMore} style={{ alignSelf: 'center' }}>
          {t('automations.olderRuns')}
        </Button>
      )}
    </Flex>
  );
}
