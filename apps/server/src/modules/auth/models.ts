import { type Connection, type Model, Schema, type Types } from 'mongoose';
import { invalidateOnWrite } from '../../lib/read-cache.js';

/** A person who can sign in. Accounts are global; what they reach comes from their memberships. */
export interface UserDoc {
  _id: Types.ObjectId;
  /** Lower-cased and trimmed; unique. */
  email: string;
  name: string;
  passwordHash: string;
  /** The language the person reads the API's messages in when a request names none (Accept-Language). */
  language?: 'en' | 'zh-CN';
  createdAt: Date;
  updatedAt: Date;
}

/** A signed-in browser or client. The token itself is never stored, only its keyed digest. */
export interface SessionDoc {
  _id: Types.ObjectId;
  hash: string;
  user: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  ip: string;
  userAgent: string;
}

/** An integration's credential: one workspace, one role, revocable, stored as a digest. */
export interface ApiTokenDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  name: string;
  role: string;
  hash: string;
  /** The last four characters, so people can tell their tokens apart. */
  hint: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** Failed-login counters; one per address+email and one per email, shared by all server instances. */
export interface LoginThrottleDoc {
  _id: string;
  attempts: number;
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

/** The identity collections of one connection. */
export interface AuthModels {
  User: Model<UserDoc>;
  Session: Model<SessionDoc>;
  ApiToken: Model<ApiTokenDoc>;
  LoginThrottle: Model<LoginThrottleDoc>;
}

const userSchema = new Schema<UserDoc>(
  {
    email: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    passwordHash: { type: String, required: true },
    language: { type: String, enum: ['en', 'zh-CN'] },
  },
  { collection: 'users', timestamps: true, versionKey: false },
);

const sessionSchema = new Schema<SessionDoc>(
  {
    hash: { type: String, required: true, unique: true },
    user: { type: Schema.Types.ObjectId, required: true, index: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    ip: { type: String, default: '' },
    userAgent: { type: String, default: '' },
  },
  { collection: 'sessions', versionKey: false },
);
// Expired sessions are garbage; the store may drop them, reads check `expiresAt` regardless.
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const apiTokenSchema = new Schema<ApiTokenDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true },
    hash: { type: String, required: true, unique: true },
    hint: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
  },
  { collection: 'api_tokens', versionKey: false },
);
apiTokenSchema.index({ ws: 1, createdAt: -1 });
// Requests serve who-is-calling from a cache (lib/read-cache.ts); any write here drops it.
for (const schema of [userSchema, sessionSchema, apiTokenSchema]) invalidateOnWrite(schema, 'identity');

const throttleSchema = new Schema<LoginThrottleDoc>(
  {
    _id: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    failures: { type: Number, default: 0 },
    windowStart: { type: Date, required: true },
    lockedUntil: { type: Date, default: null },
  },
  { collection: 'login_throttle', versionKey: false },
);

/** The identity models registered on `connection` (each app has its own connection, never the global one). */
export function authModels(connection: Connection): AuthModels {
  const get = <T>(name: string, schema: Schema<T>): Model<T> =>
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return {
    User: get('User', userSchema),
    Session: get('Session', sessionSchema),
    ApiToken: get('ApiToken', apiTokenSchema),
    LoginThrottle: get('LoginThrottle', throttleSchema),
  };
}
