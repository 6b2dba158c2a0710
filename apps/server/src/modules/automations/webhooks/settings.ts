import { randomBytes } from 'node:crypto';
import { type Connection, type Model, Schema, type Types } from 'mongoose';
import type { AllowEntry } from './ssrf.js';

/** A workspace's webhook settings: where webhooks may go, and the secret that signs them. */
export interface WebhookSettingsDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  allowList: AllowEntry[];
  /** Signs every delivery (HMAC-SHA256); shown to owners and admins. */
  secret: string;
  updatedBy: Types.ObjectId | null;
  updatedAt: Date;
}

const settingsSchema = new Schema<WebhookSettingsDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    allowList: { type: Schema.Types.Mixed, default: () => [] },
    secret: { type: String, required: true },
    updatedBy: { type: Schema.Types.ObjectId, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'webhook_settings', versionKey: false, minimize: false },
);
settingsSchema.index({ ws: 1 }, { unique: true });

/** The `webhook_settings` model on a connection. */
export function webhookSettingsModel(connection: Connection): Model<WebhookSettingsDoc> {
  return (
    (connection.models.WebhookSettings as Model<WebhookSettingsDoc> | undefined) ??
    connection.model<WebhookSettingsDoc>('WebhookSettings', settingsSchema)
  );
}

/** A workspace's settings, created (empty list, new secret) on first use; safe when two create at once. */
export async function webhookSettings(
  connection: Connection,
  ws: Types.ObjectId,
): Promise<WebhookSettingsDoc> {
  const Settings = webhookSettingsModel(connection);
  const found = await Settings.findOne({ ws }).lean<WebhookSettingsDoc>();
  if (found) return found;
  await Settings.init();
  await Settings.updateOne(
    { ws },
    {
      $setOnInsert: {
        ws,
        allowList: [],
        secret: `whsec_${randomBytes(24).toString('base64url')}`,
        updatedBy: null,
        updatedAt: new Date(),
      },
    },
    { upsert: true },
  ).catch((error: unknown) => {
    if ((error as { code?: number }).code !== 11000) throw error;
  });
  const created = await Settings.findOne({ ws }).lean<WebhookSettingsDoc>();
  if (!created) throw new Error('webhook settings vanished');
  return created;
}

/** Replaces the allow-list. */
export async function setAllowList(
  connection: Connection,
  ws: Types.ObjectId,
  allowList: AllowEntry[],
  by: Types.ObjectId,
): Promise<WebhookSettingsDoc> {
  await webhookSettings(connection, ws);
  const updated = await webhookSettingsModel(connection)
    .findOneAndUpdate({ ws }, { $set: { allowList, updatedBy: by, updatedAt: new Date() } }, { new: true })
    .lean<WebhookSettingsDoc>();
  if (!updated) throw new Error('webhook settings vanished');
  return updated;
}

/** Replaces the signing secret with a new one. */
export async function rotateSecret(
  connection: Connection,
  ws: Types.ObjectId,
  by: Types.ObjectId,
): Promise<WebhookSettingsDoc> {
  await webhookSettings(connection, ws);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const updated = await webhookSettingsModel(connection)
    .findOneAndUpdate({ ws }, { $set: { secret, updatedBy: by, updatedAt: new Date() } }, { new: true })
    .lean<WebhookSettingsDoc>();
  if (!updated) throw new Error('webhook settings vanished');
  return updated;
}
