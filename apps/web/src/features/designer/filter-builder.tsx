import { FILTER_OPS } from '@formloom/schema';
import { Flex, Input, Segmented, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldJson } from './model/form-tree';
import { SortableList } from './sortable-list';
import { textOf, useLanguage } from './type-labels';

type Operand = string | number | boolean | null | { $field: string };
interface Condition {
  field: string;
  op: string;
  value?: Operand | Operand[];
}
type Group = { and: Condition[] } | { or: Condition[] };

function isFlat(value: unknown): value is Group {
  if (typeof value !== 'object' || value === null) return false;
  const list = (value as { and?: unknown; or?: unknown }).and ?? (value as { or?: unknown }).or;
  return Array.isArray(list) && list.every((c) => typeof c === 'object' && c !== null && 'field' in c);
}

function parseOperand(text: string): Operand {
  if (text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

const NO_VALUE = new Set(['empty', 'notEmpty']);

/**
 * The filter builder (filter DSL) for rollup conditions and the like: one group of conditions joined by
 * AND or OR; a value is a constant or a field of the record being edited (`{ $field }`). A nested filter
 * made elsewhere is shown as JSON rather than flattened.
 */
export function FilterBuilder({
  value,
  onChange,
  fields,
  ownFields,
  label,
}: {
  value: unknown;
  onChange: (value: unknown) => void;
  /** Fields the conditions test (of the source form). */
  fields: readonly FieldJson[];
  /** Fields of the record being edited, for `{ $field }` values. */
  ownFields: readonly FieldJson[];
  label: string;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  if (value !== undefined && !isFlat(value)) {
    return (
      <Input.TextArea
        aria-label={label}
        value={JSON.stringify(value, null, 2)}
        autoSize
        onChange={(e) => {
          try {
            onChange(JSON.parse(e.target.value));
          } catch {
            /* keep typing */
          }
        }}
      />
    );
  }
  const join: 'and' | 'or' = value && 'or' in value ? 'or' : 'and';
  const list: Condition[] = value ? ((value as Record<string, Condition[]>)[join] ?? []) : [];
  const write = (next: Condition[], j = join) => onChange(next.length === 0 ? undefined : { [j]: next });
  return (
    <Flex vertical gap={6} aria-label={label} role="group">
      <Segmented
        size="small"
        value={join}
        onChange={(j) => write(list, j as 'and' | 'or')}
        options={[
          { value: 'and', label: t('designer.filter.all') },
          { value: 'or', label: t('designer.filter.any') },
        ]}
      />
      <SortableList
        items={list}
        onChange={(next) => write(next)}
        addLabel={t('designer.filter.add')}
        newItem={() => ({ field: fields[0]?.key ?? '', op: 'eq', value: '' })}
        renderItem={(c, i, change) => {
          const byField = typeof c.value === 'object' && c.value !== null && !Array.isArray(c.value);
          return (
            <Flex vertical gap={4}>
              <Flex gap={4} wrap>
                <Select
                  size="small"
                  aria-label={t('designer.filter.field', { n: i + 1 })}
                  value={c.field || null}
                  style={{ minWidth: 120, flex: 1 }}
                  onChange={(field: string) => change({ ...c, field })}
                  options={fields.map((f) => ({ value: f.key, label: textOf(f.label, language) || f.key }))}
                />
                <Select
                  size="small"
                  aria-label={t('designer.filter.op', { n: i + 1 })}
                  value={c.op}
                  style={{ width: 110 }}
                  onChange={(op) => change(NO_VALUE.has(op) ? { field: c.field, op } : { ...c, op })}
                  options={FILTER_OPS.map((op) => ({
                    value: op,
                    label: t(`designer.filter.ops.${op}`, { defaultValue: op }),
                  }))}
                />
              </Flex>
              {!NO_VALUE.has(c.op) && (
                <Flex gap={4} wrap>
                  <Segmented
                    size="small"
                    value={byField ? 'field' : 'value'}
                    onChange={(mode) =>
                      change({ ...c, value: mode === 'field' ? { $field: ownFields[0]?.key ?? '' } : '' })
                    }
                    options={[
                      { value: 'value', label: t('designer.filter.constant') },
                      { value: 'field', label: t('designer.filter.ownField') },
                    ]}
                  />
                  {byField ? (
                    <Select
                      size="small"
                      aria-label={t('designer.filter.value', { n: i + 1 })}
                      style={{ minWidth: 120, flex: 1 }}
                      value={(c.value as { $field: string }).$field || null}
                      onChange={(key: string) => change({ ...c, value: { $field: key } })}
                      options={ownFields.map((f) => ({
                        value: f.key,
                        label: textOf(f.label, language) || f.key,
                      }))}
                    />
                  ) : (
                    <Input
                      size="small"
                      aria-label={t('designer.filter.value', { n: i + 1 })}
                      style={{ flex: 1, minWidth: 100 }}
                      value={Array.isArray(c.value) ? c.value.join(', ') : String(c.value ?? '')}
                      onChange={(e) => {
                        const text = e.target.value;
                        const many = c.op === 'in' || c.op === 'nin' || c.op === 'between';
                        change({
                          ...c,
                          value: many
                            ? text.split(',').map((p) => parseOperand(p.trim()))
                            : parseOperand(text),
                        });
                      }}
                    />
                  )}
                </Flex>
              )}
            </Flex>
          );
        }}
      />
      {list.length === 0 && <Typography.Text type="secondary">{t('designer.filter.none')}</Typography.Text>}
    </Flex>
  );
}
