import { io, type Socket } from 'socket.io-client';
import type { TestApp } from '../../test/app.js';

/** The base URL of a test app that listens on a free loopback port. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

/** A connected client and every event it received, in order. */
export interface Client {
  socket: Socket;
  events: Array<{ event: string; payload: unknown }>;
  /** Resolves with the first received event (past or future) that `match` accepts. */
  next(match: (event: string, payload: unknown) => boolean): Promise<unknown>;
  subscribe(
    ws: string,
    forms?: string[],
  ): Promise<{ ok: boolean; error?: { code: string; message: string } }>;
  close(): void;
}

/** Connection options of socket.io-client (token in `auth`, as the web app sends it). */
export type ConnectOptions = { token?: string; headers?: Record<string, string> };

function socketOf(url: string, options: ConnectOptions): Socket {
  return io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(options.token ? { auth: { token: options.token } } : {}),
    ...(options.headers ? { extraHeaders: options.headers } : {}),
  });
}

/** Connects; resolves with the refusal (`connect_error`) instead of a client when the server refuses. */
export function connect(
  url: string,
  options: ConnectOptions,
): Promise<{ client: Client } | { refused: Error & { data?: { code?: string } } }> {
  const socket = socketOf(url, options);
  const events: Client['events'] = [];
  const waiters: Array<{ match: (e: string, p: unknown) => boolean; resolve: (p: unknown) => void }> = [];
  socket.onAny((event: string, payload: unknown) => {
    events.push({ event, payload });
    for (const waiter of [...waiters]) {
      if (!waiter.match(event, payload)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(payload);
    }
  });
  const client: Client = {
    socket,
    events,
    next(match) {
      const seen = events.find((e) => match(e.event, e.payload));
      if (seen) return Promise.resolve(seen.payload);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    subscribe(ws, forms) {
      return socket.timeout(10_000).emitWithAck('subscribe', forms ? { ws, forms } : { ws });
    },
    close: () => socket.close(),
  };
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ client }));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve({ refused: error as Error & { data?: { code?: string } } });
    });
  });
}

/** Connects and fails the test when the server refuses. */
export async function connected(url: string, options: ConnectOptions): Promise<Client> {
  const outcome = await connect(url, options);
  if ('refused' in outcome) throw new Error(`refused: ${outcome.refused.message}`);
  return outcome.client;
}
