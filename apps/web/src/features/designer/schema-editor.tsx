import { uiHintOf } from '@formloom/schema';
import { Flex, Input, InputNumber, Select, Switch, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type EditorContext,
  fieldCandidates,
  formulaScope,
  optionCandidates,
  scopeOf,
} from './editor-context';
import { FilterBuilder } from './filter-builder';
import { FormulaEditor } from './formula-editor';
import type { Localized } from './model/form-tree';
import { SortableList } from './sortable-list';
import { textOf } from './type-labels';

/** A JSON Schema as the editor reads it (TypeBox output: plain objects). */
export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  $ref?: string;
  [keyword: string]: unknown;
};

const TEXT_REF = '#/$defs/formloomText';

function isLocalized(schema: Schema): boolean {
  return (
    schema.$ref === TEXT_REF ||
    (schema.properties !== undefined && 'zh-CN' in schema.properties && 'en' in schema.properties)
  );
}

function enumOf(schema: Schema): unknown[] | undefined {
  if (schema.enum) return schema.enum;
  if (schema.anyOf?.every((s) => 'const' in s)) return schema.anyOf.map((s) => s.const);
  return undefined;
}

/** Localized text: one input per language. */
export function LocalizedInput({
  value,
  onChange,
  label,
  testId,
}: {
  value: Localized | undefined;
  onChange: (v: Localized | undefined) => void;
  label: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={4} data-testid={testId}>
      {(['zh-CN', 'en'] as const).map((lang) => (
        <Input
          key={lang}
          size="small"
          addonBefore={lang === 'zh-CN' ? '中' : 'EN'}
          aria-label={t('designer.props.inLanguage', {
            name: label,
            language: t(`designer.languages.${lang === 'en' ? 'en' : 'zh'}`),
          })}
          value={value?.[lang] ?? ''}
          onChange={(e) => {
            const next: Localized = { ...value, [lang]: e.target.value };
            if (!e.target.value) delete next[lang];
            onChange(Object.keys(next).length > 0 ? next : undefined);
          }}
        />
      ))}
    </Flex>
  );
}

