import { DEFAULT_ONLY_FUNCTIONS } from '@formloom/formula';
import { compileFieldFormula, type FormulaProgram, FormulaSetupError } from './formulas.js';
import type { FieldDef, FormDirectory } from './types.js';
import { formulaKindOf } from './values.js';

/** Computed fields of one scope (the form, or one subform's rows) in an order that respects dependencies. */
export interface ScopePlan {
  order: FieldDef[];
  formulas: Map<string, FormulaProgram>;
  /** Field definitions by key, for value conversion. */
  fields: Map<string, FieldDef>;
  /** Subform key -> the plan of its rows (subforms with computed columns or column rules). */
  subforms: Map<string, ScopePlan>;
  /** Visibility rules and validation formulas of the scope's fields. */
  rules: FieldRule[];
  /**
   * What each computed field reads, by key of this scope (a subform's entry lists the outer fields its
   * column formulas read): the graph live forms follow to recompute only what a change reaches.
   */
  deps: ReadonlyMap<string, readonly string[]>;
}

/** A field's `visibleWhen` and `validation.formula`, compiled. */
export interface FieldRule {
  field: FieldDef;
  visible?: FormulaProgram;
  validate?: FormulaProgram;
}

/** Keys named by `$field` / `$recordPeriod` operands in rollup conditions. */
export function rollupFieldRefs(conditions: unknown): string[] {
  const refs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.$field === 'string') refs.push(o.$field);
    for (const value of Object.values(o)) walk(value);
  };
  walk(conditions);
  const period = (c: unknown): void => {
    if (c && typeof c === 'object') {
      const o = c as Record<string, unknown>;
      const rp = o.$recordPeriod as { start?: unknown } | undefined;
      if (rp && typeof rp.start === 'string') refs.push(rp.start);
      Object.values(o).forEach(period);
    }
  };
  period(conditions);
  return [...new Set(refs)];
}

/** The formula kinds of a scope's fields, with subform columns as `sub.col` lists. */
export function formulaKinds(
  fields: readonly FieldDef[],
  forms: FormDirectory,
  outer: Record<string, string> = {},
) {
  const kinds: Record<string, string> = { ...outer };
  const addColumns = (prefix: string, columns: FieldDef[], many: boolean) => {
    for (const column of columns) {
      const kind = formulaKindOf(column, lookupTarget(column, columns, forms));
      kinds[`${prefix}.${column.key}`] = many || kind === 'any' || kind.endsWith('[]') ? 'any' : `${kind}[]`;
    }
  };
  for (const field of fields) {
    if (field.hidden) continue;
    const looked = lookupTarget(field, fields, forms);
    kinds[field.key] = formulaKindOf(field, looked);
    if (field.type === 'subform' && Array.isArray(field.columns)) {
      addColumns(field.key, field.columns as FieldDef[], false);
    }
    // A lookup of a subform holds the related record's rows: its columns read as lists, like a subform's
    // own (through a multiple relation, a list of lists).
    if (looked?.type === 'subform' && Array.isArray(looked.columns)) {
      const relation = fields.find((f) => f.key === field.relation);
      addColumns(field.key, looked.columns as FieldDef[], relation?.multiple === true);
    }
  }
  return kinds;
}

/** The field a lookup reads from the related form. */
export function lookupTarget(
  field: FieldDef,
  scope: readonly FieldDef[],
  forms: FormDirectory,
): FieldDef | undefined {
  if (field.type !== 'lookup') return undefined;
  const relation = scope.find((f) => f.key === field.relation);
  const form = typeof relation?.form === 'string' ? forms.byKey(relation.form) : undefined;
  return form?.definition.fields.find((f) => f.key === field.field);
}

/**
 * Plans the computation of one scope: compiles its formulas (throwing {@link FormulaSetupError} with the
 * field and position on syntax, type and cycle errors) and orders computed fields after what they read.
 */
