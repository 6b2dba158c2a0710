import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { formatFormulaError, typeCheck } from '@formloom/formula';
import { uiHintOf } from '@formloom/schema';
import { Button, Flex, Input, Select, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { namedIn, pointerAt } from './schema-context';
import { Property, SchemaValue, type SchemaValueProps, useSchemaWords } from './schema-editor';
import { blankOf, mapOf, memberOf, taggedOf } from './schema-shapes';
import { SortableList } from './sortable-list';
import { textOf, useLanguage } from './type-labels';

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** The properties of an object, each labelled, with its problems; `skip` leaves out a tag shown elsewhere. */
export function ObjectFields({
  schema,
  value,
  onChange,
  ctx,
  label,
  parents = [],
  path = '',
  skip,
}: SchemaValueProps & { skip?: string }) {
  const words = useSchemaWords(ctx.vocabulary);
  const object = asObject(value);
  const required = new Set(schema.required ?? []);
  return (
    <Flex vertical gap={2} style={{ minWidth: 0 }}>
      {Object.entries(schema.properties ?? {}).map(([name, prop]) => {
        const hint = uiHintOf(prop);
        if (name === skip || (hint && 'widget' in hint && hint.widget === 'none')) return null;
        const childPath = pointerAt(path, name);
        return (
          <Property
            key={name}
            label={words.prop(name)}
            required={required.has(name)}
            errors={ctx.errorsAt?.(childPath) ?? []}
          >
            <SchemaValue
              schema={prop}
              value={object[name]}
              ctx={ctx}
              label={label ? `${label} ${words.prop(name)}` : words.prop(name)}
              parents={[...parents, object]}
              path={childPath}
              optional={!required.has(name)}
              onChange={(v) => {
                const next = { ...object, [name]: v };
                if (v === undefined) delete next[name];
                onChange(next);
              }}
            />
          </Property>
        );
      })}
    </Flex>
  );
}

/** An optional object not set yet: a button that sets it to a fresh value. */
export function OptionalValue({ schema, onChange, label }: SchemaValueProps) {
  const { t } = useTranslation();
  return (
    <Button
      size="small"
      type="dashed"
      icon={<PlusOutlined />}
      onClick={() => onChange(blankOf(schema, 0))}
      style={{ alignSelf: 'flex-start' }}
    >
      {t('designer.props.set', { name: label })}
    </Button>
  );
}

/**
 * A tagged union (trigger, assignee, forEach...): a picker of the tag, then the chosen member's properties.
 * Switching keeps the properties the new member also has (a trigger's form survives a change of type).
 */
export function TaggedValue(props: SchemaValueProps) {
  const { schema, value, onChange, ctx, label, optional } = props;
  const { t } = useTranslation();
  const words = useSchemaWords(ctx.vocabulary);
  const shape = taggedOf(schema);
  if (!shape) return null;
  const member = memberOf(shape, value);
  const object = asObject(value);
  const pick = (tag: string | undefined) => {
    const next = shape.members.find((m) => m.value === tag);
    if (!next) return onChange(undefined);
    const fresh = blankOf(next.schema, 0) as Record<string, unknown>;
    const kept = Object.fromEntries(
      Object.entries(object).filter(
        ([k]) => k !== shape.tag && next.schema.properties && k in next.schema.properties,
      ),
    );
    onChange({ ...fresh, ...kept, [shape.tag]: next.value });
  };
  return (
    <Flex vertical gap={4} style={{ minWidth: 0 }}>
      <Select
        size="small"
        aria-label={t('designer.props.kindOf', { name: label })}
        allowClear={optional === true}
        placeholder={t('designer.props.none')}
        value={member?.value ?? null}
        onChange={(v: string | undefined) => pick(v)}
        options={shape.members.map((m) => ({ value: m.value, label: words.value(m.value) }))}
        style={{ width: '100%' }}
      />
      {member && Object.keys(member.schema.properties ?? {}).some((k) => k !== shape.tag) && (
        <div style={{ paddingInlineStart: 8, borderInlineStart: '2px solid rgba(5,5,5,.06)' }}>
          <ObjectFields {...props} schema={member.schema} skip={shape.tag} />
        </div>
      )}
    </Flex>
  );
}

/**
 * A map (field -> formula, header -> text): one row per entry, the key picked from the `propertyNames`
 * hint's candidates or typed in, the value edited as its schema says.
 */
export function MapValue({
  schema,
  value,
  onChange,
  ctx,
  label,
  parents = [],
  path = '',
  optional,
}: SchemaValueProps) {
  const { t } = useTranslation();
  const map = mapOf(schema);
  const entries = Object.entries(asObject(value));
  const named = namedIn(parents);
  const keyHint = map?.keys ? uiHintOf(map.keys) : undefined;
  const candidates =
    keyHint && 'ref' in keyHint && keyHint.ref === 'field'
      ? ctx
          .fields(keyHint.of, named)
          .filter((f) => !keyHint.types || keyHint.types.includes(f.type))
          .map((f) => ({ value: f.key, label: `${textOf(f.label, ctx.language) || f.key} (${f.key})` }))
      : undefined;
  if (!map) return null;
  const write = (next: Array<[string, unknown]>) =>
    onChange(next.length === 0 && optional ? undefined : Object.fromEntries(next));
  const freshKey = (list: ReadonlyArray<[string, unknown]>) => {
    const used = new Set(list.map(([k]) => k));
    if (candidates) return candidates.find((c) => !used.has(c.value))?.value ?? '';
    let n = list.length + 1;
    while (used.has(`value${n}`)) n++;
    return `value${n}`;
  };
  return (
    <SortableList
      items={entries}
      onChange={write}
      addLabel={t('designer.list.add')}
      newItem={(list): [string, unknown] => [freshKey(list), blankOf(map.value, list.length)]}
      renderItem={([key, v], index, change) => {
        const keyLabel = t('designer.props.keyOf', { name: label, n: index + 1 });
        return (
          <Flex vertical gap={4} style={{ minWidth: 0 }}>
            {candidates ? (
              <Select
                size="small"
                aria-label={keyLabel}
                showSearch
                optionFilterProp="label"
                value={key || null}
                onChange={(k: string) => change([k, v])}
                options={candidates.map((c) => ({
                  ...c,
                  disabled: c.value !== key && entries.some(([k]) => k === c.value),
                }))}
                notFoundContent={t('designer.props.noCandidates')}
              />
            ) : (
              <Input
                size="small"
                aria-label={keyLabel}
                value={key}
                onChange={(e) => change([e.target.value, v])}
              />
            )}
            <SchemaValue
              schema={map.value}
              value={v}
              onChange={(next) => change([key, next])}
              ctx={ctx}
              label={`${label} ${key}`}
              parents={parents}
              path={pointerAt(path, key)}
            />
          </Flex>
        );
      }}
    />
  );
}

const PLACEHOLDER = /\{\{([^}]*)\}\}/g;

