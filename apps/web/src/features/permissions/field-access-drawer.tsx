import { Drawer, Empty, Radio, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { FormFieldSummary, FormSummary } from '../../api/endpoints';
import { localized } from '../../i18n/localized';
import { fieldLabel, hiddenByRole, inputsOfForms } from './derived-fields';
import type { CellDraft, RoleDraft } from './matrix-model';

type Access = 'default' | 'hidden' | 'readOnly' | 'visible';

interface FieldRow {
  ref: string;
  label: string;
}

export { localized };

/** Every field a role can restrict: top-level fields and, as `subform.column`, subform columns. */
export function restrictableFields(form: FormSummary | undefined, language: string): FieldRow[] {
  const rows: FieldRow[] = [];
  const walk = (fields: readonly FormFieldSummary[], prefix: string, parent: string) => {
    for (const field of fields) {
      const label = localized(field.label, language) || field.key;
      rows.push({ ref: `${prefix}${field.key}`, label: parent ? `${parent} › ${label}` : label });
      if (!prefix && field.columns) walk(field.columns, `${field.key}.`, label);
    }
  };
  walk(form?.fields ?? [], '', '');
  return rows;
}

/**
 * Field-level access of one role on one form: each field visible, hidden or read-only. A field made of
 * values the role does not see is hidden with them, which the drawer says ("hidden because it uses …"),
 * and such derived fields can be shown anyway (declassified).
 */
export function FieldAccessDrawer({
  open,
  title,
  form,
  forms,
  role,
  cell,
  onChange,
  onClose,
}: {
  open: boolean;
  title: string;
  form: FormSummary | undefined;
  /** Every published form of the app: lookups and rollups read other forms' fields. */
  forms: readonly FormSummary[];
  /** The role as edited (its other cells decide what lookups of other forms show). */
  role: RoleDraft | undefined;
  cell: CellDraft | undefined;
  onChange: (fields: CellDraft['fields']) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const current = cell?.fields ?? [];
  const rows = restrictableFields(form, language);
  const inputs = useMemo(() => inputsOfForms(forms), [forms]);
  const derived = form ? inputs.get(form.key) : undefined;
  const hidden = form ? hiddenByRole(role, form.key, inputs) : new Map();
  const because = (ref: string): string | undefined => {
    const why = hidden.get(ref);
    if (!why || 'listed' in why || !form) return undefined;
    const name = fieldLabel(forms, why.form ?? form.key, why.from, (label) => localized(label, language));
    const other = why.form && why.form !== form.key ? forms.find((f) => f.key === why.form) : undefined;
    const field = other ? `${localized(other.name, language) || other.key} › ${name}` : name;
    return t('permissions.hiddenBecause', { field });
  };
  // Restrictions on fields the form no longer shows stay listed, so they can be removed.
  for (const entry of current) {
    if (!rows.some((r) => r.ref === entry.field)) rows.push({ ref: entry.field, label: entry.field });
  }
  const accessOf = (ref: string): Access => current.find((f) => f.field === ref)?.access ?? 'default';
  const set = (ref: string, access: Access) => {
    const others = current.filter((f) => f.field !== ref);
    onChange(access === 'default' ? others : [...others, { field: ref, access }]);
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={title}
      size="large"
      destroyOnHidden
      data-testid="field-drawer"
    >
      <Typography.Paragraph type="secondary">{t('permissions.fieldAccessHelp')}</Typography.Paragraph>
      <Table<FieldRow>
        rowKey="ref"
        size="small"
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: <Empty description={t('permissions.noFields')} /> }}
        columns={[
          {
            title: t('permissions.field'),
            key: 'label',
            render: (_v, row) => {
              const reason = accessOf(row.ref) === 'visible' ? undefined : because(row.ref);
              return (
                <>
                  {row.label} <Typography.Text type="secondary">({row.ref})</Typography.Text>
                  {reason && (
                    <div>
                      <Typography.Text type="warning" data-testid={`inherited-${row.ref}`}>
                        {reason}
                      </Typography.Text>
                    </div>
                  )}
                </>
              );
            },
          },
          {
            title: t('permissions.access'),
            key: 'access',
            render: (_v, row) => (
              <Radio.Group
                size="small"
                optionType="button"
                aria-label={`${row.label} · ${t('permissions.access')}`}
                value={accessOf(row.ref)}
                onChange={(e) => set(row.ref, e.target.value as Access)}
                options={[
                  { value: 'default', label: t('permissions.fieldDefault') },
                  { value: 'readOnly', label: t('permissions.fieldReadOnly') },
                  { value: 'hidden', label: t('permissions.fieldHidden') },
                  // Only values made of others can be declassified (the server refuses it elsewhere).
                  ...(derived?.has(row.ref) || accessOf(row.ref) === 'visible'
                    ? [{ value: 'visible', label: t('permissions.fieldVisible') }]
                    : []),
                ]}
              />
            ),
          },
        ]}
      />
    </Drawer>
  );
}
