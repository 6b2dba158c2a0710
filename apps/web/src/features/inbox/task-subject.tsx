import { Skeleton } from 'antd';
import { appsApi } from '../../api/apps';
import type { RecordView } from '../../api/records';
import { useShared } from '../../api/shared-cache';
import { type TaskItem, tasksApi } from '../../api/tasks';
import { useLocalized } from '../../i18n/localized';
import { recordTitle } from '../records/list-fields';

/**
 * What an inbox item is about: the record's title and its form's name. A list item names only its flow
 * and step, so each one reads its task (the record as the step shows it) and the app's forms, both cached
 * for every item of the page; the task title stays when either cannot be read.
 */
export function TaskSubject({ workspaceId, item }: { workspaceId: string; item: TaskItem }) {
  const l = useLocalized();
  const detail = useShared(`task:${item.id}:${item.v}`, () => tasksApi.get(workspaceId, item.id), 300_000);
  const forms = useShared(`app-forms:${workspaceId}:${item.app}`, () => appsApi.forms(workspaceId, item.app));
  const form = forms.value?.find((f) => f.id === item.form);
  if (detail.error || forms.error) return <>{l(item.title)}</>;
  if (!detail.value || !form) return <Skeleton.Input active size="small" style={{ width: 160 }} />;
  return (
    <>
      {recordTitle({ id: detail.value.record.id, data: detail.value.record.data } as RecordView, form)}
      <span style={{ fontWeight: 'normal', color: 'rgba(0,0,0,0.45)' }}> · {l(form.name, form.key)}</span>
    </>
  );
}
