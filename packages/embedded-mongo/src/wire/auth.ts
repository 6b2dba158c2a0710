import { Binary, type Document, UUID } from 'bson';
import type { Engine } from '../engine/types.js';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import type { ConnectionInfo } from './admin.js';
import {
  makeCredential,
  parseClientFirst,
  ScramConversation,
  type ScramCredential,
  ScramError,
  verifyPassword,
} from './scram.js';

/** The one mechanism this server speaks. */
export const MECHANISM = 'SCRAM-SHA-256';

/**
 * Commands a client may run before it authenticates, as on mongod: the handshake, the SASL
 * conversation, and the harmless probes drivers and tools send first.
 */
const OPEN_COMMANDS = new Set([
  'hello',
  'ismaster',
  'buildinfo',
  'ping',
  'saslstart',
  'saslcontinue',
  'logout',
  'connectionstatus',
  'endsessions',
]);

/** Per-connection authentication state, kept on the connection's info. */
export interface AuthState {
  user?: { user: string; db: string };
  conversation?: { scram: ScramConversation; user: string; db: string; skipEmpty: boolean; step: number };
}

/** The engine namespace users are stored in, as on mongod. */
const USERS_DB = 'admin';
const USERS = 'system.users';
const INTERNAL = { connectionId: 0 };

function failAuth(): never {
  throw new MongoCommandError(ErrorCodes.AuthenticationFailed, 'Authentication failed.');
}

function bytes(payload: unknown): Buffer {
  if (payload instanceof Binary) return Buffer.from(payload.buffer.subarray(0, payload.position));
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  if (typeof payload === 'string') return Buffer.from(payload, 'base64');
  throw new MongoCommandError(ErrorCodes.BadValue, 'SASL payload must be binary data');
}

function isLoopback(remote: string): boolean {
  return (
    remote === 'unix-socket' ||
    remote.startsWith('127.') ||
    remote.startsWith('::1:') ||
    remote.startsWith('::ffff:127.')
  );
}

/**
 * Authentication with SCRAM-SHA-256 against users stored in the store itself (`admin.system.users`,
 * credentials only, never passwords). When enabled, a connection that has not authenticated is
 * refused every command but the handshake (Unauthorized 13). Users hold their roles for display;
 * every authenticated user may run every command (the store has no role-based authorisation).
 */
export class AuthManager {
  constructor(
    private readonly engine: Engine,
    readonly enabled: boolean,
  ) {}

  /** Refuses a command of an unauthenticated connection (throws Unauthorized 13). */
  async check(name: string, first: string, conn: ConnectionInfo): Promise<void> {
    if (!this.enabled || conn.auth?.user || OPEN_COMMANDS.has(name)) return;
    // The localhost exception: with no user yet, a local client may create the first one.
    if (name === 'createuser' && isLoopback(conn.remote) && (await this.count()) === 0) return;
    throw new MongoCommandError(ErrorCodes.Unauthorized, `command ${first} requires authentication`);
  }

  private async users(filter: Document): Promise<Document[]> {
    const reply = await this.engine.run(USERS_DB, { find: USERS, filter }, INTERNAL);
    return reply.cursor.firstBatch as Document[];
  }

  private async count(): Promise<number> {
    return (await this.engine.run(USERS_DB, { count: USERS }, INTERNAL)).n as number;
  }

  private async find(user: string, db: string): Promise<Document | undefined> {
    return (await this.users({ _id: `${db}.${user}` }))[0];
  }

  /** Creates or updates `user@admin` so that `password` authenticates it (root role). */
  async ensureUser(user: string, password: string): Promise<void> {
    const existing = await this.find(user, USERS_DB);
    const cred = existing?.credentials?.[MECHANISM] as ScramCredential | undefined;
    if (cred && verifyPassword(password, cred)) return;
    if (existing) await this.setCredential(user, USERS_DB, password);
    else await this.create(user, USERS_DB, password, [{ role: 'root', db: 'admin' }], undefined);
  }

  private async create(user: string, db: string, password: string, roles: unknown[], customData: unknown) {
    const doc: Document = {
      _id: `${db}.${user}`,
      userId: new UUID(),
      user,
      db,
      credentials: { [MECHANISM]: makeCredential(password) },
      roles,
    };
    if (customData !== undefined) doc.customData = customData;
    const reply = await this.engine.run(USERS_DB, { insert: USERS, documents: [doc] }, INTERNAL);
    if (reply.writeErrors?.length) {
      throw new MongoCommandError(51003, `User "${user}@${db}" already exists`);
    }
  }

  private async setCredential(user: string, db: string, password: string): Promise<void> {
    await this.engine.run(
      USERS_DB,
      {
        update: USERS,
        updates: [
          {
            q: { _id: `${db}.${user}` },
            u: { $set: { [`credentials.${MECHANISM}`]: makeCredential(password) } },
          },
        ],
      },
      INTERNAL,
    );
  }

  /** Adds `saslSupportedMechs` and `speculativeAuthenticate` to a hello reply. */
  async decorateHello(cmd: Document, conn: ConnectionInfo, reply: Document): Promise<void> {
    if (!this.enabled) return;
    const mechs = cmd.saslSupportedMechs;
    if (typeof mechs === 'string') {
      const dot = mechs.indexOf('.');
      const found = dot > 0 ? await this.find(mechs.slice(dot + 1), mechs.slice(0, dot)) : undefined;
      if (found) reply.saslSupportedMechs = [MECHANISM];
    }
    const spec = cmd.speculativeAuthenticate as Document | undefined;
    if (spec && spec.mechanism === MECHANISM && spec.saslStart !== undefined) {
      try {
        const db = typeof spec.db === 'string' ? spec.db : 'admin';
        const { conversationId, done, payload } = await this.saslStart(db, spec, conn);
        reply.speculativeAuthenticate = { conversationId, done, payload };
      } catch {
        // The driver then authenticates with an ordinary saslStart, which reports the failure.
      }
    }
  }

