import { Types } from 'mongoose';
import type { FormAccess } from '../../lib/access/index.js';
import type { FieldDef } from '../forms/meta.js';
import { type FormTarget, relatedAccess } from './context.js';
import { recordModel } from './model.js';

/**
 * Lookups copy values of related records into a record when it is written; who may read them is decided
 * when it is read. A value the access layer shows record by record (`FormAccess.perRecord`: a lookup
 * through a relation to a form the caller may not view entirely, and what is made of it) is shown only
 * where every related record it came from is one the caller may view; elsewhere it reads as `null`, the
 * same as a related record without a value.
 */

/** Which related records the caller may view, by relation field (a key, or `subform.column`). */
export interface RelatedVisibility {
  visible(relation: string, id: unknown): boolean;
}

/** Visibility for callers with nothing shown record by record. */
export const ALL_VISIBLE: RelatedVisibility = { visible: () => true };

/** The relation field a key names: a field of the form, or a column (`subform.column`) of one of its subforms. */
function relationField(fields: readonly FieldDef[], key: string): FieldDef | undefined {
  const [head, column] = key.split('.');
  const field = fields.find((f) => f.key === head);
  if (column === undefined) return field;
  return (field?.columns as FieldDef[] | undefined)?.find((c) => c.key === column);
}

/** The ids a relation field holds in one record's data (in every row, for a column). */
function idsOf(data: Record<string, unknown>, key: string): string[] {
  const [head = key, column] = key.split('.');
  const values =
    column === undefined
      ? [data[head]]
      : (Array.isArray(data[head]) ? (data[head] as unknown[]) : []).map((row) =>
          row !== null && typeof row === 'object' ? (row as Record<string, unknown>)[column] : undefined,
        );
  return values
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{24}$/i.test(id))
    .map((id) => id.toLowerCase());
}

/**
 * Asks the store once per related form which of the records named by `records`' relation fields the
 * caller (of `target`, with `access` to its form) may view; none when nothing is shown record by record.
 */
export async function relatedVisibility(
  target: FormTarget,
  access: FormAccess,
  records: ReadonlyArray<Record<string, unknown>>,
): Promise<RelatedVisibility> {
  if (access.perRecord.size === 0 || records.length === 0) return ALL_VISIBLE;
  const relations = [...new Set([...access.perRecord.values()].flat())];
  const byForm = new Map<string, { relations: string[]; ids: Set<string> }>();
  for (const relation of relations) {
    const form = relationField(target.form.definition.fields, relation)?.form;
    if (typeof form !== 'string') continue;
    const entry = byForm.get(form) ?? { relations: [], ids: new Set<string>() };
    entry.relations.push(relation);
    for (const data of records) for (const id of idsOf(data, relation)) entry.ids.add(id);
    byForm.set(form, entry);
  }
  const seen = new Map<string, Set<string>>();
  await Promise.all(
    [...byForm].map(async ([formKey, { relations: keys, ids }]) => {
      const filter =
        ids.size === 0
          ? null
          : relatedAccess(target, formKey)?.filter('view', {
              _id: { $in: [...ids].map((id) => new Types.ObjectId(id)) },
              deletedAt: null,
            });
      const docs = filter ? await recordModel(target.connection).find(filter, { _id: 1 }).lean() : [];
      const found = new Set(docs.map((doc) => doc._id.toHexString()));
      for (const key of keys) seen.set(key, found);
    }),
  );
  return {
    visible: (relation, id) => typeof id === 'string' && (seen.get(relation)?.has(id.toLowerCase()) ?? false),
  };
}

/** True when every id the relation holds in `data` (or in `row`, for a column of its subform) is visible. */
function allVisible(
  visibility: RelatedVisibility,
  relation: string,
  data: Record<string, unknown>,
  row?: Record<string, unknown>,
): boolean {
  const [head = relation, column] = relation.split('.');
  const ids =
    row !== undefined && column !== undefined ? idsOf({ [head]: [row] }, relation) : idsOf(data, relation);
  return ids.every((id) => visibility.visible(relation, id));
}

/** A lookup through a multiple relation masks item by item: the items line up with the related ids. */
function maskItems(
  field: FieldDef | undefined,
  relation: string,
  value: unknown,
  holder: Record<string, unknown>,
  visibility: RelatedVisibility,
): unknown {
  const [, column] = relation.split('.');
  const ids = holder[column ?? relation];
  if (field?.type !== 'lookup' || !Array.isArray(value) || !Array.isArray(ids)) return null;
  return value.map((item, i) => (visibility.visible(relation, ids[i]) ? item : null));
}

/**
 * A copy of a record's data in which every value shown record by record that comes from a related record
 * the caller may not view reads `null` (item by item for a lookup through a multiple relation).
 */
export function maskRelated(
  fields: readonly FieldDef[],
  perRecord: ReadonlyMap<string, readonly string[]>,
  data: Record<string, unknown>,
  visibility: RelatedVisibility,
): Record<string, unknown> {
  if (perRecord.size === 0 || visibility === ALL_VISIBLE) return data;
  const out: Record<string, unknown> = { ...data };
  for (const [key, relations] of perRecord) {
    const [head = key, column] = key.split('.');
    const field = relationField(fields, key);
    if (column === undefined) {
      if (!Object.hasOwn(out, head) || out[head] === null) continue;
      if (relations.every((r) => allVisible(visibility, r, data))) continue;
      // A lookup copied item by item through its own relation: only the items of hidden records go.
      const own = relations.length === 1 && field?.relation === relations[0] ? relations[0] : undefined;
      out[head] = own ? maskItems(field, own, out[head], data, visibility) : null;
      continue;
    }
    const rows = out[head];
    if (!Array.isArray(rows)) continue;
    out[head] = rows.map((row: unknown) => {
      if (row === null || typeof row !== 'object' || !Object.hasOwn(row, column)) return row;
      const cells = row as Record<string, unknown>;
      if (relations.every((r) => allVisible(visibility, r, data, cells))) return row;
      const own = relations.length === 1 && relations[0] === `${head}.${String(field?.relation)}`;
      return {
        ...cells,
        [column]: own ? maskItems(field, relations[0] as string, cells[column], cells, visibility) : null,
      };
    });
  }
  return out;
}