/** Text with `{{ formula }}` placeholders: field chips insert one, each placeholder is checked as a formula. */
export function TemplateValue({ value, onChange, ctx, label, parents = [] }: SchemaValueProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const text = typeof value === 'string' ? value : '';
  const scope = ctx.formulaScope(undefined, namedIn(parents));
  const problems = useMemo(
    () =>
      [...text.matchAll(PLACEHOLDER)].flatMap((m) => {
        const checked = typeCheck(m[1] ?? '', scope.fields);
        return checked.ok ? [] : [`{{${m[1]}}}: ${formatFormulaError(checked.error, language)}`];
      }),
    [text, scope.fields, language],
  );
  return (
    <Flex vertical gap={4}>
      <Input.TextArea
        aria-label={label}
        autoSize={{ minRows: 1, maxRows: 6 }}
        value={text}
        status={problems.length > 0 ? 'error' : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
      <Flex wrap gap={4} aria-label={t('designer.formula.fields')}>
        {Object.keys(scope.fields).map((key) => (
          <Tag.CheckableTag key={key} checked={false} onChange={() => onChange(`${text}{{${key}}}`)}>
            {scope.labels.get(key) ? `${scope.labels.get(key)} · ${key}` : key}
          </Tag.CheckableTag>
        ))}
      </Flex>
      {problems.map((p) => (
        <Typography.Text key={p} type="danger" style={{ fontSize: 12 }} role="alert">
          {p}
        </Typography.Text>
      ))}
    </Flex>
  );
}

/** Removes an optional value (used beside optional objects once set). */
export function ClearButton({ onClear, label }: { onClear: () => void; label: string }) {
  const { t } = useTranslation();
  return (
    <Button
      size="small"
      type="text"
      icon={<CloseOutlined />}
      aria-label={t('designer.props.clear', { name: label })}
      onClick={onClear}
    />
  );
}