export function planScope(
  fields: readonly FieldDef[],
  forms: FormDirectory,
  outerKinds: Record<string, string> = {},
  basePath = '/fields',
): ScopePlan {
  const kinds = formulaKinds(fields, forms, outerKinds);
  const formulas = new Map<string, FormulaProgram>();
  const subforms = new Map<string, ScopePlan>();
  const deps = new Map<string, string[]>();
  const rules: FieldRule[] = [];
  fields.forEach((field, index) => {
    if (field.hidden) return;
    const path = `${basePath}/${index}`;
    const rule: FieldRule = { field };
    if (typeof field.visibleWhen === 'string') {
      rule.visible = noOneNeeded(compileFieldFormula(field.visibleWhen, kinds, `${path}/visibleWhen`), path);
    }
    const validation = field.validation as { formula?: unknown } | undefined;
    if (typeof validation?.formula === 'string') {
      const at = `${path}/validation/formula`;
      rule.validate = noOneNeeded(compileFieldFormula(validation.formula, kinds, at), at);
    }
    if (rule.visible || rule.validate) rules.push(rule);
    // Default formulas are checked here, as every other formula, so publishing refuses one that writes
    // would silently skip (an unknown function, a result the field cannot hold).
    const preset = field.default as { formula?: unknown } | undefined;
    if (typeof preset?.formula === 'string') {
      compileFieldFormula(
        preset.formula,
        kinds,
        `${path}/default/formula`,
        defaultKind(field, fields, forms),
      );
    }
    if (field.type === 'formula' && typeof field.expression === 'string') {
      const program = noOneNeeded(
        compileFieldFormula(field.expression, kinds, `${path}/expression`),
        `${path}/expression`,
      );
      formulas.set(field.key, program);
      deps.set(
        field.key,
        program.dependencies.map((d) => d.split('.')[0] ?? d),
      );
    } else if (field.type === 'lookup') {
      deps.set(field.key, [String(field.relation)]);
    } else if (field.type === 'rollup') {
      deps.set(field.key, rollupFieldRefs(field.conditions));
    } else if (field.type === 'subform' && Array.isArray(field.columns)) {
      const columns = field.columns as FieldDef[];
      const outer = Object.fromEntries(Object.entries(kinds).filter(([k]) => !k.startsWith(`${field.key}.`)));
      const sub = planScope(columns, forms, outer, `${path}/columns`);
      // Kept for its rows' visibility and validation rules too, even without computed columns.
      if (sub.order.length > 0 || sub.rules.length > 0) subforms.set(field.key, sub);
      if (sub.order.length > 0) {
        // Column formulas may read the record's own fields: the rows are computed after them.
        const own = new Set(columns.map((c) => c.key));
        const reads = [...sub.formulas.values()].flatMap((p) =>
          p.dependencies.map((d) => d.split('.')[0] ?? d),
        );
        deps.set(field.key, [...new Set(reads.filter((k) => !own.has(k)))]);
      }
    }
  });
  const order = topoOrder(fields, deps, basePath);
  return { order, formulas, fields: new Map(fields.map((f) => [f.key, f])), subforms, rules, deps };
}

/**
 * Refuses functions that name who creates the record (CURRENT_USER) outside default formulas: formula
 * fields and rules are recomputed by no one in particular, so such a value would be blank.
 */
function noOneNeeded(program: FormulaProgram, path: string): FormulaProgram {
  const name = program.functions.find((f) => DEFAULT_ONLY_FUNCTIONS.has(f));
  if (name === undefined) return program;
  const position = Math.max(0, program.expression.toUpperCase().indexOf(name));
  throw new FormulaSetupError(path, 'DEFAULT_ONLY', position, { name });
}

/** The kind a field's default formula must produce (what the field holds). */
function defaultKind(field: FieldDef, scope: readonly FieldDef[], forms: FormDirectory): string {
  return formulaKindOf(field, lookupTarget(field, scope, forms));
}

function topoOrder(fields: readonly FieldDef[], deps: Map<string, string[]>, basePath: string): FieldDef[] {
  const byKey = new Map(fields.map((f, i) => [f.key, { field: f, index: i }]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: FieldDef[] = [];
  const visit = (key: string, trail: string[]): void => {
    const mark = state.get(key);
    if (mark === 'done' || !deps.has(key)) return;
    if (mark === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(key)), key];
      const at = byKey.get(key);
      throw new FormulaSetupError(`${basePath}/${at?.index ?? 0}`, 'CIRCULAR_REFERENCE', 0, { cycle });
    }
    state.set(key, 'visiting');
    for (const dep of deps.get(key) ?? []) visit(dep, [...trail, key]);
    state.set(key, 'done');
    const entry = byKey.get(key);
    if (entry) order.push(entry.field);
  };
  for (const key of deps.keys()) visit(key, []);
  return order;
}
