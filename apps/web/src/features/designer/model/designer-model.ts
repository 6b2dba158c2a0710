import { columnFieldTypes, fieldTypes } from '@formloom/schema';
import {
  type DesignerDoc,
  type FieldJson,
  type FieldNode,
  type FormJson,
  type FormMeta,
  fieldOf,
  freeKey,
  fromForm,
  type IdSource,
  idSource,
  keysInUse,
  type Localized,
  type Place,
  placeOf,
  type SectionNode,
  toForm,
} from './form-tree';
import { History } from './history';

/** Field types a subform column may have (every type but subform). */
export const COLUMN_TYPES: ReadonlySet<string> = new Set(columnFieldTypes.map((d) => d.type));

/** What the designer shows: the document, the selection and what undo, redo and save can do. */
export interface DesignerState {
  readonly doc: DesignerDoc;
  /** Id of the selected field node, or null. */
  readonly selected: string | null;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** The document differs from the one last loaded or saved. */
  readonly dirty: boolean;
}

/** Options of a {@link DesignerModel}. */
export interface DesignerOptions {
  /** The label a new field of `type` gets, in every locale. */
  typeLabel(type: string): Localized;
  /** Edits of one property closer together than this merge into one undo step (default 600 ms). */
  debounceMs?: number;
  now?: () => number;
  nextId?: IdSource;
}

/** The JSON a copied field travels as (the clipboard holds a subform with its columns). */
export const CLIPBOARD_MIME = 'application/x-formloom-field+json';

/**
 * The form designer's model, outside React (as designable's Workspace): a document tree, the selection as
 * an id, commands that push history, and `serialize()` / `from()` to the pack's form JSON. The canvas
 * subscribes and renders; every user action is one method call here.
 */
export class DesignerModel {
  readonly #history: History<DesignerDoc>;
  readonly #listeners = new Set<() => void>();
  readonly #options: DesignerOptions;
  readonly #nextId: IdSource;
  #saved: DesignerDoc;
  #state: DesignerState;

