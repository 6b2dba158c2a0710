import { uiHintOf } from '@formloom/schema';
import { Flex, Input, InputNumber, Select, Switch, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FilterBuilder } from './filter-builder';
import { FormulaEditor } from './formula-editor';
import type { Localized } from './model/form-tree';
import {
  ClearButton,
  MapValue,
  ObjectFields,
  OptionalValue,
  TaggedValue,
  TemplateValue,
} from './schema-composites';
import { type Choice, namedIn, pointerAt, type SchemaContext } from './schema-context';
import { blankOf, enumOf, isLocalized, mapOf, parseScalar, type Schema, taggedOf } from './schema-shapes';
import { SortableList } from './sortable-list';
import { textOf } from './type-labels';

export type { Schema } from './schema-shapes';
export { blankOf } from './schema-shapes';

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

/** One labelled property with its problems underneath; `required` marks it. */
export function Property({
  label,
  errors,
  required,
  children,
}: {
  label: string;
  errors?: readonly string[];
  required?: boolean;
  children: ReactNode;
}) {
  return (
    <Flex vertical gap={2} style={{ marginBottom: 10, minWidth: 0 }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
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

/** Words of generated editors: property names and enum values, the context's vocabulary first. */
export function useSchemaWords(vocabulary?: string) {
  const { t } = useTranslation();
  const word = (kind: 'props' | 'enum', name: string) => {
    const fallback = t(`designer.${kind}.${name}`, { defaultValue: name });
    return vocabulary ? t(`${vocabulary}.${kind}.${name}`, { defaultValue: fallback }) : fallback;
  };
  return { prop: (name: string) => word('props', name), value: (v: unknown) => word('enum', String(v)) };
}

/** The props every generated editor takes. */
export interface SchemaValueProps {
  schema: Schema;
  value: unknown;
  onChange: (value: unknown) => void;
  ctx: SchemaContext;
  label: string;
  /** The objects enclosing this value, outermost first (hints read their `<prop>` from them). */
  parents?: readonly unknown[];
  /** JSON pointer of the value inside the edited document (problems are looked up by it). */
  path?: string;
  /** The value may be absent: pickers can be cleared, objects are added on request. */
  optional?: boolean;
}

function RefPicker({
  options,
  multiple,
  value,
  onChange,
  label,
}: {
  options: Choice[] | undefined;
  multiple: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
  label: string;
}) {
  const { t } = useTranslation();
  if (!options) {
    return multiple ? (
      <Select
        size="small"
        mode="tags"
        aria-label={label}
        open={false}
        value={(value as string[] | undefined) ?? []}
        onChange={(v: string[]) => onChange(v.length > 0 ? v : undefined)}
      />
    ) : (
      <Input
        size="small"
        aria-label={label}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
    );
  }
  return (
    <Select
      size="small"
      aria-label={label}
      allowClear
      showSearch
      optionFilterProp="label"
      style={{ width: '100%' }}
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

/** The candidates of a reference hint, or undefined when they cannot be listed (typed in instead). */
function refChoices(schema: Schema, ctx: SchemaContext, parents: readonly unknown[]): Choice[] | undefined {
  const hint = uiHintOf(schema);
  if (!hint || !('ref' in hint)) return undefined;
  const named = namedIn(parents);
  if (hint.ref === 'form')
    return ctx.forms.map((f) => ({ value: f.key, label: `${textOf(f.name, ctx.language)} (${f.key})` }));
  if (hint.ref === 'field')
    return ctx
      .fields(hint.of, named)
      .filter((f) => !hint.types || hint.types.includes(f.type))
      .map((f) => ({ value: f.key, label: `${textOf(f.label, ctx.language) || f.key} (${f.key})` }));
  if (hint.ref === 'option') return ctx.options(hint.of, named);
  return ctx.choices?.(hint.ref);
}

/**
 * An editor generated from a JSON Schema and its `x-ui` hint: references become pickers of forms, fields,
 * options, roles, members or flows; formulas get the formula editor, templates their placeholders, filters
 * the filter builder; enums, booleans, numbers, texts, localized texts, lists (sortable), maps, objects and
 * tagged unions follow from the schema alone. A new field type or automation action needs no code here.
 */
export function SchemaValue(props: SchemaValueProps): ReactNode {
  const { schema, value, onChange, ctx, label, parents = [], path = '', optional = false } = props;
  const { t } = useTranslation();
  const words = useSchemaWords(ctx.vocabulary);
  const hint = uiHintOf(schema);
  const named = namedIn(parents);
  if (hint && 'widget' in hint) {
    if (hint.widget === 'none') return null;
    if (hint.widget === 'formula') {
      const scope = ctx.formulaScope(hint.of, named);
      return (
        <FormulaEditor
          value={typeof value === 'string' ? value : ''}
          onChange={(v) => onChange(v === '' ? undefined : v)}
          fields={scope.fields}
          labels={scope.labels}
          label={label}
          testId={`formula-${label}`}
          compact={ctx.compactFormulas === true}
        />
      );
    }
    if (hint.widget === 'template') return <TemplateValue {...props} />;
    return (
      <FilterBuilder
        value={value}
        onChange={onChange}
        fields={ctx.fields(hint.of, named)}
        ownFields={ctx.ownFields(named)}
        label={label}
      />
    );
  }
  if (hint && 'ref' in hint) {
    return (
      <RefPicker
        options={refChoices(schema, ctx, parents)}
        multiple={hint.ref === 'option'}
        value={value}
        onChange={onChange}
        label={label}
      />
    );
  }
  if (isLocalized(schema)) {
    return <LocalizedInput value={value as Localized | undefined} onChange={onChange} label={label} />;
  }
  if (taggedOf(schema)) return <TaggedValue {...props} />;
  const choices = enumOf(schema);
  if (choices) {
    return (
      <Select
        size="small"
        aria-label={label}
        allowClear={optional}
        style={{ width: '100%' }}
        value={(value as string | undefined) ?? null}
        onChange={(v) => onChange(v ?? undefined)}
        options={choices.map((c) => ({ value: c as string, label: words.value(c) }))}
      />
    );
  }
  if (schema.type === 'boolean') {
    return (
      <Switch
        size="small"
        aria-label={label}
        checked={value === true}
        onChange={(v) => onChange(v ? true : optional ? undefined : false)}
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
    const itemHint = uiHintOf(itemSchema);
    // Lists of references are one multiple picker; lists of plain texts or numbers are typed as tags.
    if (itemHint && 'ref' in itemHint) {
      return (
        <RefPicker
          options={refChoices(itemSchema, ctx, parents)}
          multiple
          value={items}
          onChange={onChange}
          label={label}
        />
      );
    }
    const numeric = itemSchema.type === 'number' || itemSchema.type === 'integer';
    if ((itemSchema.type === 'string' && !itemHint) || numeric) {
      return (
        <Select
          size="small"
          mode="tags"
          aria-label={label}
          value={items.map(String)}
          onChange={(v: string[]) => {
            const next = numeric ? v.map(Number).filter((n) => Number.isFinite(n)) : v;
            onChange(next.length > 0 ? next : undefined);
          }}
          open={false}
        />
      );
    }
    return (
      <SortableList
        items={items}
        onChange={(next) => onChange(next.length === 0 && optional ? undefined : next)}
        addLabel={t('designer.list.add')}
        newItem={(list) => blankOf(itemSchema, list.length)}
        renderItem={(item, index, change) => (
          <SchemaValue
            schema={itemSchema}
            value={item}
            onChange={change}
            ctx={ctx}
            label={`${label} ${index + 1}`}
            parents={parents}
            path={pointerAt(path, index)}
          />
        )}
      />
    );
  }
  if (mapOf(schema)) return <MapValue {...props} />;
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
            onChange({ [v]: blankOf(schema.anyOf?.[variants.indexOf(v)]?.properties?.[v] as Schema, 0) })
          }
          options={variants.map((v) => ({ value: v, label: words.prop(v) }))}
        />
        <div style={{ flex: 1 }}>
          <SchemaValue
            schema={inner}
            value={(value as Record<string, unknown> | undefined)?.[current]}
            onChange={(v) => onChange({ [current]: v })}
            ctx={ctx}
            label={label}
            parents={parents}
            path={pointerAt(path, current)}
          />
        </div>
      </Flex>
    );
  }
  if (schema.properties) {
    if (optional && value === undefined) return <OptionalValue {...props} />;
    if (!optional) return <ObjectFields {...props} />;
    return (
      <Flex gap={4} align="flex-start">
        <div style={{ flex: 1, minWidth: 0 }}>
          <ObjectFields {...props} />
        </div>
        <ClearButton label={label} onClear={() => onChange(undefined)} />
      </Flex>
    );
  }
  const plain = schema.type === undefined;
  return (
    <Input
      size="small"
      aria-label={label}
      value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
      // A value of any type (a trigger's `to`) reads numbers and true/false as such.
      onChange={(e) =>
        onChange(e.target.value === '' ? undefined : plain ? parseScalar(e.target.value) : e.target.value)
      }
    />
  );
}
