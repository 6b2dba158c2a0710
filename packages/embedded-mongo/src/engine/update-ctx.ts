import { Timestamp } from 'bson';
import { fail } from '../errors.js';
import { formatValue } from './collection.js';
import { compareBson, typeRank, valueKey } from './compare.js';
import { mongoQuery } from './mingo-ext.js';
import { add, mul, numKind, zeroLike } from './numbers.js';
import { positionalIndex } from './positional.js';
import { mingoCall, parseSort, sortDocs } from './query.js';
import type { UpdateOptions } from './update.js';
import { bsonType, type Doc, isPlainObject, num, ownField, setField, typeName, view } from './values.js';

type Container = Doc | unknown[];

/** Mutable state of one update: a copy-on-write tree over the original document. */
export class Ctx {
  root: Doc;
  changed = false;
  private readonly owned = new WeakSet<object>();
  private readonly filters = new Map<string, { test: (el: unknown) => boolean; used: boolean }>();

  constructor(
    readonly orig: Doc,
    readonly opts: UpdateOptions,
  ) {
    this.root = { ...orig };
    this.owned.add(this.root);
    for (const f of opts.arrayFilters ?? []) {
      const keys = Object.keys(f);
      if (keys.length === 0)
        fail(9, 'Cannot use an expression without a top-level field name in arrayFilters');
      const id = keys[0]!.split('.')[0]!;
      const cond: Doc = {};
      let whole: unknown;
      for (const [k, v] of Object.entries(f)) {
        const [head, ...rest] = k.split('.');
        if (head !== id)
          fail(
            9,
            `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${id}' and '${head}'`,
          );
        if (rest.length === 0) whole = v;
        else cond[rest.join('.')] = v;
      }
      const qWhole = whole === undefined ? undefined : mingoCall(() => mongoQuery({ v: view(whole) }));
      const qFields = Object.keys(cond).length ? mingoCall(() => mongoQuery(view(cond))) : undefined;
      this.filters.set(id, {
        used: false,
        test: (el) =>
          (!qWhole || qWhole.test({ v: view(el) })) &&
          (!qFields || (isPlainObject(el) && qFields.test(view(el)))),
      });
    }
  }

  checkArrayFilters(): void {
    for (const [id, f] of this.filters) {
      if (!f.used)
        fail(9, `The array filter for identifier '${id}' was not used in the update ${formatValue({})}`);
    }
  }

