import type { FormulaType } from './types.js';
import { toDate } from './values.js';

/** Reads an own property of a plain data object; prototypes and non-objects yield undefined. */
function own(target: unknown, key: string): unknown {
  if (target === null || typeof target !== 'object') return undefined;
  if (!Object.hasOwn(target, key)) return undefined;
  const value = (target as Record<string, unknown>)[key];
  return typeof value === 'function' ? undefined : value;
}

/** Walks a dotted path; a list on the way maps the rest of the path over its rows (subform columns). */
function walk(target: unknown, parts: readonly string[], from: number): unknown {
  let current = target;
  for (let i = from; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (Array.isArray(current)) return current.map((row) => walk(row, parts, i));
    current = own(current, part);
    if (current === undefined || current === null) return current;
  }
  return current;
}

/**
 * A reader for one field reference. Flat keys read the scope directly; dotted keys first try a
 * flat entry of that name, then walk relation objects and subform rows. Date fields are converted
 * to Date, and a list type always yields a list (blank → []).
 */
export function fieldReader(
  key: string,
  type: FormulaType,
): (scope: Readonly<Record<string, unknown>>) => unknown {
  const parts = key.split('.');
  const isList = type.endsWith('[]');
  const isDate = type.startsWith('date');
  const raw =
    parts.length === 1
      ? key in Object.prototype
        ? (scope: Readonly<Record<string, unknown>>) => own(scope, key)
        : (scope: Readonly<Record<string, unknown>>) => {
            // Keys that are not Object.prototype members cannot reach built-ins through a plain
            // record; functions are still dropped so no callable ever enters a formula.
            const v = scope[key];
            return typeof v === 'function' ? undefined : v;
          }
      : (scope: Readonly<Record<string, unknown>>) => {
          const flat = own(scope, key);
          return flat !== undefined ? flat : walk(scope, parts, 0);
        };
  if (isList) {
    return (scope) => {
      const v = raw(scope);
      const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
      return isDate ? list.map((item) => toDate(item)) : list;
    };
  }
  if (isDate) return (scope) => toDate(raw(scope));
  return raw;
}
