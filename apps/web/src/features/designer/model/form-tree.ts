/**
 * The designer's document: a form as a tree the canvas edits (sections holding fields, subforms holding
 * columns), every node under a stable id so selection, drag and drop and undo never depend on keys or
 * positions. Plain data and pure functions; `fromForm` and `toForm` convert to and from the pack's form JSON.
 */

/** Text per locale, as the meta-model stores labels and names. */
export type Localized = { en?: string; 'zh-CN'?: string };

/** A field as the form JSON holds it (any type; type-specific settings beside the common ones). */
export interface FieldJson {
  key: string;
  type: string;
  label?: Localized;
  [setting: string]: unknown;
}

/** A field on the canvas. A subform's `columns` are ids of other nodes; its `field` holds no columns. */
export interface FieldNode {
  readonly id: string;
  readonly field: FieldJson;
  readonly columns?: readonly string[];
}

/** A block of the layout: fields in a grid of `columns` (1 to 4) per row. */
export interface SectionNode {
  readonly id: string;
  readonly title?: Localized;
  readonly columns: number;
  readonly fields: readonly string[];
}

/** Form properties other than fields and layout. */
export interface FormMeta {
  key: string;
  name: Localized;
  description?: Localized;
  icon?: string;
  titleField?: string;
}

/** One state of the designer's document. Never mutated: every change makes a new one. */
export interface DesignerDoc {
  readonly meta: FormMeta;
  readonly sections: readonly SectionNode[];
  readonly nodes: Readonly<Record<string, FieldNode>>;
  /** Fields removed in earlier versions (hidden, with their data): kept as they are, never shown. */
  readonly hidden: readonly FieldJson[];
}

/** The form JSON the server and packs take (the `Form` document of @formloom/schema). */
export interface FormJson extends FormMeta {
  fields: FieldJson[];
  layout?: { sections: Array<{ title?: Localized; columns?: number; fields: string[] }> };
  [setting: string]: unknown;
}

/** Makes ids unique within one designer session. */
export type IdSource = () => string;

/** A counter-based id source (tests and one designer each get their own). */
export function idSource(prefix = 'n'): IdSource {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/** Builds the designer's document from a form; fields placed in no section go to the last one. */
export function fromForm(form: FormJson, nextId: IdSource): DesignerDoc {
  const nodes: Record<string, FieldNode> = {};
  const idByKey = new Map<string, string>();
  const hidden: FieldJson[] = [];
  const add = (field: FieldJson): string => {
    const id = nextId();
    if (field.type === 'subform' && Array.isArray(field.columns)) {
      const { columns, ...rest } = field;
      const columnIds = (columns as FieldJson[]).map(add);
      nodes[id] = { id, field: rest as FieldJson, columns: columnIds };
    } else {
      nodes[id] = { id, field };
    }
    return id;
  };
  for (const field of form.fields) {
    if (field.hidden === true) hidden.push(field);
    else idByKey.set(field.key, add(field));
  }
  const placed = new Set<string>();
  const sections: SectionNode[] = (form.layout?.sections ?? []).map((s) => {
    const fields = s.fields.flatMap((key) => {
      const id = idByKey.get(key);
      if (!id || placed.has(id)) return [];
      placed.add(id);
      return [id];
    });
    return { id: nextId(), columns: s.columns ?? 1, fields, ...(s.title ? { title: s.title } : {}) };
  });
  const rest = [...idByKey.values()].filter((id) => !placed.has(id));
  if (sections.length === 0) sections.push({ id: nextId(), columns: 1, fields: rest });
  else if (rest.length > 0) {
    const last = sections[sections.length - 1] as SectionNode;
    sections[sections.length - 1] = { ...last, fields: [...last.fields, ...rest] };
  }
  const { fields: _fields, layout: _layout, ...meta } = form;
  return { meta: meta as FormMeta, sections, nodes, hidden };
}

/** The field JSON of a node, with a subform's columns written back in. */
export function fieldOf(doc: DesignerDoc, id: string): FieldJson {
  const node = doc.nodes[id];
  if (!node) throw new Error(`no field node ${id}`);
  if (!node.columns) return node.field;
  return { ...node.field, columns: node.columns.map((c) => fieldOf(doc, c)) };
}

/** Field ids in form order: section by section, row by row. */
export function orderedFieldIds(doc: DesignerDoc): string[] {
  return doc.sections.flatMap((s) => s.fields);
}

/**
 * The form JSON of the document. A layout is written only when it says more than the field order does
 * (several sections, a title, or more than one column), so a plain form stays plain.
 */
export function toForm(doc: DesignerDoc): FormJson {
  const fields = [...orderedFieldIds(doc).map((id) => fieldOf(doc, id)), ...doc.hidden];
  const form: FormJson = { ...doc.meta, fields };
  const plain = doc.sections.length === 1 && !doc.sections[0]?.title && (doc.sections[0]?.columns ?? 1) === 1;
  if (!plain) {
    form.layout = {
      sections: doc.sections.map((s) => ({
        ...(s.title ? { title: s.title } : {}),
        ...(s.columns > 1 ? { columns: s.columns } : {}),
        fields: s.fields.map((id) => doc.nodes[id]?.field.key ?? ''),
      })),
    };
  }
  return form;
}

/** Where a field node sits: the section or subform holding it, and its index there. */
export interface Place {
  /** A section id, or the id of a subform node. */
  readonly container: string;
  readonly index: number;
}

/** The place of node `id`, or undefined when it is not in the document. */
export function placeOf(doc: DesignerDoc, id: string): Place | undefined {
  for (const s of doc.sections) {
    const index = s.fields.indexOf(id);
    if (index >= 0) return { container: s.id, index };
  }
  for (const node of Object.values(doc.nodes)) {
    const index = node.columns?.indexOf(id) ?? -1;
    if (index >= 0) return { container: node.id, index };
  }
  return undefined;
}

/** The keys in use at the form level and in every subform (a copy or a new field must avoid them). */
export function keysInUse(doc: DesignerDoc): Set<string> {
  const keys = new Set(doc.hidden.map((f) => f.key));
  for (const node of Object.values(doc.nodes)) keys.add(node.field.key);
  return keys;
}

/** `base`, or `base2`, `base3`, ... : the first that is not in `taken`. */
export function freeKey(base: string, taken: ReadonlySet<string>): string {
  const clean = /^[a-z][a-zA-Z0-9_]*$/.test(base) ? base : 'field';
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n++) if (!taken.has(`${clean}${n}`)) return `${clean}${n}`;
}
