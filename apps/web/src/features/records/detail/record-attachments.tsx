import { Empty, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition, FormDefinitionSummary } from '../../../api/apps';
import { localized } from '../../../i18n/localized';
import { refsOf } from '../../forms/fields/file-widgets';
import { widgetOf } from '../../forms/fields/registry';
import type { FieldContext } from '../../forms/fields/types';

const FILE_TYPES = new Set(['attachment', 'image', 'signature']);

/** Every file of a record in one place: its file fields, and file columns of its subform rows. */
export function RecordAttachments({
  form,
  fields,
  data,
  ctx,
}: {
  form: FormDefinitionSummary;
  fields: readonly FieldDefinition[];
  data: Record<string, unknown>;
  ctx: FieldContext;
}) {
  const { t } = useTranslation();
  const groups: Array<{
    key: string;
    label: string;
    field: FieldDefinition;
    value: unknown;
    subform?: string;
  }> = [];
  for (const field of fields) {
    const label = localized(field.label as never, ctx.language) || field.key;
    if (FILE_TYPES.has(field.type) && refsOf(data[field.key]).length > 0)
      groups.push({ key: field.key, label, field, value: data[field.key] });
    if (field.type === 'subform' && Array.isArray(data[field.key])) {
      for (const column of (field.columns ?? []).filter((c) => FILE_TYPES.has(c.type))) {
        (data[field.key] as Array<Record<string, unknown>>).forEach((row, i) => {
          if (refsOf(row[column.key]).length > 0) {
            groups.push({
              key: `${field.key}.${i}.${column.key}`,
              label: `${label} · ${t('fields.rowTitle', { row: i + 1 })} · ${localized(column.label as never, ctx.language) || column.key}`,
              field: column,
              value: row[column.key],
              subform: field.key,
            });
          }
        });
      }
    }
  }
  if (groups.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('records.noFiles')} />;
  return (
    <Flex vertical gap={16} data-testid="record-attachments">
      {groups.map((group) => {
        const { Display } = widgetOf(group.field);
        return (
          <div key={group.key}>
            <Typography.Text type="secondary">{group.label}</Typography.Text>
            <div style={{ marginTop: 4 }}>
              <Display
                field={group.field}
                value={group.value}
                ctx={{ ...ctx, form, ...(group.subform ? { subform: group.subform } : {}) }}
              />
            </div>
          </div>
        );
      })}
    </Flex>
  );
}
