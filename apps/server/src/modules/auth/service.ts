import type { FastifyRequest } from 'fastify';
import { Types } from 'mongoose';
import type { AppInstance } from '../../app.js';
import { appError } from '../../lib/errors.js';
import { workspaceModels } from '../workspaces/models.js';
import { authModels, type UserDoc } from './models.js';
import { hashPassword, passwordProblems, verifyNobody, verifyPassword } from './password.js';
import { recordSecurityEvent } from './security-log.js';
import { assertLoginAllowed, countAttempt, countFailure, countSuccess, throttleKeys } from './throttle.js';
import { newToken, tokenDigest } from './tokens.js';

/** How long a session lasts from sign-in. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60_000;

/** Emails compare case-insensitively and without surrounding blanks. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Throws 400 with the password policy's messages at `path` when the password is not acceptable. */
export function assertPasswordAcceptable(
  password: string,
  identity: { email: string; name?: string },
  path: string,
): void {
  const problems = passwordProblems(password, identity);
  if (problems.length > 0) {
    throw appError(
      'VALIDATION_FAILED',
      'auth.passwordRejected',
      problems.map((message) => ({ path, message })),
    );
  }
}

/** Creates a user with a policy-checked password; 409 when the email is taken. */
export async function createUser(
  app: AppInstance,
  input: { email: string; name: string; password: string },
  passwordPath: string,
): Promise<UserDoc> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  assertPasswordAcceptable(input.password, { email, name }, passwordPath);
  const { User } = authModels(app.store.connection);
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await User.create({ email, name, passwordHash });
    return user.toObject();
  } catch (error) {
    if ((error as { code?: unknown }).code === 11000) {
      throw appError('CONFLICT', 'auth.emailTaken');
    }
    throw error;
  }
}

/** Opens a session for a user; the token is returned once and stored only as a digest. */
export async function createSession(
  app: AppInstance,
  request: FastifyRequest,
  userId: Types.ObjectId,
): Promise<{ token: string; expiresAt: Date }> {
  const { Session } = authModels(app.store.connection);
  const token = newToken('session');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await Session.create({
    hash: tokenDigest(app.config.secret, token),
    user: userId,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    ip: request.ip,
    userAgent: String(request.headers['user-agent'] ?? '').slice(0, 300),
  });
  return { token, expiresAt };
}

/** The ids of the workspaces a user is an active member of. */
export async function workspaceIdsOf(app: AppInstance, userId: Types.ObjectId): Promise<Types.ObjectId[]> {
  const { Member } = workspaceModels(app.store.connection);
  const members = await Member.find({ user: userId, active: true }, { ws: 1 }).lean();
  return members.map((member) => member.ws);
}

/**
 * Checks `password` for the account of `email` (or for nobody, at the same cost) under the sign-in
 * throttle and lockout: 429 while the address+email or the account is locked or out of attempts, or the
 * address has failed too often over all emails. Sign-in and accepting an invitation as an existing account
 * both go through it, so neither is a way around the other's limits.
 */
export async function checkPasswordThrottled(
  app: AppInstance,
  request: FastifyRequest,
  email: string,
  user: UserDoc | null,
  password: string,
): Promise<{ ok: boolean; locked: boolean }> {
  const { LoginThrottle } = authModels(app.store.connection);
  const keys = throttleKeys(request.ip, email);
  const now = new Date();
  await assertLoginAllowed(LoginThrottle, keys, now, app.config.loginAddressFailures);
  await countAttempt(LoginThrottle, keys, now);
  const ok = user ? await verifyPassword(user.passwordHash, password) : await verifyNobody(password);
  if (!ok) return { ok: false, ...(await countFailure(LoginThrottle, keys, now)) };
  await countSuccess(LoginThrottle, keys);
  return { ok: true, locked: false };
}

/**
 * Checks a sign-in under the throttle. Successes and failures go to the account's own security log, not
 * to the audit logs of its workspaces (a workspace that added someone learns nothing of their sign-ins).
 */
export async function login(
  app: AppInstance,
  request: FastifyRequest,
  input: { email: string; password: string },
): Promise<{ token: string; expiresAt: Date; user: UserDoc }> {
  const { User } = authModels(app.store.connection);
  const email = normalizeEmail(input.email);
  const user = await User.findOne({ email }).lean();
  const { ok, locked } = await checkPasswordThrottled(app, request, email, user, input.password);
  if (!user || !ok) {
    await recordSecurityEvent(app.store.connection, request, {
      user: user?._id ?? null,
      email,
      event: 'signInFailed',
      details: { locked },
    });
    throw appError('UNAUTHORIZED', 'auth.wrongCredentials');
  }
  const session = await createSession(app, request, user._id);
  await recordSecurityEvent(app.store.connection, request, { user: user._id, email, event: 'signIn' });
  return { ...session, user };
}

/** Ends the request's session (idempotent). */
export async function revokeSession(app: AppInstance, sessionId: string): Promise<void> {
  const { Session } = authModels(app.store.connection);
  await Session.updateOne(
    { _id: new Types.ObjectId(sessionId), revokedAt: null },
    { $set: { revokedAt: new Date() } },
  );
}

/** Changes a password after checking the current one; ends every other session of the user. */
export async function changePassword(
  app: AppInstance,
  userId: string,
  keepSessionId: string | null,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const { User, Session } = authModels(app.store.connection);
  const user = await User.findById(userId).lean();
  if (!user) throw appError('UNAUTHORIZED', 'auth.accountGone');
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw appError('VALIDATION_FAILED', 'auth.currentPasswordWrong', [
      { path: '/currentPassword', message: 'detail.wrong' },
    ]);
  }
  assertPasswordAcceptable(input.newPassword, { email: user.email, name: user.name }, '/newPassword');
  await User.updateOne({ _id: user._id }, { $set: { passwordHash: await hashPassword(input.newPassword) } });
  await Session.updateMany(
    {
      user: user._id,
      revokedAt: null,
      ...(keepSessionId ? { _id: { $ne: new Types.ObjectId(keepSessionId) } } : {}),
    },
    { $set: { revokedAt: new Date() } },
  );
}
