import { type Connection, type Model, Schema, type Types } from 'mongoose';

/** One notification for one member (the in-app notification centre). */
export interface NotificationDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  user: Types.ObjectId;
  title: string;
  body: string;
  /** What it is about, e.g. `{ kind: 'record', form, id }`. */
  subject: { kind: string; form?: string; id?: string } | null;
  /** What sent it, e.g. `{ kind: 'automation', id }`. */
  source: { kind: string; id: string } | null;
  readAt: Date | null;
  /** When an e-mail went out for it (null: none sent, or SMTP not configured). */
  emailedAt: Date | null;
  createdAt: Date;
}

const notificationSchema = new Schema<NotificationDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    body: { type: String, default: '' },
    subject: { type: Schema.Types.Mixed, default: null },
    source: { type: Schema.Types.Mixed, default: null },
    readAt: { type: Date, default: null },
    emailedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'notifications', versionKey: false, minimize: false },
);
// A member's list, newest first, and the unread count.
notificationSchema.index({ ws: 1, user: 1, _id: -1 });
notificationSchema.index({ ws: 1, user: 1, readAt: 1 });

/** The `notifications` model on a connection. */
export function notificationModel(connection: Connection): Model<NotificationDoc> {
  return (
    (connection.models.Notification as Model<NotificationDoc> | undefined) ??
    connection.model<NotificationDoc>('Notification', notificationSchema)
  );
}
