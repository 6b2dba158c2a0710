import type { FastifyRequest } from 'fastify';
import { type Connection, type Model, Schema, Types } from 'mongoose';

/**
 * What happened in a workspace, as its audit log records it. Other modules add their own action names
 * freely. A person's sign-ins, sign-outs and password changes are theirs, not a workspace's: they go to the
 * account's security log (modules/auth/security-log.ts).
 */
export type AuditAction =
  | 'setup.completed'
  | 'workspace.created'
  | 'workspace.updated'
  | 'member.added'
  | 'member.rolesChanged'
  | 'member.updated'
  | 'member.deactivated'
  | 'member.reactivated'
  | 'invitation.created'
  | 'invitation.revoked'
  | 'invitation.accepted'
  | 'invitation.declined'
  | 'department.created'
  | 'department.updated'
  | 'department.deleted'
  | 'apiToken.created'
  | 'apiToken.revoked'
  | 'records.exported'
  | (string & {});

/** One audit entry as stored. `ws` is null for events outside any workspace (a failed login of nobody). */
export interface AuditDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId | null;
  at: Date;
  action: string;
  /** Who: a user, an API token, or nobody (failed logins of unknown emails). */
  actor: { user: Types.ObjectId | null; token: Types.ObjectId | null; email: string | null };
  /** The object acted on, e.g. `{ kind: 'member', id }`. */
  target: { kind: string; id: string } | null;
  ip: string;
  userAgent: string;
  details: Record<string, unknown>;
}

/** What a caller supplies; who and from where are read from the request. */
export interface AuditEntry {
  ws: Types.ObjectId | string | null;
  action: AuditAction;
  target?: { kind: string; id: string };
  details?: Record<string, unknown>;
  /** Overrides the actor read from the request (logins, before a session exists). */
  actor?: { user?: Types.ObjectId | null; email?: string | null };
}

const auditSchema = new Schema<AuditDoc>(
  {
    ws: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
    action: { type: String, required: true },
    actor: {
      user: { type: Schema.Types.ObjectId, default: null },
      token: { type: Schema.Types.ObjectId, default: null },
      email: { type: String, default: null },
    },
    target: { type: { kind: String, id: String }, default: null, _id: false },
    ip: { type: String, default: '' },
    userAgent: { type: String, default: '' },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'audit', versionKey: false, minimize: false },
);
// `ws` first; listing is newest first by `_id` (ObjectIds grow with time).
auditSchema.index({ ws: 1, _id: -1 });
auditSchema.index({ ws: 1, action: 1, _id: -1 });

/** The audit model of a connection. */
export function auditModel(connection: Connection): Model<AuditDoc> {
  const get = <T>(name: string, schema: Schema<T>): Model<T> =>
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return get('Audit', auditSchema);
}

function toId(value: Types.ObjectId | string | null | undefined): Types.ObjectId | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? new Types.ObjectId(value) : value;
}

/**
 * Writes security audit entries for a request: who (the signed-in user or API token), when, from which
 * address. Exported for every module that does something security-relevant (exports above all):
 * `await recordAudit(connection, request, { ws, action: 'records.exported', target, details })`.
 * One entry per workspace given; the write is awaited so an unaudited export cannot happen silently.
 */
export async function recordAudit(
  connection: Connection,
  request: FastifyRequest,
  ...entries: AuditEntry[]
): Promise<void> {
  if (entries.length === 0) return;
  const Audit = auditModel(connection);
  const at = new Date();
  const auth = request.auth;
  const userAgent = String(request.headers['user-agent'] ?? '').slice(0, 300);
  await Audit.insertMany(
    entries.map((entry) => ({
      ws: toId(entry.ws),
      at,
      action: entry.action,
      actor: {
        user: entry.actor?.user !== undefined ? entry.actor.user : toId(auth?.userId ?? null),
        token: auth?.kind === 'api' ? toId(auth.tokenId) : null,
        email: entry.actor?.email ?? request.user?.email ?? null,
      },
      target: entry.target ?? null,
      ip: request.ip,
      userAgent,
      details: entry.details ?? {},
    })),
  );
}

/** Records an export of data (called by the records and reports modules). */
export function auditExport(
  connection: Connection,
  request: FastifyRequest,
  ws: Types.ObjectId | string,
  details: { form?: string; app?: string; format?: string; count?: number } & Record<string, unknown>,
): Promise<void> {
  return recordAudit(connection, request, { ws, action: 'records.exported', details });
}
