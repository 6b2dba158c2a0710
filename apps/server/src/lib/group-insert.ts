import type { mongo } from 'mongoose';

type Collection<T extends mongo.Document> = mongo.Collection<T>;
type Document = mongo.Document;

interface Waiting {
  doc: Document;
  resolve(): void;
  reject(error: unknown): void;
}

interface Group {
  queue: Waiting[];
  flushing: boolean;
}

const groups = new WeakMap<Collection<Document>, Group>();

/** The most documents one insert carries; the rest wait for the next. */
const MAX_GROUP = 1000;

/**
 * Inserts a document together with the other inserts into the same collection that are waiting meanwhile:
 * while one insert is on its way to the store, later ones queue and then go as one unordered insertMany
 * (group commit). Under many concurrent writes this makes a few round trips instead of one each; alone,
 * a document goes at once (after the current turn of the event loop). Each caller learns its own outcome:
 * a document the store refuses (a duplicate key) rejects only its caller, with the store's write error
 * (which, unlike insertOne's, does not carry `keyValue`).
 */
export function groupInsert(collection: Collection<Document>, doc: Document): Promise<void> {
  let group = groups.get(collection);
  if (!group) {
    group = { queue: [], flushing: false };
    groups.set(collection, group);
  }
  const pending = new Promise<void>((resolve, reject) => {
    group.queue.push({ doc, resolve, reject });
  });
  if (!group.flushing) {
    group.flushing = true;
    setImmediate(() => void flush(collection, group));
  }
  return pending;
}

async function flush(collection: Collection<Document>, group: Group): Promise<void> {
  while (group.queue.length > 0) {
    const batch = group.queue.splice(0, MAX_GROUP);
    try {
      await collection.insertMany(
        batch.map((w) => w.doc),
        { ordered: false },
      );
      for (const w of batch) w.resolve();
    } catch (error) {
      const raw = (error as { writeErrors?: unknown }).writeErrors;
      if (raw === undefined) {
        for (const w of batch) w.reject(error);
        continue;
      }
      const list = (Array.isArray(raw) ? raw : [raw]) as Array<{ index: number; err?: unknown }>;
      const refused = new Map(list.map((e) => [e.index, e.err ?? e]));
      batch.forEach((w, i) => {
        if (refused.has(i)) w.reject(refused.get(i));
        else w.resolve();
      });
    }
  }
  group.flushing = false;
}
