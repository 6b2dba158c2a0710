import { Radio, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldJson } from '../designer/model/form-tree';
import { textOf, useLanguage } from '../designer/type-labels';

/** How a field shows at a step. */
const ACCESS = ['hidden', 'readOnly', 'editable'] as const;

interface Entry {
  field: string;
  access: string;
}

/**
 * Per-node field permissions as a grid: one row per field of the form, one column per access (hidden,
 * read-only, editable). Fields left read-only (the default) are not stored.
 */
export function FieldAccessGrid({
  fields,
  value,
  onChange,
}: {
  fields: readonly FieldJson[];
  value: readonly Entry[];
  onChange: (next: Entry[]) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const of = new Map(value.map((e) => [e.field, e.access]));
  if (fields.length === 0) return <Typography.Text type="secondary">{t('flows.noFields')}</Typography.Text>;
  const set = (field: string, access: string) => {
    const next = new Map(of);
    if (access === 'readOnly') next.delete(field);
    else next.set(field, access);
    onChange(
      fields.flatMap((f) => (next.has(f.key) ? [{ field: f.key, access: next.get(f.key) as string }] : [])),
    );
  };
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="key"
      data-testid="field-access"
      scroll={{ x: 'max-content' }}
      dataSource={fields.map((f) => ({ key: f.key, label: textOf(f.label, language) || f.key }))}
      columns={[
        { title: t('flows.field'), dataIndex: 'label', ellipsis: true },
        {
          title: ACCESS.map((a) => t(`flows.access.${a}`)).join(' / '),
          key: 'access',
          render: (_: unknown, row: { key: string; label: string }) => (
            <Radio.Group
              size="small"
              aria-label={t('flows.accessOf', { field: row.label })}
              value={of.get(row.key) ?? 'readOnly'}
              onChange={(e) => set(row.key, e.target.value)}
              optionType="button"
              options={ACCESS.map((a) => ({
                value: a,
                label: t(`flows.accessShort.${a}`),
                title: t(`flows.access.${a}`),
              }))}
            />
          ),
        },
      ]}
    />
  );
}
