import { createHash } from 'node:crypto';
import { type Connection, Types } from 'mongoose';
import { type RecordChange, realtimeBus } from '../realtime/bus.js';

/**
 * Report results served again while the records of their forms are unchanged.
 *
 * Correctness across server instances: every record write is followed by a bump of its form's counter in the
 * store (`report_stamps`, one document per form); a cached answer keeps the counter it was computed under
 * (read **before** the pipeline ran) and is served only while the counter is still that — so an answer that
 * may miss a write is never served once that write's bump landed, on any instance. The bump follows the write
 * by the time an update takes (it is sent when the write is announced), or under a stream of writes by at
 * most {@link BUMP_INTERVAL_MS} more (the writes meanwhile share one bump); on the writing instance a local
 * counter closes even that gap. Keys are digests of the whole pipeline, whose first `$match` is the caller's
 * access scope, so two callers share an answer only when they would run the very same query.
 */

const STAMPS = 'report_stamps';
/**
 * Least time between two bumps of one form's counter: the writes announced meanwhile share the next bump
 * (group commit). A bump sent every update round trip was one store write per ~20 creates at 50
 * concurrent ones (batch.bench: up to 17 µs of each create's server CPU); a write after a quiet spell is
 * bumped at once.
 */
const BUMP_INTERVAL_MS = 20;
/** How long an answer may be served at all (a safety net should a counter bump ever be lost). */
const MAX_AGE_MS = 10 * 60_000;
/** Most answers kept per connection; past it the oldest go. */
const MAX_ENTRIES = 2000;
/** Answers with more groups than this are not kept (they are cheap to recompute relative to their size). */
const MAX_DOCS = 20_000;

interface Entry {
  stamp: string;
  docs: readonly Readonly<Record<string, unknown>>[];
  at: number;
}

interface State {
  entries: Map<string, Entry>;
  /** Writes seen on this instance per form (hex id), bumped synchronously when a write is announced. */
  local: Map<string, number>;
  /** Store bumps in flight (or in their interval) per form, and forms that changed again meanwhile. */
  pending: Set<string>;
  again: Set<string>;
  /** Forms whose next bump waits for the interval to end, with the timer and the function sending it. */
  waiting: Map<string, { timer: NodeJS.Timeout; release(): void }>;
  listener: (change: RecordChange) => void;
  hits: number;
  misses: number;
}

const states = new WeakMap<Connection, State>();

function bumpStore(connection: Connection, state: State, ws: Types.ObjectId, form: Types.ObjectId): void {
  const id = form.toHexString();
  if (state.pending.has(id)) {
    state.again.add(id);
    return;
  }
  state.pending.add(id);
  const sent = Date.now();
  const release = () => {
    state.waiting.delete(id);
    state.pending.delete(id);
    // Writes announced while the bump was in flight (or in its interval) need one more.
    if (state.again.delete(id)) bumpStore(connection, state, ws, form);
  };
  connection
    .collection(STAMPS)
    .updateOne({ _id: form as never }, { $inc: { n: 1 }, $setOnInsert: { ws } }, { upsert: true })
    .catch(() => {
      // The store is unreachable: the local counter still protects this instance, and answers expire.
    })
    .finally(() => {
      const wait = sent + BUMP_INTERVAL_MS - Date.now();
      if (wait <= 0) return release();
      const timer = setTimeout(release, wait);
      timer.unref();
      state.waiting.set(id, { timer, release });
    });
}

function stateOf(connection: Connection): State {
  let state = states.get(connection);
  if (!state) {
    const created: State = {
      entries: new Map(),
      local: new Map(),
      pending: new Set(),
      again: new Set(),
      waiting: new Map(),
      hits: 0,
      misses: 0,
      listener: (change) => {
        const id = change.form.toHexString();
        created.local.set(id, (created.local.get(id) ?? 0) + 1);
        bumpStore(connection, created, change.ws, change.form);
      },
    };
    state = created;
    states.set(connection, state);
  }
  return state;
}

/** Starts counting record writes of this connection (idempotent); returns the function that stops. */
export function watchRecordWrites(connection: Connection): () => void {
  const state = stateOf(connection);
  const bus = realtimeBus(connection);
  bus.off('record', state.listener);
  bus.on('record', state.listener);
  return () => {
    bus.off('record', state.listener);
    // Bumps waiting for their interval go now, before the store connection closes.
    for (const { timer, release } of [...state.waiting.values()]) {
      clearTimeout(timer);
      release();
    }
  };
}

/**
 * The current version of the records of `forms`: the store's counters and this instance's. Read it before
 * running a query and hand it to {@link rememberAnswer}.
 */
export async function formsStamp(connection: Connection, forms: readonly Types.ObjectId[]): Promise<string> {
  const state = stateOf(connection);
  const ids = [...new Set(forms.map((f) => f.toHexString()))].sort();
  const stored = await connection
    .collection<{ _id: Types.ObjectId; n: number }>(STAMPS)
    .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }, { projection: { n: 1 } })
    .toArray();
  const byId = new Map(stored.map((s) => [s._id.toHexString(), s.n]));
  return ids.map((id) => `${id}:${byId.get(id) ?? 0}:${state.local.get(id) ?? 0}`).join(',');
}

/** A digest naming a query exactly: ids and dates tagged, so no two different queries share it. */
export function queryKey(parts: unknown): string {
  const text = JSON.stringify(parts, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Types.ObjectId) return { $oid: raw.toHexString() };
    if (raw instanceof Date) return { $date: raw.getTime() };
    return value;
  });
  return createHash('sha256').update(text).digest('base64url');
}

/** The answer kept for `key` if it was computed under `stamp`. */
export function cachedAnswer(
  connection: Connection,
  key: string,
  stamp: string,
): readonly Readonly<Record<string, unknown>>[] | undefined {
  const state = stateOf(connection);
  const entry = state.entries.get(key);
  if (entry && entry.stamp === stamp && Date.now() - entry.at < MAX_AGE_MS) {
    state.hits += 1;
    return entry.docs;
  }
  if (entry) state.entries.delete(key);
  state.misses += 1;
  return undefined;
}

/** Whether an answer computed under `stamp` is kept for `key` (counts neither a hit nor a miss). */
export function hasAnswer(connection: Connection, key: string, stamp: string): boolean {
  const entry = stateOf(connection).entries.get(key);
  return entry !== undefined && entry.stamp === stamp && Date.now() - entry.at < MAX_AGE_MS;
}

/** Keeps an answer computed under `stamp` (read before the query ran). */
export function rememberAnswer(
  connection: Connection,
  key: string,
  stamp: string,
  docs: readonly Readonly<Record<string, unknown>>[],
): void {
  if (docs.length > MAX_DOCS) return;
  const { entries } = stateOf(connection);
  entries.delete(key);
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  entries.set(key, { stamp, docs, at: Date.now() });
}

/** Hits and misses of this connection's report cache (for tests and benchmarks). */
export function reportCacheStats(connection: Connection): { hits: number; misses: number; entries: number } {
  const state = stateOf(connection);
  return { hits: state.hits, misses: state.misses, entries: state.entries.size };
}

/** Forgets every kept answer of this connection (benchmarks measure queries that run). */
export function forgetReportAnswers(connection: Connection): void {
  stateOf(connection).entries.clear();
}

/** Bumps the counters of a form as a record write would (writes that bypass the records module). */
export function recordsChanged(connection: Connection, ws: Types.ObjectId, form: Types.ObjectId): void {
  stateOf(connection).listener({ type: 'updated', ws, form, id: form, v: 0 });
}
