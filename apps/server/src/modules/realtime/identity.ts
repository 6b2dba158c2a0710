import type { IncomingHttpHeaders } from 'node:http';
import { Types } from 'mongoose';
import type { AppInstance } from '../../app.js';
import { isAppError } from '../../lib/errors.js';
import { type Locale, pickLocale, render, type Text } from '../../lib/messages/index.js';
import type { Caller } from '../apps/caller.js';
import { authModels } from '../auth/models.js';
import { SESSION_COOKIE } from '../auth/plugin.js';
import { type VerifiedToken, verifyToken } from '../auth/verify.js';
import { workspaceModels } from '../workspaces/models.js';

/** Who a socket is, as established at connection time (the same credentials the HTTP API accepts). */
export type SocketIdentity =
  | { kind: 'session'; userId: string; sessionId: string }
  | { kind: 'api'; tokenId: string; ws: string; role: string };

/** Why a connection is refused, in the handshake's language; `code` is one of the API's error codes. */
export class SocketAuthError extends Error {
  readonly data: { code: string };
  constructor(text: Text, locale: Locale) {
    super(render(text, locale));
    this.name = 'SocketAuthError';
    this.data = { code: 'UNAUTHORIZED' };
  }
}

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** What the handshake carries that can authenticate it. */
export interface HandshakeCredentials {
  headers: IncomingHttpHeaders;
  /** socket.io's `auth` option of the client: `{ token }`. */
  auth: Record<string, unknown>;
}

function presented(app: AppInstance, handshake: HandshakeCredentials, locale: Locale) {
  const fromAuth = handshake.auth.token;
  if (typeof fromAuth === 'string' && fromAuth) return { token: fromAuth, via: 'bearer' as const };
  const header = handshake.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer +(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new SocketAuthError('auth.badAuthorization', locale);
    return { token: match[1], via: 'bearer' as const };
  }
  const cookies = handshake.headers.cookie ? app.parseCookie(handshake.headers.cookie) : {};
  const cookie = cookies[SESSION_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' as const } : undefined;
}

/**
 * A cookie rides along on any page's WebSocket to us; only our own pages may use it (cross-site
 * WebSocket hijacking). Bearer tokens are never sent automatically, so they need no such check.
 * `X-Forwarded-Host` names our host only behind a proxy we were told to believe (TRUST_PROXY): without
 * one, any client can send it, and a page of another site would name its own host in it.
 */
function sameOrigin(headers: IncomingHttpHeaders, trustProxy: boolean): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = trustProxy ? headers['x-forwarded-host'] : undefined;
  const hosts = [headers.host, ...(Array.isArray(forwarded) ? forwarded : [forwarded])];
  return hosts.some((candidate) => candidate !== undefined && candidate.split(',')[0]?.trim() === host);
}

/**
 * Verifies the handshake's credentials with the HTTP API's own check ({@link verifyToken}); throws {@link SocketAuthError} when they are missing or not valid.
 */
export async function authenticateHandshake(
  app: AppInstance,
  handshake: HandshakeCredentials,
): Promise<SocketIdentity> {
  const locale = pickLocale(handshake.headers['accept-language']);
  const credentials = presented(app, handshake, locale);
  if (!credentials) throw new SocketAuthError('auth.signInFirst', locale);
  const trustProxy = app.config.trustProxy !== false && app.config.trustProxy !== 0;
  if (credentials.via === 'cookie' && !sameOrigin(handshake.headers, trustProxy)) {
    throw new SocketAuthError('auth.cookieOrigin', locale);
  }
  let verified: VerifiedToken;
  try {
    verified = await verifyToken(app, credentials.token, credentials.via);
  } catch (error) {
    throw new SocketAuthError(isAppError(error) ? error.text : 'auth.tokenInvalid', locale);
  }
  return verified.kind === 'session'
    ? { kind: 'session', userId: verified.user.id, sessionId: verified.sessionId }
    : { kind: 'api', tokenId: verified.tokenId, ws: verified.ws, role: verified.role };
}

/** The id records and progress rooms know the socket's caller by (an API token acts as its own id). */
export function actorId(identity: SocketIdentity): string {
  return identity.kind === 'session' ? identity.userId : identity.tokenId;
}

/**
 * The caller acting in `ws`, as `callerOf` builds it for HTTP requests, or null when the identity is not
 * an active member there (another workspace, a malformed id and no membership all look the same).
 */
export async function callerIn(
  app: AppInstance,
  identity: SocketIdentity,
  ws: string,
): Promise<Caller | null> {
  if (!OBJECT_ID.test(ws)) return null;
  const wsId = new Types.ObjectId(ws);
  if (identity.kind === 'api') {
    if (identity.ws !== ws.toLowerCase()) return null;
    return {
      ws: wsId,
      userId: new Types.ObjectId(identity.tokenId),
      roles: [identity.role],
      timeZone: 'UTC',
    };
  }
  return (await membersIn(app, wsId, [identity.userId])).get(identity.userId) ?? null;
}

/** Callers of several users in one workspace, with one query (users without an active membership are absent). */
export async function membersIn(
  app: AppInstance,
  ws: Types.ObjectId,
  userIds: readonly string[],
): Promise<Map<string, Caller>> {
  const { Member } = workspaceModels(app.store.connection);
  const members = await Member.find({
    ws,
    user: { $in: userIds.map((id) => new Types.ObjectId(id)) },
    active: true,
  }).lean();
  const callers = new Map<string, Caller>();
  for (const member of members) {
    const userId = String(member.user);
    const caller: Caller = { ws, userId: new Types.ObjectId(userId), roles: member.roles, timeZone: 'UTC' };
    if (member.department) caller.department = new Types.ObjectId(String(member.department));
    callers.set(userId, caller);
  }
  return callers;
}

/** True while the identity's credential is still valid (not revoked, not expired). */
export async function stillValid(app: AppInstance, identities: readonly SocketIdentity[]) {
  const { Session, ApiToken } = authModels(app.store.connection);
  const now = new Date();
  const sessionIds = identities.flatMap((i) =>
    i.kind === 'session' ? [new Types.ObjectId(i.sessionId)] : [],
  );
  const tokenIds = identities.flatMap((i) => (i.kind === 'api' ? [new Types.ObjectId(i.tokenId)] : []));
  const valid = new Set<string>();
  if (sessionIds.length > 0) {
    const sessions = await Session.find({ _id: { $in: sessionIds } }, { revokedAt: 1, expiresAt: 1 }).lean();
    for (const s of sessions) if (!s.revokedAt && s.expiresAt > now) valid.add(String(s._id));
  }
  if (tokenIds.length > 0) {
    const tokens = await ApiToken.find({ _id: { $in: tokenIds } }, { revokedAt: 1, expiresAt: 1 }).lean();
    for (const t of tokens) if (!t.revokedAt && (!t.expiresAt || t.expiresAt > now)) valid.add(String(t._id));
  }
  return (identity: SocketIdentity) =>
    valid.has(identity.kind === 'session' ? identity.sessionId : identity.tokenId);
}
