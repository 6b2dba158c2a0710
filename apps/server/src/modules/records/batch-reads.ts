import { Types } from 'mongoose';
import { workspaceModels } from '../workspaces/models.js';
import { collectPeople, collectRelations, type PeopleRef, type RelationRef } from './checks.js';
import { type FormTarget, relatedAccess } from './context.js';
import { recordModel } from './model.js';

/**
 * Reads a batch asks once for all its records instead of once per record: which related records the caller
 * may link (relations), which members and departments exist (people fields), and what lookups copy. Each
 * is one `$in` query over the ids all the batch's inputs name; a record asking for an id the batch did not
 * name (a default or an auto-link set it) reads it itself, as a single write does. The answers are the
 * same as the per-record reads': the same filters (the caller's view filter for relations), asked before
 * any record of the batch is written, as the batch's other shared reads are.
 */
interface Prefetched<T> {
  asked: ReadonlySet<string>;
  found: Promise<T>;
}

type Memo = Map<string, Promise<unknown>>;
const KEY = 'prefetch|';

/** Stores a prefetched read in the batch's memo (a failure surfaces in the records that use it). */
function remember<T>(memo: Memo, name: string, asked: Set<string>, found: Promise<T>): void {
  found.catch(() => {});
  memo.set(`${KEY}${name}`, Promise.resolve({ asked, found }));
}

/** The prefetched read `name` when it asked every one of `ids`; undefined otherwise (read them yourself). */
export async function prefetched<T>(
  memo: Memo | undefined,
  name: string,
  ids: readonly string[],
): Promise<T | undefined> {
  const entry = (await memo?.get(`${KEY}${name}`)) as Prefetched<T> | undefined;
  if (!entry || !ids.every((id) => entry.asked.has(id))) return undefined;
  return entry.found;
}

const hex = (ids: Iterable<string>) =>
  [...ids].filter((id) => /^[0-9a-f]{24}$/.test(id)).map((id) => new Types.ObjectId(id));

/** Starts the batch's shared reads for `inputs` (the `data` of each record of a batch of creates). */
export function prefetchBatch(target: FormTarget, inputs: readonly unknown[], memo: Memo): void {
  const fields = target.form.definition.fields;
  const relations: RelationRef[] = [];
  const people: PeopleRef[] = [];
  for (const input of inputs) {
    if (!input || typeof input !== 'object' || Array.isArray(input)) continue;
    const data = input as Record<string, unknown>;
    collectRelations(fields, data, '', relations);
    collectPeople(fields, data, '', people);
  }
  const { connection, caller } = target;

  // Relations: the related records the caller may view, per related form (checkRelations).
  const byForm = new Map<string, Set<string>>();
  for (const ref of relations) byForm.set(ref.formKey, (byForm.get(ref.formKey) ?? new Set()).add(ref.id));
  for (const [formKey, asked] of byForm) {
    const filter = relatedAccess(target, formKey)?.filter('view', {
      _id: { $in: hex(asked) },
      deletedAt: null,
    });
    const found = filter
      ? recordModel(connection)
          .find(filter, { _id: 1 })
          .lean()
          .then((docs) => new Set(docs.map((d) => d._id.toHexString())))
      : Promise.resolve(new Set<string>());
    remember(memo, `view|${formKey}`, asked, found);
  }

  // People fields: the members and departments of the workspace among the ids (checkPeople).
  const { Member, Department } = workspaceModels(connection);
  const members = new Set(people.filter((p) => p.kind === 'member').map((p) => p.id));
  const departments = new Set(people.filter((p) => p.kind === 'department').map((p) => p.id));
  if (members.size > 0) {
    const found = Member.find({ ws: caller.ws, user: { $in: hex(members) } }, { user: 1 })
      .lean()
      .then((docs) => new Set(docs.map((m) => m.user.toHexString())));
    remember(memo, 'member', members, found);
  }
  if (departments.size > 0) {
    const found = Department.find({ ws: caller.ws, _id: { $in: hex(departments) } }, { _id: 1 })
      .lean()
      .then((docs) => new Set(docs.map((d) => d._id.toHexString())));
    remember(memo, 'department', departments, found);
  }

  // Lookups: the fields they copy from the records the batch's relations name, per related form.
  const copied = new Map<string, { form: Types.ObjectId; relation: string; keys: Set<string> }>();
  for (const field of fields) {
    if (field.type !== 'lookup' || field.hidden) continue;
    const relation = fields.find((f) => f.key === field.relation && f.type === 'relation');
    const form = typeof relation?.form === 'string' ? target.directory.byKey(relation.form) : undefined;
    if (!relation || !form) continue;
    const entry = copied.get(relation.key) ?? { form: form.id, relation: relation.key, keys: new Set() };
    entry.keys.add(String(field.field));
    copied.set(relation.key, entry);
  }
  for (const { form, relation, keys } of copied.values()) {
    const asked = new Set(relations.filter((r) => r.field === relation).map((r) => r.id));
    if (asked.size === 0) continue;
    const projection = Object.fromEntries([...keys].map((k) => [`data.${k}`, 1]));
    const found = recordModel(connection)
      .find({ ws: caller.ws, form, _id: { $in: hex(asked) }, deletedAt: null }, projection)
      .lean<Array<{ _id: Types.ObjectId; data?: Record<string, unknown> }>>()
      .then((docs) => new Map(docs.map((d) => [d._id.toHexString(), d.data ?? {}])));
    for (const key of keys) remember(memo, `lookup|${form.toHexString()}|${key}`, asked, found);
  }
}
