import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { Connection, Types } from 'mongoose';

/**
 * The in-process bus between the modules that change data and the realtime server. Writers publish
 * facts (which record changed, to which version); the realtime server decides who may see them. Keyed by
 * store connection so that apps sharing a process (tests) never see each other's events.
 */

/** What happened to a record. A restore is announced as `created` (the record reappears). */
export type RecordChangeType = 'created' | 'updated' | 'deleted';

/** A record write, as stored: the realtime server reloads the record and checks access on this version. */
export interface RecordChange {
  type: RecordChangeType;
  ws: Types.ObjectId;
  form: Types.ObjectId;
  id: Types.ObjectId;
  /** The record's `v` after the write. */
  v: number;
}

/** Progress of an import job, for the sockets of the user who started it. */
export interface ImportProgressNotice {
  ws: string;
  /** The starter (a user id, or an API token's id). */
  user: string;
  payload: object;
}

/**
 * Something for the sockets of one user (or API token) in one workspace, sent as `event`: the progress
 * of an import they started (records, or a template pack), tasks that became theirs, a comment that
 * mentions them.
 */
export interface UserNotice {
  ws: string;
  user: string;
  event:
    | 'import:progress'
    | 'tasks:assigned'
    | 'tasks:closed'
    | 'flow:notice'
    | 'apps:importProgress'
    | 'comment:mentioned'
    | 'notification';
  payload: object;
}

interface BusEvents {
  record: [RecordChange];
  userNotice: [UserNotice];
}

/** A typed emitter of the bus events. */
export type RealtimeBus = EventEmitter<BusEvents>;

const buses = new WeakMap<Connection, RealtimeBus>();

/** The bus of a store connection (created on first use). */
export function realtimeBus(connection: Connection): RealtimeBus {
  let bus = buses.get(connection);
  if (!bus) {
    bus = new EventEmitter<BusEvents>();
    buses.set(connection, bus);
  }
  return bus;
}

interface Hold {
  connection: Connection;
  changes: RecordChange[];
  /** Work to do once the held writes are kept (see {@link whenCommitted}). */
  tasks: Array<() => Promise<void>>;
}

const held = new AsyncLocalStorage<Hold>();

function emitSafely(connection: Connection, change: RecordChange): void {
  try {
    realtimeBus(connection).emit('record', change);
  } catch {
    // A listener's failure must never fail the write that already succeeded.
  }
}

/** Announces a stored record write (called by the records module after each write). */
export function publishRecordChange(connection: Connection, change: RecordChange): void {
  const hold = held.getStore();
  if (hold && hold.connection === connection) hold.changes.push(change);
  else emitSafely(connection, change);
}

/**
 * Runs `work` with the record changes it publishes held back: they are announced when it succeeds and
 * dropped when it throws. All-or-nothing imports use it, so that records undone after a failure were
 * never announced to anyone.
 */
export async function holdRecordChanges<T>(connection: Connection, work: () => Promise<T>): Promise<T> {
  const hold: Hold = { connection, changes: [], tasks: [] };
  const result = await held.run(hold, work);
  for (const change of hold.changes) emitSafely(connection, change);
  for (const task of hold.tasks) await task();
  return result;
}

/**
 * Runs `task` now, or — inside {@link holdRecordChanges} — once the held writes are kept (never when they
 * are undone). Automations enqueue trigger jobs through it.
 */
export async function whenCommitted(connection: Connection, task: () => Promise<void>): Promise<void> {
  const hold = held.getStore();
  if (hold && hold.connection === connection) hold.tasks.push(task);
  else await task();
}

/** Sends a notice to one user's sockets in one workspace (on every instance, through the adapter). */
export function publishUserNotice(connection: Connection, notice: UserNotice): void {
  try {
    realtimeBus(connection).emit('userNotice', notice);
  } catch {
    // Notices are advisory: the API always tells the truth (job polling, GET /tasks).
  }
}

/** Sends import progress to the starter's sockets. */
export function publishImportProgress(connection: Connection, notice: ImportProgressNotice): void {
  publishUserNotice(connection, { ...notice, event: 'import:progress' });
}
