import { KEY_PATTERN, type TemplatePack } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { appError, isAppError, t } from '../../lib/errors.js';
import { invalidate } from '../../lib/read-cache.js';
import { insertAutomations, scheduleAll } from '../automations/service.js';
import { checkPackFlows, writePackFlows } from '../flows/pack.js';
import { loadDirectory, planFor } from '../forms/directory.js';
import { ensureFieldIndexes } from '../forms/indexes.js';
import { formModel, formVersionModel } from '../forms/model.js';
import { recordModel } from '../records/model.js';
import { ensureUniqueIndex } from '../records/unique.js';
import { type Caller, isAdmin } from './caller.js';
import { appModel, type StoredDefinition } from './model.js';
import {
  type ImportJournal,
  type RollbackReport,
  recordIndexNames,
  rollbackImport,
  tagDerived,
} from './pack-cleanup.js';
import { importRecords } from './pack-records.js';
import { checkPack, type PackPlan, planPack } from './pack-validate.js';
import { checkRoleList } from './role-routes.js';

/** What to import: a pack (with its optional `records` section), whether to write those records, a key. */
export interface ImportRequest {
  pack: unknown;
  /** Write the pack's records (demo data) through the records write path. */
  demoData?: boolean;
  /** The new app's key; defaults to the pack's `app.key`, else its manifest key. */
  appKey?: string;
}

/** The answer of an import (API.md): the new ids by key. */
export interface ImportResult {
  appId: string;
  forms: Record<string, string>;
  flows: Record<string, string>;
  automations: Record<string, string>;
  dashboards: Record<string, string>;
  /** How many records were written. */
  records: number;
  importId: string;
}

/**
 * Where an import stands: checking the pack, writing the app and forms, writing records, recomputing,
 * seeding generated demo data (`demo`), or undone after a failure (`failed`, sent by the route).
 */
export interface PackImportProgress {
  phase: 'checking' | 'forms' | 'records' | 'finishing' | 'demo';
  /** Records written so far (phase `records`); demo steps done (phase `demo`). */
  done: number;
  /** Records the import writes (0 without demo data); demo steps to run (phase `demo`). */
  total: number;
}

/** Hooks of {@link importPack}. */
export interface ImportHooks {
  /** Called after a failed import was undone (the route audits it). */
  onRollback?: (report: RollbackReport & { importId: string }) => Promise<void>;
  /** Called at each phase and after each record; callers throttle what they do with it. */
  onProgress?: (progress: PackImportProgress) => void;
  /**
   * Runs once everything is written and the automations are on (a gallery import seeds generated demo
   * data here): when it fails, the import is undone like any failing step.
   */
  afterWrite?: (result: ImportResult) => Promise<void>;
}

/** The `records` section of a pack as given, for counting before it is checked. */
function recordsOf(pack: unknown): Record<string, unknown[]> {
  const records = (pack as { records?: unknown } | null)?.records;
  if (!records || typeof records !== 'object') return {};
  return Object.fromEntries(
    Object.entries(records as Record<string, unknown>).filter((entry): entry is [string, unknown[]] =>
      Array.isArray(entry[1]),
    ),
  );
}

function stored(list: ReadonlyArray<{ key: string }> | undefined): StoredDefinition[] {
  return (list ?? []).map((definition) => ({
    id: new Types.ObjectId().toHexString(),
    key: definition.key,
    definition: structuredClone(definition) as unknown as Record<string, unknown>,
  }));
}

function idsByKey(list: readonly StoredDefinition[]): Record<string, string> {
  return Object.fromEntries(list.map((d) => [d.key, d.id]));
}

function appKeyOf(pack: TemplatePack, requested: string | undefined): string {
  const key = requested ?? pack.app?.key ?? pack.manifest.key;
  if (key.length > 64 || !new RegExp(KEY_PATTERN).test(key)) {
    throw appError('VALIDATION_FAILED', 'app.invalidKey', [
      { path: '/appKey', message: 'detail.keyPattern' },
    ]);
  }
  return key;
}

