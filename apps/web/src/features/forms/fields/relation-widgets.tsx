import { Flex } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FieldDefinition } from '../../../api/apps';
import { recordsApi } from '../../../api/records';
import { useShared } from '../../../api/shared-cache';
import { Text } from '../../../components/text';
import { lazyDisplay, lazyInput } from './lazy-widget';
import { relatedForm, useRecordTitle } from './relations';
import type { DisplayProps, FieldContext, FieldWidget } from './types';

const idsOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter(
    (v): v is string => typeof v === 'string',
  );

export function RecordTitle({
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
  const { t, i18n } = useTranslation();
  const title = useRecordTitle(field, ctx, id, i18n.resolvedLanguage ?? 'en');
  const form = relatedForm(field, ctx);
  const text = title === undefined ? '…' : title === null ? t('fields.unavailableRecord') : title;
  if (!link || !form || title === null) return <span>{text}</span>;
  return <Link to={`/apps/${ctx.appId}/forms/${form.id}/records/${id}`}>{text}</Link>;
}

// Record chips (antd Tag) load when a form first shows a related record.
const RelationDisplay = lazyDisplay(() => import('./tag-displays').then((m) => m.RelationDisplay));

/** Searches the related form as the user types (the list's `q`, through the server's access layer). */

const RelationInput = lazyInput(() => import('./select-inputs').then((m) => m.RelationInput));

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
  if (!source || shown === undefined || shown === null) {
    // Nothing to look up yet (no related record chosen, or its field is empty): a dash, not a blank line.
    return compact ? null : (
      <Text type="secondary" data-testid="field-empty">
        —
      </Text>
    );
  }
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
