import type { BaseField } from './field-types/define.js';

// Words of the formula language that look like identifiers but are not field references.
const RESERVED = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'in']);

// A field reference starts lower-case (as keys do) and may name a column as `subform.column`; names of
// functions are followed by `(`, and a name right after a `.`, `$` or word character belongs to something else.
const IDENT = /(?<![\w.$])([a-z][a-zA-Z0-9_]*(?:\.[a-z][a-zA-Z0-9_]*)?)(?![\w(]|\s*\()/g;

/**
 * The field references in a formula, found by a plain identifier scan (string literals and comments removed first).
 * Real parsing and type checking belong to `@formloom/formula`; this scan only catches names that do not
 * exist, which is the mistake a template author makes most.
 */
export function formulaIdentifiers(expression: string): string[] {
  const code = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
  const names = new Set<string>();
  for (const m of code.matchAll(IDENT)) {
    const name = m[1] as string;
    if (!RESERVED.has(name)) names.add(name);
  }
  return [...names];
}

/**
 * Whether `name` resolves in a scope: a field of `scope`, a column of a subform in it (`items.qty`), or,
 * for formulas of subform columns, a field of the enclosing form (`outer`). `rel.field` through another
 * field type is left to the formula engine.
 */
export function resolvesIn(
  name: string,
  scope: readonly BaseField[],
  outer: readonly BaseField[] = [],
): boolean {
  const [head, column] = name.split('.');
  const field = scope.find((f) => f.key === head) ?? outer.find((f) => f.key === head);
  if (!field) return false;
  if (column === undefined || field.type !== 'subform') return true;
  return ((field as { columns?: readonly BaseField[] }).columns ?? []).some((c) => c.key === column);
}
