import { Types } from 'mongoose';
import type { FormAccess } from '../../lib/access/index.js';
import { appError, type ErrorDetail, t } from '../../lib/errors.js';
import type { FieldDef } from '../forms/meta.js';
import { workspaceModels } from '../workspaces/models.js';
import { prefetched } from './batch-reads.js';
import { type FormTarget, relatedAccess } from './context.js';
import { recordModel } from './model.js';
import { entryKey, uniqueEntries } from './unique.js';

/** A relation value of a record's data, where it stands and which form it names. */
export interface RelationRef {
  path: string;
  /** The relation field: its key, or `subform.column`. */
  field: string;
  formKey: string;
  id: string;
}

/** Collects the relation values of `data` (subform rows too) into `out`. */
export function collectRelations(
  fields: readonly FieldDef[],
  data: Record<string, unknown>,
  base: string,
  out: RelationRef[],
  prefix = '',
) {
  for (const field of fields) {
    const value = data[field.key];
    if (value === undefined || value === null) continue;
    if (field.type === 'relation' && typeof field.form === 'string') {
      const list = Array.isArray(value) ? value : [value];
      list.forEach((id, i) => {
        if (typeof id === 'string') {
          const path = Array.isArray(value) ? `${base}/${field.key}/${i}` : `${base}/${field.key}`;
          out.push({
            path,
            field: `${prefix}${field.key}`,
            formKey: field.form as string,
            id: id.toLowerCase(),
          });
        }
      });
    }
    if (field.type === 'subform' && Array.isArray(value) && Array.isArray(field.columns)) {
      value.forEach((row, i) => {
        if (row && typeof row === 'object') {
          collectRelations(
            field.columns as FieldDef[],
            row as Record<string, unknown>,
            `${base}/${field.key}/${i}`,
            out,
            `${field.key}.`,
          );
        }
      });
    }
  }
}

/**
 * Every relation value must name a live record of the related form in this workspace that the caller may
 * view (the access layer's view filter of that form). Anything else — an unknown id, another form's or
 * workspace's, or a record out of the caller's reach — answers 400 at the value's path with the same
 * words, so the answer never tells whether such a record exists. Ids the record already held (`stored`,
 * on updates) were linked by someone who could, and keep their place unless their record is gone.
 */
export async function checkRelations(
  target: FormTarget,
  data: Record<string, unknown>,
  stored: Record<string, unknown> = {},
  memo?: Map<string, Promise<unknown>>,
): Promise<void> {
  const refs: RelationRef[] = [];
  collectRelations(target.form.definition.fields, data, '/data', refs);
  if (refs.length === 0) return;
  const held: RelationRef[] = [];
  collectRelations(target.form.definition.fields, stored, '/data', held);
  const kept = new Set(held.map((ref) => `${ref.field}\u0000${ref.id}`));
  const isKept = (ref: RelationRef) => kept.has(`${ref.field}\u0000${ref.id}`);
  const byForm = new Map<string, RelationRef[]>();
  for (const ref of refs) byForm.set(ref.formKey, [...(byForm.get(ref.formKey) ?? []), ref]);
  const found = await Promise.all(
    [...byForm].flatMap(([formKey, list]) => [
      liveIds(target, formKey, list.filter(isKept)),
      liveIds(
        target,
        formKey,
        list.filter((ref) => !isKept(ref)),
        relatedAccess(target, formKey),
        memo,
      ),
    ]),
  );
  const existing = new Set(found.filter((_, i) => i % 2 === 0).flat());
  const visible = new Set(found.filter((_, i) => i % 2 === 1).flat());
  const details: ErrorDetail[] = refs
    .filter((ref) => !(isKept(ref) ? existing : visible).has(`${ref.formKey}\u0000${ref.id}`))
    .map((ref) => ({
      path: ref.path,
      message: t('detail.noRecordInForm', { id: ref.id, form: ref.formKey }),
    }));
  if (details.length > 0) throw appError('VALIDATION_FAILED', 'record.unknownRelated', details);
}

/**
 * `formKey\0id` of the live records of a form among `refs`: through `access`'s view filter when given (a
 * form the caller may not view at all has none), else every live record of the workspace's form.
 */
async function liveIds(
  target: FormTarget,
  formKey: string,
  refs: readonly RelationRef[],
  access?: FormAccess | null,
  memo?: Map<string, Promise<unknown>>,
): Promise<string[]> {
  const form = target.directory.byKey(formKey);
  if (refs.length === 0 || !form) return [];
  const asked = [...new Set(refs.map((r) => r.id))];
  // The records of a batch ask which related records the caller may view once, together (batch-reads).
  const visible =
    access === undefined ? undefined : await prefetched<Set<string>>(memo, `view|${formKey}`, asked);
  if (visible) return asked.filter((id) => visible.has(id)).map((id) => `${formKey}\u0000${id}`);
  const ids = asked.map((id) => new Types.ObjectId(id));
  const live = { _id: { $in: ids }, deletedAt: null };
  const filter =
    access === undefined ? { ws: target.caller.ws, form: form.id, ...live } : access?.filter('view', live);
  if (!filter) return [];
  const docs = await recordModel(target.connection).find(filter, { _id: 1 }).lean();
  return docs.map((doc) => `${formKey}\u0000${doc._id.toHexString()}`);
}

