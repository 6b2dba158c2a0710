import type { Document } from 'bson';

/** Per-connection context the wire layer passes to the engine. */
export interface CommandContext {
  /** Id of the connection, for cursor ownership and `whatsmyuri`. */
  connectionId: number;
  /** What the server beyond the engine knows: operations in progress and sessions seen. */
  server?: ServerView;
  /**
   * Size in bytes of the wire message the command arrived in, when it came over the wire: none of its
   * documents is larger, so inserts well under the BSON limit need not measure each document.
   */
  messageBytes?: number;
}

/** The server's view of its clients, for `$currentOp` and `$listLocalSessions`. */
export interface ServerView {
  /** In-progress operations (and with `idleConnections`, idle connections), as `$currentOp` shows them. */
  currentOps(options: { idleConnections: boolean; allUsers: boolean }): Document[];
  /** Sessions used on this server (of the current user unless `allUsers`), as `$listLocalSessions` shows them. */
  localSessions(options: { allUsers: boolean }): Document[];
}

/**
 * The data engine: every database/collection/CRUD/index/aggregate command. The wire layer answers
 * handshake and admin commands itself and hands every other command here.
 */
export interface Engine {
  /** True when the engine implements this command name (lower-cased first key of the command). */
  handles(commandName: string): boolean;
  /**
   * Runs one command against database `db` and returns its reply body (with `ok: 1`).
   * Throws {@link MongoCommandError} for command errors; write errors go in `writeErrors` as MongoDB does.
   * `cmd` is deserialised with `promoteValues: false` semantics decided by the engine's codec
   * (see docs in engine/README.md) so Int32/Long/Double survive a round trip.
   */
  run(db: string, cmd: Document, ctx: CommandContext): Promise<Document>;
  /** Kills cursors of a closed connection. */
  connectionClosed(connectionId: number): void;
  /** Flushes and closes storage. */
  close(): Promise<void>;
}
