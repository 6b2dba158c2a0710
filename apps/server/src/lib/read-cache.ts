import type { Connection, Schema } from 'mongoose';

/**
 * What a cached read came from. `identity`: users, sessions, API tokens and memberships (who is calling,
 * with which roles). `definitions`: apps and forms (roles and published form definitions).
 */
export type CacheArea = 'identity' | 'definitions';

type Listener = (area: CacheArea) => void;

interface AreaState {
  identity: number;
  definitions: number;
  ttlMs: number;
  listeners: Set<Listener>;
}

/** How long an entry may be served without reading the store again, unless configured. */
export const DEFAULT_CACHE_TTL_MS = 2000;

const states = new WeakMap<Connection, AreaState>();

function stateOf(connection: Connection): AreaState {
  let state = states.get(connection);
  if (!state) {
    state = { identity: 0, definitions: 0, ttlMs: DEFAULT_CACHE_TTL_MS, listeners: new Set() };
    states.set(connection, state);
  }
  return state;
}

/** Sets how long this connection's caches may serve a read (`CACHE_TTL_MS`); 0 turns caching off. */
export function configureReadCache(connection: Connection, options: { ttlMs: number }): void {
  stateOf(connection).ttlMs = options.ttlMs;
}

/** How long this connection's caches serve a read (what another instance may still be serving). */
export function cacheTtlOf(connection: Connection): number {
  return stateOf(connection).ttlMs;
}

/** The area's generation: read it before a store read and hand it to {@link ReadCache.set}. */
export function generationOf(connection: Connection, area: CacheArea): number {
  return stateOf(connection)[area];
}

/**
 * Drops every cached entry of the area. Listeners (the realtime plugin, which tells the other server
 * instances) hear about local writes only: an invalidation received from a peer is not sent on again.
 */
export function invalidate(
  connection: Connection,
  area: CacheArea,
  options: { fromPeer?: boolean } = {},
): void {
  const state = stateOf(connection);
  state[area] += 1;
  if (options.fromPeer) return;
  for (const listener of state.listeners) listener(area);
}

/** Calls `listener` after each local invalidation; returns the function that stops it. */
export function onInvalidate(connection: Connection, listener: Listener): () => void {
  const { listeners } = stateOf(connection);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const QUERY_WRITES = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'deleteOne',
  'deleteMany',
  'replaceOne',
] as const;

/** The connection behind a query, a document or a model (what `this` is in mongoose middleware). */
function connectionOf(context: unknown): Connection | undefined {
  const ctx = context as { model?: { db?: Connection }; db?: Connection; constructor?: { db?: Connection } };
  return ctx.model?.db ?? ctx.db ?? ctx.constructor?.db;
}

/**
 * Makes every write through the schema's models invalidate `area`, before it runs and after it finished:
 * a read that raced with the write was made under the older generation and is never served. Writes that
 * bypass mongoose (`Model.collection.*`) must call {@link invalidate} themselves.
 */
export function invalidateOnWrite(schema: Schema, area: CacheArea): void {
  const bump = function (this: unknown) {
    const connection = connectionOf(this);
    if (connection) invalidate(connection, area);
  };
  for (const op of QUERY_WRITES) {
    schema.pre(op, { document: true, query: true }, bump);
    schema.post(op, { document: true, query: true }, bump);
  }
  schema.pre('save', bump);
  schema.post('save', bump);
  schema.pre('insertMany', bump);
  schema.post('insertMany', bump);
  schema.pre('bulkWrite', bump);
  schema.post('bulkWrite', bump);
}

interface Entry<V> {
  value: V;
  generation: number;
  expiresAt: number;
}

/**
 * Values read from the store, served while their area has not been written since they were read and for
 * at most the configured TTL (what another server instance wrote reaches this one within the TTL, at
 * once when a Redis adapter relays invalidations). Bounded: past `max` entries it starts over.
 */
export class ReadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Loads on their way, by generation and key (see {@link ReadCache.shared}). */
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly connection: Connection,
    private readonly area: CacheArea,
    private readonly max = 10_000,
  ) {}

  /** The value if it is still fresh. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.generation !== generationOf(this.connection, this.area) || entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /**
   * Runs `load` (which reads the store and {@link set}s the value) once for all callers that miss the same
   * key meanwhile: when an entry expires under load, the requests in flight would otherwise all read it
   * again at once. A caller joins only a load started under the area's current generation, so it never gets
   * a value read before a write it could know of; the load's value is shared like a cached one (callers
   * must not change it).
   */
  shared<R>(key: string, load: () => Promise<R>): Promise<R> {
    const id = `${generationOf(this.connection, this.area)}|${key}`;
    const pending = this.loading.get(id) as Promise<R> | undefined;
    if (pending) return pending;
    const started = load().finally(() => this.loading.delete(id));
    this.loading.set(id, started);
    return started;
  }

  /**
   * Keeps a value read under `generation` (taken before the read), until `notAfter` at the latest (e.g.
   * a session's expiry).
   */
  set(key: string, value: V, generation: number, notAfter = Number.POSITIVE_INFINITY): void {
    const { ttlMs } = stateOf(this.connection);
    if (ttlMs <= 0 || generation !== generationOf(this.connection, this.area)) return;
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, { value, generation, expiresAt: Math.min(Date.now() + ttlMs, notAfter) });
  }
}

const caches = new WeakMap<Connection, Map<string, ReadCache<unknown>>>();

/** The connection's cache named `name` (one per connection, so test apps never share entries). */
export function readCache<V>(connection: Connection, name: string, area: CacheArea): ReadCache<V> {
  let named = caches.get(connection);
  if (!named) {
    named = new Map();
    caches.set(connection, named);
  }
  let cache = named.get(name);
  if (!cache) {
    cache = new ReadCache<unknown>(connection, area);
    named.set(name, cache);
  }
  return cache as ReadCache<V>;
}