function keyTaken(key: string) {
  return appError('CONFLICT', t('app.keyTaken', { key }), [{ path: '/appKey', message: 'detail.taken' }]);
}

async function writeApp(
  connection: Connection,
  caller: Caller,
  pack: TemplatePack,
  plan: PackPlan,
  key: string,
  importId: Types.ObjectId,
) {
  const app = pack.app;
  const description = app ? app.description : pack.manifest.description;
  // Flows and automations live in their own collections (modules/flows, modules/automations).
  const flows: StoredDefinition[] = [];
  const automations = stored(pack.automations);
  const dashboards = stored(pack.dashboards);
  const doc = {
    _id: plan.appId,
    ws: caller.ws,
    key,
    name: structuredClone(app?.name ?? pack.manifest.name),
    ...(description === undefined ? {} : { description: structuredClone(description) }),
    ...(app?.icon === undefined ? {} : { icon: app.icon }),
    ...(app?.color === undefined ? {} : { color: app.color }),
    ...(app?.menu === undefined ? {} : { menu: structuredClone(app.menu) }),
    roles: structuredClone(pack.roles ?? []) as never,
    flows,
    dashboards,
    manifest: structuredClone(pack.manifest) as never,
    importId,
    createdBy: caller.userId,
  };
  try {
    await appModel(connection).create(doc);
  } catch (error) {
    // Two imports of one key at once: the unique index lets one win; the other answers as if it had looked.
    if ((error as { code?: unknown } | null)?.code === 11000) throw keyTaken(key);
    throw error;
  }
  return { flows, automations, dashboards };
}

/**
 * Writes the forms, each published as version 1, with the indexes of their indexed fields. Forms are
 * written together rather than through `createForm` one by one because packs may refer in cycles (a
 * form rolls up the records that relate to it); the pack was checked as a whole instead — the meta-model
 * checks and the same formula planning publishing runs — before anything was written.
 */
async function writeForms(
  connection: Connection,
  caller: Caller,
  plan: PackPlan,
  journal: ImportJournal,
): Promise<void> {
  const now = new Date();
  const before = await recordIndexNames(connection);
  for (const form of plan.forms) {
    const definition = structuredClone(form.definition);
    await formModel(connection).collection.insertOne({
      _id: form.id,
      ws: caller.ws,
      app: plan.appId,
      key: form.key,
      definition,
      published: definition,
      version: 1,
      v: 1,
      createdBy: caller.userId,
      createdAt: now,
      updatedAt: now,
      importId: journal.importId,
    });
    await formVersionModel(connection).collection.insertOne({
      _id: new Types.ObjectId(),
      ws: caller.ws,
      form: form.id,
      version: 1,
      definition,
      publishedBy: caller.userId,
      publishedAt: now,
      importId: journal.importId,
    });
  }
  // Raw inserts bypass the models' hooks: nothing cached may predate the app's forms.
  invalidate(connection, 'definitions');
  for (const form of plan.forms) await ensureFieldIndexes(connection, form.definition);
  // Unique fields share one index; the records the import writes carry their `uniq` entries.
  await ensureUniqueIndex(connection);
  const after = await recordIndexNames(connection);
  journal.indexes = [...after].filter((name) => !before.has(name) && name.startsWith('ws_form_data.'));
  // Compile every published definition now, as the records path will (and fail here, not on first use).
  const directory = await loadDirectory(connection, caller.ws, plan.appId);
  for (const form of directory.forms) planFor(form, directory);
}

/**
 * Checks the pack's roles as the roles editor does (`PUT .../roles`): no workspace role keys (`owner`,
 * `admin`, `member` would grant workspace rights), custom scopes that compile against the forms' fields.
 * It reads the forms from the store, so it runs once they are written (a failure is rolled back).
 */
