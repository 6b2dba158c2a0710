import type { FastifyRequest } from 'fastify';
import { Types } from 'mongoose';
import type { AccessSubject } from '../../lib/access/index.js';
import { appError, notFound, type Thing } from '../../lib/errors.js';
import { currentMember } from '../auth/plugin.js';

/** The authenticated member acting in a workspace, as the apps, forms and records modules need it. */
export interface Caller {
  ws: Types.ObjectId;
  userId: Types.ObjectId;
  roles: readonly string[];
  department?: Types.ObjectId;
  departmentAndBelow?: readonly Types.ObjectId[];
  /** IANA zone that `$today` / `$period` and serial-number dates are counted in. */
  timeZone: string;
}

/** The subject the access layer computes scopes for. */
export function subjectOf(caller: Caller): AccessSubject {
  const subject: AccessSubject = { userId: caller.userId.toHexString(), roles: caller.roles };
  if (caller.department) subject.department = caller.department.toHexString();
  if (caller.departmentAndBelow)
    subject.departmentAndBelow = caller.departmentAndBelow.map((d) => d.toHexString());
  return subject;
}

/** True for workspace owners and admins. */
export function isAdmin(caller: Caller): boolean {
  return caller.roles.includes('owner') || caller.roles.includes('admin');
}

/** True when the caller manages the app: a workspace owner or admin, or a holder of a `manageApp` role. */
export function managesApp(
  caller: Caller,
  app: { roles?: readonly { key: string; manageApp?: boolean }[] },
): boolean {
  const mine = new Set(caller.roles);
  return isAdmin(caller) || (app.roles ?? []).some((role) => role.manageApp === true && mine.has(role.key));
}

function toId(value: unknown): Types.ObjectId | undefined {
  if (value instanceof Types.ObjectId) return value;
  if (typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value)) return new Types.ObjectId(value);
  return undefined;
}

/**
 * The caller of a `/workspaces/:ws/...` route, from the membership the auth plugin resolved. An API
 * token acts as its role only and has no user: records it writes are owned by the token's id.
 */
export function callerOf(request: FastifyRequest): Caller {
  const member = currentMember(request);
  const auth = request.auth;
  const userId = toId(member.userId ?? (auth?.kind === 'api' ? auth.tokenId : undefined));
  const ws = toId(member.ws);
  if (!userId || !ws) throw appError('UNAUTHORIZED', 'auth.signInFirst');
  const caller: Caller = { ws, userId, roles: member.roles, timeZone: 'UTC' };
  const department = toId(member.department);
  if (department) caller.department = department;
  return caller;
}

/** Parses an id from a URL; a malformed id is simply not found (404), like another workspace's. */
export function parseId(value: string, what: Thing): Types.ObjectId {
  const id = toId(value);
  if (!id) throw notFound(what);
  return id;
}
