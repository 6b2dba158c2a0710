import type { Connection } from 'mongoose';

interface Key {
  /** The read on its way to the store, if any. */
  inflight: boolean;
  /** Callers waiting for the next read of this key (asked while one was on its way). */
  next: Array<{ resolve(value: unknown): void; reject(error: unknown): void }> | null;
  /** Callers of the read on its way. */
  current: Array<{ resolve(value: unknown): void; reject(error: unknown): void }>;
}

const reads = new WeakMap<Connection, Map<string, Key>>();

/**
 * Answers identical store reads of concurrent requests with one round trip (the read counterpart of
 * lib/group-insert): callers asking the same `key` in the same turn of the event loop share one read, and
 * callers asking while that read is on its way share the next one, sent when it is back. A caller never gets
 * an answer read before it asked, so it sees every write that finished before its request (read-your-writes
 * holds as with a read of its own). `key` must name the read completely (collection, filter, pipeline).
 * Each caller gets its own settled value; `read` must not hand out objects the callers then change.
 */
export function groupRead<T>(connection: Connection, key: string, read: () => PromiseLike<T>): Promise<T> {
  let byKey = reads.get(connection);
  if (!byKey) {
    byKey = new Map();
    reads.set(connection, byKey);
  }
  let entry = byKey.get(key);
  return new Promise<T>((resolve, reject) => {
    const waiter = { resolve: resolve as (value: unknown) => void, reject };
    if (entry && !entry.inflight) {
      // Queued this turn, not yet sent: go with it.
      entry.current.push(waiter);
      return;
    }
    if (entry) {
      entry.next ??= [];
      entry.next.push(waiter);
      return;
    }
    entry = { inflight: false, next: null, current: [waiter] };
    (byKey as Map<string, Key>).set(key, entry);
    const group = entry;
    const map = byKey as Map<string, Key>;
    setImmediate(() => send(map, key, group, read));
  });
}

function send(byKey: Map<string, Key>, key: string, entry: Key, read: () => PromiseLike<unknown>): void {
  entry.inflight = true;
  const settle = (ok: boolean, value: unknown) => {
    const waiting = entry.current;
    if (entry.next) {
      // Asked while this read was on its way: they get a read of their own, sent now.
      entry.current = entry.next;
      entry.next = null;
      send(byKey, key, entry, read);
    } else {
      byKey.delete(key);
    }
    for (const w of waiting) {
      if (ok) w.resolve(value);
      else w.reject(value);
    }
  };
  let pending: Promise<unknown>;
  try {
    // A mongoose query is a thenable that runs again each time it is awaited: take its one promise.
    pending = Promise.resolve(read());
  } catch (error) {
    settle(false, error);
    return;
  }
  pending.then(
    (value) => settle(true, value),
    (error: unknown) => settle(false, error),
  );
}

/**
 * A key naming a query exactly: like JSON, but ObjectIds, dates and other BSON values keep their type, so
 * `{ a: ObjectId("…") }` and `{ a: "…" }` (which match different records) never share a read.
 */
export function readKey(value: unknown): string {
  return plainKey(value) ?? typedJson(value);
}

/**
 * {@link readKey} of a value made of JSON values, dates and ObjectIds (every rollup query), written
 * directly: JSON.stringify with a replacer called back into JavaScript for every value of the query (~1% of
 * a record create's CPU). Undefined for anything else, which then goes the general way; both give the same
 * text for the values this one takes.
 */
function plainKey(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      const item = value[i];
      // JSON writes null for what it cannot write in an array.
      const part = item === undefined ? 'null' : plainKey(item);
      if (part === undefined) return undefined;
      out += i === 0 ? part : `,${part}`;
    }
    return `${out}]`;
  }
  if (value instanceof Date) return `{"$date":${Number.isFinite(value.getTime()) ? value.getTime() : null}}`;
  const proto = Object.getPrototypeOf(value);
  if ((value as { _bsontype?: unknown })._bsontype === 'ObjectId') {
    return `{"$ObjectId":"${(value as { toHexString(): string }).toHexString()}"}`;
  }
  if (proto !== Object.prototype && proto !== null) return undefined;
  let out = '{';
  let first = true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = (value as Record<string, unknown>)[key];
    // JSON leaves out what it cannot write in an object.
    if (item === undefined) continue;
    const part = plainKey(item);
    if (part === undefined) return undefined;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${part}`;
    first = false;
  }
  return `${out}}`;
}

function typedJson(value: unknown): string {
  return JSON.stringify(value, function typed(this: Record<string, unknown>, name: string, json: unknown) {
    const raw = this[name];
    if (raw instanceof Date) return { $date: raw.getTime() };
    if (raw !== null && typeof raw === 'object' && '_bsontype' in raw) {
      return { [`$${String((raw as { _bsontype: unknown })._bsontype)}`]: json };
    }
    return json;
  });
}
