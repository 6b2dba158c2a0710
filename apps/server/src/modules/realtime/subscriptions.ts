import { Types } from 'mongoose';
import type { Server } from 'socket.io';
import type { AppInstance } from '../../app.js';
import type { Caller } from '../apps/caller.js';
import { actorId, membersIn, type SocketIdentity, stillValid } from './identity.js';

/** Memberships and credentials of subscribed sockets are checked again at most this often (while events flow). */
const REVALIDATE_MS = 5_000;

/** One socket's subscription to one workspace. */
export interface Subscription {
  socketId: string;
  identity: SocketIdentity;
  caller: Caller;
  /** Form ids to hear about; null for every form of the workspace. */
  forms: ReadonlySet<string> | null;
  checkedAt: number;
}

/** The room of one user's (or API token's) sockets subscribed to a workspace: their own notices. */
export function userRoom(ws: string, user: string): string {
  return `user:${ws}:${user}`;
}

/**
 * Who listens to which workspace on this instance. Record events are filtered from here, per group; a
 * membership that ends or a credential that is revoked ends the subscription (or the connection).
 */
export class Subscriptions {
  private readonly byWs = new Map<string, Map<string, Subscription>>();

  constructor(
    private readonly app: AppInstance,
    private readonly io: Server,
  ) {}

  /** True when some local socket listens to the workspace. */
  hasWorkspace(ws: string): boolean {
    return (this.byWs.get(ws)?.size ?? 0) > 0;
  }

  /** Adds or replaces a socket's subscription to a workspace, and joins its import-progress room. */
  add(subscription: Subscription): void {
    const ws = subscription.caller.ws.toHexString();
    const subs = this.byWs.get(ws) ?? new Map<string, Subscription>();
    subs.set(subscription.socketId, subscription);
    this.byWs.set(ws, subs);
    this.io.local.in(subscription.socketId).socketsJoin(userRoom(ws, actorId(subscription.identity)));
  }

  /** Ends a socket's subscription to a workspace (or to every workspace when `ws` is absent). */
  remove(socketId: string, ws?: string): void {
    for (const [key, subs] of this.byWs) {
      if (ws !== undefined && key !== ws) continue;
      const sub = subs.get(socketId);
      if (!sub) continue;
      subs.delete(socketId);
      if (subs.size === 0) this.byWs.delete(key);
      this.io.local.in(socketId).socketsLeave(userRoom(key, actorId(sub.identity)));
    }
  }

  /** Ends every subscription of a user to a workspace (deactivated members), telling their sockets. */
  endMember(ws: string, userId: string): void {
    for (const sub of [...(this.byWs.get(ws)?.values() ?? [])]) {
      if (sub.identity.kind !== 'session' || sub.identity.userId !== userId) continue;
      this.remove(sub.socketId, ws);
      this.io.local.to(sub.socketId).emit('subscription:ended', { ws });
    }
  }

  /** The subscriptions of a workspace that want events of a form. */
  listeners(ws: string, form: string): Subscription[] {
    const subs = this.byWs.get(ws);
    if (!subs) return [];
    return [...subs.values()].filter((sub) => sub.forms === null || sub.forms.has(form));
  }

  /**
   * Re-reads the memberships and credentials of subscriptions not checked for a while, in a few batched
   * queries: role changes apply, ended memberships unsubscribe, revoked credentials disconnect.
   */
  async revalidate(ws: string): Promise<void> {
    const subs = this.byWs.get(ws);
    if (!subs) return;
    const now = Date.now();
    const stale = [...subs.values()].filter((sub) => now - sub.checkedAt >= REVALIDATE_MS);
    if (stale.length === 0) return;
    const valid = await stillValid(
      this.app,
      stale.map((sub) => sub.identity),
    );
    const users = stale.flatMap((sub) => (sub.identity.kind === 'session' ? [sub.identity.userId] : []));
    const members = users.length > 0 ? await membersIn(this.app, new Types.ObjectId(ws), users) : new Map();
    for (const sub of stale) {
      if (!valid(sub.identity)) {
        this.remove(sub.socketId);
        this.io.local.in(sub.socketId).disconnectSockets(true);
        continue;
      }
      if (sub.identity.kind === 'api') {
        sub.checkedAt = now;
        continue;
      }
      const caller = members.get(sub.identity.userId);
      if (!caller) {
        this.remove(sub.socketId, ws);
        this.io.local.to(sub.socketId).emit('subscription:ended', { ws });
        continue;
      }
      sub.caller = caller;
      sub.checkedAt = now;
    }
  }
}
