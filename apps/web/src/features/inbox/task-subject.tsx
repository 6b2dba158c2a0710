import { Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { appsApi } from '../../api/apps';
import { useShared } from '../../api/shared-cache';
import type { TaskItem } from '../../api/tasks';
import { useLocalized } from '../../i18n/localized';
import { formatDateTime } from '../forms/fields/format';

/**
 * What an inbox item is about: its record's title (the list carries it, as the caller may see it) and
 * its form's name (the app's forms, read once for every item of the page); a record without a title is
 * named by its form and creation time, as everywhere else, never by its id. The task title stays when
 * the forms cannot be read.
 */
export function TaskSubject({ workspaceId, item }: { workspaceId: string; item: TaskItem }) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const forms = useShared(`app-forms:${workspaceId}:${item.app}`, () => appsApi.forms(workspaceId, item.app));
  const form = forms.value?.find((f) => f.id === item.form);
  if (forms.error) return <>{l(item.title)}</>;
  if (!form) return <Skeleton.Input active size="small" style={{ width: 160 }} />;
  const formName = l(form.name, form.key);
  const [title, aside] =
    item.recordTitle !== null
      ? [item.recordTitle, formName]
      : item.recordCreatedAt !== null
        ? [formName, formatDateTime(item.recordCreatedAt, i18n.resolvedLanguage ?? 'en')]
        : [t('fields.unavailableRecord'), formName];
  return (
    <span data-testid="task-subject">
      {title}
      <span style={{ fontWeight: 'normal', color: 'rgba(0,0,0,0.45)' }}> · {aside}</span>
    </span>
  );
}
