import { isFormulaError } from './formulas.js';
import { planScope, type ScopePlan } from './plan.js';
import { isVisible, rowsOf } from './rules.js';
import type { FieldDef, FormDefinition, FormDirectory } from './types.js';
import { fromFormulaValue } from './values.js';

type Data = Record<string, unknown>;
type Row = Record<string, unknown>;

/** The outcome of one edit: the new values, and the top-level keys whose values changed. */
export interface LiveChange {
  data: Data;
  /** Top-level keys with a new value (a subform's key when any of its rows changed). */
  changed: ReadonlySet<string>;
}

/** Options of {@link LiveForm}. */
export interface LiveFormOptions {
  /** The app's forms (lookups read the kinds of other forms' fields). */
  directory: FormDirectory;
  /** The clock TODAY() and NOW() read (default: the current time). */
  now?: () => Date;
}

/** Computed fields a change of each key reaches, directly or through other computed fields, in plan order. */
function reachOf(plan: ScopePlan): Map<string, FieldDef[]> {
  const readers = new Map<string, string[]>();
  for (const [key, reads] of plan.deps) {
    for (const read of reads) readers.set(read, [...(readers.get(read) ?? []), key]);
  }
  const rank = new Map(plan.order.map((field, i) => [field.key, i]));
  const reach = new Map<string, FieldDef[]>();
  const keys = new Set([...readers.keys(), ...plan.fields.keys()]);
  for (const key of keys) {
    const seen = new Set<string>();
    const stack = [...(readers.get(key) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(readers.get(next) ?? []));
    }
    const fields = [...seen]
      .filter((k) => rank.has(k))
      .sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0))
      .map((k) => plan.order[rank.get(k) ?? 0] as FieldDef);
    if (fields.length > 0) reach.set(key, fields);
  }
  return reach;
}

/**
 * A form being filled in the browser: the same plan, formulas and rules as the server's write path
 * (`planScope`), evaluated incrementally. Changing a value recomputes only the formulas that read it,
 * directly or through other formulas; changing a subform cell recomputes that row's formulas, then the
 * form's formulas over the subform (a total). Lookups and rollups read other records and are left to
 * the server (or set from outside with {@link setComputed}); serial numbers and system values are set
 * on save. The server recomputes everything and stays authoritative.
 */
export class LiveForm {
  readonly plan: ScopePlan;
  private readonly now: () => Date;
  private readonly reach: Map<string, FieldDef[]>;
  private readonly rowReach = new Map<string, Map<string, FieldDef[]>>();

  constructor(
    readonly definition: FormDefinition,
    options: LiveFormOptions,
  ) {
    this.plan = planScope(definition.fields, options.directory);
    this.now = options.now ?? (() => new Date());
    this.reach = reachOf(this.plan);
    for (const [key, sub] of this.plan.subforms) this.rowReach.set(key, reachOf(sub));
  }

  /** Every formula computed (rows included): for a new form, a draft or a record being edited. */
  computeAll(data: Data): Data {
    const now = this.now();
    const out: Data = { ...data };
    for (const field of this.plan.order) this.recompute(field, out, now);
    return out;
  }

  /** Sets a top-level value and recomputes what reads it. */
  set(data: Data, key: string, value: unknown): LiveChange {
    const next: Data = { ...data, [key]: value };
    return this.follow(data, next, [key]);
  }

  /** Sets a lookup's (or another computed field's) value from outside and recomputes what reads it. */
  setComputed(data: Data, key: string, value: unknown): LiveChange {
    return this.set(data, key, value);
  }

  /** Sets one cell of a subform row; that row's formulas, then the form's formulas over it, recompute. */
  setCell(data: Data, subform: string, index: number, column: string, value: unknown): LiveChange {
    const rows = Array.isArray(data[subform]) ? [...(data[subform] as Row[])] : [];
    const row: Row = { ...(rows[index] ?? {}), [column]: value };
    rows[index] = this.computeRow(subform, row, data, this.rowReach.get(subform)?.get(column));
    return this.follow(data, { ...data, [subform]: rows }, [subform]);
  }

