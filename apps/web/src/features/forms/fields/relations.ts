import type { FieldDefinition, FormDefinitionSummary } from '../../../api/apps';
import { recordsApi } from '../../../api/records';
import { peekCached, primeCached, useShared } from '../../../api/shared-cache';
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

/** The related form of a relation field. */
export function relatedForm(field: FieldDefinition, ctx: FieldContext): FormDefinitionSummary | undefined {
  return typeof field.form === 'string' ? ctx.formByKey(field.form) : undefined;
}

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
          fields: [batch.display],
          limit: chunk.length,
        })
        .then(
          (page) => {
            const found = new Map(page.items.map((record) => [record.id, record.data[batch.display]]));
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

/** The title of one related record (null when it cannot be shown), loaded in batches. */
export function useRecordTitle(field: FieldDefinition, ctx: FieldContext, id: string): unknown {
  const form = relatedForm(field, ctx);
  const display = titleFieldOf(form, field.displayField);
  const key = form && display ? titleKey(form.id, display, id) : null;
  const { value } = useShared(key, () => {
    if (form && display) queue(ctx.workspaceId, form.id, display, id);
    // The batch fills the entry; this promise only marks the load as started.
    return new Promise<unknown>(() => {});
  });
  return key ? (value ?? peekCached(key)) : null;
}

/** Remembers titles of records the page already has (a picker's search results). */
export function rememberTitles(
  form: FormDefinitionSummary,
  display: string,
  records: Array<{ id: string; data: Record<string, unknown> }>,
) {
  for (const record of records)
    primeCached(titleKey(form.id, display, record.id), record.data[display] ?? null);
}
