import type { LiveChange, LiveForm } from '@formloom/form-runtime';
import type { FieldDefinition } from '../../../api/apps';

type Data = Record<string, unknown>;
type Row = Record<string, unknown>;
type Listener = () => void;

/** Topics besides field keys that components can follow. */
export const TOPIC = { errors: '$errors', hidden: '$hidden', any: '$any' } as const;

/** Errors by JSON-pointer-like path without `/data`: `amount`, `items/3/qty`. */
export type ErrorMap = ReadonlyMap<string, readonly string[]>;

/** `/data/items/3/qty` (a server detail) → `items/3/qty`. */
export function pathOf(pointer: string): string {
  return pointer.replace(/^\/data\/?/, '').replace(/^\//, '');
}

/**
 * The values of a form being filled, outside React: components subscribe to the keys they show, so a
 * keystroke in one cell of a 2,000-row subform repaints that cell, its row's computed cells and the
 * totals over the subform, and nothing else. Every change goes through {@link LiveForm}, which
 * recomputes only the formulas the change reaches.
 *
 * The store can start without its LiveForm (the formula engine loads after the form is shown): it then
 * keeps what is typed as typed and hides the fields that have a visibility rule (whether they show is
 * not known yet), and {@link FormStore.attach} computes everything once the engine is there.
 */
export class FormStore {
  private values: Data;
  private errorMap = new Map<string, readonly string[]>();
  private hiddenKeys: ReadonlySet<string>;
  private engine: LiveForm | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly versions = new Map<string, number>();
  /** Called after every change of values (drafts are saved from here). */
  onChange: ((data: Data) => void) | undefined;

  constructor(
    live: LiveForm | null,
    initial: Data,
    /** The form's fields (needed only while there is no LiveForm yet). */
    private readonly fields: readonly FieldDefinition[] = (live?.definition.fields ??
      []) as FieldDefinition[],
  ) {
    this.values = initial;
    this.hiddenKeys = new Set(fields.filter((f) => typeof f.visibleWhen === 'string').map((f) => f.key));
    if (live) this.attach(live);
  }

  /** The form's LiveForm, once the formula engine has loaded. */
  get live(): LiveForm | null {
    return this.engine;
  }

  /**
   * Starts computing with `live`: formulas, visibility, and `prepare` (the defaults of a new record) over
   * the values typed so far. Does nothing when the store already computes.
   */
  attach(live: LiveForm, prepare?: (data: Data) => Data): void {
    if (this.engine) return;
    this.engine = live;
    this.values = live.computeAll(prepare ? prepare(this.values) : this.values);
    this.hiddenKeys = live.hiddenFields(this.values);
    for (const key of this.listeners.keys()) this.bump(key);
  }

  get data(): Data {
    return this.values;
  }

  get(key: string): unknown {
    return this.values[key];
  }

  get hidden(): ReadonlySet<string> {
    return this.hiddenKeys;
  }

  get errors(): ErrorMap {
    return this.errorMap;
  }

  errorsAt(path: string): readonly string[] | undefined {
    return this.errorMap.get(path);
  }

  set(key: string, value: unknown): void {
    this.apply(this.engine ? this.engine.set(this.values, key, value) : this.plain({ [key]: value }, [key]), [
      key,
    ]);
    // Cascading choices: a child whose option is not offered under the new parent value is cleared.
    for (const child of this.engine?.definition.fields ?? this.fields) {
      if (child.dependsOn !== key || !Array.isArray(child.options)) continue;
      const current = this.values[child.key];
      if (current === undefined || current === null) continue;
      const option = (child.options as Array<{ value: unknown; parents?: unknown[] }>).find(
        (o) => o.value === current,
      );
      if (option?.parents && !option.parents.includes(value)) this.set(child.key, null);
    }
  }

  setCell(subform: string, index: number, column: string, value: unknown): void {
    const path = `${subform}/${index}/${column}`;
    if (this.engine) {
      this.apply(this.engine.setCell(this.values, subform, index, column, value), [path]);
      return;
    }
    const rows = [...((this.values[subform] as Row[] | undefined) ?? [])];
    rows[index] = { ...rows[index], [column]: value };
    this.apply(this.plain({ [subform]: rows }, [subform, path]), [path]);
  }

  setRows(subform: string, rows: readonly Row[]): void {
    // Rows moved or removed: their errors no longer point at the right row.
    this.dropErrors((path) => path.startsWith(`${subform}/`));
    this.apply(
      this.engine
        ? this.engine.setRows(this.values, subform, rows)
        : this.plain({ [subform]: rows }, [subform]),
      [],
    );
  }

  /** Replaces all values (a draft restored, the record reloaded). */
  reset(data: Data): void {
    this.values = this.engine ? this.engine.computeAll(data) : data;
    if (this.engine) this.hiddenKeys = this.engine.hiddenFields(this.values);
    this.errorMap = new Map();
    for (const key of this.listeners.keys()) this.bump(key);
  }

  /** Replaces the errors shown (a check before submit, or the server's answer). */
  setErrors(details: ReadonlyArray<{ path: string; message: string }>): void {
    const next = new Map<string, string[]>();
    for (const detail of details) {
      const path = pathOf(detail.path);
      next.set(path, [...(next.get(path) ?? []), detail.message]);
    }
    this.errorMap = next;
    this.bump(TOPIC.errors);
  }

  subscribe(topic: string, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  version(topic: string): number {
    return this.versions.get(topic) ?? 0;
  }

  private apply(change: LiveChange, editedPaths: readonly string[]): void {
    this.values = change.data;
    // An edited value's old error no longer applies; the next check or save says what is still wrong.
    if (editedPaths.length > 0) this.dropErrors((path) => editedPaths.includes(path));
    for (const key of change.changed) this.bump(key);
    if (this.engine && this.engine.plan.rules.length > 0) {
      const hidden = this.engine.hiddenFields(this.values);
      if (!sameSet(hidden, this.hiddenKeys)) {
        this.hiddenKeys = hidden;
        this.bump(TOPIC.hidden);
      }
    }
    this.bump(TOPIC.any);
    this.onChange?.(this.values);
  }

  /** A change before the engine computes anything: the values as typed. */
  private plain(patch: Data, changed: readonly string[]): LiveChange {
    return { data: { ...this.values, ...patch }, changed: new Set(changed) };
  }

  private dropErrors(match: (path: string) => boolean): void {
    let dropped = false;
    for (const path of [...this.errorMap.keys()]) {
      if (match(path)) {
        this.errorMap.delete(path);
        dropped = true;
      }
    }
    if (dropped) this.bump(TOPIC.errors);
  }

  private bump(topic: string): void {
    this.versions.set(topic, (this.versions.get(topic) ?? 0) + 1);
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}
