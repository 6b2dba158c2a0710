import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyBaseLogger } from 'fastify';
import { createClient } from 'redis';
import type { Server } from 'socket.io';

/** An attached Redis adapter and how to let go of it. */
export interface RedisLink {
  close(): Promise<void>;
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://…';
  }
}

/**
 * Shares socket.io rooms and server-side events between instances through Redis (`REDIS_URL`). The
 * first connection must succeed, so a misconfigured instance fails at start instead of silently
 * serving only its own sockets; after that the clients reconnect on their own.
 */
export async function attachRedisAdapter(
  io: Server,
  url: string,
  log: FastifyBaseLogger,
): Promise<RedisLink> {
  let connected = false;
  const pub = createClient({
    url,
    socket: {
      connectTimeout: 5_000,
      reconnectStrategy: (retries, cause) => (connected ? Math.min(100 * 2 ** retries, 5_000) : cause),
    },
  });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) {
    // Without a listener an 'error' event would end the process; reconnects are logged instead.
    client.on('error', (error: unknown) => {
      if (connected) log.warn({ err: error }, 'Redis connection problem (socket.io adapter)');
    });
  }
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (error) {
    for (const client of [pub, sub]) if (client.isOpen) client.destroy();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`REDIS_URL: cannot connect to ${redactRedisUrl(url)} (${reason})`);
  }
  connected = true;
  io.adapter(createAdapter(pub, sub));
  return {
    async close() {
      connected = false;
      await Promise.allSettled([pub.close(), sub.close()]);
    },
  };
}
