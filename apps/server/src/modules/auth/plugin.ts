import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Types } from 'mongoose';
import type { AppInstance } from '../../app.js';
import { type WorkspaceRole, workspaceRole } from '../../lib/access/index.js';
import { appError, t } from '../../lib/errors.js';
import { generationOf, readCache } from '../../lib/read-cache.js';
import { createIdentityEvents, type IdentityEvents } from '../workspaces/events.js';
import { workspaceModels } from '../workspaces/models.js';
import { authModels } from './models.js';
import { TokenLimits } from './token-limits.js';
import { csrfMatches, csrfTokenFor } from './tokens.js';
import { verifyToken } from './verify.js';

/** The signed-in person. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  /** The person's language, for answers to requests that send no Accept-Language. */
  language?: 'en' | 'zh-CN';
}

/** How the request authenticated. */
export type AuthContext =
  | { kind: 'session'; via: 'bearer' | 'cookie'; userId: string; sessionId: string; token: string }
  | { kind: 'api'; via: 'bearer'; userId: null; tokenId: string; ws: string; role: string };

/** The caller's membership of the workspace in the URL (`/workspaces/:ws/...`), resolved once. */
export interface RequestMember {
  ws: string;
  /** The user id; null for API tokens, which act as their role only. */
  userId: string | null;
  roles: string[];
  workspaceRole: WorkspaceRole;
  department: string | null;
  manager: string | null;
}

/** A registered API route and whether it is public (for the attack suite and docs). */
export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
    user: AuthUser | null;
    member: RequestMember | null;
  }
  interface FastifyInstance {
    /** Every route under /api/v1, registered after the auth plugin. */
    routeCatalog: RouteEntry[];
    /** Membership events (deactivation asks for open tasks to be reassigned). */
    identityEvents: IdentityEvents;
  }
}

/** Cookie carrying the session token (httpOnly). */
export const SESSION_COOKIE = 'formloom_session';
/** Readable cookie carrying the CSRF token the web client echoes in {@link CSRF_HEADER}. */
export const CSRF_COOKIE = 'formloom_csrf';
/** Header a cookie-authenticated unsafe request must carry. */
export const CSRF_HEADER = 'x-csrf-token';

const API_PREFIX = '/api/v1/';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Sets the session and CSRF cookies for a new session (login, setup, accepted invitation). */
export function setSessionCookies(
  app: AppInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
): void {
  // Strict works with the SPA: its API calls are same-site requests, and the page itself needs no cookie.
  const common = {
    path: '/',
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
    expires: expiresAt,
  };
  reply.setCookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, csrfTokenFor(app.config.secret, token), { ...common, httpOnly: false });
}

/** Clears both session cookies. */
export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

function credentials(request: FastifyRequest): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer +(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw appError('UNAUTHORIZED', 'auth.badAuthorization');
    return { token: match[1], via: 'bearer' };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}

/** True for a request presenting an API token, which the per-address rate limit leaves to {@link TokenLimits}. */
export function presentsApiToken(request: FastifyRequest): boolean {
  return /^Bearer +flt_/i.test(request.headers.authorization ?? '');
}

async function authenticate(
  app: AppInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  limits: TokenLimits,
): Promise<void> {
  const presented = credentials(request);
  if (!presented) throw appError('UNAUTHORIZED', 'auth.signInFirst');
  const { token, via } = presented;
  let verified: Awaited<ReturnType<typeof verifyToken>>;
  try {
    verified = await verifyToken(app, token, via);
  } catch (error) {
    if (presentsApiToken(request)) await limits.refuse(request.ip, reply);
    throw error;
  }
  if (verified.kind === 'session') {
    const { user, sessionId } = verified;
    request.auth = { kind: 'session', via, userId: user.id, sessionId, token };
    request.user = user;
  } else {
    request.auth = {
      kind: 'api',
      via: 'bearer',
      userId: null,
      tokenId: verified.tokenId,
      ws: verified.ws,
      role: verified.role,
    };
    await limits.take(verified.ws, reply);
    // Coarse on purpose: one write per token and minute, not per request.
    const now = new Date();
    if (!verified.lastUsedAt || now.getTime() - verified.lastUsedAt.getTime() > 60_000) {
      const { ApiToken } = authModels(app.store.connection);
      await ApiToken.updateOne({ _id: verified.tokenId }, { $set: { lastUsedAt: now } });
    }
  }

  // Cookies ride along on cross-site requests; an unsafe request authenticated by cookie must prove it
  // comes from our page by echoing the CSRF token. Bearer tokens are never sent automatically.
  if (via === 'cookie' && !SAFE_METHODS.has(request.method)) {
    const header = request.headers[CSRF_HEADER];
    const expected = csrfTokenFor(app.config.secret, token);
    if (!csrfMatches(expected, Array.isArray(header) ? header[0] : header)) {
      throw appError('FORBIDDEN', t('auth.csrf', { header: CSRF_HEADER, cookie: CSRF_COOKIE }));
    }
  }
}

