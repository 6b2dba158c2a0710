import { validateApp, validateRole } from '@formloom/schema';
import type { Connection, Types } from 'mongoose';
import type { AppRoleDefinition } from '../../lib/access/index.js';
import { appError, notFound, t } from '../../lib/errors.js';
import { issueDetails } from '../forms/issues.js';
import type { Caller } from './caller.js';
import { type AppDoc, appModel } from './model.js';

/** The app as the API shows it. */
export interface AppView {
  id: string;
  key: string;
  name: unknown;
  description?: unknown;
  icon?: string;
  color?: string;
  /** The navigation menu (`App.menu`): forms, dashboards and groups of them, by key. */
  menu?: unknown[];
  roles: AppRoleDefinition[];
  createdAt: string;
}

/** The API view of an app document. */
export function appView(doc: AppDoc): AppView {
  const view: AppView = {
    id: doc._id.toHexString(),
    key: doc.key,
    name: doc.name,
    roles: doc.roles ?? [],
    createdAt: doc.createdAt.toISOString(),
  };
  if (doc.description !== undefined) view.description = doc.description;
  if (doc.icon !== undefined) view.icon = doc.icon;
  if (doc.color !== undefined) view.color = doc.color;
  if (doc.menu !== undefined) view.menu = doc.menu;
  return view;
}

/** Input of {@link createApp}: the App document of the meta-model plus the app's roles. */
export interface NewApp {
  key: string;
  name: unknown;
  description?: unknown;
  roles?: AppRoleDefinition[];
  [setting: string]: unknown;
}

/** Creates an app in the caller's workspace; only workspace owners and admins may. */
export async function createApp(connection: Connection, caller: Caller, input: NewApp): Promise<AppDoc> {
  if (!caller.roles.includes('owner') && !caller.roles.includes('admin')) {
    throw appError('FORBIDDEN', 'app.createAdminsOnly');
  }
  const { roles = [], ...app } = input;
  const issues = validateApp(app);
  roles.forEach((role, i) => {
    issues.push(...validateRole(role).map((issue) => ({ ...issue, path: `/roles/${i}${issue.path}` })));
  });
  if (issues.length > 0) throw appError('VALIDATION_FAILED', 'app.invalid', issueDetails(issues));
  const Apps = appModel(connection);
  // The unique {ws, key} index decides races; right after start it may still be building.
  await Apps.init();
  if (await Apps.exists({ ws: caller.ws, key: app.key })) {
    throw appError('CONFLICT', t('app.keyTaken', { key: app.key }), [
      { path: '/key', message: 'detail.taken' },
    ]);
  }
  const doc = await Apps.create({
    ws: caller.ws,
    key: app.key,
    name: app.name,
    ...(app.description === undefined ? {} : { description: app.description }),
    ...(typeof app.icon === 'string' ? { icon: app.icon } : {}),
    ...(typeof app.color === 'string' ? { color: app.color } : {}),
    ...(Array.isArray(app.menu) ? { menu: app.menu } : {}),
    roles,
    createdBy: caller.userId,
  });
  return doc.toObject();
}

/** An app of the caller's workspace; another workspace's id answers 404. */
export async function getApp(
  connection: Connection,
  ws: Types.ObjectId,
  id: Types.ObjectId,
): Promise<AppDoc> {
  const doc = await appModel(connection).findOne({ ws, _id: id }).lean();
  if (!doc) throw notFound('App');
  return doc;
}

/** The apps of a workspace. */
export async function listApps(connection: Connection, ws: Types.ObjectId): Promise<AppDoc[]> {
  return appModel(connection).find({ ws }).sort({ _id: 1 }).lean();
}
