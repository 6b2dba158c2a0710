import { unlink } from 'node:fs/promises';
import net from 'node:net';
import type { Engine } from '../engine/types.js';
import { createServerState, type ServerState } from './admin.js';
import { AuthManager } from './auth.js';
import { Connection } from './connection.js';
import { CommandDispatcher, type InternalErrorListener } from './dispatcher.js';
import { ServerTracker } from './server-view.js';

/** Where a {@link WireServer} listens. */
export interface WireListenOptions {
  /** TCP port; 0 picks a free one. Omit with `socketPath` to listen on the Unix socket only. */
  port?: number;
  /** TCP interface. Default 127.0.0.1. */
  host?: string;
  /** Path of a Unix domain socket to listen on as well. */
  socketPath?: string;
}

/** Options of a {@link WireServer}. */
export interface WireServerOptions {
  /** Called for unexpected errors (engine bugs) that were answered as InternalError. */
  onInternalError?: InternalErrorListener;
  /** Data directory, reported by getCmdLineOpts. */
  dataDir?: string;
  /** Require SCRAM-SHA-256 authentication for every command but the handshake. */
  auth?: boolean;
}

/** The MongoDB wire-protocol front end: TCP and Unix-socket listeners feeding one engine. */
export class WireServer {
  private readonly servers: net.Server[] = [];
  private readonly connections = new Set<Connection>();
  private readonly dispatcher: CommandDispatcher;
  private nextConnectionId = 1;
  private socketPath: string | undefined;
  readonly state: ServerState;
  /** Users and authentication of this server. */
  readonly auth: AuthManager;

  constructor(engine: Engine, options: WireServerOptions = {}) {
    this.state = createServerState(options.dataDir !== undefined ? { dataDir: options.dataDir } : {});
    this.auth = new AuthManager(engine, options.auth === true);
    const tracker = new ServerTracker(() => [...this.connections].map((c) => c.info));
    this.dispatcher = new CommandDispatcher(engine, this.state, this.auth, tracker, options.onInternalError);
  }

  /** Starts listening; resolves with the bound TCP port (undefined when only a Unix socket is used). */
  async listen(options: WireListenOptions): Promise<{ port: number | undefined }> {
    const host = options.host ?? '127.0.0.1';
    let port: number | undefined;
    if (options.port !== undefined || options.socketPath === undefined) {
      const server = this.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: options.port ?? 0, host }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : undefined;
      Object.assign(this.state.config, { host, ...(port !== undefined ? { port } : {}) });
    }
    if (options.socketPath !== undefined) {
      // A stale socket file from a killed process would make listen fail with EADDRINUSE; the caller
      // holds the data-directory lock, so no live server of this store owns it.
      await unlink(options.socketPath).catch(() => undefined);
      const server = this.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ path: options.socketPath }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.socketPath = options.socketPath;
      Object.assign(this.state.config, { socketPath: options.socketPath });
    }
    return { port };
  }

  /** Stops accepting, closes every connection, and waits for commands already running to finish. */
  async close(): Promise<void> {
    const closed = this.servers.map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    const connections = [...this.connections];
    for (const connection of connections) connection.destroy();
    await Promise.all(connections.map((connection) => connection.idle()));
    await Promise.all(closed);
    this.servers.length = 0;
    if (this.socketPath !== undefined) await unlink(this.socketPath).catch(() => undefined);
  }

  private createServer(): net.Server {
    const server = net.createServer((socket) => this.accept(socket));
    // An accept-time error (EMFILE...) must not take the process down.
    server.on('error', () => {});
    this.servers.push(server);
    return server;
  }

  private accept(socket: net.Socket): void {
    const remote =
      socket.remoteAddress !== undefined
        ? `${socket.remoteAddress}:${socket.remotePort ?? 0}`
        : 'unix-socket';
    const info = { id: this.nextConnectionId++, remote };
    const connection = new Connection(socket, info, this.dispatcher, this.state);
    this.connections.add(connection);
    this.state.connectionsCurrent += 1;
    this.state.connectionsTotal += 1;
    socket.once('close', () => {
      this.connections.delete(connection);
      this.state.connectionsCurrent -= 1;
      this.dispatcher.connectionClosed(info);
    });
  }
}
