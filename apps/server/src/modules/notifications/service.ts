import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { type Connection, Types } from 'mongoose';
import { notFound } from '../../lib/errors.js';
import { authModels } from '../auth/models.js';
import { publishUserNotice } from '../realtime/bus.js';
import { sendMail } from './mail.js';
import { type NotificationDoc, notificationModel } from './model.js';

/** A notification as the API answers it. */
export interface NotificationView {
  id: string;
  title: string;
  body: string;
  subject: NotificationDoc['subject'];
  source: NotificationDoc['source'];
  read: boolean;
  createdAt: string;
}

function view(doc: NotificationDoc): NotificationView {
  return {
    id: doc._id.toHexString(),
    title: doc.title,
    body: doc.body,
    subject: doc.subject,
    source: doc.source,
    read: doc.readAt !== null,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** What to tell whom. `key` makes sending idempotent: the same key never notifies a member twice. */
export interface NotifyRequest {
  ws: Types.ObjectId;
  users: readonly Types.ObjectId[];
  title: string;
  body: string;
  subject?: NotificationDoc['subject'];
  source?: NotificationDoc['source'];
  key: string;
  /** Also e-mail (when SMTP is configured). */
  email: boolean;
}

/** Per member: whether the notification is new and whether an e-mail went out, was skipped or failed. */
export interface NotifyOutcome {
  user: string;
  created: boolean;
  email: 'sent' | 'skipped' | 'already' | 'off';
}

/** The notification id of one key and member: the same on every retry. */
function notificationId(key: string, user: Types.ObjectId): Types.ObjectId {
  const digest = createHash('sha256').update(`${key}\u0000${user.toHexString()}`).digest();
  return new Types.ObjectId(digest.subarray(0, 12));
}

/**
 * Stores one notification per member (skipping members already told under this key), sends each new one
 * to the member's sockets (`notification`), and e-mails it when `smtpUrl` is set — marking it e-mailed
 * only after the server accepted the mail, so a crash in between sends it again rather than never.
 */
export async function notifyMembers(
  connection: Connection,
  request: NotifyRequest,
  options: { smtpUrl: string | undefined; log: FastifyBaseLogger; now: Date },
): Promise<NotifyOutcome[]> {
  const Notifications = notificationModel(connection);
  const outcomes: NotifyOutcome[] = [];
  for (const user of request.users) {
    const _id = notificationId(request.key, user);
    const doc: NotificationDoc = {
      _id,
      ws: request.ws,
      user,
      title: request.title.slice(0, 500),
      body: request.body.slice(0, 5000),
      subject: request.subject ?? null,
      source: request.source ?? null,
      readAt: null,
      emailedAt: null,
      createdAt: options.now,
    };
    let created = true;
    await Notifications.collection.insertOne(doc).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 11000) throw error;
      created = false;
    });
    if (created) {
      publishUserNotice(connection, {
        ws: request.ws.toHexString(),
        user: user.toHexString(),
        event: 'notification',
        payload: { ws: request.ws.toHexString(), notification: view(doc) },
      });
    }
    let email: NotifyOutcome['email'] = 'off';
    if (request.email) email = await emailOnce(connection, _id, user, doc, options);
    outcomes.push({ user: user.toHexString(), created, email });
  }
  return outcomes;
}

async function emailOnce(
  connection: Connection,
  id: Types.ObjectId,
  user: Types.ObjectId,
  doc: NotificationDoc,
  options: { smtpUrl: string | undefined; log: FastifyBaseLogger },
): Promise<NotifyOutcome['email']> {
  if (!options.smtpUrl) {
    options.log.info({ notification: id.toHexString() }, 'e-mail skipped: SMTP_URL is not configured');
    return 'skipped';
  }
  const stored = await notificationModel(connection).findById(id, { emailedAt: 1 }).lean();
  if (stored?.emailedAt) return 'already';
  const account = await authModels(connection).User.findById(user, { email: 1 }).lean();
  if (!account?.email) return 'skipped';
  await sendMail(options.smtpUrl, { to: account.email, subject: doc.title, text: doc.body || doc.title });
  await notificationModel(connection).updateOne({ _id: id }, { $set: { emailedAt: new Date() } });
  return 'sent';
}

/** The caller's notifications, newest first, with the unread count. */
export async function listNotifications(
  connection: Connection,
  ws: Types.ObjectId,
  user: Types.ObjectId,
  options: { unread?: boolean; limit?: number; before?: Types.ObjectId },
): Promise<{ items: NotificationView[]; unread: number; nextCursor: string | null }> {
  const Notifications = notificationModel(connection);
  const limit = options.limit ?? 50;
  const query: Record<string, unknown> = { ws, user };
  if (options.unread) query.readAt = null;
  if (options.before) query._id = { $lt: options.before };
  const [docs, unread] = await Promise.all([
    Notifications.find(query)
      .sort({ _id: -1 })
      .limit(limit + 1)
      .lean<NotificationDoc[]>(),
    Notifications.countDocuments({ ws, user, readAt: null }),
  ]);
  const page = docs.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(view),
    unread,
    nextCursor: docs.length > limit && last ? last._id.toHexString() : null,
  };
}

/** Marks the caller's notifications read: the given ones, or all. Answers the unread count left. */
export async function markRead(
  connection: Connection,
  ws: Types.ObjectId,
  user: Types.ObjectId,
  ids: readonly Types.ObjectId[] | 'all',
): Promise<{ unread: number }> {
  const Notifications = notificationModel(connection);
  const scope = { ws, user, readAt: null };
  if (ids !== 'all') {
    const found = await Notifications.countDocuments({ ws, user, _id: { $in: [...ids] } });
    // Another member's (or workspace's) ids are not found, exactly like ids that never existed.
    if (found !== ids.length) throw notFound('Notification');
  }
  await Notifications.updateMany(ids === 'all' ? scope : { ...scope, _id: { $in: [...ids] } }, {
    $set: { readAt: new Date() },
  });
  return { unread: await Notifications.countDocuments(scope) };
}