  /** `saslStart`: the client-first message; answers the server-first message. */
  async saslStart(db: string, cmd: Document, conn: ConnectionInfo): Promise<Document> {
    if (cmd.mechanism !== MECHANISM) {
      throw new MongoCommandError(
        ErrorCodes.MechanismUnavailable,
        `Received authentication for mechanism ${String(cmd.mechanism)} which is not enabled`,
      );
    }
    conn.auth ??= {};
    delete conn.auth.conversation;
    let first: ReturnType<typeof parseClientFirst>;
    try {
      first = parseClientFirst(bytes(cmd.payload));
    } catch (e) {
      if (e instanceof ScramError) failAuth();
      throw e;
    }
    const stored = await this.find(first.user, db);
    const credential = stored?.credentials?.[MECHANISM] as ScramCredential | undefined;
    if (!credential) failAuth();
    const scram = new ScramConversation(first.bare, first.nonce, credential);
    const options = cmd.options as Document | undefined;
    conn.auth.conversation = {
      scram,
      user: first.user,
      db,
      skipEmpty: options?.skipEmptyExchange === true,
      step: 1,
    };
    return { conversationId: 1, done: false, payload: new Binary(scram.first()), ok: 1 };
  }

  /** `saslContinue`: checks the proof; the connection is then authenticated as the user. */
  saslContinue(cmd: Document, conn: ConnectionInfo): Document {
    const conv = conn.auth?.conversation;
    if (!conv || Number(cmd.conversationId ?? 1) !== 1) {
      throw new MongoCommandError(ErrorCodes.ProtocolError, 'No SASL session state found');
    }
    if (conv.step === 2) {
      delete conn.auth!.conversation;
      return { conversationId: 1, done: true, payload: new Binary(Buffer.alloc(0)), ok: 1 };
    }
    let serverFinal: Buffer;
    try {
      serverFinal = conv.scram.final(bytes(cmd.payload));
    } catch (e) {
      delete conn.auth!.conversation;
      if (e instanceof ScramError) failAuth();
      throw e;
    }
    conn.auth!.user = { user: conv.user, db: conv.db };
    conv.step = 2;
    if (conv.skipEmpty) delete conn.auth!.conversation;
    return { conversationId: 1, done: conv.skipEmpty, payload: new Binary(serverFinal), ok: 1 };
  }

  /** Answers the user-management commands (createUser, updateUser, dropUser, usersInfo). */
  async userCommand(name: string, db: string, cmd: Document): Promise<Document> {
    const first = Object.keys(cmd)[0]!;
    const target = cmd[first];
    switch (name) {
      case 'createuser': {
        if (typeof target !== 'string' || target === '')
          throw new MongoCommandError(ErrorCodes.BadValue, 'User name must be a non-empty string');
        if (typeof cmd.pwd !== 'string' || cmd.pwd === '')
          throw new MongoCommandError(
            ErrorCodes.BadValue,
            "Must provide a 'pwd' field for all user documents, except those with '$external' as the user's source db",
          );
        if (!Array.isArray(cmd.roles))
          throw new MongoCommandError(40414, "BSON field 'createUser.roles' is missing but a required field");
        if (await this.find(target, db))
          throw new MongoCommandError(51003, `User "${target}@${db}" already exists`);
        await this.create(target, db, cmd.pwd, cmd.roles, cmd.customData);
        return { ok: 1 };
      }
      case 'updateuser': {
        const found = typeof target === 'string' ? await this.find(target, db) : undefined;
        if (!found)
          throw new MongoCommandError(
            ErrorCodes.UserNotFound,
            `Could not find user "${String(target)}" for db "${db}"`,
          );
        if (typeof cmd.pwd === 'string') await this.setCredential(String(target), db, cmd.pwd);
        const set: Document = {};
        if (Array.isArray(cmd.roles)) set.roles = cmd.roles;
        if (cmd.customData !== undefined) set.customData = cmd.customData;
        if (Object.keys(set).length)
          await this.engine.run(
            USERS_DB,
            { update: USERS, updates: [{ q: { _id: found._id }, u: { $set: set } }] },
            INTERNAL,
          );
        return { ok: 1 };
      }
      case 'dropuser': {
        const reply = await this.engine.run(
          USERS_DB,
          { delete: USERS, deletes: [{ q: { _id: `${db}.${String(target)}` }, limit: 1 }] },
          INTERNAL,
        );
        if (reply.n === 0)
          throw new MongoCommandError(ErrorCodes.UserNotFound, `User '${String(target)}@${db}' not found`);
        return { ok: 1 };
      }
      default: {
        const filter =
          target === 1 || (typeof target === 'number' && target === 1) || Number(target) === 1
            ? { db }
            : typeof target === 'string'
              ? { _id: `${db}.${target}` }
              : { _id: `${(target as Document).db ?? db}.${(target as Document).user}` };
        const users = (await this.users(filter)).map((u) => ({
          _id: u._id,
          userId: u.userId,
          user: u.user,
          db: u.db,
          roles: u.roles,
          ...(u.customData !== undefined ? { customData: u.customData } : {}),
          mechanisms: [MECHANISM],
        }));
        return { users, ok: 1 };
      }
    }
  }
}

/** Lower-cased names of the user-management commands. */
export const USER_COMMANDS = new Set(['createuser', 'updateuser', 'dropuser', 'usersinfo']);
