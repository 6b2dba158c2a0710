import type { FieldTypeMap } from '@formloom/formula';
import type { FormRef, UiSource } from '@formloom/schema';
import type { DesignerDoc, FieldJson, Localized } from './model/form-tree';
import { fieldMapFor } from './model/issues';
import { textOf } from './type-labels';

/** A form of the app as the property panel knows it (for references to other forms). */
export interface KnownForm {
  key: string;
  name: Localized | string;
  fields: FieldJson[];
}

/** What a generated editor may consult about the field being edited. */
export interface EditorContext {
  doc: DesignerDoc;
  nodeId: string;
  field: FieldJson;
  forms: readonly KnownForm[];
  language: 'en' | 'zh-CN';
}

/** The fields beside node `id`: its subform's columns, or the form's top-level fields. */
export function scopeOf(doc: DesignerDoc, id: string): FieldJson[] {
  const owner = Object.values(doc.nodes).find((n) => n.columns?.includes(id));
  const ids = owner ? (owner.columns ?? []) : doc.sections.flatMap((s) => s.fields);
  return ids.flatMap((x) => (x === id || !doc.nodes[x] ? [] : [doc.nodes[x].field]));
}

function formFields(ctx: EditorContext, key: unknown): FieldJson[] {
  if (typeof key !== 'string') return [];
  if (key === ctx.doc.meta.key) return Object.values(ctx.doc.nodes).map((n) => n.field);
  return ctx.forms.find((f) => f.key === key)?.fields.filter((f) => f.hidden !== true) ?? [];
}

/** The fields a `{ ref: 'field', of }` hint offers, read off the field being edited. */
export function fieldCandidates(ctx: EditorContext, of: UiSource): FieldJson[] {
  if (of === 'scope') return scopeOf(ctx.doc, ctx.nodeId);
  const [kind, prop] = of.split(':') as [string, string];
  const named = ctx.field[prop];
  if (kind === 'form') return formFields(ctx, named);
  if (kind === 'relation') {
    const relation = scopeOf(ctx.doc, ctx.nodeId).find((f) => f.key === named && f.type === 'relation');
    return formFields(ctx, relation?.form);
  }
  return [];
}

/** The option values an `{ ref: 'option', of: 'options:<prop>' }` hint offers. */
export function optionCandidates(ctx: EditorContext, of: UiSource): Array<{ value: string; label: string }> {
  const prop = of.startsWith('options:') ? of.slice('options:'.length) : '';
  const parent = scopeOf(ctx.doc, ctx.nodeId).find((f) => f.key === ctx.field[prop]);
  const options = (parent?.options ?? []) as Array<{ value: string; label?: Localized }>;
  return options.map((o) => ({ value: o.value, label: textOf(o.label, ctx.language) || o.value }));
}

/** The field map and labels a formula of the edited field sees (`of` defaults to its scope). */
export function formulaScope(
  ctx: EditorContext,
  of?: UiSource,
): { fields: FieldTypeMap; labels: Map<string, string> } {
  const labels = new Map<string, string>();
  const forms = ctx.forms.map((f) => ({ key: f.key, fields: f.fields })) as unknown as FormRef[];
  if (of && of !== 'scope') {
    const source = fieldCandidates(ctx, of);
    const fields: Record<string, string> = {};
    for (const f of source) {
      fields[f.key] = 'any';
      labels.set(f.key, textOf(f.label, ctx.language));
    }
    return { fields: fields as FieldTypeMap, labels };
  }
  const fields = fieldMapFor(ctx.doc, ctx.nodeId, forms);
  for (const node of Object.values(ctx.doc.nodes)) {
    const name = textOf(node.field.label, ctx.language);
    labels.set(node.field.key, name);
    for (const c of node.columns ?? []) {
      const column = ctx.doc.nodes[c];
      if (column)
        labels.set(
          `${node.field.key}.${column.field.key}`,
          `${name} / ${textOf(column.field.label, ctx.language)}`,
        );
    }
  }
  const { [ctx.field.key]: _self, ...others } = fields as Record<string, string>;
  return { fields: others as FieldTypeMap, labels };
}
