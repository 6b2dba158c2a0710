import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { PERIOD_NAMES } from '@formloom/schema';
import { Button, Drawer, Empty, Flex, Input, InputNumber, Segmented, Select, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition, FormDefinitionSummary } from '../../api/apps';
import type { FilterNode } from '../../api/records';
import { useIsPhone } from '../../components/use-is-phone';
import { widgetOf } from '../forms/fields/registry';
import type { FieldContext } from '../forms/fields/types';
import {
  type ConditionDraft,
  conditionId,
  type FilterDraft,
  fromFilter,
  NO_VALUE,
  operatorsFor,
  toFilter,
} from './filter-model';
import { columnLabel, kindOf } from './list-fields';

const SPECIAL_ME = '$me';
const SPECIAL_MY_DEPARTMENT = '$myDepartment';

/** The value editor of one condition: the field's own widget where it fits, periods for dates, `$me`. */
function ValueInput({
  condition,
  field,
  kind,
  ctx,
  onChange,
}: {
  condition: ConditionDraft;
  field: FieldDefinition | undefined;
  kind: ReturnType<typeof kindOf>;
  ctx: FieldContext;
  onChange: (value: unknown) => void;
}) {
  const { t } = useTranslation();
  const label = t('filters.value');
  if (NO_VALUE.has(condition.op)) return null;
  const value = condition.value;
  if (kind.kind === 'date' || kind.kind === 'datetime' || kind.kind === 'timestamp') {
    if (condition.op === 'between') {
      const pair = Array.isArray(value) ? value : ['', ''];
      return (
        <Space.Compact style={{ width: '100%' }}>
          {[0, 1].map((i) => (
            <Input
              key={i}
              type="date"
              aria-label={i === 0 ? t('filters.from') : t('filters.to')}
              value={typeof pair[i] === 'string' ? (pair[i] as string).slice(0, 10) : ''}
              onChange={(e) => onChange(i === 0 ? [e.target.value, pair[1]] : [pair[0], e.target.value])}
            />
          ))}
        </Space.Compact>
      );
    }
    const period =
      value && typeof value === 'object' && '$period' in value
        ? (value as { $period: string }).$period
        : value && typeof value === 'object' && '$today' in value
          ? 'today'
          : undefined;
    return (
      <Space.Compact style={{ width: '100%' }}>
        <Select
          aria-label={t('filters.period')}
          style={{ minWidth: 140 }}
          value={period ?? 'custom'}
          onChange={(next) => onChange(next === 'custom' ? '' : { $period: next })}
          options={[
            ...PERIOD_NAMES.map((p) => ({ value: p, label: t(`filters.periods.${p}`) })),
            { value: 'custom', label: t('filters.periods.custom') },
          ]}
        />
        {period === undefined && (
          <Input
            type="date"
            aria-label={label}
            value={typeof value === 'string' ? value.slice(0, 10) : ''}
            onChange={(e) => onChange(e.target.value)}
          />
        )}
      </Space.Compact>
    );
  }
  if (kind.kind === 'number') {
    if (condition.op === 'between') {
      const pair = Array.isArray(value) ? value : [null, null];
      return (
        <Space.Compact style={{ width: '100%' }}>
          <InputNumber
            aria-label={t('filters.from')}
            value={pair[0] as number | null}
            onChange={(v) => onChange([v, pair[1]])}
            style={{ width: '50%' }}
          />
          <InputNumber
            aria-label={t('filters.to')}
            value={pair[1] as number | null}
            onChange={(v) => onChange([pair[0], v])}
            style={{ width: '50%' }}
          />
        </Space.Compact>
      );
    }
    return (
      <InputNumber
        aria-label={label}
        value={typeof value === 'number' ? value : null}
        onChange={(v) => onChange(v)}
        style={{ width: '100%' }}
      />
    );
  }
  if (kind.kind === 'boolean') {
    return (
      <Segmented
        aria-label={label}
        value={value === false ? 'no' : 'yes'}
        onChange={(v) => onChange(v === 'yes')}
        options={[
          { value: 'yes', label: t('fields.yes') },
          { value: 'no', label: t('fields.no') },
        ]}
      />
    );
  }
  if (kind.refersTo && (condition.op === 'eq' || condition.op === 'ne')) {
    const special = kind.refersTo === 'member' ? SPECIAL_ME : SPECIAL_MY_DEPARTMENT;
    const isSpecial = value && typeof value === 'object' && special in (value as object);
    const pseudo: FieldDefinition = { key: 'v', type: kind.refersTo, label: {} };
    const { Input: Picker } = widgetOf(pseudo);
    return (
      <Flex vertical gap={4} style={{ width: '100%' }}>
        <Segmented
          value={isSpecial ? 'special' : 'pick'}
          onChange={(v) => onChange(v === 'special' ? { [special]: true } : null)}
          options={[
            {
              value: 'special',
              label: kind.refersTo === 'member' ? t('filters.me') : t('filters.myDepartment'),
            },
            { value: 'pick', label: t('filters.pick') },
          ]}
        />
        {!isSpecial && Picker && (
          <Picker
            field={pseudo}
            value={value ?? null}
            onChange={onChange}
            ctx={ctx}
            id={`filter-${condition.id}`}
            disabled={false}
            invalid={false}
            scope={{}}
            ariaLabel={label}
          />
        )}
      </Flex>
    );
  }
  const many = condition.op === 'in' || condition.op === 'nin';
  if (field && (kind.kind === 'id' || kind.kind === 'objectId')) {
    const pseudo: FieldDefinition = {
      ...field,
      ...(many || kind.multiple ? { multiple: true } : {}),
      type:
        field.type === 'select' && many
          ? 'multiselect'
          : field.type === 'radio' && many
            ? 'multiselect'
            : field.type,
      dependsOn: undefined,
    };
    const { Input: Picker } = widgetOf(pseudo);
    if (Picker) {
      return (
        <Picker
          field={pseudo}
          value={value ?? null}
          onChange={onChange}
          ctx={ctx}
          id={`filter-${condition.id}`}
          disabled={false}
          invalid={false}
          scope={{}}
          ariaLabel={label}
        />
      );
    }
  }
  return (
    <Input
      aria-label={label}
      value={typeof value === 'string' ? value : ''}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/**
 * Builds a filter of the DSL (API.md): conditions joined by all or any, each a field, an operator that
 * fits the field's kind, and a value — the field's own input, period shortcuts for dates, "me" and "my
 * department" for people fields. The server compiles it; a field hidden from the caller is not offered.
 */
export function FilterBuilder({
  open,
  onClose,
  form,
  fields,
  ctx,
  value,
  onApply,
}: {
  open: boolean;
  onClose: () => void;
  form: FormDefinitionSummary;
  fields: readonly FieldDefinition[];
  ctx: FieldContext;
  value: FilterNode | null;
  onApply: (filter: FilterNode | null) => void;
}) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const [draft, setDraft] = useState<FilterDraft>(() => fromFilter(value));
  // Opening starts from the applied filter. Not after the opening animation: a condition added meanwhile
  // (a quick click, the keyboard) was wiped when the drawer finished sliding in.
  const wasOpen = useRef(open);
  useEffect(() => {
    if (open && !wasOpen.current) setDraft(fromFilter(value));
    wasOpen.current = open;
  }, [open, value]);
  const options = [
    ...fields
      .filter((f) => kindOf(f.key, form, ctx.formByKey).kind !== 'opaque')
      .map((f) => ({ value: f.key, label: columnLabel(f.key, form, ctx.language) ?? f.key })),
    ...['_createdAt', '_updatedAt', '_owner'].map((key) => ({
      value: key,
      label: t(`records.system.${key}`),
    })),
  ];
  const update = (id: string, change: Partial<ConditionDraft>) =>
    setDraft((d) => ({ ...d, conditions: d.conditions.map((c) => (c.id === id ? { ...c, ...change } : c)) }));
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('filters.title')}
      placement={phone ? 'bottom' : 'right'}
      size={phone ? 'large' : 520}
      data-testid="filter-builder"
      footer={
        <Flex justify="space-between" gap={8}>
          <Button
            onClick={() => {
              onApply(null);
              onClose();
            }}
          >
            {t('filters.clear')}
          </Button>
          <Button
            type="primary"
            onClick={() => {
              onApply(toFilter(draft));
              onClose();
            }}
            data-testid="apply-filter"
          >
            {t('filters.apply')}
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={12}>
        {draft.conditions.length > 1 && (
          <Segmented
            value={draft.match}
            onChange={(match) => setDraft((d) => ({ ...d, match: match as 'and' | 'or' }))}
            options={[
              { value: 'and', label: t('filters.all') },
              { value: 'or', label: t('filters.any') },
            ]}
          />
        )}
        {draft.conditions.length === 0 && (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('filters.none')} />
        )}
        {draft.conditions.map((condition) => {
          const kind = kindOf(condition.field, form, ctx.formByKey);
          const field = fields.find((f) => f.key === condition.field);
          return (
            <Flex
              key={condition.id}
              vertical
              gap={6}
              style={{ padding: 12, border: '1px solid #e5e7eb', borderRadius: 8 }}
              data-testid="filter-condition"
            >
              <Flex gap={6}>
                <Select
                  aria-label={t('filters.field')}
                  style={{ flex: 1, minWidth: 0 }}
                  value={condition.field || null}
                  placeholder={t('filters.field')}
                  showSearch={{ optionFilterProp: 'label' }}
                  options={options}
                  onChange={(next: string) =>
                    update(condition.id, {
                      field: next,
                      op: operatorsFor(kindOf(next, form, ctx.formByKey))[0] ?? 'eq',
                      value: undefined,
                    })
                  }
                />
                <Button
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('filters.remove')}
                  onClick={() =>
                    setDraft((d) => ({ ...d, conditions: d.conditions.filter((c) => c.id !== condition.id) }))
                  }
                />
              </Flex>
              {condition.field && (
                <Select
                  aria-label={t('filters.operator')}
                  value={condition.op}
                  options={operatorsFor(kind).map((op) => ({ value: op, label: t(`filters.ops.${op}`) }))}
                  onChange={(op: string) =>
                    update(condition.id, { op, value: op === 'between' ? [] : undefined })
                  }
                />
              )}
              {condition.field && (
                <ValueInput
                  condition={condition}
                  field={field}
                  kind={kind}
                  ctx={ctx}
                  onChange={(next) => update(condition.id, { value: next })}
                />
              )}
            </Flex>
          );
        })}
        <Button
          icon={<PlusOutlined />}
          onClick={() =>
            setDraft((d) => ({
              ...d,
              conditions: [...d.conditions, { id: conditionId(), field: '', op: '' }],
            }))
          }
          data-testid="add-condition"
        >
          {t('filters.add')}
        </Button>
      </Flex>
    </Drawer>
  );
}
