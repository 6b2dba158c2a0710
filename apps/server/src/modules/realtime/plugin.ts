import fp from 'fastify-plugin';
import { Types } from 'mongoose';
import { Server, type Socket } from 'socket.io';
import type { AppInstance } from '../../app.js';
import { type PlainKey, pickLocale, render } from '../../lib/messages/index.js';
import { type CacheArea, invalidate, onInvalidate } from '../../lib/read-cache.js';
import { formModel } from '../forms/model.js';
import { type RecordChange, realtimeBus, type UserNotice } from './bus.js';
import { type DispatchStats, RecordDispatcher, toWire, type WireChange } from './dispatch.js';
import { authenticateHandshake, callerIn, SocketAuthError, type SocketIdentity } from './identity.js';
import { attachRedisAdapter, type RedisLink } from './redis.js';
import { Subscriptions, userRoom } from './subscriptions.js';

/** The path socket.io answers on (the web client connects to the same origin). */
export const SOCKET_PATH = '/socket.io';

/** Server-to-server event carrying record changes to the other instances (Redis adapter only). */
const PEER_EVENT = 'formloom:record';
/** Tells the other instances that a cached area was written here (lib/read-cache.ts). */
const CACHE_EVENT = 'formloom:cache';
const CACHE_AREAS: readonly unknown[] = ['identity', 'definitions'] satisfies CacheArea[];
const OBJECT_ID = /^[0-9a-f]{24}$/i;
const MAX_FORMS = 200;

declare module 'fastify' {
  interface FastifyInstance {
    /** The realtime server's state, for operators and benchmarks. */
    realtime: RealtimeInfo;
  }
}

/** What the realtime server tells about itself. */
export interface RealtimeInfo {
  /** Delivery totals of this instance (zeros before the app is ready). */
  stats(): DispatchStats;
}

/** What a `subscribe` acknowledgement carries. */
export type SubscribeAck =
  | { ok: true; ws: string; forms: string[] | null }
  | { ok: false; error: { code: string; message: string } };

function isWire(value: unknown): value is WireChange {
  const v = value as Partial<WireChange> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    ['created', 'updated', 'deleted'].includes(String(v.type)) &&
    [v.ws, v.form, v.id].every((id) => typeof id === 'string' && OBJECT_ID.test(id)) &&
    typeof v.v === 'number'
  );
}

/** A refused subscription, worded in the language of the socket's handshake. */
function refusal(socket: Socket, code: string, text: PlainKey): SubscribeAck & { ok: false } {
  const locale = pickLocale(socket.handshake.headers['accept-language']);
  return { ok: false, error: { code, message: render(text, locale) } };
}

function parseSubscribe(request: unknown): { ws: string; forms: string[] | null } | null {
  if (typeof request !== 'object' || request === null) return null;
  const { ws, forms } = request as { ws?: unknown; forms?: unknown };
  if (typeof ws !== 'string') return null;
  if (forms === undefined || forms === null) return { ws: ws.toLowerCase(), forms: null };
  if (!Array.isArray(forms) || forms.length > MAX_FORMS) return null;
  if (!forms.every((id): id is string => typeof id === 'string' && OBJECT_ID.test(id))) return null;
  return { ws: ws.toLowerCase(), forms: [...new Set(forms.map((id) => id.toLowerCase()))] };
}

/**
 * socket.io on the app's HTTP server (`/socket.io`). Connections authenticate with the API's bearer token
 * or session cookie; a socket `subscribe`s to workspaces it is a member of and then receives
 * `record:created|updated|deleted` for records its caller may view (hidden fields stripped) and
 * `import:progress` for the imports its caller started. See docs/realtime.md.
 */
