import type { Connection, Types } from 'mongoose';
import { notFound } from '../../lib/errors.js';
import { generationOf, readCache } from '../../lib/read-cache.js';
import type { AppDoc } from '../apps/model.js';
import { appModel } from '../apps/model.js';
import { type AppDirectory, directoryStamp, loadDirectory } from '../forms/directory.js';
import { formModel } from '../forms/model.js';

/** What a request needs of an app: the roles the access layer reads, its menu and its dashboards. */
export type AppRoles = Pick<AppDoc, '_id' | 'ws' | 'key' | 'roles' | 'menu' | 'dashboards'>;

interface ConnectionCache {
  /** `ws:form` -> the form's app (a form never moves to another app). */
  appOf: Map<string, Types.ObjectId>;
  /** `ws:app` -> the app's last loaded directory (checked against the stored versions on every use). */
  directories: Map<string, AppDirectory>;
}

const caches = new WeakMap<Connection, ConnectionCache>();
const MAX_ENTRIES = 5000;

function cacheOf(connection: Connection): ConnectionCache {
  let cache = caches.get(connection);
  if (!cache) {
    cache = { appOf: new Map(), directories: new Map() };
    caches.set(connection, cache);
  }
  return cache;
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_ENTRIES) map.clear();
  map.set(key, value);
}

/**
 * Resolves a form's app, the app's roles and the published definitions of the app's forms. The answer is
 * served from the definitions read cache (lib/read-cache.ts): publishing a form or changing an app's
 * roles writes the apps or forms collection, which drops it, so the change applies to the next request on
 * this instance (on the others within CACHE_TTL_MS, at once with a Redis adapter). When it is read again,
 * the app and the forms' version numbers are read (two small reads, in parallel); the definitions
 * themselves, and everything compiled from them, are only read again when a version number changed.
 */
export async function loadFormScope(
  connection: Connection,
  ws: Types.ObjectId,
  formId: Types.ObjectId,
): Promise<{ app: AppRoles; directory: AppDirectory }> {
  const cache = cacheOf(connection);
  const formKey = `${ws.toHexString()}:${formId.toHexString()}`;
  let appId = cache.appOf.get(formKey);
  if (!appId) {
    const doc = await formModel(connection).findOne({ ws, _id: formId }, { app: 1 }).lean();
    if (!doc) throw notFound('Form');
    appId = doc.app;
    remember(cache.appOf, formKey, appId);
  }
  return loadAppScope(connection, ws, appId);
}

/**
 * An app's roles, menu and dashboards and the published definitions of its forms, served from the
 * definitions read cache like {@link loadFormScope} (which resolves a form's app, then calls this).
 */
export async function loadAppScope(
  connection: Connection,
  ws: Types.ObjectId,
  appId: Types.ObjectId,
): Promise<{ app: AppRoles; directory: AppDirectory }> {
  const cache = cacheOf(connection);
  const appKey = `${ws.toHexString()}:${appId.toHexString()}`;
  const scopes = readCache<{ app: AppRoles; directory: AppDirectory }>(
    connection,
    'formScopes',
    'definitions',
  );
  const cached = scopes.get(appKey);
  if (cached) return cached;
  return scopes.shared(appKey, async () => {
    const generation = generationOf(connection, 'definitions');
    // The driver's collections directly: these reads need none of mongoose's casting.
    const [app, versions] = await Promise.all([
      appModel(connection).collection.findOne<AppRoles>(
        { ws, _id: appId },
        { projection: { ws: 1, key: 1, roles: 1, menu: 1, dashboards: 1 } },
      ),
      formModel(connection)
        .collection.find<{ _id: Types.ObjectId; version: number }>(
          { ws, app: appId },
          { projection: { version: 1 }, sort: { _id: 1 } },
        )
        .toArray(),
    ]);
    if (!app) throw notFound('App');
    let directory = cache.directories.get(appKey);
    if (
      !directory ||
      directory.stamp !== directoryStamp(versions.map((f) => ({ id: f._id, version: f.version })))
    ) {
      directory = await loadDirectory(connection, ws, appId);
      remember(cache.directories, appKey, directory);
    }
    const scope = { app, directory };
    scopes.set(appKey, scope, generation);
    return scope;
  });
}
