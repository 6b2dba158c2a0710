import { type Connection, type Model, Schema, type Types } from 'mongoose';
import type { AppRoleDefinition } from '../../lib/access/index.js';
import { invalidateOnWrite } from '../../lib/read-cache.js';

/**
 * A flow, automation or dashboard definition kept on its app. Those modules do not exist yet, so a
 * template import stores their validated JSON here (docs/template-format.md) and export gives it back.
 */
export interface StoredDefinition {
  /** Stable id of the definition within its app (what the import answer maps keys to). */
  id: string;
  key: string;
  definition: Record<string, unknown>;
  /** Version of a definition edited in place (dashboards): 1 when absent, one more per saved change. */
  v?: number;
}

/** Where an app came from: the manifest of the pack it was imported from. */
export interface AppManifest {
  key: string;
  name: unknown;
  version: string;
  description?: unknown;
  locales: string[];
}

/** An app: a named group of forms (and flows, dashboards) inside a workspace. */
export interface AppDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  key: string;
  name: unknown;
  description?: unknown;
  icon?: string;
  color?: string;
  /** The app's navigation menu (`App.menu` of the meta-model), by form and dashboard key. */
  menu?: unknown[];
  /** The app's roles, as a template's roles.json defines them; read by the access layer. */
  roles: AppRoleDefinition[];
  /**
   * Version of `roles`, raised by one on every change through the roles editor; a `PUT .../roles` names the
   * version it edited so a concurrent change is refused instead of overwritten. Apps written before the
   * field existed have none: read a missing value as 1.
   */
  rolesV?: number;
  flows?: StoredDefinition[];
  automations?: StoredDefinition[];
  dashboards?: StoredDefinition[];
  manifest?: AppManifest;
  /** Set on everything one template import writes, so a failed import can be removed completely. */
  importId?: Types.ObjectId;
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
    icon: { type: String },
    color: { type: String },
    menu: { type: Schema.Types.Mixed },
    roles: { type: Schema.Types.Mixed, default: () => [] },
    rolesV: { type: Number, default: 1 },
    flows: { type: Schema.Types.Mixed },
    automations: { type: Schema.Types.Mixed },
    dashboards: { type: Schema.Types.Mixed },
    manifest: { type: Schema.Types.Mixed },
    importId: { type: Schema.Types.ObjectId },
    createdBy: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'apps', timestamps: true, minimize: false, versionKey: false },
);
appSchema.index({ ws: 1, key: 1 }, { unique: true });
// Record requests serve app roles from a cache (lib/read-cache.ts); any write here drops it.
invalidateOnWrite(appSchema, 'definitions');

/** The `apps` model on a connection (registered once per connection). */
export function appModel(connection: Connection): Model<AppDoc> {
  return (connection.models.App as Model<AppDoc> | undefined) ?? connection.model<AppDoc>('App', appSchema);
}