export const realtimePlugin = fp(
  async (app: AppInstance) => {
    let io: Server | undefined;
    let dispatcher: RecordDispatcher | undefined;
    let redis: RedisLink | undefined;
    const bus = realtimeBus(app.store.connection);
    let subscriptions: Subscriptions | undefined;
    let stopRelay: (() => void) | undefined;
    app.decorate('realtime', {
      stats: () => ({ ...(dispatcher?.stats ?? { batches: 0, groups: 0, checks: 0, emits: 0, ms: 0 }) }),
    } satisfies RealtimeInfo);

    const onRecord = (change: RecordChange) => {
      const wire = toWire(change);
      dispatcher?.enqueue(wire);
      // The other instances check their own sockets; the in-memory adapter has no peers.
      if (redis) io?.serverSideEmit(PEER_EVENT, wire);
    };
    const onUserNotice = (notice: UserNotice) => {
      io?.to(userRoom(notice.ws, notice.user)).emit(notice.event, notice.payload);
    };
    const onDeactivated = (event: { ws: string; userId: string }) => {
      subscriptions?.endMember(event.ws, event.userId);
    };

    const subscribe = async (
      socket: Socket,
      identity: SocketIdentity,
      request: unknown,
    ): Promise<SubscribeAck> => {
      const notFound = refusal(socket, 'NOT_FOUND', 'workspace.notFound');
      const parsed = parseSubscribe(request);
      if (!parsed) return refusal(socket, 'VALIDATION_FAILED', 'realtime.badSubscribe');
      const caller = await callerIn(app, identity, parsed.ws);
      if (!caller || !subscriptions) return notFound;
      if (parsed.forms) {
        const ids = parsed.forms.map((id) => new Types.ObjectId(id));
        const found = await formModel(app.store.connection).countDocuments({
          ws: caller.ws,
          _id: { $in: ids },
        });
        if (found !== ids.length) return refusal(socket, 'NOT_FOUND', 'form.notFound');
      }
      // The socket may have gone while its membership was being read.
      if (!socket.connected) return notFound;
      subscriptions.add({
        socketId: socket.id,
        identity,
        caller,
        forms: parsed.forms ? new Set(parsed.forms) : null,
        checkedAt: Date.now(),
      });
      return { ok: true, ws: parsed.ws, forms: parsed.forms };
    };

    app.addHook('onReady', async () => {
      const server = new Server(app.server, { path: SOCKET_PATH, serveClient: false });
      if (app.config.redisUrl) {
        try {
          redis = await attachRedisAdapter(server, app.config.redisUrl, app.log);
        } catch (error) {
          server.engine.close();
          throw error;
        }
      }
      io = server;
      subscriptions = new Subscriptions(app, server);
      dispatcher = new RecordDispatcher(app, server, subscriptions);

      server.use((socket, next) => {
        authenticateHandshake(app, { headers: socket.handshake.headers, auth: socket.handshake.auth })
          .then((identity) => {
            socket.data.identity = identity;
            next();
          })
          .catch((error: unknown) => {
            if (!(error instanceof SocketAuthError))
              app.log.warn({ err: error }, 'socket authentication failed');
            const locale = pickLocale(socket.handshake.headers['accept-language']);
            next(error instanceof SocketAuthError ? error : new SocketAuthError('auth.signInAgain', locale));
          });
      });
      server.on('connection', (socket) => {
        const identity = socket.data.identity as SocketIdentity;
        socket.on('subscribe', (request: unknown, ack: unknown) => {
          subscribe(socket, identity, request)
            .catch((error: unknown): SubscribeAck => {
              app.log.warn({ err: error }, 'socket subscribe failed');
              return refusal(socket, 'STORE_UNAVAILABLE', 'realtime.tryAgain');
            })
            .then((answer) => {
              if (typeof ack === 'function') ack(answer);
            });
        });
        socket.on('unsubscribe', (request: unknown, ack: unknown) => {
          const ws = (request as { ws?: unknown } | null)?.ws;
          if (typeof ws === 'string') subscriptions?.remove(socket.id, ws.toLowerCase());
          if (typeof ack === 'function') ack({ ok: true });
        });
        socket.on('disconnect', () => subscriptions?.remove(socket.id));
      });
      server.on(PEER_EVENT, (wire: unknown) => {
        if (isWire(wire)) dispatcher?.enqueue(wire);
      });
      if (redis) {
        // Cached identities and definitions: a write here drops them on every instance, not after the TTL.
        const connection = app.store.connection;
        stopRelay = onInvalidate(connection, (area) => server.serverSideEmit(CACHE_EVENT, area));
        server.on(CACHE_EVENT, (area: unknown) => {
          if (CACHE_AREAS.includes(area)) invalidate(connection, area as CacheArea, { fromPeer: true });
        });
      }
      bus.on('record', onRecord);
      bus.on('userNotice', onUserNotice);
      app.identityEvents.on('member.deactivated', onDeactivated);
    });

    // Before the HTTP server closes: upgraded connections would otherwise keep it open.
    app.addHook('preClose', async () => {
      bus.off('record', onRecord);
      bus.off('userNotice', onUserNotice);
      app.identityEvents.off('member.deactivated', onDeactivated);
      stopRelay?.();
      await dispatcher?.close();
      if (io) {
        io.local.disconnectSockets(true);
        io.engine.close();
      }
      await redis?.close();
    });
  },
  { name: 'formloom-realtime', dependencies: ['formloom-auth'] },
);
