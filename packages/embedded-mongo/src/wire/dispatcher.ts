import type { Document } from 'bson';
import type { Engine } from '../engine/types.js';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { adminCommands, type ConnectionInfo, type ServerState } from './admin.js';
import { type AuthManager, USER_COMMANDS } from './auth.js';
import { MAX_WRITE_BATCH_SIZE } from './protocol.js';
import type { ServerTracker } from './server-view.js';

/** Called with unexpected (non-command) errors, which are answered as InternalError. */
export type InternalErrorListener = (error: unknown, commandName: string) => void;

/** Arguments naming the document arrays of write commands, for the batch-size limit. */
const WRITE_BATCHES: Record<string, string> = { insert: 'documents', update: 'updates', delete: 'deletes' };

function countOperation(state: ServerState, name: string, cmd: Document): void {
  const counters = state.opcounters;
  const batch = WRITE_BATCHES[name];
  const size = batch !== undefined && Array.isArray(cmd[batch]) ? (cmd[batch] as unknown[]).length : 1;
  if (name === 'insert') counters.insert += size;
  else if (name === 'update') counters.update += size;
  else if (name === 'delete') counters.delete += size;
  else if (name === 'find') counters.query += 1;
  else if (name === 'getmore') counters.getmore += 1;
  else counters.command += 1;
}

function checkCommand(name: string, cmd: Document): void {
  // A standalone refuses every transaction-numbered command (the driver then reports that the
  // deployment does not support transactions); pretending otherwise would oblige us to de-duplicate
  // retried writes and to implement real transactions.
  if (cmd.txnNumber !== undefined || cmd.startTransaction !== undefined || cmd.autocommit !== undefined) {
    throw new MongoCommandError(
      ErrorCodes.IllegalOperation,
      'Transaction numbers are only allowed on a replica set member or mongos',
    );
  }
  const batch = WRITE_BATCHES[name];
  if (batch !== undefined) {
    const items = cmd[batch];
    if (Array.isArray(items) && (items.length === 0 || items.length > MAX_WRITE_BATCH_SIZE)) {
      throw new MongoCommandError(
        ErrorCodes.InvalidLength,
        `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${items.length} operations.`,
      );
    }
  }
}

/**
 * Routes a command: handshake/admin commands are answered here, the rest by the engine, anything
 * unknown with CommandNotFound. Never throws: every failure becomes an error reply document.
 */
export class CommandDispatcher {
  constructor(
    private readonly engine: Engine,
    private readonly state: ServerState,
    private readonly auth: AuthManager,
    private readonly tracker: ServerTracker,
    private readonly onInternalError?: InternalErrorListener,
  ) {}

  /** Runs one command and returns its reply body. */
  async run(db: string, cmd: Document, conn: ConnectionInfo, messageBytes?: number): Promise<Document> {
    const first = Object.keys(cmd)[0] ?? '';
    const name = first.toLowerCase();
    const end = this.tracker.begin(db, cmd, conn);
    try {
      checkCommand(name, cmd);
      await this.auth.check(name, first, conn);
      countOperation(this.state, name, cmd);
      if (name === 'saslstart') return await this.auth.saslStart(db, cmd, conn);
      if (name === 'saslcontinue') return this.auth.saslContinue(cmd, conn);
      if (name === 'logout') {
        if (conn.auth) delete conn.auth.user;
        return { ok: 1 };
      }
      if (USER_COMMANDS.has(name)) return await this.auth.userCommand(name, db, cmd);
      switch (name) {
        case 'getparameter':
          return this.tracker.getParameter(cmd);
        case 'setparameter':
          return this.tracker.setParameter(db, cmd);
        case 'currentop':
          return {
            inprog: this.tracker
              .view(conn)
              .currentOps({ idleConnections: cmd.$all === true, allUsers: true }),
            ok: 1,
          };
        case 'endsessions':
          this.tracker.endSessions(cmd.endSessions);
          return { ok: 1 };
      }
      const admin = adminCommands.get(name);
      if (admin) {
        const reply = admin(db, cmd, conn, this.state);
        if (name === 'hello' || name === 'ismaster') await this.auth.decorateHello(cmd, conn, reply);
        return reply;
      }
      if (this.engine.handles(name))
        return await this.engine.run(db, cmd, {
          connectionId: conn.id,
          server: this.tracker.view(conn),
          ...(messageBytes === undefined ? {} : { messageBytes }),
        });
      throw new MongoCommandError(ErrorCodes.CommandNotFound, `no such command: '${first}'`);
    } catch (error) {
      if (error instanceof MongoCommandError) return error.toReply();
      try {
        this.onInternalError?.(error, first);
      } catch {
        // A failing listener must not turn one command's error into a dead connection.
      }
      const message = error instanceof Error ? error.message : String(error);
      return { ok: 0, errmsg: message, code: ErrorCodes.InternalError, codeName: 'InternalError' };
    } finally {
      end();
    }
  }

  /** Releases what the engine holds for a closed connection (its cursors). */
  connectionClosed(conn: ConnectionInfo): void {
    this.engine.connectionClosed(conn.id);
  }
}
