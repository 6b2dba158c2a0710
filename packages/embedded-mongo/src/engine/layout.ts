import type { ObjectId } from 'bson';
import { bsonType, type Doc, hasWrappers } from './values.js';

/**
 * How stored documents are laid out in memory, for scans.
 *
 * A scan of a large collection (a report over every record of a form) is bound by memory reads, not by
 * the work per document: a profile of a million-record scan spent its time on the first read of each
 * document, of its nested objects and of the ObjectIds it compares. Documents decoded from the wire are
 * built one field at a time (most fields then live in a separate backing store of the object, one more
 * pointer to follow), and every ObjectId of every document is an object of its own (the workspace and
 * form ids of a million records are two million objects where two would do). So documents are stored
 *
 * - with their fields inside the object: copied through an object literal of their key list (one
 *   generated function per list of keys, as V8 then allocates the fields in the object itself), and
 * - with repeated ObjectIds (other than `_id`) and short texts shared: one instance per value, while
 *   the table of values stays small. A shared text keeps its hash and compares by identity, so grouping
 *   by a select field (a funnel, a pivot) looks up its groups as cheaply as a hand-written loop whose
 *   texts are literals (in-engine, a million records: group by a select 103-116 -> 47-54 ms CPU, a pivot
 *   of two 118-149 -> 62-93, the hand loop 50-78).
 *
 * Values stay equal and in the same order, so nothing but speed and memory can tell. Containers that
 * hold number wrappers (marked by `normalize`) and objects without `Object.prototype` are kept as they are.
 */

/** Most key lists with a generated copier; past it, copiers are dropped oldest first. */
const MAX_SHAPES = 512;
/** Documents with more keys are kept as they are (the copier would be large and rarely reused). */
const MAX_KEYS = 128;
/** Most shared ObjectId values; past it the table starts over (ids of unique references churn it). */
const MAX_IDS = 100_000;

/** Short texts (select values, codes, names) are shared too: most repeat across documents. */
const MAX_TEXT_LENGTH = 32;
const MAX_TEXTS = 100_000;

type Copier = (values: unknown[]) => Doc;

const copiers = new Map<string, Copier>();
const ids = new Map<string, ObjectId>();
const texts = new Map<string, string>();

/**
 * The copiers last used for each key count, compared key by key: documents of one collection mostly
 * repeat a few key lists, and finding theirs this way builds no signature text (joining the keys of every
 * container of every insert was one of the store's largest allocations).
 */
const recent = new Map<number, Array<{ keys: string[]; copier: Copier }>>();
/** Most key lists remembered per key count. */
const RECENT_PER_COUNT = 8;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function copierFor(keys: string[]): Copier | undefined {
  if (keys.length > MAX_KEYS) return undefined;
  let list = recent.get(keys.length);
  if (list) {
    for (const entry of list) if (sameKeys(entry.keys, keys)) return entry.copier;
  } else {
    list = [];
    recent.set(keys.length, list);
  }
  const copier = copierBySignature(keys);
  if (copier) {
    if (list.length >= RECENT_PER_COUNT) list.pop();
    list.unshift({ keys, copier });
  }
  return copier;
}

function copierBySignature(keys: string[]): Copier | undefined {
  const signature = keys.join('\0');
  let copier = copiers.get(signature);
  if (copier) return copier;
  // Keys reach the source only through JSON.stringify; `__proto__` in a literal would set the prototype.
  if (keys.includes('__proto__')) return undefined;
  const fields = keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ');
  copier = new Function('v', `return { ${fields} };`) as Copier;
  if (copiers.size >= MAX_SHAPES) copiers.delete(copiers.keys().next().value as string);
  copiers.set(signature, copier);
  return copier;
}

/** bson 7 keeps an ObjectId as four 24-bit words; older builds do not (then only the table is used). */
type Words = { i0: number; i1: number; i2: number; i3: number };

/**
 * Shared ids by the low bits of their last word (counter bytes, which differ between ids made together):
 * a hit is found by comparing four numbers, without the hex text the table is keyed by (that text was
 * made for every id of every inserted document).
 */
const SLOTS = 4096;
const slots: Array<ObjectId | undefined> = new Array(SLOTS);

function sharedId(id: ObjectId): ObjectId {
  const w = id as unknown as Words;
  if (typeof w.i3 !== 'number') return sharedIdByText(id);
  const slot = w.i3 & (SLOTS - 1);
  const seen = slots[slot] as (ObjectId & Words) | undefined;
  if (seen !== undefined && seen.i3 === w.i3 && seen.i2 === w.i2 && seen.i1 === w.i1 && seen.i0 === w.i0) {
    return seen;
  }
  const shared = sharedIdByText(id);
  slots[slot] = shared;
  return shared;
}

function sharedIdByText(id: ObjectId): ObjectId {
  const key = id.toHexString();
  const known = ids.get(key);
  if (known) return known;
  if (ids.size >= MAX_IDS) {
    // Starting over: the slots must not keep handing out instances the table no longer shares.
    ids.clear();
    slots.fill(undefined);
  }
  ids.set(key, id);
  return id;
}

/**
 * The shared instance of an ObjectId value when stored documents hold it, else the id itself: a query's
 * constant compared by identity first ({@link layOutDoc} shares the instances of repeated ids).
 */
export function storedInstance(id: ObjectId): ObjectId {
  return ids.get(id.toHexString()) ?? id;
}

function sharedText(text: string): string {
  const known = texts.get(text);
  if (known !== undefined) return known;
  if (texts.size >= MAX_TEXTS) texts.clear();
  texts.set(text, text);
  return text;
}

function laidOut(v: unknown): unknown {
  if (typeof v === 'string') return v.length <= MAX_TEXT_LENGTH ? sharedText(v) : v;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    if (hasWrappers(v)) return v;
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i += 1) {
      const next = laidOut(v[i]);
      if (next !== v[i] && !out) out = v.slice(0, i);
      if (out) out.push(next);
    }
    return out ?? v;
  }
  if (bsonType(v) === 'ObjectId') return sharedId(v as ObjectId);
  // A date is copied with the document, so it lies beside it in memory (the decoder's instance lies among
  // the decoded message's objects): a month chart reads one per document.
  if (v instanceof Date && Object.getPrototypeOf(v) === Date.prototype) return new Date(v.getTime());
  if (Object.getPrototypeOf(v) !== Object.prototype || hasWrappers(v)) return v;
  return layOutDoc(v as Doc, false);
}

/**
 * The stored form of a normalised document laid out for scans (see above): an equal document whose
 * fields live in the object and whose repeated ObjectIds are shared. `_id` at the top is kept as it is.
 */
export function layOutDoc(doc: Doc, top = true): Doc {
  if (hasWrappers(doc) || Object.getPrototypeOf(doc) !== Object.prototype) return doc;
  const keys = Object.keys(doc);
  const copier = copierFor(keys);
  if (!copier) return doc;
  const values = keys.map((k) => (top && k === '_id' ? doc[k] : laidOut(doc[k])));
  return copier(values);
}
