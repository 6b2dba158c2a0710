import type { Connection, Types } from 'mongoose';
import { appError } from '../../lib/errors.js';
import { UNIQUE_INDEX_PREFIX } from '../records/checks.js';
import { recordModel } from '../records/model.js';
import type { FieldDef, FormDefinition } from './meta.js';

const NUMERIC = new Set(['number', 'money', 'percent', 'rating']);

/** The name of the unique index of one form's `unique` field. */
export function uniqueIndexName(form: Types.ObjectId, key: string): string {
  return `${UNIQUE_INDEX_PREFIX}${form.toHexString()}_${key}`;
}

/**
 * Live records of this form holding a value: empty text and missing values repeat freely (as in
 * the unique check), and a soft-deleted record frees its value.
 */
function uniqueFilter(form: Types.ObjectId, field: FieldDef): Record<string, unknown> {
  return {
    form,
    deletedAt: { $type: 'null' },
    [`data.${field.key}`]: NUMERIC.has(field.type) ? { $exists: true } : { $gt: '' },
  };
}

/**
 * Creates the `{ws, form, data.<key>}` index of every `indexed` field. Records of all forms share one
 * collection, so forms with a field of the same key share the index; creating an existing index is a no-op.
 * With `form`, also keeps one partial unique index per `unique` field of that form (so parallel writes
 * of one value cannot both succeed) and drops those of fields that are no longer unique. Stored
 * records that already repeat a value answer 409 at the field's path.
 */
export async function ensureFieldIndexes(
  connection: Connection,
  definition: FormDefinition,
  form?: Types.ObjectId,
): Promise<void> {
  const collection = recordModel(connection).collection;
  for (const field of definition.fields) {
    if (!field.indexed || field.hidden) continue;
    await collection.createIndex(
      { ws: 1, form: 1, [`data.${field.key}`]: 1 },
      { name: `ws_form_data.${field.key}` },
    );
  }
  if (!form) return;
  const wanted = new Map<string, FieldDef>();
  definition.fields.forEach((field) => {
    if (field.unique && !field.hidden && field.type !== 'subform')
      wanted.set(uniqueIndexName(form, field.key), field);
  });
  const prefix = uniqueIndexName(form, '');
  const existing = (await collection
    .listIndexes()
    .toArray()
    .catch((error: unknown) => {
      // MongoDB answers NamespaceNotFound before the first record of any form is stored.
      if ((error as { code?: unknown }).code === 26) return [];
      throw error;
    })) as Array<{ name: string }>;
  for (const index of existing) {
    if (index.name.startsWith(prefix) && !wanted.has(index.name)) await collection.dropIndex(index.name);
  }
  const have = new Set(existing.map((index) => index.name));
  for (const [name, field] of wanted) {
    if (have.has(name)) continue;
    try {
      await collection.createIndex(
        { ws: 1, form: 1, [`data.${field.key}`]: 1 },
        { name, unique: true, partialFilterExpression: uniqueFilter(form, field) },
      );
    } catch (error) {
      if ((error as { code?: unknown }).code !== 11000) throw error;
      const index = definition.fields.indexOf(field);
      throw appError('CONFLICT', `Stored records repeat values of "${field.key}"`, [
        { path: `/fields/${index}/unique`, message: 'stored records already repeat values of this field' },
      ]);
    }
  }
}
