import type { BaseField, FormRef } from './field-types/define.js';
import { type Issue, issue, pointer } from './issues.js';

/** A condition as the walker sees it, whatever operand language it uses. */
export interface WalkedCondition {
  readonly field: string;
  readonly op: string;
  readonly value?: unknown;
}

/** Calls `visit` for every condition of a filter (the filter DSL or rollup conditions), with its pointer. */
export function walkConditions(
  node: unknown,
  path: string,
  visit: (condition: WalkedCondition, path: string) => void,
): void {
  if (typeof node !== 'object' || node === null) return;
  const n = node as { and?: unknown[]; or?: unknown[]; field?: unknown };
  if (typeof n.field === 'string') {
    visit(node as WalkedCondition, path);
    return;
  }
  for (const k of ['and', 'or'] as const) {
    n[k]?.forEach((child, i) => {
      walkConditions(child, pointer(path, k, i), visit);
    });
  }
}

/** Finds a field of a form by a filter field reference (`key` or `subform.column`); system fields pass. */
export function resolveFilterField(form: FormRef, ref: string): BaseField | 'system' | undefined {
  if (ref.startsWith('_')) return 'system';
  const [head, column] = ref.split('.');
  const field = form.fields.find((f) => f.key === head);
  if (column === undefined || field === undefined) return field;
  const columns = (field as { columns?: readonly BaseField[] }).columns;
  return columns?.find((c) => c.key === column);
}

/** Issues for every condition whose field is not a field of `form`. */
export function checkFilterFields(form: FormRef, filter: unknown, path: string): Issue[] {
  const out: Issue[] = [];
  walkConditions(filter, path, (c, p) => {
    if (resolveFilterField(form, c.field) === undefined) {
      out.push(issue('ref.field', pointer(p, 'field'), { form: form.key, field: c.field }));
    }
  });
  return out;
}
