import { fail, MongoCommandError } from '../errors.js';
import type { OpenedStorage } from '../storage/types.js';
import { Collection } from './collection.js';
import { validateCommand, validateWriteConcern } from './command-spec.js';
import * as admin from './commands/admin.js';
import { aggregate } from './commands/aggregate.js';
import { collMod } from './commands/coll-mod.js';
import { explain } from './commands/explain.js';
import * as read from './commands/read.js';
import * as write from './commands/write.js';
import { Bound, MIN } from './compare.js';
import { Core, type EngineOptions, type LastPlan } from './core.js';
import type { CommandContext, Engine } from './types.js';
import type { Doc } from './values.js';

type Handler = (core: Core, db: string, cmd: Doc, ctx: CommandContext) => Doc | Promise<Doc>;

/** Every command the engine answers, by lower-cased name (one registry, no scattered switches). */
const HANDLERS = new Map<string, Handler>([
  ['create', admin.create],
  ['drop', admin.drop],
  ['dropdatabase', (c, db) => admin.dropDatabase(c, db)],
  ['listdatabases', admin.listDatabases],
  ['listcollections', admin.listCollections],
  ['renamecollection', admin.renameCollection],
  ['createindexes', admin.createIndexes],
  ['listindexes', admin.listIndexes],
  ['dropindexes', admin.dropIndexes],
  ['deleteindexes', admin.dropIndexes],
  ['dbstats', admin.dbStats],
  ['collstats', admin.collStats],
  ['collmod', collMod],
  ['insert', write.insert],
  ['update', write.update],
  ['delete', write.remove],
  ['findandmodify', write.findAndModify],
  ['find', read.find],
  ['getmore', read.getMore],
  ['killcursors', read.killCursors],
  ['count', read.count],
  ['distinct', read.distinct],
  ['aggregate', aggregate],
  ['explain', explain],
]);

/** An engine with its test/diagnostic hooks. */
export interface EngineWithInternals extends Engine {
  /** The plan of the last query (index used, keys and documents examined). */
  lastPlan(): LastPlan | undefined;
  /** Runs one TTL pass now; returns the number of documents removed. */
  sweepTtl(now?: Date): Promise<number>;
  /** Kills cursors idle longer than the timeout; returns how many. */
  sweepCursors(now?: number): number;
}

/**
 * Creates the data engine over opened storage: replays the recovered journal into memory, then
 * answers commands, journaling every change through `storage.commit` before replying.
 */
export function createEngine(opened: OpenedStorage, options: EngineOptions = {}): EngineWithInternals {
  const core = new Core(opened.storage, options);
  core.replay(opened.recovered);
  const cursorTimeout = options.cursorTimeoutMs ?? 10 * 60 * 1000;
  const ttlInterval = options.ttlIntervalMs ?? 60_000;
  let ttlRunning = false;

  const sweepCursors = (now = Date.now()): number => {
    let n = 0;
    for (const [k, cur] of core.cursors) {
      if (now - cur.lastUsed > cursorTimeout) {
        core.cursors.delete(k);
        n++;
      }
    }
    return n;
  };

  const sweepTtl = async (now = new Date()): Promise<number> => {
    const tx = core.begin();
    let n = 0;
    for (const colls of core.dbs.values()) {
      for (const c of colls.values()) {
        for (const ix of c.indexes.values()) {
          if (ix.expireAfterSeconds === undefined || ix.fields.length !== 1 || ix.kind !== 'btree') continue;
          const limit = new Date(now.getTime() - ix.expireAfterSeconds * 1000);
          // Walk only the Date part of the index, oldest first, up to the expiry limit. For an
          // array of dates MongoDB uses the earliest, i.e. any element at or before the limit.
          const asc = ix.fields[0]!.dir > 0;
          const expired = new Set<Doc>();
          const it = asc
            ? ix.tree.entries([new Bound(10, false), MIN])
            : ix.tree.entriesReversed([new Bound(10, false), MIN]);
          for (const [k, doc] of it) {
            const v = k[0];
            if (!(v instanceof Date) || v.getTime() > limit.getTime()) break;
            expired.add(doc);
          }
          for (const doc of expired) if (tx.remove(c, Collection.idKey(doc))) n++;
        }
      }
    }
    await tx.commit();
    return n;
  };

  const timers: NodeJS.Timeout[] = [];
  timers.push(setInterval(() => sweepCursors(), Math.min(60_000, cursorTimeout)).unref());
  if (ttlInterval > 0) {
    timers.push(
      setInterval(() => {
        if (ttlRunning) return;
        ttlRunning = true;
        sweepTtl()
          .catch(() => {
            // A failed TTL pass is retried on the next tick.
          })
          .finally(() => {
            ttlRunning = false;
          });
      }, ttlInterval).unref(),
    );
  }

  return {
    handles: (name) => HANDLERS.has(name.toLowerCase()),
    async run(db, cmd, ctx) {
      const name = Object.keys(cmd)[0];
      const handler = name === undefined ? undefined : HANDLERS.get(name.toLowerCase());
      if (!handler) fail(59, `no such command: '${name ?? ''}'`);
      if (cmd.txnNumber !== undefined || cmd.startTransaction !== undefined || cmd.autocommit !== undefined) {
        fail(20, 'Transaction numbers are only allowed on a replica set member or mongos');
      }
      validateCommand(cmd);
      validateWriteConcern(cmd);
      try {
        return await handler(core, db, cmd, ctx);
      } catch (e) {
        if (e instanceof MongoCommandError) throw e;
        throw new MongoCommandError(1, e instanceof Error ? e.message : String(e));
      }
    },
    connectionClosed(connectionId) {
      for (const [k, cur] of core.cursors) if (cur.connectionId === connectionId) core.cursors.delete(k);
    },
    async close() {
      for (const t of timers) clearInterval(t);
      core.cursors.clear();
      await opened.storage.close();
    },
    lastPlan: () => core.lastPlan,
    sweepTtl,
    sweepCursors,
  };
}
