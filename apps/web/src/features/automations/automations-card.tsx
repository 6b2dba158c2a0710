import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, List, Skeleton, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { ErrorState } from '../../components/status-states';
import { textOf, useLanguage } from '../designer/type-labels';
import { automationApi, type StoredAutomation } from './automation-api';

/** One line saying what starts an automation: the trigger's kind and its form or schedule. */
function triggerSummary(
  a: StoredAutomation,
  kindLabel: (type: string) => string,
  formName: (key: string) => string,
) {
  const trigger = a.definition.trigger;
  const kind = kindLabel(trigger.type);
  if (trigger.form) return `${kind} · ${formName(trigger.form)}`;
  if (typeof trigger.cron === 'string') return `${kind} · ${trigger.cron}`;
  return kind;
}

/** The app builder's list of automations: what starts each, an on/off switch, and a way to a new one. */
export function AutomationsCard({
  workspace,
  appId,
  formName,
}: {
  workspace: string;
  appId: string;
  formName: (key: string) => string;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { message } = useFeedback();
  const [switching, setSwitching] = useState<string | null>(null);
  const query = useApiQuery((signal) => automationApi.list(workspace, appId, signal), [workspace, appId]);
  const toggle = async (a: StoredAutomation, enabled: boolean) => {
    setSwitching(a.id);
    try {
      await automationApi.setEnabled(workspace, a.id, enabled);
      query.retry();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      message.error(error.message);
    } finally {
      setSwitching(null);
    }
  };
  return (
    <Card
      title={t('automations.title')}
      data-testid="automations-card"
      extra={
        <Link to={`/build/${appId}/automations/new`}>
          <Button icon={<PlusOutlined />} data-testid="new-automation">
            {t('automations.new')}
          </Button>
        </Link>
      }
    >
      {query.status === 'error' ? (
        <ErrorState title={t('automations.listFailed')} error={query.error} onRetry={query.retry} />
      ) : query.status === 'loading' && !query.previous ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (
        <List
          dataSource={query.status === 'success' ? query.data : (query.previous ?? [])}
          locale={{ emptyText: <Empty description={t('automations.empty')} /> }}
          renderItem={(a) => (
            <List.Item
              actions={[
                <Switch
                  key="on"
                  size="small"
                  checked={a.enabled}
                  loading={switching === a.id}
                  aria-label={t('automations.enabledOf', { name: textOf(a.definition.name, language) })}
                  onChange={(v) => void toggle(a, v)}
                />,
                <Link key="edit" to={`/build/${appId}/automations/${a.id}`}>
                  {t('automations.edit')}
                </Link>,
              ]}
            >
              <List.Item.Meta
                title={textOf(a.definition.name, language) || a.key}
                description={
                  <Typography.Text type="secondary">
                    {triggerSummary(
                      a,
                      (type) => t(`automations.enum.${type}`, { defaultValue: type }),
                      formName,
                    )}
                  </Typography.Text>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
