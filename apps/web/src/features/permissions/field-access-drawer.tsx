import { Drawer, Empty, Radio, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FormFieldSummary, FormSummary } from '../../api/endpoints';
import { localized } from '../../i18n/localized';
import type { CellDraft } from './matrix-model';

type Access = 'default' | 'hidden' | 'readOnly';

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

/** Field-level access of one role on one form: each field visible, hidden or read-only. */
export function FieldAccessDrawer({
  open,
  title,
  form,
  cell,
  onChange,
  onClose,
}: {
  open: boolean;
  title: string;
  form: FormSummary | undefined;
  cell: CellDraft | undefined;
  onChange: (fields: CellDraft['fields']) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const current = cell?.fields ?? [];
  const rows = restrictableFields(form, i18n.resolvedLanguage ?? 'en');
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
            render: (_v, row) => (
              <>
                {row.label} <Typography.Text type="secondary">({row.ref})</Typography.Text>
              </>
            ),
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
                ]}
              />
            ),
          },
        ]}
      />
    </Drawer>
  );
}