  /** Expands `$`, `$[]` and `$[id]` into concrete paths over the current document. */
  expand(parts: string[]): string[][] {
    let acc: string[][] = [[]];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p === '$') {
        acc = acc.map((prefix) => {
          const idx = positionalIndex(this.orig, prefix.join('.'), this.opts.filter);
          if (idx === undefined) {
            if (this.opts.isInsert)
              fail(2, 'The positional operator did not find the match needed from the query.');
            fail(2, 'The positional operator did not find the match needed from the query.');
          }
          return [...prefix, String(idx)];
        });
      } else if (p === '$[]' || /^\$\[[a-zA-Z0-9_]*\]$/.test(p)) {
        const id = p.slice(2, -1);
        const f = id ? this.filters.get(id) : undefined;
        if (id && !f) fail(2, `No array filter found for identifier '${id}' in path '${parts.join('.')}'`);
        if (f) f.used = true;
        const next: string[][] = [];
        for (const prefix of acc) {
          const arr = this.get(prefix);
          if (arr === undefined && this.opts.isInsert) continue;
          if (!Array.isArray(arr))
            fail(
              2,
              `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`,
            );
          arr.forEach((el, j) => {
            if (!f || f.test(el)) next.push([...prefix, String(j)]);
          });
        }
        acc = next;
      } else acc = acc.map((prefix) => [...prefix, p]);
    }
    return acc;
  }

  get(parts: string[]): unknown {
    let cur: unknown = this.root;
    for (const p of parts) {
      if (Array.isArray(cur)) cur = /^\d+$/.test(p) ? cur[Number(p)] : undefined;
      else if (isPlainObject(cur)) cur = ownField(cur, p);
      else return undefined;
    }
    return cur;
  }

  private own<T extends Container>(c: T): T {
    if (this.owned.has(c)) return c;
    const copy = (Array.isArray(c) ? c.slice() : { ...c }) as T;
    this.owned.add(copy);
    return copy;
  }

  /** The container that holds the last part, creating intermediate documents when `create`. */
  private parent(parts: string[], create: boolean): Container | undefined {
    let cur: Container = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i]!;
      let child: unknown = readKey(cur, p);
      if (child === undefined || (child === null && !create)) {
        if (!create) return undefined;
        if (Array.isArray(cur) && !/^\d+$/.test(p)) this.notViable(parts, i, cur);
        child = {};
      } else if (
        child === null ||
        typeof child !== 'object' ||
        (!Array.isArray(child) && !isPlainObject(child))
      ) {
        if (!create) return undefined;
        this.notViable(parts, i + 1, child);
      } else child = this.own(child as Container);
      writeKey(cur, p, child, parts, i);
      cur = child as Container;
    }
    return cur;
  }

  private notViable(parts: string[], i: number, at: unknown): never {
    fail(28, `Cannot create field '${parts[i]}' in element {${parts[i - 1] ?? ''}: ${formatValue(at)}}`);
  }

  set(parts: string[], value: unknown): void {
    const par = this.parent(parts, true)!;
    const last = parts[parts.length - 1]!;
    if (Array.isArray(par) && !/^\d+$/.test(last)) this.notViable(parts, parts.length - 1, par);
    const old = readKey(par, last);
    if (old !== undefined && sameValue(old, value)) return;
    writeKey(par, last, value, parts, parts.length - 1);
    this.changed = true;
  }

  unset(parts: string[]): void {
    const par = this.parent(parts, false);
    if (!par) return;
    const last = parts[parts.length - 1]!;
    if (Array.isArray(par)) {
      if (!/^\d+$/.test(last) || Number(last) >= par.length) return;
      if (par[Number(last)] === null) return;
      par[Number(last)] = null;
    } else {
      if (!Object.hasOwn(par, last)) return;
      delete par[last];
    }
    this.changed = true;
  }

  apply(op: string, parts: string[], value: unknown): void {
    const path = parts.join('.');
    const cur = this.get(parts);
    switch (op) {
      case '$set':
      case '$setOnInsert':
        this.set(parts, value);
        return;
      case '$unset':
        this.unset(parts);
        return;
      case '$inc':
      case '$mul': {
        if (numKind(value) === undefined) {
          fail(
            14,
            `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${formatValue(value)}}`,
          );
        }
        if (cur === undefined) {
          this.set(parts, op === '$inc' ? value : zeroLike(value));
          return;
        }
        if (numKind(cur) === undefined) {
          fail(
            14,
            `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(this.orig._id)}} has the field '${parts[parts.length - 1]}' of non-numeric type ${typeName(cur)}`,
          );
        }
        this.set(parts, op === '$inc' ? add(cur, value) : mul(cur, value));
        return;
      }
      case '$min':
      case '$max': {
        if (cur === undefined) {
          this.set(parts, value);
          return;
        }
        const c = compareBson(view(value), view(cur));
        if ((op === '$min' && c < 0) || (op === '$max' && c > 0)) this.set(parts, value);
        return;
      }
      case '$currentDate': {
        const ts = isPlainObject(value) && value.$type === 'timestamp';
        this.set(parts, ts ? new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }) : new Date());
        return;
      }
      case '$rename': {
        if (cur === undefined) return;
        this.unset(parts);
        this.set(String(value).split('.'), cur);
        return;
      }
      case '$push':
      case '$addToSet':
        this.push(op, parts, cur, value);
        return;
      case '$pop': {
        if (cur === undefined) return;
        if (!Array.isArray(cur))
          fail(14, `Path '${path}' contains an element of non-array type '${typeName(cur)}'`);
        if (cur.length === 0) return;
        this.set(parts, num(value) < 0 ? cur.slice(1) : cur.slice(0, -1));
        return;
      }
      case '$pull':
      case '$pullAll': {
        if (cur === undefined) return;
        if (!Array.isArray(cur)) fail(2, `Cannot apply ${op} to a non-array value`);
        let keep: unknown[];
        if (op === '$pullAll') {
          if (!Array.isArray(value))
            fail(2, `$pullAll requires an array argument but was given a ${typeName(value)}`);
          const drop = new Set(value.map((v) => valueKey(view(v))));
          keep = cur.filter((el) => !drop.has(valueKey(view(el))));
        } else {
          const test = pullTest(value);
          keep = cur.filter((el) => !test(el));
        }
        if (keep.length !== cur.length) this.set(parts, keep);
        return;
      }
      case '$bit': {
        if (!isPlainObject(value)) fail(2, 'The $bit modifier is not compatible with a non-object argument');
        let n = cur === undefined ? 0 : num(cur, Number.NaN);
        if (Number.isNaN(n)) fail(14, `Cannot apply $bit to a value of non-integral type.`);
        for (const [k, v] of Object.entries(value)) {
          const m = num(v);
          if (k === 'and') n &= m;
          else if (k === 'or') n |= m;
          else if (k === 'xor') n ^= m;
          else fail(2, `The $bit modifier only supports 'and', 'or', and 'xor', not '${k}'`);
        }
        this.set(parts, n);
        return;
      }
    }
  }

  private push(op: string, parts: string[], cur: unknown, value: unknown): void {
    const path = parts.join('.');
    if (cur !== undefined && !Array.isArray(cur)) {
      if (op === '$push') {
        fail(
          2,
          `The field '${path}' must be an array but is of type ${typeName(cur)} in document {_id: ${formatValue(this.orig._id)}}`,
        );
      }
      fail(
        2,
        `Cannot apply $addToSet to non-array field. Field named '${parts[parts.length - 1]}' has non-array type ${typeName(cur)}`,
      );
    }
    const arr = (cur as unknown[] | undefined) ?? [];
    const mods = isPlainObject(value) && '$each' in value ? value : undefined;
    let items: unknown[];
    if (mods) {
      if (!Array.isArray(mods.$each))
        fail(
          2,
          `The argument to $each in ${op} must be an array but it was of type: ${typeName(mods.$each)}`,
        );
      items = mods.$each;
    } else items = [value];
    if (op === '$addToSet') {
      const have = new Set(arr.map((el) => valueKey(view(el))));
      const add: unknown[] = [];
      for (const it of items) {
        const k = valueKey(view(it));
        if (!have.has(k)) {
          have.add(k);
          add.push(it);
        }
      }
      if (add.length === 0 && cur !== undefined) return;
      this.set(parts, [...arr, ...add]);
      return;
    }
    let next: unknown[];
    if (mods && mods.$position !== undefined) {
      let pos = num(mods.$position);
      if (pos < 0) pos = Math.max(0, arr.length + pos);
      next = [...arr.slice(0, pos), ...items, ...arr.slice(pos)];
    } else next = [...arr, ...items];
    if (mods && mods.$sort !== undefined) {
      const s = mods.$sort;
      if (isPlainObject(s)) next = sortDocs(next as Doc[], parseSort(s));
      else {
        const d = num(s);
        next = next
          .map((v, i) => ({ v, i }))
          .sort((a, b) => compareBson(view(a.v), view(b.v)) * d || a.i - b.i)
          .map((x) => x.v);
      }
    }
    if (mods && mods.$slice !== undefined) {
      const n = num(mods.$slice);
      next = n >= 0 ? next.slice(0, n) : next.slice(Math.max(0, next.length + n));
    }
    this.set(parts, next);
  }
}

