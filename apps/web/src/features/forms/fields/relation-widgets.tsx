import { LinkOutlined } from '@ant-design/icons';
import { Flex, Select, Spin, Tag } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FieldDefinition } from '../../../api/apps';
import { recordsApi } from '../../../api/records';
import { useShared } from '../../../api/shared-cache';
import { relatedForm, rememberTitles, titleFieldOf, useRecordTitle } from './relations';
import type { DisplayProps, FieldContext, FieldWidget, InputProps } from './types';

const idsOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter(
    (v): v is string => typeof v === 'string',
  );

function RecordTitle({
  field,
  ctx,
  id,
  link,
}: {
  field: FieldDefinition;
  ctx: FieldContext;
  id: string;
  link?: boolean;
}) {
  const { t } = useTranslation();
  const title = useRecordTitle(field, ctx, id);
  const form = relatedForm(field, ctx);
  const text = title === undefined ? '…' : title === null ? t('fields.unavailableRecord') : String(title);
  if (!link || !form || title === null) return <span>{text}</span>;
  return <Link to={`/apps/${ctx.appId}/forms/${form.id}/records/${id}`}>{text}</Link>;
}

function RelationDisplay({ field, value, ctx, compact }: DisplayProps) {
  const ids = idsOf(value);
  if (ids.length === 0) return null;
  return (
    <Flex gap={4} wrap={!compact}>
      {ids.map((id) => (
        <Tag key={id} bordered={false} icon={<LinkOutlined />} style={{ marginInlineEnd: 0 }}>
          <RecordTitle field={field} ctx={ctx} id={id} link={!compact} />
        </Tag>
      ))}
    </Flex>
  );
}

/** Searches the related form as the user types (the list's `q`, through the server's access layer). */
function RelationInput({ field, value, onChange, id, disabled, invalid, ctx, ariaLabel }: InputProps) {
  const { t } = useTranslation();
  const form = relatedForm(field, ctx);
  const display = titleFieldOf(form, field.displayField);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Array<{ value: string; label: string }> | null>(null);
  const [searching, setSearching] = useState(false);
  const latest = useRef(0);
  useEffect(() => {
    if (!form || !display) return;
    const call = ++latest.current;
    setSearching(true);
    const timer = setTimeout(() => {
      recordsApi
        .list(ctx.workspaceId, form.id, { q: query, limit: 20, fields: [display] })
        .then((page) => {
          if (call !== latest.current) return;
          rememberTitles(form, display, page.items);
          setFound(page.items.map((r) => ({ value: r.id, label: String(r.data[display] ?? r.id) })));
        })
        .catch(() => {
          if (call === latest.current) setFound([]);
        })
        .finally(() => {
          if (call === latest.current) setSearching(false);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [query, form, display, ctx.workspaceId]);

  const multiple = field.multiple === true;
  const selected = idsOf(value);
  const options = useMemo(() => {
    const list = [...(found ?? [])];
    // Chosen records stay listed (by id; their titles come from the shared cache) while searching.
    for (const chosen of selected)
      if (!list.some((o) => o.value === chosen)) list.push({ value: chosen, label: chosen });
    return list;
  }, [found, selected]);
  return (
    <Select
      id={id}
      {...(multiple ? { mode: 'multiple' as const } : {})}
      value={multiple ? selected : (selected[0] ?? undefined)}
      onChange={(next: unknown) => onChange(Array.isArray(next) && next.length === 0 ? null : (next ?? null))}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      options={options}
      labelRender={(item) => <RecordTitle field={field} ctx={ctx} id={String(item.value)} />}
      notFoundContent={searching ? <Spin size="small" /> : t('fields.noRecordsFound')}
      allowClear
      disabled={disabled || !form}
      status={invalid ? 'error' : ''}
      placeholder={t('fields.searchRecords')}
      style={{ width: '100%' }}
      aria-label={ariaLabel}
      onOpenChange={(open) => {
        if (open && found === null) setQuery('');
      }}
    />
  );
}

/**
 * A lookup shows a field of the related record. The server stores it on save; while a form is filled
 * the value is read from the related record the relation now names, and shown with that field's widget.
 */
function LookupDisplay({ field, value, ctx, compact, scope }: DisplayProps) {
  const relation = ctx.form.fields.find((f) => f.key === field.relation);
  const form = relation ? relatedForm(relation, ctx) : undefined;
  const source = form?.fields.find((f) => f.key === field.field);
  const chosen = relation && scope ? idsOf(scope[relation.key]) : [];
  const live = scope !== undefined && chosen.length > 0 && form !== undefined;
  const key = live ? `lookup:${form?.id}:${String(field.field)}:${chosen.join(',')}` : null;
  const { value: fetched } = useShared(key, async () => {
    if (!form) return null;
    const values = await Promise.all(
      chosen.map((recordId) =>
        recordsApi.get(ctx.workspaceId, form.id, recordId).then(
          (record) => record.data[String(field.field)] ?? null,
          () => null,
        ),
      ),
    );
    return relation?.multiple ? values : (values[0] ?? null);
  });
  const shown = live ? fetched : value;
  if (!source || shown === undefined || shown === null) return null;
  const widget = lookupWidget(source);
  const { Display } = widget;
  const sourceCtx: FieldContext = { ...ctx, form: form ?? ctx.form };
  if (Array.isArray(shown) && relation?.multiple) {
    return (
      <Flex gap={4} wrap>
        {shown.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: values of several related records, in order.
          <Display key={i} field={source} value={item} ctx={sourceCtx} {...(compact ? { compact } : {})} />
        ))}
      </Flex>
    );
  }
  return <Display field={source} value={shown} ctx={sourceCtx} {...(compact ? { compact } : {})} />;
}

let lookupWidget: (field: FieldDefinition) => FieldWidget = () => {
  throw new Error('widgets not registered');
};

/** Lets lookups show values with the widget of the field they read (set once by the registry). */
export function setLookupResolver(resolve: (field: FieldDefinition) => FieldWidget): void {
  lookupWidget = resolve;
}

/** Widgets of relations and lookups. */
export const relationWidgets: Record<string, FieldWidget> = {
  RecordPicker: { Display: RelationDisplay, Input: RelationInput },
  LookupValue: { Display: LookupDisplay },
};
