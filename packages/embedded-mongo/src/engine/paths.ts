import { isPlainObject, ownField } from './values.js';

/** Reads a dotted path without traversing arrays (numeric parts index into arrays). */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(part)) return undefined;
      cur = cur[Number(part)];
    } else if (isPlainObject(cur)) cur = ownField(cur, part);
    else return undefined;
  }
  return cur;
}

/**
 * The index keys a document produces for one dotted path, MongoDB style: arrays along the way fan
 * out (multikey), a missing value indexes as null. `multi` is set when an array was traversed.
 */
export function keyValues(doc: unknown, parts: readonly string[], state: { multi: boolean }): unknown[] {
  const out: unknown[] = [];
  collect(doc, parts, 0, out, state);
  if (out.length === 0) out.push(null);
  return out;
}

function collect(
  v: unknown,
  parts: readonly string[],
  i: number,
  out: unknown[],
  state: { multi: boolean },
): void {
  if (i === parts.length) {
    if (Array.isArray(v)) {
      state.multi = true;
      if (v.length === 0) out.push(undefined);
      else for (const el of v) out.push(el);
    } else out.push(v === undefined ? null : v);
    return;
  }
  if (Array.isArray(v)) {
    state.multi = true;
    const part = parts[i]!;
    if (/^\d+$/.test(part)) {
      const el = v[Number(part)];
      if (el !== undefined) collect(el, parts, i + 1, out, state);
    }
    for (const el of v) if (isPlainObject(el)) collect(el, parts, i, out, state);
    return;
  }
  if (isPlainObject(v)) {
    collect(ownField(v, parts[i]!), parts, i + 1, out, state);
    return;
  }
  out.push(null);
}

/** Sort key of a value MongoDB style: an array sorts by its smallest (asc) or largest (desc) element. */
export function sortValue(
  doc: unknown,
  parts: readonly string[],
  dir: number,
  cmp: (a: unknown, b: unknown) => number,
): unknown {
  const state = { multi: false };
  const keys = keyValues(doc, parts, state);
  if (keys.length === 1) return keys[0] === undefined ? null : keys[0];
  let best = keys[0];
  for (let i = 1; i < keys.length; i++) {
    const c = cmp(keys[i], best);
    if ((dir > 0 && c < 0) || (dir < 0 && c > 0)) best = keys[i];
  }
  return best === undefined ? null : best;
}
