import type { FastifyRequest } from 'fastify';
import { type Connection, type Model, Schema, type Types } from 'mongoose';

/**
 * What happened to an account, as its own security log shows it: sign-ins, failed sign-ins (with whether
 * they locked the account), sign-outs, password changes and invitations accepted with its password. These
 * belong to the person, not to the workspaces they are in: a workspace's audit log holds what happened in
 * that workspace, and a workspace that added someone learns nothing of where they sign in from.
 */
export const SECURITY_EVENTS = [
  'signIn',
  'signInFailed',
  'signOut',
  'passwordChanged',
  'invitationAccepted',
] as const;

/** One of {@link SECURITY_EVENTS}. */
export type SecurityEvent = (typeof SECURITY_EVENTS)[number];

/** One entry; `user` is null for failed sign-ins of emails no account has (kept for operators). */
export interface SecurityEventDoc {
  _id: Types.ObjectId;
  user: Types.ObjectId | null;
  email: string;
  event: SecurityEvent;
  at: Date;
  ip: string;
  userAgent: string;
  details: Record<string, unknown>;
}

/** How long entries stay. */
export const SECURITY_LOG_TTL_DAYS = 180;

const schema = new Schema<SecurityEventDoc>(
  {
    user: { type: Schema.Types.ObjectId, default: null },
    email: { type: String, required: true },
    event: { type: String, required: true },
    at: { type: Date, required: true },
    ip: { type: String, default: '' },
    userAgent: { type: String, default: '' },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'security_events', versionKey: false, minimize: false },
);
schema.index({ user: 1, _id: -1 });
schema.index({ at: 1 }, { expireAfterSeconds: SECURITY_LOG_TTL_DAYS * 24 * 60 * 60 });

/** The security log of a connection. */
export function securityLogModel(connection: Connection): Model<SecurityEventDoc> {
  return (
    (connection.models.SecurityEvent as Model<SecurityEventDoc> | undefined) ??
    connection.model<SecurityEventDoc>('SecurityEvent', schema)
  );
}

/** Records an event of an account (or of an email no account has), from the request's address. */
export async function recordSecurityEvent(
  connection: Connection,
  request: FastifyRequest,
  entry: {
    user: Types.ObjectId | null;
    email: string;
    event: SecurityEvent;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await securityLogModel(connection).create({
    user: entry.user,
    email: entry.email,
    event: entry.event,
    at: new Date(),
    ip: request.ip,
    userAgent: String(request.headers['user-agent'] ?? '').slice(0, 300),
    details: entry.details ?? {},
  });
}

/** The newest `limit` events of an account, as the API answers them. */
export async function securityEventsOf(connection: Connection, user: Types.ObjectId, limit: number) {
  const docs = await securityLogModel(connection).find({ user }).sort({ _id: -1 }).limit(limit).lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    event: doc.event as SecurityEvent,
    at: doc.at.toISOString(),
    ip: doc.ip,
    userAgent: doc.userAgent,
    ...(typeof doc.details.locked === 'boolean' ? { locked: doc.details.locked } : {}),
  }));
}
