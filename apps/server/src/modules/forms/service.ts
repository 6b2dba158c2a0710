import { type FormRef, validateForm } from '@formloom/schema';
import type { Connection, Types } from 'mongoose';
import { appError, notFound, t } from '../../lib/errors.js';
import { cacheTtlOf } from '../../lib/read-cache.js';
import { type Caller, isAdmin } from '../apps/caller.js';
import { getApp } from '../apps/service.js';
import { FormulaSetupError, formulaSetupDetail } from '../records/formulas.js';
import { enqueueRecompute, enqueueUniqueCatchUp } from '../records/jobs.js';
import { planScope } from '../records/plan.js';
import { backfillUnique, catchUpDelayMs, ensureUniqueIndex, uniqueFields } from '../records/unique.js';
import { loadDirectory } from './directory.js';
import { reconcile } from './evolution.js';
import { ensureFieldIndexes } from './indexes.js';
import { issueDetails } from './issues.js';
import { type FormDefinition, isComputed } from './meta.js';
import { type MigrationReport, migrate } from './migrate.js';
import { type FormDoc, formModel, formVersionModel } from './model.js';
import { checkConditions } from './publish-checks.js';

/** What publishing did: the new version, fields hidden because they were removed, values converted. */
export interface PublishReport {
  version: number;
  hidden: string[];
  migrations: MigrationReport[];
}

/**
 * Checks a definition as the server stores it: the meta-model schema and its cross-references (400),
 * then its formulas — syntax, types and cycles, default formulas too — against the app's other forms (422
 * with the position), then the conditions of rollups and auto-links as writes compile them (422).
 */
async function checkDefinition(
  connection: Connection,
  ws: Types.ObjectId,
  app: Types.ObjectId,
  definition: unknown,
): Promise<FormDefinition> {
  const directory = await loadDirectory(connection, ws, app);
  const candidate = definition as FormDefinition;
  const others = directory.forms.filter((f) => f.key !== candidate?.key);
  const refs: FormRef[] = [...others.map((f) => f.definition as unknown as FormRef)];
  if (candidate && typeof candidate === 'object') refs.push(candidate as unknown as FormRef);
  const issues = validateForm(definition, { forms: refs });
  if (issues.length > 0) throw appError('VALIDATION_FAILED', 'form.invalid', issueDetails(issues));
  const withSelf = {
    byKey: (key: string) =>
      key === candidate.key
        ? { id: ws, app, key, version: 0, definition: candidate }
        : others.find((f) => f.key === key),
  };
  try {
    planScope(candidate.fields, withSelf);
  } catch (error) {
    if (error instanceof FormulaSetupError) {
      throw appError('UNPROCESSABLE', 'form.badFormula', [formulaSetupDetail(error)]);
    }
    throw error;
  }
  // What every write of the form would refuse is refused now, with its path.
  checkConditions(candidate.fields, withSelf);
  return candidate;
}

/** Who may change a form: workspace owners and admins (app roles with `manage` come through records' access). */
export function requireManager(caller: Caller): void {
  if (!isAdmin(caller)) throw appError('FORBIDDEN', 'form.adminsOnly');
}

/** Creates a form in an app and publishes it as version 1, so records can be written at once. */
export async function createForm(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
  definition: unknown,
): Promise<FormDoc> {
  requireManager(caller);
  const app = await getApp(connection, caller.ws, appId);
  const checked = await checkDefinition(connection, caller.ws, app._id, definition);
  const Forms = formModel(connection);
  if (await Forms.exists({ ws: caller.ws, app: app._id, key: checked.key })) {
    throw appError('CONFLICT', t('form.keyTaken', { key: checked.key }), [
      { path: '/key', message: 'detail.taken' },
    ]);
  }
  const now = new Date();
  const doc = await Forms.create({
    ws: caller.ws,
    app: app._id,
    key: checked.key,
    definition: checked,
    published: checked,
    version: 1,
    v: 1,
    createdBy: caller.userId,
  });
  await formVersionModel(connection).create({
    ws: caller.ws,
    form: doc._id,
    version: 1,
    definition: checked,
    publishedBy: caller.userId,
    publishedAt: now,
  });
  await ensureFieldIndexes(connection, checked);
  await ensureUniqueIndex(connection);
  return doc.toObject();
}

/** A form of the caller's workspace; another workspace's id answers 404. */
export async function getForm(
  connection: Connection,
  ws: Types.ObjectId,
  id: Types.ObjectId,
): Promise<FormDoc> {
  const doc = await formModel(connection).findOne({ ws, _id: id }).lean();
  if (!doc) throw notFound('Form');
  return doc;
}

/** The forms of an app, in creation order. */
export async function listForms(
  connection: Connection,
  ws: Types.ObjectId,
  appId: Types.ObjectId,
): Promise<FormDoc[]> {
  const app = await getApp(connection, ws, appId);
  return formModel(connection).find({ ws, app: app._id }).sort({ _id: 1 }).lean();
}

