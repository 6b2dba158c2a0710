import type { DashboardFilter } from '@formloom/schema';
import type { FieldDefinition, FormDefinitionSummary } from '../../api/apps';
import type { LocalizedText } from '../../i18n/localized';
import type { Dashboard } from './dashboards-api';

/** The field a select control filters on, in the first widget form that has it (for its options). */
export function selectField(
  control: DashboardFilter,
  dashboard: Dashboard,
  formByKey: (key: string) => FormDefinitionSummary | undefined,
): FieldDefinition | undefined {
  for (const widget of dashboard.widgets) {
    const key = control.fields?.find((f) => f.form === widget.source.form)?.field ?? control.field;
    const field = formByKey(widget.source.form)?.fields.find((f) => f.key === key);
    if (field) return field;
  }
  return undefined;
}

/**
 * What the viewer reads for a control: its own name, else its field's label (a record's own fields by
 * their names), never its key.
 */
export function controlLabel(
  control: DashboardFilter,
  dashboard: Dashboard,
  formByKey: (key: string) => FormDefinitionSummary | undefined,
  l: (text: LocalizedText | undefined | null, fallback: string) => string,
  t: (key: string) => string,
): string {
  const field = selectField(control, dashboard, formByKey);
  const fallback = field
    ? l(field.label, field.key)
    : control.field.startsWith('_')
      ? t(`dashboards.system.${control.field}`)
      : control.key;
  return l(control.label, fallback);
}