  /** Replaces a subform's rows (rows added, removed or reordered); new rows get their formulas computed. */
  setRows(data: Data, subform: string, rows: readonly Row[]): LiveChange {
    const before = new Set(Array.isArray(data[subform]) ? (data[subform] as Row[]) : []);
    const next = rows.map((row) => (before.has(row) ? row : this.computeRow(subform, row, data)));
    return this.follow(data, { ...data, [subform]: next }, [subform]);
  }

  /** Fields whose `visibleWhen` is false for these values (shown nowhere, their `required` lifted). */
  hiddenFields(data: Data): Set<string> {
    const now = this.now();
    const hidden = new Set<string>();
    for (const rule of this.plan.rules) if (!isVisible(rule, data, now)) hidden.add(rule.field.key);
    return hidden;
  }

  /** Columns of a subform hidden by their `visibleWhen` in one row. */
  hiddenColumns(data: Data, subform: string, row: Row): Set<string> {
    const sub = this.plan.subforms.get(subform);
    const hidden = new Set<string>();
    if (!sub) return hidden;
    const now = this.now();
    const scope = { ...data, ...row };
    for (const rule of sub.rules) if (!isVisible(rule, scope, now)) hidden.add(rule.field.key);
    return hidden;
  }

  /** True when some column of the subform has a visibility rule (rows then decide one by one). */
  hasColumnRules(subform: string): boolean {
    return (this.plan.subforms.get(subform)?.rules ?? []).some((rule) => rule.visible);
  }

  /** The compiled formula of a computed field (top-level, or `subform.column`), for the explain view. */
  formulaOf(key: string): import('./formulas.js').FormulaProgram | undefined {
    const [first, column] = key.split('.', 2);
    if (column === undefined) return this.plan.formulas.get(key);
    return this.plan.subforms.get(first ?? '')?.formulas.get(column);
  }

  /** The clock this form computes with. */
  clock(): Date {
    return this.now();
  }

  /** Recomputes what the changed keys reach, and reports which top-level values changed. */
  private follow(before: Data, next: Data, keys: readonly string[]): LiveChange {
    const now = this.now();
    const todo = new Map<string, FieldDef>();
    for (const key of keys) for (const field of this.reach.get(key) ?? []) todo.set(field.key, field);
    const rank = new Map(this.plan.order.map((field, i) => [field.key, i]));
    const ordered = [...todo.values()].sort((a, b) => (rank.get(a.key) ?? 0) - (rank.get(b.key) ?? 0));
    for (const field of ordered) this.recompute(field, next, now);
    const changed = new Set<string>();
    for (const key of new Set([...keys, ...todo.keys()])) if (before[key] !== next[key]) changed.add(key);
    return { data: next, changed };
  }

  private recompute(field: FieldDef, data: Data, now: Date): void {
    if (field.type === 'formula') {
      data[field.key] = this.evaluate(this.plan, field, data, now);
    } else if (field.type === 'subform') {
      const rows = data[field.key];
      if (Array.isArray(rows)) {
        data[field.key] = rowsOf(rows).map(([, row]) => this.computeRow(field.key, row, data));
      }
    }
    // Lookups and rollups read other records: the server computes them (or setComputed sets them).
  }

  private computeRow(subform: string, row: Row, outer: Data, only?: readonly FieldDef[]): Row {
    const sub = this.plan.subforms.get(subform);
    if (!sub || sub.order.length === 0) return row;
    const now = this.now();
    const scope: Data = { ...outer, ...row };
    const own: Row = { ...row };
    for (const field of only ?? sub.order) {
      if (field.type !== 'formula') continue;
      const value = this.evaluate(sub, field, scope, now);
      scope[field.key] = value;
      own[field.key] = value;
    }
    return own;
  }

  private evaluate(plan: ScopePlan, field: FieldDef, scope: Data, now: Date): unknown {
    const program = plan.formulas.get(field.key);
    if (!program) return null;
    try {
      return fromFormulaValue(field, program.evaluate(scope, now));
    } catch (error) {
      // As on the server: a formula failing on these values (division by zero...) shows no value.
      if (isFormulaError(error)) return null;
      throw error;
    }
  }
}