/** A member or department value of a record's data. */
export interface PeopleRef {
  path: string;
  kind: 'member' | 'department';
  id: string;
}

const PEOPLE_REF_TEXT = { member: 'detail.noMember', department: 'detail.noDepartment' } as const;

/** Collects the member and department values of `data` (subform rows too) into `out`. */
export function collectPeople(
  fields: readonly FieldDef[],
  data: Record<string, unknown>,
  base: string,
  out: PeopleRef[],
) {
  for (const field of fields) {
    const value = data[field.key];
    if (value === undefined || value === null) continue;
    if (field.type === 'member' || field.type === 'department') {
      const list = Array.isArray(value) ? value : [value];
      list.forEach((id, i) => {
        if (typeof id !== 'string') return;
        const path = Array.isArray(value) ? `${base}/${field.key}/${i}` : `${base}/${field.key}`;
        out.push({ path, kind: field.type as PeopleRef['kind'], id: id.toLowerCase() });
      });
    }
    if (field.type === 'subform' && Array.isArray(value) && Array.isArray(field.columns)) {
      value.forEach((row, i) => {
        if (row && typeof row === 'object') {
          collectPeople(
            field.columns as FieldDef[],
            row as Record<string, unknown>,
            `${base}/${field.key}/${i}`,
            out,
          );
        }
      });
    }
  }
}

/** Member fields must name members of this workspace, department fields its departments (422 otherwise). */
export async function checkPeople(
  target: FormTarget,
  data: Record<string, unknown>,
  memo?: Map<string, Promise<unknown>>,
): Promise<void> {
  const refs: PeopleRef[] = [];
  collectPeople(target.form.definition.fields, data, '/data', refs);
  if (refs.length === 0) return;
  const { Member, Department } = workspaceModels(target.connection);
  const ids = (kind: PeopleRef['kind']) => [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.id))];
  const memberIds = ids('member');
  const departmentIds = ids('department');
  // The records of a batch ask once, together (batch-reads); ids it did not name are read here.
  const [knownMembers, knownDepartments] = await Promise.all([
    memberIds.length > 0 ? prefetched<Set<string>>(memo, 'member', memberIds) : new Set<string>(),
    departmentIds.length > 0 ? prefetched<Set<string>>(memo, 'department', departmentIds) : new Set<string>(),
  ]);
  if (knownMembers && knownDepartments) {
    const details: ErrorDetail[] = refs
      .filter((ref) => !(ref.kind === 'member' ? knownMembers : knownDepartments).has(ref.id))
      .map((ref) => ({ path: ref.path, message: t(PEOPLE_REF_TEXT[ref.kind], { id: ref.id }) }));
    if (details.length > 0) throw appError('UNPROCESSABLE', 'record.unknownPeople', details);
    return;
  }
  const members =
    memberIds.length > 0
      ? await Member.find(
          { ws: target.caller.ws, user: { $in: memberIds.map((id) => new Types.ObjectId(id)) } },
          { user: 1 },
        ).lean()
      : [];
  const departments =
    departmentIds.length > 0
      ? await Department.find(
          { ws: target.caller.ws, _id: { $in: departmentIds.map((id) => new Types.ObjectId(id)) } },
          { _id: 1 },
        ).lean()
      : [];
  const known = new Set([
    ...members.map((m) => m.user.toHexString()),
    ...departments.map((d) => d._id.toHexString()),
  ]);
  const details: ErrorDetail[] = refs
    .filter((ref) => !known.has(ref.id))
    .map((ref) => ({ path: ref.path, message: t(PEOPLE_REF_TEXT[ref.kind], { id: ref.id }) }));
  if (details.length > 0) throw appError('UNPROCESSABLE', 'record.unknownPeople', details);
}

/**
 * Fields marked `unique` must not repeat a value of another live record of the form (409 at each field
 * whose value is taken). One query on the shared unique index; the index itself refuses the races.
 */
export async function checkUnique(
  target: FormTarget,
  data: Record<string, unknown>,
  self?: Types.ObjectId,
): Promise<void> {
  const entries = uniqueEntries(target.form.definition, data);
  if (entries.length === 0) return;
  const query: Record<string, unknown> = {
    ws: target.caller.ws,
    form: target.form.id,
    uniq: { $in: entries },
  };
  if (self) query._id = { $ne: self };
  const found = await recordModel(target.connection)
    .find(query, { _id: 0, uniq: 1 })
    .lean<Array<{ uniq?: string[] }>>();
  const taken = new Set(found.flatMap((doc) => doc.uniq ?? []));
  const details: ErrorDetail[] = entries
    .filter((entry) => taken.has(entry))
    .map((entry) => ({ path: `/data/${entryKey(entry)}`, message: 'detail.uniqueTaken' }));
  if (details.length > 0) throw appError('CONFLICT', 'record.uniqueTaken', details);
}