  constructor(form: FormJson, options: DesignerOptions) {
    this.#options = options;
    this.#nextId = options.nextId ?? idSource();
    const doc = fromForm(form, this.#nextId);
    this.#saved = doc;
    this.#history = new History(doc, {
      debounceMs: options.debounceMs ?? 600,
      limit: 200,
      now: options.now ?? (() => Date.now()),
    });
    this.#state = { doc, selected: null, canUndo: false, canRedo: false, dirty: false };
  }

  /** The current state; a new object after every change (for useSyncExternalStore). */
  getState = (): DesignerState => this.#state;

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  get doc(): DesignerDoc {
    return this.#state.doc;
  }

  /** The form JSON of the current document. */
  serialize(): FormJson {
    return toForm(this.doc);
  }

  /** Replaces the document with `form` (a reload); history starts again and nothing is dirty. */
  from(form: FormJson): void {
    const doc = fromForm(form, this.#nextId);
    this.#history.reset(doc);
    this.#saved = doc;
    this.#emit(doc, null);
  }

  /** Marks the current document as saved (after the server accepted it). */
  markSaved(): void {
    this.#saved = this.doc;
    this.#emit(this.doc, this.#state.selected);
  }

  select(id: string | null): void {
    if (id !== null && !this.doc.nodes[id]) return;
    if (id === this.#state.selected) return;
    this.#emit(this.doc, id);
  }

  undo(): void {
    this.#emit(this.#history.undo(), this.#state.selected);
  }

  redo(): void {
    this.#emit(this.#history.redo(), this.#state.selected);
  }

  /** Whether a field of `type` may go into `container` (subforms take column types only). */
  accepts(container: string, type: string): boolean {
    const target = this.doc.nodes[container];
    if (!target) return this.doc.sections.some((s) => s.id === container);
    return target.field.type === 'subform' && COLUMN_TYPES.has(type);
  }

  /** Adds a new field of `type` at `place` (default: end of the last section), selects it, returns its id. */
  addField(type: string, place?: Place): string | undefined {
    const def = fieldTypes.get(type);
    const at = place ?? this.#endOfLastSection();
    if (!def || !at || !this.accepts(at.container, type)) return undefined;
    const key = freeKey(type, keysInUse(this.doc));
    const field: FieldJson = {
      key,
      type,
      label: this.#options.typeLabel(type),
      ...(structuredClone(def.starter ?? {}) as Record<string, unknown>),
    };
    const id = this.#nextId();
    const node: FieldNode = type === 'subform' ? { id, field, columns: [] } : { id, field };
    this.#commit(insertAt({ ...this.doc, nodes: { ...this.doc.nodes, [id]: node } }, id, at), id);
    return id;
  }

  /** Moves field `id` to `place` (within its container or into another that accepts it). */
  moveField(id: string, place: Place): boolean {
    const node = this.doc.nodes[id];
    const from = placeOf(this.doc, id);
    if (!node || !from || !this.accepts(place.container, node.field.type)) return false;
    if (from.container === place.container && from.index === place.index) return false;
    this.#commit(insertAt(removeFrom(this.doc, id), id, place), this.#state.selected);
    return true;
  }

  /** Removes field `id` (a subform with its columns); publishing hides it and keeps its data. */
  removeField(id: string): void {
    const node = this.doc.nodes[id];
    if (!node) return;
    const nodes = { ...this.doc.nodes };
    for (const gone of [id, ...(node.columns ?? [])]) delete nodes[gone];
    const doc = { ...removeFrom(this.doc, id), nodes };
    const selected = this.#state.selected && nodes[this.#state.selected] ? this.#state.selected : null;
    this.#commit(doc, selected);
  }

  /**
   * Changes field `id` (everything but its columns). Changes with the same `mergeKey` in quick succession
   * (typing into one input) become one undo step.
   */
  updateField(id: string, change: (field: FieldJson) => FieldJson, mergeKey?: string): void {
    const node = this.doc.nodes[id];
    if (!node) return;
    const { columns: _ignored, ...field } = change(node.field);
    const next = { ...this.doc, nodes: { ...this.doc.nodes, [id]: { ...node, field: field as FieldJson } } };
    this.#commit(next, this.#state.selected, mergeKey === undefined ? undefined : `${id}:${mergeKey}`);
  }

  /** Changes the form's own properties (name, description, title field). */
  updateMeta(change: (meta: FormMeta) => FormMeta, mergeKey?: string): void {
    this.#commit(
      { ...this.doc, meta: change(this.doc.meta) },
      this.#state.selected,
      mergeKey && `meta:${mergeKey}`,
    );
  }

  /** Adds an empty section after the others; returns its id. */
  addSection(): string {
    const id = this.#nextId();
    this.#commit(
      { ...this.doc, sections: [...this.doc.sections, { id, columns: 1, fields: [] }] },
      this.#state.selected,
    );
    return id;
  }

  /** Changes a section's title or column count (1 to 4). */
  updateSection(
    id: string,
    change: { title?: Localized | undefined; columns?: number },
    mergeKey?: string,
  ): void {
    const sections = this.doc.sections.map((s) => {
      if (s.id !== id) return s;
      const { title: _old, ...rest } = s;
      const title = 'title' in change ? change.title : s.title;
      const next: SectionNode = {
        ...rest,
        columns: change.columns ?? s.columns,
        ...(title ? { title } : {}),
      };
      return { ...next, columns: Math.min(4, Math.max(1, Math.round(next.columns))) };
    });
    this.#commit({ ...this.doc, sections }, this.#state.selected, mergeKey && `section:${id}:${mergeKey}`);
  }

  /** Removes a section; its fields move to the section before it (or after, for the first). */
  removeSection(id: string): void {
    const index = this.doc.sections.findIndex((s) => s.id === id);
    if (index < 0 || this.doc.sections.length < 2) return;
    const gone = this.doc.sections[index] as SectionNode;
    const sections = this.doc.sections.filter((s) => s.id !== id);
    const heir = index > 0 ? index - 1 : 0;
    const target = sections[heir] as SectionNode;
    sections[heir] = {
      ...target,
      fields: index > 0 ? [...target.fields, ...gone.fields] : [...gone.fields, ...target.fields],
    };
    this.#commit({ ...this.doc, sections }, this.#state.selected);
  }

  /** Moves a section to position `index`. */
  moveSection(id: string, index: number): void {
    const from = this.doc.sections.findIndex((s) => s.id === id);
    if (from < 0 || from === index) return;
    const sections = [...this.doc.sections];
    const [moved] = sections.splice(from, 1);
    sections.splice(Math.max(0, Math.min(index, sections.length)), 0, moved as SectionNode);
    this.#commit({ ...this.doc, sections }, this.#state.selected);
  }

  /** The JSON of field `id` for the clipboard (a subform with its columns). */
  copy(id: string): string | undefined {
    return this.doc.nodes[id] ? JSON.stringify(fieldOf(this.doc, id)) : undefined;
  }

  /**
   * Pastes a copied field after field `afterId` (or at the end of the last section), with a key (and
   * column keys) not yet in use; returns the new id, or undefined for anything that is no field.
   */
  paste(json: string, afterId?: string): string | undefined {
    let field: FieldJson;
    try {
      field = JSON.parse(json) as FieldJson;
    } catch {
      return undefined;
    }
    if (typeof field !== 'object' || field === null || !fieldTypes.has(String(field.type))) return undefined;
    const after = afterId ? placeOf(this.doc, afterId) : undefined;
    const at = after ? { container: after.container, index: after.index + 1 } : this.#endOfLastSection();
    if (!at || !this.accepts(at.container, field.type)) return undefined;
    const taken = keysInUse(this.doc);
    const nodes = { ...this.doc.nodes };
    const add = (f: FieldJson): string => {
      const id = this.#nextId();
      const key = freeKey(f.key, taken);
      taken.add(key);
      if (f.type === 'subform' && Array.isArray(f.columns)) {
        const { columns, ...rest } = f;
        nodes[id] = { id, field: { ...rest, key } as FieldJson, columns: (columns as FieldJson[]).map(add) };
      } else {
        const { columns: _c, ...rest } = f;
        nodes[id] = { id, field: { ...rest, key } as FieldJson };
      }
      return id;
    };
    const id = add(field);
    this.#commit(insertAt({ ...this.doc, nodes }, id, at), id);
    return id;
  }

  #endOfLastSection(): Place | undefined {
    const last = this.doc.sections[this.doc.sections.length - 1];
    return last ? { container: last.id, index: last.fields.length } : undefined;
  }

  #commit(doc: DesignerDoc, selected: string | null, mergeKey?: string): void {
    this.#history.push(doc, mergeKey);
    this.#emit(doc, selected);
  }

  #emit(doc: DesignerDoc, selected: string | null): void {
    this.#state = {
      doc,
      selected: selected !== null && doc.nodes[selected] ? selected : null,
      canUndo: this.#history.canUndo,
      canRedo: this.#history.canRedo,
      dirty: doc !== this.#saved,
    };
    for (const listener of this.#listeners) listener();
  }
}

function removeFrom(doc: DesignerDoc, id: string): DesignerDoc {
  const place = placeOf(doc, id);
  if (!place) return doc;
  return updateContainer(doc, place.container, (ids) => ids.filter((x) => x !== id));
}

function insertAt(doc: DesignerDoc, id: string, place: Place): DesignerDoc {
  return updateContainer(doc, place.container, (ids) => {
    const next = [...ids];
    next.splice(Math.max(0, Math.min(place.index, next.length)), 0, id);
    return next;
  });
}

function updateContainer(
  doc: DesignerDoc,
  container: string,
  change: (ids: readonly string[]) => string[],
): DesignerDoc {
  const node = doc.nodes[container];
  if (node) {
    return { ...doc, nodes: { ...doc.nodes, [container]: { ...node, columns: change(node.columns ?? []) } } };
  }
  return {
    ...doc,
    sections: doc.sections.map((s) => (s.id === container ? { ...s, fields: change(s.fields) } : s)),
  };
}
