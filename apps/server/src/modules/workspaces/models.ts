import { type Connection, type Model, Schema, type Types } from 'mongoose';
import { invalidateOnWrite } from '../../lib/read-cache.js';

/** A tenant. Everything a workspace holds carries its id in `ws`. */
export interface WorkspaceDoc {
  _id: Types.ObjectId;
  name: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

/** A user's membership of a workspace. Deactivated members keep their data and lose access. */
export interface MemberDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  user: Types.ObjectId;
  /** Workspace roles (owner/admin/member) and app role keys. */
  roles: string[];
  department: Types.ObjectId | null;
  /** The manager's user id. */
  manager: Types.ObjectId | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A node of a workspace's department tree. */
export interface DepartmentDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  name: string;
  parent: Types.ObjectId | null;
  /** The head's user id. */
  head: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A pending invitation; its token is stored as a digest and shown once. */
export interface InvitationDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  email: string;
  roles: string[];
  department: Types.ObjectId | null;
  manager: Types.ObjectId | null;
  hash: string;
  /** Null when an API token invited. */
  invitedBy: Types.ObjectId | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

/** Singleton documents of the deployment (`_id` is the name); setup claims `setup` exactly once. */
export interface SystemDoc {
  _id: string;
  at: Date;
}

/** The workspace collections of one connection. */
export interface WorkspaceModels {
  Workspace: Model<WorkspaceDoc>;
  Member: Model<MemberDoc>;
  Department: Model<DepartmentDoc>;
  Invitation: Model<InvitationDoc>;
  System: Model<SystemDoc>;
}

const oid = Schema.Types.ObjectId;

const workspaceSchema = new Schema<WorkspaceDoc>(
  { name: { type: String, required: true }, createdBy: { type: oid, required: true } },
  { collection: 'workspaces', timestamps: true, versionKey: false },
);

const memberSchema = new Schema<MemberDoc>(
  {
    ws: { type: oid, required: true },
    user: { type: oid, required: true },
    roles: { type: [String], default: [] },
    department: { type: oid, default: null },
    manager: { type: oid, default: null },
    active: { type: Boolean, default: true },
  },
  { collection: 'members', timestamps: true, versionKey: false },
);
// `ws` first in every index of tenant data (ARCHITECTURE.md); one membership per user and workspace.
memberSchema.index({ ws: 1, user: 1 }, { unique: true });
memberSchema.index({ ws: 1, department: 1 });
// Finding a user's workspaces (GET /workspaces, /auth/me) is by user across tenants.
memberSchema.index({ user: 1 });
// Requests serve memberships from a cache (lib/read-cache.ts); any write here drops it.
invalidateOnWrite(memberSchema, 'identity');

const departmentSchema = new Schema<DepartmentDoc>(
  {
    ws: { type: oid, required: true },
    name: { type: String, required: true },
    parent: { type: oid, default: null },
    head: { type: oid, default: null },
  },
  { collection: 'departments', timestamps: true, versionKey: false },
);
departmentSchema.index({ ws: 1, parent: 1 });

const invitationSchema = new Schema<InvitationDoc>(
  {
    ws: { type: oid, required: true },
    email: { type: String, required: true },
    roles: { type: [String], default: [] },
    department: { type: oid, default: null },
    manager: { type: oid, default: null },
    hash: { type: String, required: true, unique: true },
    invitedBy: { type: oid, default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    acceptedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'invitations', versionKey: false },
);
invitationSchema.index({ ws: 1, createdAt: -1 });
// The invitations waiting for a signed-in person (`GET /auth/me/invitations`).
invitationSchema.index({ email: 1, createdAt: -1 });

const systemSchema = new Schema<SystemDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'system', versionKey: false },
);

/** The workspace models registered on `connection`. */
export function workspaceModels(connection: Connection): WorkspaceModels {
  const get = <T>(name: string, schema: Schema<T>): Model<T> =>
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return {
    Workspace: get('Workspace', workspaceSchema),
    Member: get('Member', memberSchema),
    Department: get('Department', departmentSchema),
    Invitation: get('Invitation', invitationSchema),
    System: get('System', systemSchema),
  };
}
