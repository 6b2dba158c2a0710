import { isBlank } from '../values.js';

/**
 * Excel's comparison rules: a blank equals 0, "" and FALSE; text compares case-insensitively;
 * dates compare by time. Values of different kinds are never equal.
 */
export function looselyEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/** -1, 0 or 1 when comparable, NaN when the kinds differ (every ordering is then FALSE). */
export function compareValues(a: unknown, b: unknown): number {
  if (isBlank(a) && isBlank(b)) return 0;
  let x = a;
  let y = b;
  if (isBlank(x)) x = blankLike(y);
  if (isBlank(y)) y = blankLike(x);
  if (x instanceof Date) x = x.getTime();
  if (y instanceof Date) y = y.getTime();
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'string' && typeof y === 'string') {
    const p = x.toLowerCase();
    const q = y.toLowerCase();
    return p < q ? -1 : p > q ? 1 : 0;
  }
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  return Number.NaN;
}

function blankLike(other: unknown): unknown {
  if (typeof other === 'string') return '';
  if (typeof other === 'boolean') return false;
  if (other instanceof Date) return 0;
  return 0;
}
