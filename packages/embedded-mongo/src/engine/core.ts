import { calculateObjectSize, Long } from 'bson';
import { fail, MongoCommandError } from '../errors.js';
import type { JournalOp, Storage } from '../storage/types.js';
import { parseCollation, type StringCollator } from './collation.js';
import { Collection } from './collection.js';
import { checkIndexSpec, Index } from './index-tree.js';
import type { ExecStats, PlanInfo } from './planner.js';
import { type Doc, isPlainObject, normalize } from './values.js';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** Idle cursors are killed after this many ms (MongoDB: 10 minutes). */
  cursorTimeoutMs?: number;
  /** How often expired TTL documents are removed (MongoDB: 60 s). 0 disables the sweep. */
  ttlIntervalMs?: number;
}

/** A server-side cursor over materialised results. */
export interface CursorState {
  id: Long;
  ns: string;
  docs: Doc[];
  pos: number;
  connectionId: number;
  lastUsed: number;
  /** A tailable cursor on a capped collection: how to fetch what was inserted since. */
  tail?: TailState;
}

/** What a tailable cursor needs to follow its capped collection. */
export interface TailState {
  db: string;
  coll: string;
  /** Insertion number of the last document the cursor has seen. */
  lastSeq: number;
  match: ((doc: Doc) => boolean) | undefined;
  project: ((doc: Doc) => Doc) | undefined;
  awaitData: boolean;
}

/** The last plan chosen for a query, so tests and `explain` can see whether an index was used. */
export interface LastPlan extends PlanInfo, ExecStats {
  nReturned: number;
}

/** Largest reply batch, leaving room for the envelope under the 16 MiB reply limit. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;

/**
 * Shared state of the engine: the catalog, open cursors, and the journaled change path every
 * command goes through ({@link Txn}).
 */
export class Core {
  readonly dbs = new Map<string, Map<string, Collection>>();
  readonly cursors = new Map<string, CursorState>();
  lastPlan: LastPlan | undefined;
  private inflight = 0;
  private checkpointing = false;
  private seq = 0;
  /** Transactions whose journal write failed, waiting to be undone together (newest first). */
  private readonly failed: Txn[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly storage: Storage,
    readonly options: EngineOptions,
  ) {}