function readKey(c: Container, k: string): unknown {
  if (Array.isArray(c)) return /^\d+$/.test(k) ? c[Number(k)] : undefined;
  return ownField(c, k);
}

function writeKey(c: Container, k: string, v: unknown, parts: string[], i: number): void {
  if (Array.isArray(c)) {
    if (!/^\d+$/.test(k)) fail(28, `Cannot create field '${k}' in element {${parts[i - 1] ?? ''}: [...]}`);
    const idx = Number(k);
    while (c.length < idx) c.push(null);
    c[idx] = v;
  } else setField(c, k, v);
}

/** The predicate `$pull` uses on array elements (a query for documents, equality otherwise). */
function pullTest(cond: unknown): (el: unknown) => boolean {
  if (isPlainObject(cond)) {
    const keys = Object.keys(cond);
    const opsOnly =
      keys.length > 0 && keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor'].includes(k));
    if (opsOnly) {
      const q = mingoCall(() => mongoQuery({ v: view(cond) }));
      return (el) => q.test({ v: view(el) });
    }
    const q = mingoCall(() => mongoQuery(view(cond)));
    return (el) => isPlainObject(el) && q.test(view(el));
  }
  const k = valueKey(view(cond));
  return (el) => valueKey(view(el)) === k;
}

/** Strict equality including BSON types (a changed number type counts as a modification). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeRank(a) !== typeRank(b)) return false;
  if (typeof a !== typeof b || bsonType(a) !== bsonType(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => kb[i] === k && sameValue(a[k], b[k]));
  }
  return valueKey(a) === valueKey(b);
}

export { typeName };
