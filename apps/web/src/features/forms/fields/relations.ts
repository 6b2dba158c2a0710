import type { FieldDefinition, FormDefinitionSummary } from '../../../api/apps';
import { recordsApi } from '../../../api/records';
import { peekCached, primeCached, useShared } from '../../../api/shared-cache';
import { localized } from '../../../i18n/localized';
import { formatDateTime } from './format';
import type { FieldContext } from './types';

/** The field a record of `form` is named by: the relation's `displayField`, the form's title, its first text. */
export function titleFieldOf(
  form: FormDefinitionSummary | undefined,
  preferred?: unknown,
): string | undefined {
  if (!form) return undefined;
  if (typeof preferred === 'string' && form.fields.some((f) => f.key === preferred)) return preferred;
  if (form.titleField && form.fields.some((f) => f.key === form.titleField)) return form.titleField;
  return form.fields.find((f) => ['text', 'serial', 'email', 'phone'].includes(f.type) && !f.hidden)?.key;
}

/** What a record's name is made of: its title value and when it was created. */
export interface NamedRecord {
  data: Record<string, unknown>;
  createdAt?: string;
}

/**
 * A record's name for people: its title field's value (a serial counts); without one — a form of
 * numbers and dates only, or the title left empty — the form's name and when the record was created
 * ("Visit · Dec 4, 2026, 10:32 AM"). Never its id.
 */
export function recordName(
  record: NamedRecord,
  form: FormDefinitionSummary | undefined,
  language: string,
  display = titleFieldOf(form),
): string {
  if (hasTitle(record, display)) return String(record.data[display as string]);
  const name = form ? localized(form.name, language) || form.key : '';
  const when = record.createdAt ? formatDateTime(record.createdAt, language) : '';
  return [name, when].filter(Boolean).join(' · ');
}

/** Whether a record has a value in its title field (`display`), so its name is not its creation time. */
export function hasTitle(record: NamedRecord, display: string | undefined): boolean {
  const value = display ? record.data[display] : undefined;
  return value !== undefined && value !== null && value !== '';
}

/** The related form of a relation field. */
export function relatedForm(field: FieldDefinition, ctx: FieldContext): FormDefinitionSummary | undefined {
  return typeof field.form === 'string' ? ctx.formByKey(field.form) : undefined;
}

// A related record is named by its display field, or (a form without one) by its form and creation time:
// the cache keeps both, and `display` is '' for such forms.
const pending = new Map<string, { workspaceId: string; formId: string; display: string; ids: Set<string> }>();
let scheduled = false;

const titleKey = (formId: string, display: string, id: string) => `title:${formId}:${display}:${id}`;

/** Loads queued titles: one list request per related form for everything asked in the same tick. */
function flush(): void {
  scheduled = false;
  const batches = [...pending.values()];
  pending.clear();
  for (const batch of batches) {
    const ids = [...batch.ids];
    for (let start = 0; start < ids.length; start += 100) {
      const chunk = ids.slice(start, start + 100);
      recordsApi
        .list(batch.workspaceId, batch.formId, {
          filter: { field: '_id', op: 'in', value: chunk },
          ...(batch.display ? { fields: [batch.display] } : {}),
          limit: chunk.length,
        })
        .then(
          (page) => {
            const found = new Map(page.items.map((record) => [record.id, stub(record, batch.display)]));
            // Records the caller may not view (or deleted ones) are named by a placeholder, never guessed.
            for (const id of chunk)
              primeCached(titleKey(batch.formId, batch.display, id), found.get(id) ?? null);
          },
          () => {
            for (const id of chunk) primeCached(titleKey(batch.formId, batch.display, id), null);
          },
        );
    }
  }
}

function queue(workspaceId: string, formId: string, display: string, id: string): void {
  const key = `${formId}:${display}`;
  let batch = pending.get(key);
  if (!batch) {
    batch = { workspaceId, formId, display, ids: new Set() };
    pending.set(key, batch);
  }
  batch.ids.add(id);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(flush);
  }
}

/** The part of a record its name needs. */
function stub(record: NamedRecord, display: string): NamedRecord {
  return {
    data: display ? { [display]: record.data[display] } : {},
    ...(record.createdAt ? { createdAt: record.createdAt } : {}),
  };
}

/** Where a related record's name is kept: its form, the field naming it ('' for none) and the cache key. */
function nameEntry(field: FieldDefinition, ctx: FieldContext, id: string) {
  const form = relatedForm(field, ctx);
  const display = titleFieldOf(form, field.displayField) ?? '';
  return { form, display, key: form ? titleKey(form.id, display, id) : null };
}

/** The name of a related record if it is loaded (null: it cannot be shown; undefined: not loaded yet). */
export function loadedRecordName(
  field: FieldDefinition,
  ctx: FieldContext,
  id: string,
  language: string,
): string | null | undefined {
  const { form, display, key } = nameEntry(field, ctx, id);
  if (!key) return null;
  const found = peekCached<NamedRecord | null>(key);
  return found ? recordName(found, form, language, display) : found;
}

/**
 * The name of one related record (`recordName`; null when it cannot be shown, undefined while it
 * loads), loaded in batches.
 */
export function useRecordTitle(
  field: FieldDefinition,
  ctx: FieldContext,
  id: string,
  language: string,
): string | null | undefined {
  const { form, display, key } = nameEntry(field, ctx, id);
  // Re-renders when the entry arrives; the name is then read from the cache.
  useShared<NamedRecord | null>(key, () => {
    if (form) queue(ctx.workspaceId, form.id, display, id);
    // The batch fills the entry; this promise only marks the load as started.
    return new Promise<NamedRecord | null>(() => {});
  });
  return loadedRecordName(field, ctx, id, language);
}

/** Remembers titles of records the page already has (a picker's search results). */
export function rememberTitles(form: FormDefinitionSummary, display: string, records: NamedRecordWithId[]) {
  for (const record of records) primeCached(titleKey(form.id, display, record.id), stub(record, display));
}

type NamedRecordWithId = NamedRecord & { id: string };