/** One labelled property with its problems underneath. */
export function Property({
  label,
  errors,
  children,
}: {
  label: string;
  errors?: readonly string[];
  children: ReactNode;
}) {
  return (
    <Flex vertical gap={2} style={{ marginBottom: 10 }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {label}
      </Typography.Text>
      {children}
      {errors?.map((e) => (
        <Typography.Text key={e} type="danger" style={{ fontSize: 12 }} role="alert">
          {e}
        </Typography.Text>
      ))}
    </Flex>
  );
}

/**
 * An editor generated from a JSON Schema and its `x-ui` hint: references become pickers of forms, fields
 * or options, formulas get the formula editor, filters the filter builder; enums, booleans, numbers,
 * texts, localized texts, lists (sortable) and unions of one-key objects follow from the schema alone.
 */
export function SchemaValue({
  schema,
  value,
  onChange,
  ctx,
  label,
}: {
  schema: Schema;
  value: unknown;
  onChange: (value: unknown) => void;
  ctx: EditorContext;
  label: string;
}): ReactNode {
  const { t } = useTranslation();
  const hint = uiHintOf(schema);
  if (hint && 'widget' in hint) {
    if (hint.widget === 'none') return null;
    if (hint.widget === 'formula') {
      const scope = formulaScope(ctx, hint.of);
      return (
        <FormulaEditor
          value={typeof value === 'string' ? value : ''}
          onChange={(v) => onChange(v === '' ? undefined : v)}
          fields={scope.fields}
          labels={scope.labels}
          label={label}
          testId={`formula-${label}`}
        />
      );
    }
    return (
      <FilterBuilder
        value={value}
        onChange={onChange}
        fields={fieldCandidates(ctx, hint.of)}
        ownFields={scopeOf(ctx.doc, ctx.nodeId)}
        label={label}
      />
    );
  }
  if (hint && 'ref' in hint) {
    const options =
      hint.ref === 'form'
        ? ctx.forms.map((f) => ({ value: f.key, label: `${textOf(f.name, ctx.language)} (${f.key})` }))
        : hint.ref === 'field'
          ? fieldCandidates(ctx, hint.of)
              .filter((f) => !hint.types || hint.types.includes(f.type))
              .map((f) => ({ value: f.key, label: `${textOf(f.label, ctx.language) || f.key} (${f.key})` }))
          : optionCandidates(ctx, hint.of);
    const multiple = hint.ref === 'option';
    return (
      <Select
        size="small"
        aria-label={label}
        allowClear
        showSearch
        optionFilterProp="label"
        {...(multiple ? { mode: 'multiple' as const } : {})}
        value={(value as string | string[] | undefined) ?? (multiple ? [] : null)}
        onChange={(v: string | string[] | undefined) =>
          onChange(Array.isArray(v) && v.length === 0 ? undefined : (v ?? undefined))
        }
        options={options}
        notFoundContent={t('designer.props.noCandidates')}
      />
    );
  }
  if (isLocalized(schema)) {
    return <LocalizedInput value={value as Localized | undefined} onChange={onChange} label={label} />;
  }
  const choices = enumOf(schema);
  if (choices) {
    return (
      <Select
        size="small"
        aria-label={label}
        allowClear
        value={(value as string | undefined) ?? null}
        onChange={(v) => onChange(v ?? undefined)}
        options={choices.map((c) => ({
          value: c as string,
          label: t(`designer.enum.${String(c)}`, { defaultValue: String(c) }),
        }))}
      />
    );
  }
  if (schema.type === 'boolean') {
    return (
      <Switch
        size="small"
        aria-label={label}
        checked={value === true}
        onChange={(v) => onChange(v ? true : undefined)}
      />
    );
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    return (
      <InputNumber
        size="small"
        aria-label={label}
        style={{ width: '100%' }}
        value={typeof value === 'number' ? value : null}
        {...(schema.minimum === undefined ? {} : { min: schema.minimum })}
        {...(schema.maximum === undefined ? {} : { max: schema.maximum })}
        precision={schema.type === 'integer' ? 0 : (undefined as never)}
        onChange={(v) => onChange(v ?? undefined)}
      />
    );
  }
  if (schema.type === 'array' && schema.items) {
    const items = (Array.isArray(value) ? value : []) as unknown[];
    const itemSchema = schema.items;
    if (itemSchema.type === 'string' && !uiHintOf(itemSchema)) {
      return (
        <Select
          size="small"
          mode="tags"
          aria-label={label}
          value={items as string[]}
          onChange={(v: string[]) => onChange(v.length > 0 ? v : undefined)}
          open={false}
        />
      );
    }
    return (
      <SortableList
        items={items}
        onChange={(next) => onChange(next)}
        addLabel={t('designer.list.add')}
        newItem={(list) => blankOf(itemSchema, list.length)}
        renderItem={(item, index, change) => (
          <SchemaValue
            schema={itemSchema}
            value={item}
            onChange={change}
            ctx={ctx}
            label={`${label} ${index + 1}`}
          />
        )}
      />
    );
  }
  if (schema.anyOf?.every((s) => s.properties && Object.keys(s.properties).length === 1)) {
    const variants = schema.anyOf.map((s) => Object.keys(s.properties ?? {})[0] as string);
    const current =
      variants.find((v) => typeof value === 'object' && value !== null && v in value) ?? variants[0] ?? '';
    const variant = schema.anyOf[variants.indexOf(current)] as Schema;
    const inner = (variant.properties as Record<string, Schema>)[current] as Schema;
    return (
      <Flex gap={4}>
        <Select
          size="small"
          aria-label={t('designer.props.kindOf', { name: label })}
          value={current}
          style={{ width: 110 }}
          onChange={(v: string) =>
            onChange({
              [v]: blankOf(
                (variant.properties as Record<string, Schema>)[v] ??
                  (schema.anyOf?.[variants.indexOf(v)]?.properties?.[v] as Schema),
                0,
              ),
            })
          }
          options={variants.map((v) => ({ value: v, label: t(`designer.props.${v}`, { defaultValue: v }) }))}
        />
        <div style={{ flex: 1 }}>
          <SchemaValue
            schema={inner}
            value={(value as Record<string, unknown> | undefined)?.[current]}
            onChange={(v) => onChange({ [current]: v })}
            ctx={ctx}
            label={label}
          />
        </div>
      </Flex>
    );
  }
  if (schema.properties) {
    const object = (value ?? {}) as Record<string, unknown>;
    return (
      <Flex vertical gap={2}>
        {Object.entries(schema.properties).map(([name, prop]) => (
          <Property key={name} label={t(`designer.props.${name}`, { defaultValue: name })}>
            <SchemaValue
              schema={prop}
              value={object[name]}
              ctx={ctx}
              label={`${label} ${t(`designer.props.${name}`, { defaultValue: name })}`}
              onChange={(v) => {
                const next = { ...object, [name]: v };
                if (v === undefined) delete next[name];
                onChange(next);
              }}
            />
          </Property>
        ))}
      </Flex>
    );
  }
  return (
    <Input
      size="small"
      aria-label={label}
      value={typeof value === 'string' ? value : ''}
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
    />
  );
}

/** A fresh value for a list item: an object with its required properties, or an empty text. */
export function blankOf(schema: Schema | undefined, index: number): unknown {
  if (!schema) return '';
  if (schema.anyOf?.[0]) return blankOf(schema.anyOf[0], index);
  if (schema.properties) {
    const out: Record<string, unknown> = {};
    for (const name of schema.required ?? []) {
      const prop = schema.properties[name] as Schema;
      out[name] = name === 'value' ? `option${index + 1}` : blankOf(prop, index);
    }
    return out;
  }
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return false;
  return '';
}
