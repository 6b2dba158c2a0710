import { type Connection, type Model, Schema, type Types } from 'mongoose';
import type { AppRoleDefinition } from '../../lib/access/index.js';

/** An app: a named group of forms (and flows, dashboards) inside a workspace. */
export interface AppDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  key: string;
  name: unknown;
  description?: unknown;
  /** The app's roles, as a template's roles.json defines them; read by the access layer. */
  roles: AppRoleDefinition[];
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const appSchema = new Schema<AppDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    name: { type: Schema.Types.Mixed, required: true },
    description: { type: Schema.Types.Mixed },
    roles: { type: Schema.Types.Mixed, default: () => [] },
    createdBy: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'apps', timestamps: true, minimize: false, versionKey: false },
);
appSchema.index({ ws: 1, key: 1 }, { unique: true });

/** The `apps` model on a connection (registered once per connection). */
export function appModel(connection: Connection): Model<AppDoc> {
  return (connection.models.App as Model<AppDoc> | undefined) ?? connection.model<AppDoc>('App', appSchema);
}