async function checkRoles(connection: Connection, plan: PackPlan, pack: TemplatePack): Promise<void> {
  if (!pack.roles?.length) return;
  const app = await appModel(connection).findById(plan.appId).lean();
  if (!app) throw new Error('the imported app vanished while importing');
  try {
    await checkRoleList(connection, app, pack.roles);
  } catch (error) {
    if (!isAppError(error)) throw error;
    const details = (error.details ?? []).map((d) => ({ ...d, path: `/roles${d.path}` }));
    throw appError(error.code as 'UNPROCESSABLE', error.text, details);
  }
}

/**
 * Imports a template pack as a new app of the caller's workspace (owners and admins): validates it (400
 * / 422 with JSON-pointer paths, nothing written), then writes the app with its roles and stored flows,
 * automations and dashboards, the forms published as version 1, and — with `demoData` — the pack's
 * records. Everything written carries one import id; when any step fails, all of it is deleted again.
 */
export async function importPack(
  connection: Connection,
  caller: Caller,
  request: ImportRequest,
  hooks: ImportHooks = {},
): Promise<ImportResult> {
  if (!isAdmin(caller)) throw appError('FORBIDDEN', 'app.importAdminsOnly');
  const total = request.demoData
    ? Object.values(recordsOf(request.pack)).reduce((sum, list) => sum + list.length, 0)
    : 0;
  const progress = (phase: PackImportProgress['phase'], done = 0) =>
    hooks.onProgress?.({ phase, done, total });
  progress('checking');
  const { pack, records } = checkPack(request.pack);
  const key = appKeyOf(pack, request.appKey);
  const plan = planPack(pack);
  checkPackFlows(pack);
  // The unique `{ws, key}` index decides between concurrent imports: make sure it has been built.
  await appModel(connection).init();
  if (await appModel(connection).exists({ ws: caller.ws, key })) throw keyTaken(key);
  const journal: ImportJournal = {
    importId: new Types.ObjectId(),
    ws: caller.ws,
    appId: plan.appId,
    formIds: plan.forms.map((f) => f.id),
    indexes: [],
  };
  try {
    progress('forms');
    const defs = await writeApp(connection, caller, pack, plan, key, journal.importId);
    await writeForms(connection, caller, plan, journal);
    const flowIds = await writePackFlows(connection, {
      ws: caller.ws,
      app: plan.appId,
      by: caller.userId,
      importId: journal.importId,
      formIds: new Map(plan.forms.map((f) => [f.key, f.id])),
      flows: pack.flows ?? [],
    });
    await checkRoles(connection, plan, pack);
    const tag = async (id: Types.ObjectId) => {
      await recordModel(connection).collection.updateOne(
        { _id: id },
        { $set: { importId: journal.importId } },
      );
    };
    let written = 0;
    const onRecord = () => progress('records', ++written);
    if (request.demoData && records) progress('records');
    const count =
      request.demoData && records ? await importRecords(connection, caller, plan, records, tag, onRecord) : 0;
    progress('finishing', written);
    // After the demo records, which are data being moved in, not events to react to.
    const automations = await insertAutomations(
      connection,
      caller,
      plan.appId,
      defs.automations.map((d) => ({ id: new Types.ObjectId(d.id), definition: d.definition as never })),
      journal.importId,
    );
    await tagDerived(connection, journal);
    await scheduleAll(connection, automations);
    const result: ImportResult = {
      appId: plan.appId.toHexString(),
      forms: Object.fromEntries(plan.forms.map((f) => [f.key, f.id.toHexString()])),
      flows: flowIds,
      automations: idsByKey(defs.automations),
      dashboards: idsByKey(defs.dashboards),
      records: count,
      importId: journal.importId.toHexString(),
    };
    await hooks.afterWrite?.(result);
    return result;
  } catch (error) {
    const report = await rollbackImport(connection, journal);
    await hooks.onRollback?.({ ...report, importId: journal.importId.toHexString() });
    throw error;
  }
}
