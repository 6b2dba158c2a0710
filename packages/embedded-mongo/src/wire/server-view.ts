import { createHash } from 'node:crypto';
import os from 'node:os';
import { Binary, type Document, Long } from 'bson';
import type { ServerView } from '../engine/types.js';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import type { ConnectionInfo } from './admin.js';

/**
 * What the server knows beyond the engine: the operations in progress on each connection
 * (`$currentOp`, `currentOp`), the logical sessions clients used (`$listLocalSessions`) and the
 * runtime parameters (`getParameter` / `setParameter`).
 */

/** One operation in progress. */
interface Op {
  opid: number;
  conn: ConnectionInfo;
  db: string;
  cmd: Document;
  started: number;
}

/** A logical session seen in a command's `lsid`. */
interface Session {
  id: Binary;
  user: { user: string; db: string } | undefined;
  lastUse: Date;
}

/** Command fields never shown back (passwords, SASL payloads). */
const SECRET_FIELDS = new Set(['pwd', 'payload', 'speculativeAuthenticate']);

/** Parameters `setParameter` may change at run time, with their defaults. */
const RUNTIME_PARAMETERS: Record<string, unknown> = {
  logLevel: 0,
  quiet: false,
  cursorTimeoutMillis: Long.fromNumber(600_000),
  ttlMonitorEnabled: true,
  notablescan: false,
  internalQueryMaxBlockingSortMemoryUsageBytes: 100 * 1024 * 1024,
  maxTransactionLockRequestTimeoutMillis: 5,
  transactionLifetimeLimitSeconds: 60,
  scramSHA256IterationCount: 15_000,
};

/** Parameters only set at startup: reported, never changed. */
const STARTUP_PARAMETERS: Record<string, unknown> = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: ['SCRAM-SHA-256'],
  maxBSONDepth: 100,
};

function uid(user: { user: string; db: string } | undefined): Binary {
  // mongod's uid is the SHA-256 of the user name ("" for none).
  const name = user ? `${user.user}@${user.db}` : '';
  return new Binary(createHash('sha256').update(name).digest(), 0);
}

function redact(cmd: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(cmd)) if (!SECRET_FIELDS.has(k)) out[k] = v;
  return out;
}

function opType(name: string): string {
  switch (name) {
    case 'insert':
      return 'insert';
    case 'update':
      return 'update';
    case 'delete':
      return 'remove';
    case 'find':
      return 'query';
    case 'getMore':
      return 'getmore';
    default:
      return 'command';
  }
}

/** Tracks operations and sessions, and answers the engine's {@link ServerView}. */
export class ServerTracker {
  private readonly ops = new Map<number, Op>();
  private readonly sessions = new Map<string, Session>();
  private nextOpId = 1;
  readonly parameters: Record<string, unknown> = { ...RUNTIME_PARAMETERS };

  constructor(private readonly connections: () => Iterable<ConnectionInfo>) {}

  /** Records a command as in progress; call the returned function when it ends. */
  begin(db: string, cmd: Document, conn: ConnectionInfo): () => void {
    const opid = this.nextOpId++;
    this.ops.set(opid, { opid, conn, db, cmd, started: Date.now() });
    const lsid = cmd.lsid as Document | undefined;
    if (lsid && lsid.id instanceof Binary) {
      const key = Buffer.from(lsid.id.buffer).toString('hex');
      this.sessions.set(key, { id: lsid.id, user: conn.auth?.user, lastUse: new Date() });
    }
    return () => this.ops.delete(opid);
  }

  /** Forgets sessions a client ended (`endSessions`). */
  endSessions(ids: unknown): void {
    if (!Array.isArray(ids)) return;
    for (const s of ids) {
      const id = (s as Document | undefined)?.id;
      if (id instanceof Binary) this.sessions.delete(Buffer.from(id.buffer).toString('hex'));
    }
  }

  /** The engine's view, for the operation running on `conn`. */
  view(conn: ConnectionInfo): ServerView {
    return {
      currentOps: ({ idleConnections, allUsers }) => this.currentOps(conn, idleConnections, allUsers),
      localSessions: ({ allUsers }) => this.localSessions(conn, allUsers),
    };
  }

