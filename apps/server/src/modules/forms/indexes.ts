import type { Connection } from 'mongoose';
import { recordModel } from '../records/model.js';
import type { FormDefinition } from './meta.js';

/**
 * Creates the `{ws, form, data.<key>}` index of every `indexed` field. Records of all forms share one
 * collection, so forms with a field of the same key share the index; creating an existing index is a no-op.
 * Unique fields need no index of their own: they share the one of records/unique.ts.
 */
export async function ensureFieldIndexes(connection: Connection, definition: FormDefinition): Promise<void> {
  const collection = recordModel(connection).collection;
  for (const field of definition.fields) {
    if (!field.indexed || field.hidden) continue;
    await collection.createIndex(
      { ws: 1, form: 1, [`data.${field.key}`]: 1 },
      { name: `ws_form_data.${field.key}` },
    );
  }
}