  coll(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** Starts a journaled change. */
  begin(): Txn {
    return new Txn(this);
  }

  /** Creates a collection in memory (journaled by the caller through `tx`). */
  createCollection(tx: Txn, db: string, name: string, options: Doc): Collection {
    checkCollName(db, name);
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    const c = new Collection(db, name, options);
    colls.set(name, c);
    tx.log({ op: 'createCollection', db, coll: name, options }, () => {
      this.dbs.get(db)?.delete(name);
      if (this.dbs.get(db)?.size === 0) this.dbs.delete(db);
    });
    return c;
  }

  /** The collection, created implicitly (as MongoDB does on first write) when missing. */
  ensure(tx: Txn, db: string, name: string): Collection {
    return this.coll(db, name) ?? this.createCollection(tx, db, name, {});
  }

  /** Removes a collection. */
  dropCollection(tx: Txn, c: Collection): void {
    const colls = this.dbs.get(c.db);
    colls?.delete(c.name);
    if (colls?.size === 0) this.dbs.delete(c.db);
    tx.log({ op: 'dropCollection', db: c.db, coll: c.name }, () => {
      let m = this.dbs.get(c.db);
      if (!m) {
        m = new Map();
        this.dbs.set(c.db, m);
      }
      m.set(c.name, c);
    });
  }

  /** Registers a cursor and returns the first batch reply (a tailable cursor stays open at the end). */
  cursorReply(
    ns: string,
    docs: Doc[],
    batchSize: number,
    single: boolean,
    connectionId: number,
    tail?: TailState,
  ): Doc {
    const { batch, next } = takeBatch(docs, 0, batchSize);
    let id = Long.ZERO;
    if ((next < docs.length || tail) && !single) {
      id = newCursorId(this.cursors);
      const state: CursorState = { id, ns, docs, pos: next, connectionId, lastUsed: Date.now() };
      if (tail) state.tail = tail;
      this.cursors.set(id.toString(), state);
    }
    return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
  }

  /** Commit bookkeeping: checkpoints only when no change is awaiting its journal write. */
  enter(): void {
    this.inflight++;
  }

  leave(): void {
    this.inflight--;
    if (this.inflight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
    if (this.failed.length === 0 && !this.checkpointing && this.storage.shouldCheckpoint()) this.checkpoint();
  }

  /** A sequence number giving the order in which transactions applied their changes. */
  nextSeq(): number {
    return ++this.seq;
  }

  /**
   * Records a transaction whose journal write failed and, once no other write is in flight, undoes
   * every failed transaction newest first, so changes stacked on one another unwind in order.
   */
  async undoFailed(tx: Txn): Promise<void> {
    this.failed.push(tx);
    if (this.inflight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const batch = this.failed.splice(0).sort((a, b) => b.seq - a.seq);
    for (const t of batch) t.rollback();
  }

  /** Snapshot of the whole state, copied synchronously (documents are immutable). */
  snapshot(): JournalOp[] {
    const ops: JournalOp[] = [];
    for (const [db, colls] of this.dbs) {
      for (const c of colls.values()) {
        ops.push({ op: 'createCollection', db, coll: c.name, options: c.options });
        for (const ix of c.indexes.values())
          if (ix.name !== '_id_') ops.push({ op: 'createIndex', db, coll: c.name, spec: ix.spec });
        for (const doc of c.docs.values()) ops.push({ op: 'put', db, coll: c.name, doc });
      }
    }
    return ops;
  }

  private checkpoint(): void {
    this.checkpointing = true;
    const state = this.snapshot();
    this.storage
      .checkpoint(state)
      .catch(() => {
        // A failed checkpoint leaves the journal intact; the next commit retries.
      })
      .finally(() => {
        this.checkpointing = false;
      });
  }

  /** Replays recovered journal ops into memory (no journaling). */
  replay(ops: Iterable<JournalOp>): void {
    const tx = new Txn(this);
    for (const op of ops) {
      switch (op.op) {
        case 'createCollection':
          if (!this.coll(op.db, op.coll)) this.createCollection(tx, op.db, op.coll, op.options);
          break;
        case 'collMod': {
          const c = this.coll(op.db, op.coll);
          if (c) c.options = op.options;
          break;
        }
        case 'dropCollection': {
          const c = this.coll(op.db, op.coll);
          if (c) this.dropCollection(tx, c);
          break;
        }
        case 'dropDatabase':
          this.dbs.delete(op.db);
          break;
        case 'renameCollection': {
          const c = this.coll(op.db, op.from);
          if (!c) break;
          this.dbs.get(op.db)?.delete(op.from);
          if (this.dbs.get(op.db)?.size === 0) this.dbs.delete(op.db);
          const moved = new Collection(op.toDb, op.to, c.options);
          for (const ix of c.indexes.values()) if (ix.name !== '_id_') moved.addIndex(new Index(ix.spec));
          for (const d of c.docs.values()) moved.put(d);
          let m = this.dbs.get(op.toDb);
          if (!m) {
            m = new Map();
            this.dbs.set(op.toDb, m);
          }
          m.set(op.to, moved);
          break;
        }
        case 'createIndex': {
          const c = this.ensure(tx, op.db, op.coll);
          const spec = checkIndexSpec(normalize(op.spec));
          if (!c.indexes.has(String(spec.name))) c.addIndex(new Index(spec));
          break;
        }
        case 'dropIndex':
          this.coll(op.db, op.coll)?.indexes.delete(op.name);
          break;
        case 'put':
          this.ensure(tx, op.db, op.coll).put(op.doc);
          break;
        case 'delete': {
          const c = this.coll(op.db, op.coll);
          if (c) c.remove(Collection.idKey({ _id: normalize(op.id) }));
          break;
        }
      }
    }
  }
}

/**
 * One journaled change: in-memory edits are applied immediately, logged with an undo step, and
 * {@link Txn.commit} writes them as one journal entry; if that fails every edit is undone.
 */
export class Txn {
  readonly ops: JournalOp[] = [];
  private readonly undos: (() => void)[] = [];

  /** Order of application among transactions. */
  readonly seq: number;

  constructor(private readonly core: Core) {
    this.seq = core.nextSeq();
  }

  log(op: JournalOp, undo: () => void): void {
    this.ops.push(op);
    this.undos.push(undo);
  }

  /**
   * Inserts or replaces a document (unique indexes checked first). `bytes`: the document's BSON as it
   * arrived, when it is stored exactly so (journaled instead of serialising it again).
   */
  put(c: Collection, doc: Doc, knownId?: string, normalized = false, bytes?: Uint8Array): Doc | undefined {
    const id = knownId ?? Collection.idKey(doc);
    const prev = c.put(doc, id, normalized);
    const doc2 = c.docs.get(id)!;
    const op: JournalOp = bytes
      ? { op: 'put', db: c.db, coll: c.name, doc: doc2, bytes }
      : { op: 'put', db: c.db, coll: c.name, doc: doc2 };
    this.log(op, () => {
      if (prev) c.put(prev, id);
      else c.remove(id);
    });
    return prev;
  }

  /** Deletes a document by `_id` key. */
  remove(c: Collection, id: string): Doc | undefined {
    const prev = c.remove(id);
    if (prev) this.log({ op: 'delete', db: c.db, coll: c.name, id: prev._id }, () => c.put(prev));
    return prev;
  }

  /** Writes the journal entry; on failure undoes every change and rethrows a coded error. */
  async commit(): Promise<void> {
    if (this.ops.length === 0) return;
    this.core.enter();
    let failure: unknown;
    try {
      await this.core.storage.commit(this.ops);
    } catch (e) {
      failure = e ?? new Error('journal write failed');
    } finally {
      this.core.leave();
    }
    if (failure === undefined) return;
    await this.core.undoFailed(this);
    if (failure instanceof MongoCommandError) throw failure;
    fail(1, `journal write failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  }

  /** Undoes every in-memory change of this transaction (newest first). */
  rollback(): void {
    for (let i = this.undos.length - 1; i >= 0; i--) {
      try {
        this.undos[i]!();
      } catch {
        // Restoring a previous version cannot violate constraints it satisfied before.
      }
    }
    this.undos.length = 0;
    this.ops.length = 0;
  }
}

/** Cuts one batch of at most `size` (negative: any number of) documents and ~16 MiB. */
export function takeBatch(docs: Doc[], from: number, size: number): { batch: Doc[]; next: number } {
  const end = size >= 0 ? Math.min(docs.length, from + size) : docs.length;
  let bytes = 0;
  let i = from;
  for (; i < end; i++) {
    bytes += calculateObjectSize(docs[i]!);
    if (bytes > MAX_BATCH_BYTES && i > from) break;
  }
  return { batch: docs.slice(from, i), next: i };
}

function newCursorId(existing: Map<string, CursorState>): Long {
  for (;;) {
    const hi = Math.floor(Math.random() * 0x7fffffff);
    const lo = Math.floor(Math.random() * 0xffffffff) | 0;
    const id = Long.fromBits(lo, hi);
    if (!id.isZero() && !existing.has(id.toString())) return id;
  }
}

const BAD_DB_CHARS = /[/\\. "$*<>:|?\0]/;

/** Validates a database name (InvalidNamespace 73). */
export function checkDbName(db: string): void {
  if (typeof db !== 'string' || db.length === 0 || BAD_DB_CHARS.test(db) || db.length > 63) {
    fail(73, `Invalid database name: '${String(db)}'`);
  }
}

/** Validates a collection name (InvalidNamespace 73). */
export function checkCollName(db: string, name: unknown): asserts name is string {
  checkDbName(db);
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0') || name.startsWith('.')) {
    fail(73, `Invalid collection name: ${String(name)}`);
  }
  if (name.includes('$')) fail(73, `Invalid collection name: ${name}`);
}

/** Reads the collection name argument of a command (`{ find: 'coll' }`). */
export function collArg(db: string, cmd: Doc, key: string): string {
  const name = cmd[key];
  if (typeof name !== 'string')
    fail(2, `collection name has invalid type ${name === null ? 'null' : typeof name}`);
  checkCollName(db, name);
  return name;
}

/**
 * The collation an operation compares strings under: its own `collation` argument, else the
 * collection's default collation, else binary (`{ locale: 'simple' }` asks for binary explicitly).
 */
export function collationFor(coll: Collection | undefined, raw: unknown): StringCollator | undefined {
  if (raw !== undefined && raw !== null) return parseCollation(raw);
  return coll?.defaultCollation();
}

/** A command's `let` variables (stored form), if any. */
export function letVariables(cmd: Doc): Doc | undefined {
  if (!isPlainObject(cmd.let)) return undefined;
  for (const name of Object.keys(cmd.let)) {
    // A user variable starts with a lowercase letter or a non-ASCII character (mongod's rule).
    if (!/^(?:[a-z]|[^\p{ASCII}])(?:\w|[^\p{ASCII}])*$/u.test(name))
      fail(2, `'${name}' starts with an invalid character for a user variable name`);
  }
  return normalize(cmd.let) as Doc;
}
