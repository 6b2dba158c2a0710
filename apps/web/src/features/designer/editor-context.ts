import type { FieldTypeMap } from '@formloom/formula';
import type { FormRef, UiSource } from '@formloom/schema';
import type { DesignerDoc, FieldJson, Localized } from './model/form-tree';
import { fieldMapFor } from './model/issues';
import type { Named, SchemaContext } from './schema-context';
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

/** The visible fields of the app's form `key` (hidden ones keep their data but are never offered). */
export function fieldsOfForm(forms: readonly KnownForm[], key: unknown): FieldJson[] {
  if (typeof key !== 'string') return [];
  return forms.find((f) => f.key === key)?.fields.filter((f) => f.hidden !== true) ?? [];
}

function formFields(ctx: EditorContext, key: unknown): FieldJson[] {
  if (key === ctx.doc.meta.key) return Object.values(ctx.doc.nodes).map((n) => n.field);
  return fieldsOfForm(ctx.forms, key);
}

/**
 * The fields of a hint's source when `scope` is `own`: `form:<prop>` and `relation:<prop>` read `named`,
 * the shared resolution of every schema-generated editor.
 */
export function fieldsFrom(
  of: UiSource,
  own: readonly FieldJson[],
  named: Named,
  fieldsOf: (formKey: unknown) => FieldJson[],
): FieldJson[] {
  if (of === 'scope') return [...own];
  const [kind, prop] = of.split(':') as [string, string];
  if (kind === 'form') return fieldsOf(named(prop));
  if (kind === 'relation') {
    const relation = own.find((f) => f.key === named(prop) && f.type === 'relation');
    return fieldsOf(relation?.form);
  }
  return [];
}

/** The option values an `{ ref: 'option', of: 'options:<prop>' }` hint offers among `own` fields. */
export function optionsFrom(
  of: UiSource,
  own: readonly FieldJson[],
  named: Named,
  language: 'en' | 'zh-CN',
): Array<{ value: string; label: string }> {
  const prop = of.startsWith('options:') ? of.slice('options:'.length) : '';
  const parent = own.find((f) => f.key === named(prop));
  const options = (parent?.options ?? []) as Array<{ value: string; label?: Localized }>;
  return options.map((o) => ({ value: o.value, label: textOf(o.label, language) || o.value }));
}

/** The fields a `{ ref: 'field', of }` hint offers, read off the field being edited. */
export function fieldCandidates(
  ctx: EditorContext,
  of: UiSource,
  named: Named = (p) => ctx.field[p],
): FieldJson[] {
  return fieldsFrom(of, scopeOf(ctx.doc, ctx.nodeId), named, (key) => formFields(ctx, key));
}

/** The field map and labels a formula of the edited field sees (`of` defaults to its scope). */
export function formulaScope(
  ctx: EditorContext,
  of?: UiSource,
  named: Named = (p) => ctx.field[p],
): { fields: FieldTypeMap; labels: Map<string, string> } {
  const labels = new Map<string, string>();
  const forms = ctx.forms.map((f) => ({ key: f.key, fields: f.fields })) as unknown as FormRef[];
  if (of && of !== 'scope') {
    const source = fieldCandidates(ctx, of, named);
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

/** The form designer's answers to a schema-generated editor: the field being edited and its form. */
export function designerSchemaContext(ctx: EditorContext): SchemaContext {
  const own = () => scopeOf(ctx.doc, ctx.nodeId);
  return {
    language: ctx.language,
    forms: ctx.forms,
    fields: (of, named) => fieldCandidates(ctx, of, named),
    options: (of, named) => optionsFrom(of, own(), named, ctx.language),
    formulaScope: (of, named) => formulaScope(ctx, of, named),
    ownFields: own,
  };
}