/**
 * Saves a new working definition of a form. Its key never changes; removed fields come back hidden.
 * With `publish`, the definition is published at once (see {@link publishForm}).
 */
export async function updateForm(
  connection: Connection,
  caller: Caller,
  formId: Types.ObjectId,
  definition: unknown,
  options: { publish?: boolean; v?: number } = {},
): Promise<{ form: FormDoc; report?: PublishReport }> {
  requireManager(caller);
  const form = await getForm(connection, caller.ws, formId);
  const key = (definition as { key?: unknown } | null)?.key;
  if (key !== form.key) {
    throw appError('VALIDATION_FAILED', 'form.keyFixed', [
      { path: '/key', message: t('detail.mustStay', { value: form.key }) },
    ]);
  }
  const checked = await checkDefinition(connection, caller.ws, form.app, definition);
  const { definition: draft } = reconcile(form.published, checked);
  const expected = options.v ?? form.v;
  const updated = await formModel(connection)
    .findOneAndUpdate(
      { _id: form._id, ws: caller.ws, v: expected },
      { $set: { definition: draft }, $inc: { v: 1 } },
      { returnDocument: 'after' },
    )
    .lean();
  if (!updated) throw appError('CONFLICT', 'form.changedMeanwhile');
  if (!options.publish) return { form: updated };
  return publishForm(connection, caller, formId);
}

/** Which fields are unique and of which type: when it changes, stored `uniq` entries are recomputed. */
function uniqueSignature(definition: FormDefinition): string {
  return JSON.stringify(uniqueFields(definition).map((field) => [field.key, field.type]));
}

/**
 * Publishes the working definition as the next version. A type change converts every stored value
 * (a migration, reported) or, when some value cannot convert, is refused with 422 and an explanation.
 */
export async function publishForm(
  connection: Connection,
  caller: Caller,
  formId: Types.ObjectId,
): Promise<{ form: FormDoc; report: PublishReport }> {
  requireManager(caller);
  const form = await getForm(connection, caller.ws, formId);
  const { definition, hidden, typeChanges } = reconcile(form.published, form.definition);
  // Records written from here on may still follow the earlier definition (see the catch-up below);
  // a minute's margin covers the clocks of other server instances, which stamp `updatedAt`.
  const since = new Date(Date.now() - 60_000);
  const migrations = await migrate(connection, form, typeChanges);
  const version = form.version + 1;
  await ensureFieldIndexes(connection, definition);
  await ensureUniqueIndex(connection);
  // Before the version is published: stored duplicates of a newly unique field refuse the publish;
  // otherwise the records' `uniq` entries follow the fields that are unique now (and converted values).
  const uniqueChanged =
    typeChanges.length > 0 || uniqueSignature(form.published) !== uniqueSignature(definition);
  if (uniqueChanged) await backfillUnique(connection, caller.ws, form._id, definition, true);
  const updated = await formModel(connection)
    .findOneAndUpdate(
      { _id: form._id, ws: caller.ws, v: form.v },
      { $set: { definition, published: definition, version }, $inc: { v: 1 } },
      { returnDocument: 'after' },
    )
    .lean();
  if (!updated) throw appError('CONFLICT', 'form.changedMeanwhile');
  const report: PublishReport = { version, hidden, migrations };
  await formVersionModel(connection).create({
    ws: caller.ws,
    form: form._id,
    version,
    definition,
    report,
    publishedBy: caller.userId,
    publishedAt: new Date(),
  });
  // New or changed formulas, lookups and rollups apply to stored records too: recompute them in the background.
  const computed = (d: FormDefinition) => JSON.stringify(d.fields.filter((f) => isComputed(f) && !f.hidden));
  if (computed(form.published) !== computed(definition)) {
    await enqueueRecompute(connection, { ws: caller.ws, app: form.app, form: form._id, match: {}, depth: 1 });
  }
  // Writers that still hold the earlier definition (requests in flight, other instances' caches) stored
  // its unique entries; once they can no longer, give their records the current ones.
  if (uniqueChanged) {
    const runAt = new Date(Date.now() + catchUpDelayMs(cacheTtlOf(connection)));
    await enqueueUniqueCatchUp(connection, { ws: caller.ws, form: form._id, since }, runAt);
  }
  return { form: updated, report };
}

/** One published version of a form (records keep the version they were written with). */
export async function getFormVersion(
  connection: Connection,
  ws: Types.ObjectId,
  formId: Types.ObjectId,
  version: number,
): Promise<FormDefinition> {
  const doc = await formVersionModel(connection).findOne({ ws, form: formId, version }).lean();
  if (!doc) throw appError('NOT_FOUND', 'form.versionNotFound');
  return doc.definition;
}
