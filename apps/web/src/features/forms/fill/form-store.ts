import type { LiveChange, LiveForm } from '@formloom/form-runtime';

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
 */
export class FormStore {
  private values: Data;
  private errorMap = new Map<string, readonly string[]>();
  private hiddenKeys: ReadonlySet<string>;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly versions = new Map<string, number>();
  /** Called after every change of values (drafts are saved from here). */
  onChange: ((data: Data) => void) | undefined;

  constructor(
    readonly live: LiveForm,
    initial: Data,
  ) {
    this.values = live.computeAll(initial);
    this.hiddenKeys = live.hiddenFields(this.values);
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
    this.apply(this.live.set(this.values, key, value), [key]);
    // Cascading choices: a child whose option is not offered under the new parent value is cleared.
    for (const child of this.live.definition.fields) {
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
    this.apply(this.live.setCell(this.values, subform, index, column, value), [
      `${subform}/${index}/${column}`,
    ]);
  }

  setRows(subform: string, rows: readonly Row[]): void {
    // Rows moved or removed: their errors no longer point at the right row.
    this.dropErrors((path) => path.startsWith(`${subform}/`));
    this.apply(this.live.setRows(this.values, subform, rows), []);
  }

  /** Replaces all values (a draft restored, the record reloaded). */
  reset(data: Data): void {
    this.values = this.live.computeAll(data);
    this.hiddenKeys = this.live.hiddenFields(this.values);
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
    if (this.live.plan.rules.length > 0) {
      const hidden = this.live.hiddenFields(this.values);
      if (!sameSet(hidden, this.hiddenKeys)) {
        this.hiddenKeys = hidden;
        this.bump(TOPIC.hidden);
      }
    }
    this.bump(TOPIC.any);
    this.onChange?.(this.values);
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
