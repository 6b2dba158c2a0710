import { useTranslation } from 'react-i18next';
import { formatDateTime } from './format';
import { lazyDisplay, lazyInput } from './lazy-widget';
import type { DisplayProps, FieldWidget } from './types';

export const idsOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter(
    (v): v is string => typeof v === 'string',
  );

// Member and department chips (antd Tag) load when a form first shows such a value.
const MemberDisplay = lazyDisplay(() => import('./tag-displays').then((m) => m.MemberDisplay));
const DepartmentDisplay = lazyDisplay(() => import('./tag-displays').then((m) => m.DepartmentDisplay));

const MemberInput = lazyInput(() => import('./select-inputs').then((m) => m.MemberInput));

// The tree select loads when a form first shows a department field.
const DepartmentInput = lazyInput(() => import('./department-input').then((m) => m.DepartmentInput));

/** `system` fields: who created or owns the record, its department, when it was created or changed. */
function SystemDisplay({ field, value, ctx, compact }: DisplayProps) {
  const { t } = useTranslation();
  if (value === undefined || value === null) {
    return compact ? null : <span style={{ color: '#94a3b8' }}>{t('fields.setOnSave')}</span>;
  }
  switch (field.source) {
    case 'createdAt':
    case 'updatedAt':
      return <span>{formatDateTime(value, ctx.language)}</span>;
    case 'department':
      return <DepartmentDisplay field={field} value={value} ctx={ctx} {...(compact ? { compact } : {})} />;
    default:
      return <MemberDisplay field={field} value={value} ctx={ctx} {...(compact ? { compact } : {})} />;
  }
}

/** Widgets of the people field types and system values. */
export const peopleWidgets: Record<string, FieldWidget> = {
  MemberPicker: { Display: MemberDisplay, Input: MemberInput },
  DepartmentPicker: { Display: DepartmentDisplay, Input: DepartmentInput },
  SystemValue: { Display: SystemDisplay },
};
