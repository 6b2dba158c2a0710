import { FormulaError } from './errors.js';

/**
 * Orders the computed fields of a form so every field comes after the fields it reads.
 * `fields` maps each computed field key to the keys its formula references (a compiled formula's
 * `refs`); references to non-computed fields are ignored. Ties keep the input order. A cycle
 * throws CIRCULAR_REFERENCE with `params.cycle`, the path from a field back to itself
 * (e.g. `['a', 'b', 'a']`).
 */
export function buildDependencyGraph(fields: Readonly<Record<string, readonly string[]>>): string[] {
  const keys = Object.keys(fields);
  const computed = new Set(keys);
  const deps = new Map<string, string[]>();
  for (const key of keys) {
    deps.set(
      key,
      (fields[key] ?? []).filter((ref) => computed.has(ref)),
    );
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  // Iterative depth-first search, so a long chain of fields cannot overflow the stack.
  for (const startKey of keys) {
    if (state.get(startKey) === 'done') continue;
    const stack: Array<{ key: string; next: number }> = [{ key: startKey, next: 0 }];
    state.set(startKey, 'visiting');
    path.push(startKey);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { key: string; next: number };
      const list = deps.get(top.key) ?? [];
      if (top.next < list.length) {
        const dep = list[top.next++] as string;
        const s = state.get(dep);
        if (s === 'visiting') {
          const cycle = [...path.slice(path.indexOf(dep)), dep];
          throw new FormulaError('CIRCULAR_REFERENCE', 0, { cycle });
        }
        if (s === undefined) {
          state.set(dep, 'visiting');
          path.push(dep);
          stack.push({ key: dep, next: 0 });
        }
      } else {
        state.set(top.key, 'done');
        order.push(top.key);
        path.pop();
        stack.pop();
      }
    }
  }
  return order;
}