  private currentOps(self: ConnectionInfo, idle: boolean, allUsers: boolean): Document[] {
    const host = `${os.hostname()}:27017`;
    const visible = (c: ConnectionInfo) =>
      allUsers ||
      !self.auth?.user ||
      (c.auth?.user?.user === self.auth.user.user && c.auth.user.db === self.auth.user.db);
    const out: Document[] = [];
    const busy = new Set<number>();
    for (const op of this.ops.values()) {
      if (!visible(op.conn)) continue;
      busy.add(op.conn.id);
      const name = Object.keys(op.cmd)[0] ?? '';
      const micros = (Date.now() - op.started) * 1000;
      const target = op.cmd[name];
      const doc: Document = {
        type: 'op',
        host,
        desc: `conn${op.conn.id}`,
        connectionId: op.conn.id,
        client: op.conn.remote,
        active: true,
        currentOpTime: new Date().toISOString(),
        opid: op.opid,
        secs_running: Long.fromNumber(Math.floor(micros / 1e6)),
        microsecs_running: Long.fromNumber(micros),
        op: opType(name),
        ns: typeof target === 'string' ? `${op.db}.${target}` : `${op.db}.$cmd`,
        command: redact(op.cmd),
        numYields: 0,
        locks: {},
        waitingForLock: false,
        lockStats: {},
      };
      if (op.conn.clientMetadata) doc.clientMetadata = op.conn.clientMetadata;
      if (op.cmd.lsid) doc.lsid = op.cmd.lsid;
      if (op.conn.auth?.user) doc.effectiveUsers = [op.conn.auth.user];
      out.push(doc);
    }
    if (idle) {
      for (const c of this.connections()) {
        if (busy.has(c.id) || !visible(c)) continue;
        const doc: Document = {
          type: 'op',
          host,
          desc: `conn${c.id}`,
          connectionId: c.id,
          client: c.remote,
          active: false,
          currentOpTime: new Date().toISOString(),
        };
        if (c.clientMetadata) doc.clientMetadata = c.clientMetadata;
        out.push(doc);
      }
    }
    return out;
  }

  private localSessions(self: ConnectionInfo, allUsers: boolean): Document[] {
    const mine = uid(self.auth?.user);
    const out: Document[] = [];
    for (const s of this.sessions.values()) {
      const owner = uid(s.user);
      if (!allUsers && Buffer.compare(Buffer.from(owner.buffer), Buffer.from(mine.buffer)) !== 0) continue;
      const doc: Document = { _id: { id: s.id, uid: owner }, lastUse: s.lastUse };
      if (s.user) doc.user = { name: `${s.user.user}@${s.user.db}` };
      out.push(doc);
    }
    return out;
  }

  /** `getParameter`: named parameters, or all of them with `'*'` / `{ allParameters: true }`. */
  getParameter(cmd: Document): Document {
    const all = { ...STARTUP_PARAMETERS, ...this.parameters };
    const which = cmd.getParameter;
    if (which === '*' || (which !== null && typeof which === 'object' && (which as Document).allParameters)) {
      return { ...all, ok: 1 };
    }
    const reply: Document = {};
    for (const key of Object.keys(cmd)) {
      if (key === 'getParameter' || key.startsWith('$') || key === 'lsid' || key === 'comment') continue;
      if (Object.hasOwn(all, key)) reply[key] = all[key];
    }
    if (Object.keys(reply).length === 0)
      throw new MongoCommandError(ErrorCodes.InvalidOptions, 'no option found to get');
    return { ...reply, ok: 1 };
  }

  /** `setParameter` (admin database): changes run-time parameters, answering the old value as `was`. */
  setParameter(db: string, cmd: Document): Document {
    if (db !== 'admin')
      throw new MongoCommandError(
        ErrorCodes.Unauthorized,
        'setParameter may only be run against the admin database.',
      );
    const names = Object.keys(cmd).filter(
      (k) => k !== 'setParameter' && !k.startsWith('$') && k !== 'lsid' && k !== 'comment',
    );
    if (names.length === 0)
      throw new MongoCommandError(
        ErrorCodes.InvalidOptions,
        'no option found to set, use help:true to see options ',
      );
    const reply: Document = { ok: 1 };
    for (const name of names) {
      if (Object.hasOwn(STARTUP_PARAMETERS, name))
        throw new MongoCommandError(
          ErrorCodes.IllegalOperation,
          `not allowed to change [${name}] at runtime`,
        );
      if (!Object.hasOwn(this.parameters, name))
        throw new MongoCommandError(
          ErrorCodes.InvalidOptions,
          `attempted to set unrecognized parameter [${name}], use help:true to see options `,
        );
      const old = this.parameters[name];
      const value = cmd[name];
      if (typeof old === 'boolean' && typeof value !== 'boolean')
        throw new MongoCommandError(
          ErrorCodes.BadValue,
          `Invalid value for parameter ${name}: expected a boolean`,
        );
      if (
        typeof old !== 'boolean' &&
        !(typeof value === 'number' || (value as { _bsontype?: string })?._bsontype)
      )
        throw new MongoCommandError(
          ErrorCodes.BadValue,
          `Invalid value for parameter ${name}: expected a number`,
        );
      reply.was ??= old;
      this.parameters[name] = value;
    }
    return reply;
  }
}
