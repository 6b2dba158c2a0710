import { elementMatcher, mongoQuery } from './mingo-ext.js';
import { getPath } from './paths.js';
import { mingoCall } from './query.js';
import { type Doc, isPlainObject, view } from './values.js';

/**
 * The index of the first element of the array at `arrayPath` that satisfies every condition the
 * filter places on that array: the element MongoDB's positional `$` refers to.
 */
export function positionalIndex(doc: Doc, arrayPath: string, filter: Doc | undefined): number | undefined {
  if (!filter) return undefined;
  const arr = getPath(view(doc), arrayPath);
  if (!Array.isArray(arr)) return undefined;
  const tests: ((el: unknown) => boolean)[] = [];
  collect(view(filter), arrayPath, tests);
  if (tests.length === 0) return undefined;
  for (let i = 0; i < arr.length; i++) {
    const el = arr[i];
    if (tests.every((t) => t(el))) return i;
  }
  return undefined;
}

function collect(filter: Doc, path: string, into: ((el: unknown) => boolean)[]): void {
  for (const [k, c] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(c)) {
      for (const sub of c) if (isPlainObject(sub)) collect(sub, path, into);
    } else if (k === path) {
      if (isPlainObject(c) && isPlainObject(c.$elemMatch)) {
        into.push(mingoCall(() => elementMatcher(c.$elemMatch)));
      } else {
        const q = mingoCall(() => mongoQuery({ v: c }));
        into.push((el) => q.test({ v: el }));
      }
    } else if (k.startsWith(`${path}.`)) {
      const q = mingoCall(() => mongoQuery({ [k.slice(path.length + 1)]: c }));
      into.push((el) => isPlainObject(el) && q.test(el));
    }
  }
}
