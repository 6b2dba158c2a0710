import type { Connection } from 'mongoose';
import { appError, t } from '../../lib/errors.js';
import { recordModel } from '../records/model.js';
import { type DefinitionDiff, diffDefinitions } from './definition-diff.js';
import { reconcile } from './evolution.js';
import { type FormDefinition, isComputed } from './meta.js';
import { planMigration } from './migrate.js';
import { type FormDoc, formVersionModel } from './model.js';

/** One published version as the version list shows it. */
export interface VersionEntry {
  version: number;
  publishedAt: string;
  publishedBy: string;
  fields: number;
}

/** The published versions of a form, newest first. */
export async function listVersions(connection: Connection, form: FormDoc): Promise<VersionEntry[]> {
  const docs = await formVersionModel(connection)
    .find({ ws: form.ws, form: form._id }, { version: 1, publishedAt: 1, publishedBy: 1, definition: 1 })
    .sort({ version: -1 })
    .lean();
  return docs.map((doc) => ({
    version: doc.version,
    publishedAt: doc.publishedAt.toISOString(),
    publishedBy: doc.publishedBy.toHexString(),
    fields: doc.definition.fields.filter((f) => !f.hidden).length,
  }));
}

/** A version to compare: a published version number, or `draft` for the working definition. */
export type VersionRef = number | 'draft';

async function definitionAt(connection: Connection, form: FormDoc, ref: VersionRef): Promise<FormDefinition> {
  if (ref === 'draft') return form.definition;
  if (ref === form.version) return form.published;
  const doc = await formVersionModel(connection)
    .findOne({ ws: form.ws, form: form._id, version: ref })
    .lean();
  if (!doc) throw appError('NOT_FOUND', t('form.versionRefNotFound', { version: ref }));
  return doc.definition;
}

/** The difference between two versions of a form (either may be `draft`). */
export async function diffVersions(
  connection: Connection,
  form: FormDoc,
  from: VersionRef,
  to: VersionRef,
): Promise<{ from: VersionRef; to: VersionRef } & DefinitionDiff> {
  const before = await definitionAt(connection, form, from);
  const after = await definitionAt(connection, form, to);
  return { from, to, ...diffDefinitions(before, after) };
}

/** What publishing the working definition now would do to the records stored so far. */
export interface PublishPreview {
  /** The version the publish would create. */
  version: number;
  /** Live (not deleted) records of the form. */
  records: number;
  diff: DefinitionDiff;
  /** Fields the publish hides (removed from the draft): their values stay, shown nowhere. */
  hidden: string[];
  /** Type changes: how many stored values convert, how many cannot (which refuses the publish). */
  conversions: Array<{
    field: string;
    from: string;
    to: string;
    converted: number;
    failed: number;
    example?: { id: string; value: unknown };
  }>;
  /** Fields that become required, with the records that hold no value for them yet. */
  required: Array<{ field: string; empty: number }>;
  /** Whether computed fields changed, so stored records are recomputed after the publish. */
  recompute: boolean;
}

/**
 * Previews a publish without writing anything: the same reconciliation and value conversion that
 * publishing runs, plus counts of records affected. The designer shows it before the admin confirms.
 */
export async function previewPublish(connection: Connection, form: FormDoc): Promise<PublishPreview> {
  const { definition, hidden, typeChanges } = reconcile(form.published, form.definition);
  const Records = recordModel(connection);
  const live = { ws: form.ws, form: form._id, deletedAt: null };
  const records = await Records.countDocuments(live);
  const planned = await planMigration(connection, form, typeChanges);
  const required: PublishPreview['required'] = [];
  for (const field of definition.fields) {
    const before = form.published.fields.find((f) => f.key === field.key);
    if (!field.required || field.hidden || isComputed(field) || before?.required) continue;
    const path = `data.${field.key}`;
    const empty = await Records.countDocuments({
      ...live,
      $or: [{ [path]: null }, { [path]: '' }, { [path]: { $size: 0 } }],
    });
    required.push({ field: field.key, empty });
  }
  const computed = (d: FormDefinition) => JSON.stringify(d.fields.filter((f) => isComputed(f) && !f.hidden));
  return {
    version: form.version + 1,
    records,
    diff: diffDefinitions(form.published, definition),
    hidden,
    conversions: planned.map(({ change, updates, failures, example }) => ({
      field: change.key,
      from: change.from.type,
      to: change.to.type,
      converted: updates.length,
      failed: failures,
      ...(example ? { example } : {}),
    })),
    required,
    recompute: computed(form.published) !== computed(definition),
  };
}

/** Parses a version reference from a query string; anything else is a 400. */
export function parseVersionRef(value: string, name: string): VersionRef {
  if (value === 'draft') return 'draft';
  if (/^[1-9][0-9]{0,8}$/.test(value)) return Number(value);
  throw appError('VALIDATION_FAILED', 'form.badVersionRef', [
    { path: `/${name}`, message: 'detail.versionRef' },
  ]);
}
