import os from 'node:os';
import { Binary, type Document, UUID } from 'bson';
import { MongoCommandError } from '../errors.js';
import type { AuthState } from './auth.js';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE, MAX_WRITE_BATCH_SIZE } from './protocol.js';

/** The MongoDB release this server answers as. Wire version 21 is MongoDB 7.0. */
export const SERVER_VERSION = '7.0.0';
const MAX_WIRE_VERSION = 21;
const SESSION_TIMEOUT_MINUTES = 30;

/** What the admin commands know about one client connection. */
export interface ConnectionInfo {
  readonly id: number;
  /** `host:port` of the client (or the socket path for Unix sockets). */
  readonly remote: string;
  /** Client metadata sent with the first handshake. */
  clientMetadata?: Document;
  /** Who the connection authenticated as, and a SASL conversation under way. */
  auth?: AuthState;
}

/** Counters and configuration shared by the admin commands of one server. */
export interface ServerState {
  readonly startedAt: Date;
  readonly config: { port?: number; host?: string; socketPath?: string; dataDir?: string };
  connectionsCurrent: number;
  connectionsTotal: number;
  readonly opcounters: {
    insert: number;
    query: number;
    update: number;
    delete: number;
    getmore: number;
    command: number;
  };
  readonly network: { bytesIn: number; bytesOut: number; numRequests: number };
}

/** Creates zeroed counters for a server started now. */
export function createServerState(config: ServerState['config']): ServerState {
  return {
    startedAt: new Date(),
    config,
    connectionsCurrent: 0,
    connectionsTotal: 0,
    opcounters: { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 },
    network: { bytesIn: 0, bytesOut: 0, numRequests: 0 },
  };
}

type AdminHandler = (db: string, cmd: Document, conn: ConnectionInfo, state: ServerState) => Document;

function helloReply(cmd: Document, conn: ConnectionInfo, legacyName: boolean): Document {
  if (conn.clientMetadata === undefined && cmd.client !== null && typeof cmd.client === 'object') {
    conn.clientMetadata = cmd.client as Document;
  }
  // A standalone: no setName and no topologyVersion (which would switch monitors to streaming).
  return {
    ...(cmd.helloOk ? { helloOk: true } : {}),
    ...(legacyName ? { ismaster: true } : { isWritablePrimary: true }),
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: SESSION_TIMEOUT_MINUTES,
    connectionId: conn.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

function serverStatus(state: ServerState): Document {
  const uptimeMillis = Date.now() - state.startedAt.getTime();
  const memory = process.memoryUsage();
  return {
    host: os.hostname(),
    version: SERVER_VERSION,
    process: 'mongod',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    uptimeEstimate: Math.floor(uptimeMillis / 1000),
    localTime: new Date(),
    connections: {
      current: state.connectionsCurrent,
      available: 1_000_000 - state.connectionsCurrent,
      totalCreated: state.connectionsTotal,
      active: state.connectionsCurrent,
    },
    opcounters: { ...state.opcounters },
    network: { ...state.network },
    mem: { bits: 64, resident: Math.round(memory.rss / 1048576), virtual: Math.round(memory.rss / 1048576) },
    storageEngine: { name: 'formloom', supportsCommittedReads: false, persistent: true },
    ok: 1,
  };
}

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    // The release suffix lives here rather than in `version`, where tools compare with semver
    // ("7.0.0-formloom" would sort before 7.0.0 and disable features).
    gitVersion: 'formloom-embedded-mongo',
    versionArray: [7, 0, 0, 0],
    modules: [],
    allocator: 'system',
    javascriptEngine: 'none',
    sysInfo: 'deprecated',
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['formloom'],
    openssl: { running: 'disabled' },
    buildEnvironment: {},
    ok: 1,
  };
}

function hostInfo(): Document {
  return {
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: 64,
      memSizeMB: Math.round(os.totalmem() / 1048576),
      numCores: os.cpus().length,
      cpuArch: os.arch(),
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
    ok: 1,
  };
}

function getCmdLineOpts(state: ServerState): Document {
  const { port, host, socketPath, dataDir } = state.config;
  return {
    argv: ['formloom-db'],
    parsed: {
      net: { ...(port !== undefined ? { port } : {}), ...(host ? { bindIp: host } : {}) },
      ...(socketPath ? { unixSocket: socketPath } : {}),
      storage: dataDir ? { dbPath: dataDir } : {},
    },
    ok: 1,
  };
}

const ok: AdminHandler = () => ({ ok: 1 });

/**
 * Handshake and admin commands answered by the wire layer itself, keyed by lower-cased command name.
 * Everything else goes to the engine.
 */
export const adminCommands = new Map<string, AdminHandler>([
  ['hello', (_db, cmd, conn) => helloReply(cmd, conn, false)],
  ['ismaster', (_db, cmd, conn) => helloReply(cmd, conn, true)],
  ['ping', ok],
  ['buildinfo', () => buildInfo()],
  ['whatsmyuri', (_db, _cmd, conn) => ({ you: conn.remote, ok: 1 })],
  [
    'connectionstatus',
    (_db, cmd, conn) => ({
      authInfo: {
        authenticatedUsers: conn.auth?.user ? [conn.auth.user] : [],
        authenticatedUserRoles: conn.auth?.user ? [{ role: 'root', db: 'admin' }] : [],
        ...(cmd.showPrivileges ? { authenticatedUserPrivileges: [] } : {}),
      },
      ok: 1,
    }),
  ],
  ['serverstatus', (_db, _cmd, _conn, state) => serverStatus(state)],
  ['hostinfo', () => hostInfo()],
  ['getcmdlineopts', (_db, _cmd, _conn, state) => getCmdLineOpts(state)],
  ['refreshsessions', ok],
  ['killsessions', ok],
  ['killallsessions', ok],
  ['killallsessionsbypattern', ok],
  [
    'startsession',
    () => ({ id: { id: new Binary(new UUID().buffer, 4) }, timeoutMinutes: SESSION_TIMEOUT_MINUTES, ok: 1 }),
  ],
  [
    'getlog',
    (_db, cmd) =>
      cmd.getLog === '*'
        ? { names: ['global', 'startupWarnings'], ok: 1 }
        : { totalLinesWritten: 0, log: [], ok: 1 },
  ],
  // Every write is fsynced before it is acknowledged, so there is nothing left to flush.
  ['fsync', () => ({ numFiles: 1, ok: 1 })],
  [
    'replsetgetstatus',
    () => {
      throw new NoReplicationError();
    },
  ],
]);

/** MongoDB's answer to replica-set commands on a standalone (code 76, not in the shared catalogue). */
class NoReplicationError extends MongoCommandError {
  constructor() {
    super(76, 'not running with --replSet');
  }

  override toReply(): Document {
    return { ...super.toReply(), codeName: 'NoReplicationEnabled' };
  }
}
