import { Skeleton } from 'antd';
import { appsApi } from '../../api/apps';
import { useShared } from '../../api/shared-cache';
import type { TaskItem } from '../../api/tasks';
import { useLocalized } from '../../i18n/localized';

/**
 * What an inbox item is about: its record's title (the list carries it, as the caller may see it) and
 * its form's name (the app's forms, read once for every item of the page); the task title stays when the
 * forms cannot be read.
 */
export function TaskSubject({ workspaceId, item }: { workspaceId: string; item: TaskItem }) {
  const l = useLocalized();
  const forms = useShared(`app-forms:${workspaceId}:${item.app}`, () => appsApi.forms(workspaceId, item.app));
  const form = forms.value?.find((f) => f.id === item.form);
  if (forms.error) return <>{l(item.title)}</>;
  if (!form) return <Skeleton.Input active size="small" style={{ width: 160 }} />;
  return (
    <>
      {item.recordTitle ?? `#${item.record.slice(-6)}`}
      <span style={{ fontWeight: 'normal', color: 'rgba(0,0,0,0.45)' }}> · {l(form.name, form.key)}</span>
    </>
  );
}
