import { Alert, Card, Drawer, Flex, Tag, Typography } from 'antd';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { appsApi, type FormDefinitionSummary } from '../../api/apps';
import type { TaskDetail } from '../../api/tasks';
import { tasksApi } from '../../api/tasks';
import { useApiQuery } from '../../api/use-api-query';
import { ErrorState, PageSkeleton } from '../../components/status-states';
import { useIsPhone } from '../../components/use-is-phone';
import { useLocalized } from '../../i18n/localized';
import type { FieldContext } from '../forms/fields/types';
import { FormRenderer } from '../forms/fill/form-renderer';
import { FormStore } from '../forms/fill/form-store';
import { useLiveForm } from '../forms/fill/use-live-form';
import { FlowTimeline } from '../records/detail/flow-timeline';
import { TaskActions } from './task-actions';

/** The record as the task's step shows it, with the form's own widgets (read-only here). */
function TaskRecord({
  detail,
  form,
  forms,
  workspaceId,
  language,
}: {
  detail: TaskDetail;
  form: FormDefinitionSummary;
  forms: readonly FormDefinitionSummary[];
  workspaceId: string;
  language: string;
}) {
  const live = useLiveForm(form, forms);
  const store = useMemo(() => new FormStore(live, detail.record.data), [live, detail.record.data]);
  const shown = new Set(detail.fields.map((f) => f.field));
  const fields = form.fields.filter((f) => shown.has(f.key));
  const ctx: FieldContext = {
    workspaceId,
    appId: detail.task.app,
    form,
    formByKey: (key) => forms.find((f) => f.key === key),
    language,
    recordId: detail.record.id,
  };
  return <FormRenderer store={store} form={form} fields={fields} ctx={ctx} modeOf={() => 'show'} />;
}

/**
 * One task in a drawer: what it asks, the record as its step shows it, the flow's timeline, and the
 * actions its assignee may take. Closing or acting brings the user back to the list.
 */
export function TaskDrawer({
  workspaceId,
  taskId,
  onClose,
  onActed,
}: {
  workspaceId: string;
  taskId: string;
  onClose(): void;
  onActed(): void;
}) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const phone = useIsPhone();
  const language = i18n.resolvedLanguage ?? 'en';
  const loaded = useApiQuery((signal) => tasksApi.get(workspaceId, taskId, signal), [workspaceId, taskId]);
  const appId = loaded.status === 'success' ? loaded.data.task.app : null;
  const forms = useApiQuery(
    (signal) => (appId ? appsApi.forms(workspaceId, appId, signal) : Promise.resolve([])),
    [workspaceId, appId],
  );

  let body: ReactNode = <PageSkeleton blocks={2} />;
  if (loaded.status === 'error')
    body = <ErrorState title={t('inbox.taskFailed')} error={loaded.error} onRetry={loaded.retry} />;
  else if (loaded.status === 'success') {
    const detail = loaded.data;
    const list = forms.status === 'success' ? forms.data : [];
    const form = list.find((f) => f.id === detail.task.form);
    body = (
      <Flex vertical gap={16} data-testid="task-detail">
        <Flex gap={8} wrap align="center">
          <Tag>{t(`inbox.kind.${detail.task.kind}`)}</Tag>
          {detail.flow && (
            <Tag color="blue" data-testid="task-flow-status">
              {t(`flowTimeline.status.${detail.flow.status}`, { defaultValue: detail.flow.status })}
            </Tag>
          )}
          {form && (
            <Link to={`/apps/${detail.task.app}/forms/${form.id}/records/${detail.record.id}`}>
              {t('inbox.openRecord', { form: l(form.name, form.key) })}
            </Link>
          )}
        </Flex>
        {detail.task.status === 'pending' ? (
          <TaskActions
            workspaceId={workspaceId}
            detail={detail}
            onActed={() => {
              onActed();
              onClose();
            }}
          />
        ) : (
          <Alert type="info" showIcon title={t('inbox.closed')} />
        )}
        <Card size="small" title={t('inbox.record')}>
          {forms.status === 'error' ? (
            <Typography.Text type="secondary">{t('inbox.formUnavailable')}</Typography.Text>
          ) : form ? (
            <TaskRecord
              detail={detail}
              form={form}
              forms={list}
              workspaceId={workspaceId}
              language={language}
            />
          ) : (
            <PageSkeleton blocks={1} />
          )}
        </Card>
        <Card size="small" title={t('flowTimeline.title')}>
          <FlowTimeline
            flow={detail.flow ? { ...detail.flow, timeline: detail.timeline } : null}
            workspaceId={workspaceId}
            language={language}
          />
        </Card>
      </Flex>
    );
  }
  const title =
    loaded.status === 'success' ? l(loaded.data.task.title, t('inbox.untitled')) : t('inbox.task');
  return (
    // Wide enough for a record's line items beside each other (a six-column table fits); never past the screen.
    <Drawer open onClose={onClose} title={title} size={phone ? '100%' : 'min(880px, 92vw)'} destroyOnHidden>
      {body}
    </Drawer>
  );
}
