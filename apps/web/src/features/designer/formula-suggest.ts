import { defaultRegistry, type FieldTypeMap, type FunctionDef, functionSyntax } from '@formloom/formula';

/** One autocomplete entry: a function of the formula registry or a field the formula may read. */
export type Suggestion =
  | { kind: 'function'; name: string; syntax: string; def: FunctionDef }
  | { kind: 'field'; name: string; label: string };

/** The identifier being typed just before the caret (fields may be dotted: `items.qty`). */
export function wordAt(text: string, caret: number): { start: number; word: string } {
  const before = text.slice(0, caret);
  const m = /[A-Za-z_][A-Za-z0-9_.]*$/.exec(before);
  // A word right after a quote is inside a string literal: nothing to suggest.
  if (!m || /["']$/.test(before.slice(0, m.index))) return { start: caret, word: '' };
  return { start: m.index, word: m[0] };
}

/** Suggestions for `word`: fields whose key or label starts with it, then functions, at most `limit`. */
export function suggest(
  word: string,
  fields: FieldTypeMap,
  labels: ReadonlyMap<string, string>,
  limit = 8,
): Suggestion[] {
  if (word === '') return [];
  const lower = word.toLowerCase();
  const out: Suggestion[] = [];
  for (const key of Object.keys(fields)) {
    const label = labels.get(key) ?? '';
    if (key.toLowerCase().startsWith(lower) || label.toLowerCase().startsWith(lower)) {
      out.push({ kind: 'field', name: key, label });
    }
  }
  for (const def of defaultRegistry.list()) {
    if (def.name.toLowerCase().startsWith(lower)) {
      out.push({ kind: 'function', name: def.name, syntax: functionSyntax(def), def });
    }
  }
  return out.slice(0, limit);
}

/** The text after accepting `s` in place of the word at `start..caret`, and where the caret goes. */
export function accept(
  text: string,
  start: number,
  caret: number,
  s: Suggestion,
): { text: string; caret: number } {
  const insert = s.kind === 'function' ? `${s.name}(` : s.name;
  return { text: text.slice(0, start) + insert + text.slice(caret), caret: start + insert.length };
}

/** A sample value for a field kind, so a formula shows a result before any record exists. */
export function sampleFor(kind: string): unknown {
  const list = kind.endsWith('[]');
  const base = list ? kind.slice(0, -2) : kind;
  const one = (i: number): unknown => {
    switch (base) {
      case 'number':
      case 'money':
      case 'percent':
        return base === 'percent' ? 0.1 * (i + 1) : 10 * (i + 1);
      case 'boolean':
        return true;
      case 'date':
        return '2026-01-15';
      case 'datetime':
        return '2026-01-15T09:30:00Z';
      default:
        return `${base === 'any' ? 'x' : base}${i + 1}`;
    }
  };
  return list ? [one(0), one(1)] : one(0);
}

/** Builds a record from sample values by key: `items.qty` lists become subform rows, `rel.x` nested objects. */
export function scopeFrom(
  samples: Readonly<Record<string, unknown>>,
  fields: FieldTypeMap,
): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(samples)) {
    const dot = key.indexOf('.');
    if (dot < 0) {
      scope[key] = value;
      continue;
    }
    const head = key.slice(0, dot);
    const tail = key.slice(dot + 1);
    if (String(fields[key] ?? '').endsWith('[]') && Array.isArray(value)) {
      const rows = (Array.isArray(scope[head]) ? scope[head] : []) as Array<Record<string, unknown>>;
      value.forEach((v, i) => {
        rows[i] = { ...(rows[i] ?? {}), [tail]: v };
      });
      scope[head] = rows;
    } else {
      scope[head] = { ...((scope[head] as Record<string, unknown>) ?? {}), [tail]: value };
    }
  }
  return scope;
}