async function resolveMember(app: AppInstance, request: FastifyRequest, ws: string): Promise<void> {
  // Another workspace's id, a malformed id and a workspace the caller is not in all look the same. The
  // error is made only when thrown: this runs on every workspace request.
  const notFound = () => appError('NOT_FOUND', 'workspace.notFound');
  if (!OBJECT_ID.test(ws)) throw notFound();
  const auth = request.auth;
  if (!auth) throw notFound();
  if (auth.kind === 'api') {
    if (auth.ws !== ws.toLowerCase()) throw notFound();
    request.member = {
      ws: auth.ws,
      userId: null,
      roles: [auth.role],
      workspaceRole: workspaceRole([auth.role]),
      department: null,
      manager: null,
    };
    return;
  }
  // Memberships are served from the identity read cache: any write to members (roles, department,
  // deactivation) drops it, so a change applies to the next request (see lib/read-cache.ts).
  const members = readCache<RequestMember>(app.store.connection, 'members', 'identity');
  const key = `${ws.toLowerCase()}:${auth.userId}`;
  const cached = members.get(key);
  if (cached) {
    request.member = { ...cached, roles: [...cached.roles] };
    return;
  }
  const resolved = await members.shared(key, async () => {
    const generation = generationOf(app.store.connection, 'identity');
    const { Member } = workspaceModels(app.store.connection);
    const member = await Member.findOne({
      ws: new Types.ObjectId(ws),
      user: new Types.ObjectId(auth.userId),
      active: true,
    }).lean();
    if (!member) throw notFound();
    const resolved: RequestMember = {
      ws: String(member.ws),
      userId: auth.userId,
      roles: member.roles,
      workspaceRole: workspaceRole(member.roles),
      department: member.department ? String(member.department) : null,
      manager: member.manager ? String(member.manager) : null,
    };
    members.set(key, resolved, generation);
    return resolved;
  });
  request.member = { ...resolved, roles: [...resolved.roles] };
}

/**
 * Authentication for every route under /api/v1 unless its config says `auth: false`: resolves
 * `request.auth` / `request.user` (401 without valid credentials), checks CSRF for cookie writes, and for
 * routes with a `:ws` parameter resolves `request.member` (404 when the caller is not an active member).
 * API tokens reach only their own workspace's routes.
 */
export const authPlugin = fp(
  async (app: AppInstance) => {
    app.decorateRequest('auth', null);
    app.decorateRequest('user', null);
    app.decorateRequest('member', null);
    const catalog: RouteEntry[] = [];
    app.decorate('routeCatalog', catalog);
    app.decorate('identityEvents', createIdentityEvents());
    const limits = new TokenLimits(app.config.tokenRateLimit);
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith(API_PREFIX)) return;
      const isPublic = route.config?.auth === false;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD') continue;
        catalog.push({ method, url: route.url, public: isPublic });
      }
      // The OpenAPI document says which routes need the Bearer token (or the session cookie).
      if (!isPublic) route.schema = { ...route.schema, security: [{ bearer: [] }] };
    });

    const { User, Session, ApiToken, LoginThrottle } = authModels(app.store.connection);
    const { Workspace, Member, Department, Invitation, System } = workspaceModels(app.store.connection);
    // Unique indexes back race-safety (one user per email, one membership per user and workspace).
    app.addHook('onReady', async () => {
      for (const model of [
        User,
        Session,
        ApiToken,
        LoginThrottle,
        Workspace,
        Member,
        Department,
        Invitation,
        System,
      ]) {
        await model.init();
      }
    });

    app.addHook('onRequest', async (request, reply) => {
      const url = request.routeOptions.url;
      if (!url?.startsWith(API_PREFIX) || request.routeOptions.config.auth === false) return;
      await authenticate(app, request, reply, limits);
      const ws = (request.params as { ws?: unknown } | undefined)?.ws;
      if (typeof ws === 'string' && url.includes('/:ws')) {
        await resolveMember(app, request, ws);
      } else if (request.auth?.kind === 'api') {
        throw appError('FORBIDDEN', 'auth.tokenOutsideWorkspace');
      }
    });
  },
  { name: 'formloom-auth', dependencies: ['@fastify/cookie'] },
);

/** The signed-in user; 403 for API tokens, which have no user. */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw appError('FORBIDDEN', 'auth.needsPerson');
  return request.user;
}

/** The caller's membership of the route's workspace (set by the auth plugin on `:ws` routes). */
export function currentMember(request: FastifyRequest): RequestMember {
  if (!request.member) throw appError('NOT_FOUND', 'workspace.notFound');
  return request.member;
}

/** The membership, provided it is an owner or admin (who manage members, departments, roles, tokens). */
export function requireAdmin(request: FastifyRequest): RequestMember {
  const member = currentMember(request);
  if (member.workspaceRole === 'member') {
    throw appError('FORBIDDEN', 'workspace.adminsOnly');
  }
  return member;
}
