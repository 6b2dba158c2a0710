import { appError, t } from './errors.js';

/**
 * How deep a JSON body may nest. Real bodies stay far below (a pack's form definitions, flows and widgets
 * nest about 10 deep); recursive checks over deeper input (ajv schemas with recursive filters, the filter
 * compiler) overflowed the stack at a few thousand levels and answered 500.
 */
export const MAX_BODY_DEPTH = 64;

/**
 * The JSON pointer of the first container nested deeper than `max` in `value`, or null. Walks with an
 * explicit stack, so any depth is measured without recursion.
 */
export function tooDeepAt(value: unknown, max: number = MAX_BODY_DEPTH): string | null {
  // Nearly every body is shallow: first a walk that builds no paths (those were a text per container of
  // every request body), then, only for a body found too deep, the walk that names where.
  return nestsDeeper(value, max) ? firstTooDeep(value, max) : null;
}

/** Whether a container of `value` is nested deeper than `max` (explicit stack, no paths). */
function nestsDeeper(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const item = values.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop() as number;
    if (depth > max) return true;
    if (Array.isArray(item)) {
      for (const child of item) {
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    for (const key in item) {
      const child = item[key];
      if (child !== null && typeof child === 'object' && Object.hasOwn(item, key)) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

function firstTooDeep(value: unknown, max: number): string | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; depth: number; path: string };
    if (item.value === null || typeof item.value !== 'object') continue;
    const depth = item.depth + 1;
    if (depth > max) return item.path || '/';
    const entries = Array.isArray(item.value) ? item.value.entries() : Object.entries(item.value);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object') {
        stack.push({
          value: child,
          depth,
          path: `${item.path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`,
        });
      }
    }
  }
  return null;
}

/** Throws 400 when a body nests deeper than {@link MAX_BODY_DEPTH}, before anything checks it recursively. */
export function assertBodyDepth(body: unknown): void {
  const at = tooDeepAt(body);
  if (at === null) return;
  throw appError('VALIDATION_FAILED', t('request.tooDeep', { max: MAX_BODY_DEPTH }), [
    { path: at, message: t('detail.tooDeep', { max: MAX_BODY_DEPTH }) },
  ]);
}
