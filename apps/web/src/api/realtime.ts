import { useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { tokenStore } from './client';
import { SeenEvents } from './seen-events';

/** Events the server pushes (docs/realtime.md), with their payloads as far as the web app reads them. */
export interface RealtimeEvents {
  'record:created': { ws: string; form: string; record: { id: string; v: number } & Record<string, unknown> };
  'record:updated': { ws: string; form: string; record: { id: string; v: number } & Record<string, unknown> };
  'record:deleted': { ws: string; form: string; id: string; v: number };
  'import:progress': Record<string, unknown> & { jobId: string };
  /** `id`: set on events of a flow step; a repeat under the same id is dropped before listeners see it. */
  'tasks:assigned': { id?: string; ws: string; tasks: string[]; reason: string };
  'tasks:closed': { id?: string; ws: string; tasks: string[] };
  'flow:notice': {
    id?: string;
    ws: string;
    form: string;
    record: string;
    reason: string;
    node: string;
    task?: string;
  };
  'apps:importProgress': {
    progressKey: string;
    phase: 'checking' | 'forms' | 'records' | 'finishing' | 'demo' | 'failed';
    done: number;
    total: number;
    error?: { code: string; message: string };
  };
  'comment:mentioned': Record<string, unknown> & { record: string; form: string };
  'subscription:ended': { ws: string };
}

type EventName = keyof RealtimeEvents;
type Listener<E extends EventName> = (payload: RealtimeEvents[E]) => void;

/**
 * One socket.io connection per tab, subscribed to the current workspace. socket.io-client loads on demand
 * (it is not needed to paint any page), reconnects by itself, and every (re)connection subscribes again.
 */
class RealtimeClient {
  private socket: Socket | undefined;
  private connecting: Promise<Socket> | undefined;
  private workspace: string | undefined;
  private subscribed: Promise<void> | undefined;
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private readonly statusListeners = new Set<(online: boolean) => void>();
  private readonly seen = new SeenEvents();

  /** Connects (once) and subscribes to `ws`; resolves once the server acknowledged the subscription. */
  async join(ws: string): Promise<void> {
    const socket = await this.connect();
    if (this.workspace === ws && this.subscribed) return this.subscribed;
    if (this.workspace && this.workspace !== ws) socket.emit('unsubscribe', { ws: this.workspace });
    this.workspace = ws;
    this.subscribed = this.subscribe(socket, ws);
    return this.subscribed;
  }

  /** Ends the connection (sign-out). */
  leave(): void {
    this.socket?.disconnect();
    this.socket = undefined;
    this.connecting = undefined;
    this.workspace = undefined;
    this.subscribed = undefined;
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** Follows whether the socket is connected (to tell users that live updates paused). */
  onStatus(listener: (online: boolean) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private subscribe(socket: Socket, ws: string): Promise<void> {
    return new Promise((resolve, reject) => {
      socket.emit('subscribe', { ws }, (ack: { ok: boolean; error?: { message: string } }) => {
        if (ack?.ok) resolve();
        else reject(new Error(ack?.error?.message ?? 'subscription refused'));
      });
    });
  }

  private connect(): Promise<Socket> {
    this.connecting ??= import('socket.io-client').then(({ io }) => {
      const token = tokenStore.get();
      const socket = io({
        path: '/socket.io',
        transports: ['websocket'],
        // The cookie authenticates same-origin sockets too; the token is preferred when there is one.
        ...(token ? { auth: { token } } : {}),
        withCredentials: true,
      });
      socket.onAny((event: string, payload: unknown) => {
        if (this.seen.repeats(event, payload)) return;
        for (const listener of this.listeners.get(event as EventName) ?? []) listener(payload as never);
      });
      let connectedBefore = false;
      socket.on('connect', () => {
        // A reconnection starts without subscriptions: subscribe again to what this tab follows.
        if (connectedBefore && this.workspace) {
          this.subscribed = this.subscribe(socket, this.workspace).catch(() => undefined);
        }
        connectedBefore = true;
        for (const listener of this.statusListeners) listener(true);
      });
      socket.on('disconnect', () => {
        for (const listener of this.statusListeners) listener(false);
      });
      this.socket = socket;
      return socket;
    });
    return this.connecting;
  }
}

/** The tab's realtime connection. */
export const realtime = new RealtimeClient();

/** Calls `listener` for each `event` while the component is mounted (the latest listener, no resubscribe). */
export function useRealtimeEvent<E extends EventName>(event: E, listener: Listener<E>): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => realtime.on(event, (payload) => latest.current(payload)), [event]);
}

/** Whether live updates are flowing (false while the socket is disconnected). */
export function useRealtimeOnline(): boolean {
  const [online, setOnline] = useState(true);
  useEffect(() => realtime.onStatus(setOnline), []);
  return online;
}
