import { createEngine } from './engine/index.js';
import { openStorage } from './storage/index.js';
import type { InternalErrorListener } from './wire/dispatcher.js';
import { WireServer } from './wire/listener.js';

/** Options of {@link startEmbeddedMongo}. */
export interface EmbeddedMongoOptions {
  /** Directory holding the journal and snapshots; created if missing, locked while the server runs. */
  dataDir: string;
  /** TCP port. Default 0: a free port, reported in the result. */
  port?: number;
  /** TCP interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Also listen on this Unix domain socket path. */
  socketPath?: string;
  /** Receives unexpected internal errors (answered to the client as InternalError). */
  onInternalError?: InternalErrorListener;
  /**
   * Require authentication (SCRAM-SHA-256): every command but the handshake is refused until the
   * client authenticates. The user is created (root) or its password updated at start, so this
   * credential always works; further users can be managed with createUser and friends.
   */
  auth?: { username: string; password: string };
}

/** A running embedded server. */
export interface EmbeddedMongo {
  /** Connection string for the official driver or mongoose, e.g. `mongodb://127.0.0.1:40123/`. */
  uri: string;
  /** The bound TCP port. */
  port: number;
  /** Closes connections, flushes and closes the store, and releases the data-directory lock. */
  stop(): Promise<void>;
}

function uriHost(host: string): string {
  // A wildcard bind is reachable through loopback; an IPv6 literal needs brackets in a URI.
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Opens the store in `dataDir` (recovering it after a crash) and serves it over the MongoDB wire
 * protocol, so the official driver and mongoose connect to `uri` as to a real MongoDB.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const opened = await openStorage(options.dataDir);
  let engine: ReturnType<typeof createEngine>;
  try {
    engine = createEngine(opened);
  } catch (error) {
    await opened.storage.close();
    throw error;
  }
  const wire = new WireServer(engine, {
    dataDir: options.dataDir,
    auth: options.auth !== undefined,
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  let port: number | undefined;
  try {
    if (options.auth) await wire.auth.ensureUser(options.auth.username, options.auth.password);
    ({ port } = await wire.listen({
      port: options.port ?? 0,
      host,
      ...(options.socketPath !== undefined ? { socketPath: options.socketPath } : {}),
    }));
  } catch (error) {
    await wire.close();
    await engine.close();
    throw error;
  }
  if (port === undefined) throw new Error('TCP listener did not report a port');
  let stopping: Promise<void> | undefined;
  return {
    uri: `mongodb://${uriHost(host)}:${port}/`,
    port,
    stop() {
      stopping ??= (async () => {
        await wire.close();
        await engine.close();
      })();
      return stopping;
    },
  };
}
