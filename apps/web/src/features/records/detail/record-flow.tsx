import { Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import { tasksApi } from '../../../api/tasks';
import { useApiQuery } from '../../../api/use-api-query';
import { PageSkeleton } from '../../../components/status-states';
import { FlowTimeline } from './flow-timeline';

/**
 * A record's approval flow with its timeline, read from the flow route (the record itself carries only the
 * flow's state); read again whenever the record's version changes, so a decision shows up live.
 */
export function RecordFlow({
  workspaceId,
  formId,
  record,
  language,
}: {
  workspaceId: string;
  formId: string;
  record: { id: string; v: number; flow?: unknown };
  language: string;
}) {
  const { t } = useTranslation();
  const hasFlow = record.flow !== undefined && record.flow !== null;
  const loaded = useApiQuery(
    (signal) =>
      hasFlow
        ? tasksApi.recordFlow(workspaceId, formId, record.id, signal)
        : Promise.resolve({ flow: null, timeline: [] }),
    [workspaceId, formId, record.id, record.v, hasFlow],
  );
  if (!hasFlow) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('flowTimeline.none')} />;
  if (loaded.status === 'success' && loaded.data.flow)
    return (
      <FlowTimeline
        flow={{ ...loaded.data.flow, timeline: loaded.data.timeline }}
        workspaceId={workspaceId}
        language={language}
      />
    );
  // Before the answer (or if the route is refused), the state the record carries.
  if (loaded.status === 'loading' && !loaded.previous) return <PageSkeleton blocks={1} />;
  return <FlowTimeline flow={record.flow} workspaceId={workspaceId} language={language} />;
}
