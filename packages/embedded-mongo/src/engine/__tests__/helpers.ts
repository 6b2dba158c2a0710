import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Document, deserialize, serialize } from 'bson';
import { MongoCommandError } from '../../errors.js';
import { openStorage } from '../../storage/index.js';
import type { JournalOp, OpenedStorage, Storage } from '../../storage/types.js';
import { createEngine, type EngineWithInternals } from '../index.js';

/**
 * An in-memory Storage double that records committed ops and can be told to fail the next
 * commits (disk full), so tests can check the engine undoes its in-memory change.
 */
export class MemoryStorage implements Storage {
  readonly committed: JournalOp[][] = [];
  failNext = 0;
  checkpointBytes = Number.POSITIVE_INFINITY;
  bytes = 0;
  checkpoints: JournalOp[][] = [];
  /** For each checkpoint, how many commits had been made when it was taken. */
  checkpointAt: number[] = [];

  async commit(ops: JournalOp[]): Promise<void> {
    await Promise.resolve();
    if (this.failNext > 0) {
      this.failNext--;
      throw new MongoCommandError(14031, 'No space left on device (test double)');
    }
    // Round-trip through BSON like the real journal, so what replays is what was written.
    this.committed.push(
      ops.map((o) => deserialize(serialize({ o }), { promoteValues: false }).o as JournalOp),
    );
    this.bytes += ops.length * 100;
  }

  shouldCheckpoint(): boolean {
    return this.bytes > this.checkpointBytes;
  }

  async checkpoint(state: Iterable<JournalOp>): Promise<void> {
    this.checkpointAt.push(this.committed.length);
    this.checkpoints.push([...state]);
    this.bytes = 0;
  }

  async close(): Promise<void> {}

  /** Everything committed so far, in order (what a recovery would replay). */
  all(): JournalOp[] {
    return this.committed.flat();
  }
}

/** An engine over the memory double. */
export function memEngine(recovered: JournalOp[] = []): {
  engine: EngineWithInternals;
  storage: MemoryStorage;
} {
  const storage = new MemoryStorage();
  const opened: OpenedStorage = { storage, recovered };
  return { engine: createEngine(opened, { ttlIntervalMs: 0 }), storage };
}

/** An engine over the real file storage in a fresh temp directory (fsync off for speed). */
export async function fileEngine(
  dir?: string,
): Promise<{ engine: EngineWithInternals; dir: string; cleanup: () => Promise<void> }> {
  const d = dir ?? (await mkdtemp(join(tmpdir(), 'em-engine-')));
  const opened = await openStorage(d, { noSync: true });
  const engine = createEngine(opened, { ttlIntervalMs: 0 });
  return { engine, dir: d, cleanup: () => rm(d, { recursive: true, force: true }) };
}

/** Sends a command as the wire layer would: serialised and deserialised with promoteValues: false. */
export function wire(cmd: Document): Document {
  return deserialize(serialize(cmd), { promoteValues: false });
}

/** Runs a command through a BSON round trip (as the wire does) and returns the reply round-tripped too. */
export async function run(engine: EngineWithInternals, db: string, cmd: Document): Promise<Document> {
  const reply = await engine.run(db, wire(cmd), { connectionId: 1 });
  return deserialize(serialize(reply), { promoteLongs: false });
}

/** Runs a command expecting a MongoCommandError; returns it. */
export async function runErr(
  engine: EngineWithInternals,
  db: string,
  cmd: Document,
): Promise<MongoCommandError> {
  try {
    await engine.run(db, wire(cmd), { connectionId: 1 });
  } catch (e) {
    if (e instanceof MongoCommandError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(Object.keys(cmd))} to fail`);
}

/** All documents of a find (follows getMore). */
export async function findAll(
  engine: EngineWithInternals,
  db: string,
  coll: string,
  cmd: Document = {},
): Promise<Document[]> {
  let r = await run(engine, db, { find: coll, ...cmd });
  const out = [...r.cursor.firstBatch];
  while (r.cursor.id && Number(r.cursor.id) !== 0) {
    r = await run(engine, db, { getMore: r.cursor.id, collection: coll });
    out.push(...r.cursor.nextBatch);
  }
  return out;
}
