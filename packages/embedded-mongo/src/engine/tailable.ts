import { fail } from '../errors.js';
import type { Collection } from './collection.js';
import type { Core, CursorState, TailState } from './core.js';
import type { Doc } from './values.js';

/** How long a getMore on an awaitData cursor waits for new documents when it names no maxTimeMS. */
const DEFAULT_AWAIT_MS = 1000;

/** Checks the options of a tailable find as mongod does (capped collection, natural order). */
export function checkTailable(coll: Collection | undefined, cmd: Doc, sort: Doc | undefined): void {
  if (cmd.awaitData === true && cmd.tailable !== true)
    fail(2, "Cannot set 'awaitData' without also setting 'tailable'");
  if (cmd.tailable !== true) return;
  if (coll && !coll.options.capped)
    fail(2, `error processing query: tailable cursor requested on non capped collection ${coll.ns}`);
  const keys = sort ? Object.keys(sort) : [];
  if (keys.length > 0 && !(keys.length === 1 && keys[0] === '$natural' && Number(sort?.$natural) === 1))
    fail(2, 'cannot use tailable option with a sort other than {$natural: 1}');
}

/** The tail state of a tailable find whose first results are `docs`. */
export function tailOf(
  coll: Collection,
  cmd: Doc,
  match: TailState['match'],
  project: TailState['project'],
): TailState {
  // The cursor continues after the newest document there is now (the query saw all of them).
  let lastSeq = 0;
  for (const s of coll.insertSeq.values()) if (s > lastSeq) lastSeq = s;
  return { db: coll.db, coll: coll.name, lastSeq, match, project, awaitData: cmd.awaitData === true };
}

/** Documents inserted after the cursor's position that match its query, oldest first. */
function fresh(coll: Collection, tail: TailState): Doc[] {
  const out: Doc[] = [];
  let last = tail.lastSeq;
  for (const [id, seq] of coll.insertSeq) {
    if (seq <= tail.lastSeq) continue;
    if (seq > last) last = seq;
    const doc = coll.docs.get(id)!;
    if (tail.match && !tail.match(doc)) continue;
    out.push(tail.project ? tail.project(doc) : doc);
  }
  tail.lastSeq = last;
  return out;
}

/**
 * Refills a tailable cursor that has handed out its documents: what was inserted since, or (with
 * awaitData) what arrives within `maxTimeMS`. Returns false when the collection is gone.
 */
export async function refill(core: Core, cur: CursorState, maxTimeMS: number | undefined): Promise<boolean> {
  const tail = cur.tail!;
  let coll = core.coll(tail.db, tail.coll);
  if (!coll) return false;
  let docs = fresh(coll, tail);
  if (docs.length === 0 && tail.awaitData) {
    const wait = maxTimeMS ?? DEFAULT_AWAIT_MS;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        coll?.waiters.delete(done);
        resolve();
      }
      coll!.waiters.add(done);
    });
    coll = core.coll(tail.db, tail.coll);
    if (!coll) return false;
    docs = fresh(coll, tail);
  }
  cur.docs = docs;
  cur.pos = 0;
  return true;
}
