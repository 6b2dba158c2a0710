import { Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition, FormDefinitionSummary } from '../../api/apps';
import { useLocalized } from '../../i18n/localized';

type PreviewForm = Omit<FormDefinitionSummary, 'id' | 'version'>;

function FieldRows({ fields, depth }: { fields: readonly FieldDefinition[]; depth: number }) {
  const { t } = useTranslation();
  const l = useLocalized();
  return (
    <ul style={{ listStyle: 'none', margin: 0, paddingInlineStart: depth * 16 }}>
      {fields
        .filter((field) => !field.hidden)
        .map((field) => (
          <li key={field.key} style={{ padding: '4px 0' }}>
            <Flex gap={8} wrap align="center">
              <Typography.Text>
                {l(field.label, field.key)}
                {field.required && <Typography.Text type="danger"> *</Typography.Text>}
              </Typography.Text>
              <Tag bordered={false}>{t(`fieldTypes.${field.type}`, { defaultValue: field.type })}</Tag>
            </Flex>
            {field.columns && <FieldRows fields={field.columns} depth={depth + 1} />}
          </li>
        ))}
    </ul>
  );
}

/** A form of a template pack as its fields, types and required marks, before anyone imports it. */
export function FormPreview({ form }: { form: PreviewForm; forms?: readonly PreviewForm[] }) {
  return (
    <div data-testid="form-preview">
      <FieldRows fields={form.fields} depth={0} />
    </div>
  );
}
