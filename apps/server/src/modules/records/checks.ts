import { Types } from 'mongoose';
import { appError, type ErrorDetail } from '../../lib/errors.js';
import type { FieldDef } from '../forms/meta.js';
import { workspaceModels } from '../workspaces/models.js';
import type { FormTarget } from './context.js';
import { recordModel } from './model.js';
import { entryKey, uniqueEntries } from './unique.js';

interface RelationRef {
  path: string;
  formKey: string;
  id: string;
}

function collectRelations(
  fields: readonly FieldDef[],
  data: Record<string, unknown>,
  base: string,
  out: RelationRef[],
) {
  for (const field of fields) {
    const value = data[field.key];
    if (value === undefined || value === null) continue;
    if (field.type === 'relation' && typeof field.form === 'string') {
      const list = Array.isArray(value) ? value : [value];
      list.forEach((id, i) => {
        if (typeof id === 'string') {
          const path = Array.isArray(value) ? `${base}/${field.key}/${i}` : `${base}/${field.key}`;
          out.push({ path, formKey: field.form as string, id });
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
          );
        }
      });
    }
  }
}

/**
 * Every relation value must name a live record of the related form in this workspace; ids of another
 * form or workspace answer 422 at the value's path (without telling whether such a record exists elsewhere).
 */
export async function checkRelations(target: FormTarget, data: Record<string, unknown>): Promise<void> {
  const refs: RelationRef[] = [];
  collectRelations(target.form.definition.fields, data, '/data', refs);
  if (refs.length === 0) return;
  const details: ErrorDetail[] = [];
  const byForm = new Map<string, RelationRef[]>();
  for (const ref of refs) byForm.set(ref.formKey, [...(byForm.get(ref.formKey) ?? []), ref]);
  for (const [formKey, list] of byForm) {
    const form = target.directory.byKey(formKey);
    const ids = [...new Set(list.map((r) => r.id))].map((id) => new Types.ObjectId(id));
    const found = form
      ? await recordModel(target.connection)
          .find({ ws: target.caller.ws, form: form.id, _id: { $in: ids }, deletedAt: null }, { _id: 1 })
          .lean()
      : [];
    const existing = new Set(found.map((doc) => doc._id.toHexString()));
    for (const ref of list) {
      if (!existing.has(ref.id.toLowerCase())) {
        details.push({ path: ref.path, message: `no record ${ref.id} in form "${formKey}"` });
      }
    }
  }
  if (details.length > 0) throw appError('UNPROCESSABLE', 'Some related records do not exist', details);
}

interface PeopleRef {
  path: string;
  kind: 'member' | 'department';
  id: string;
}

function collectPeople(
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
export async function checkPeople(target: FormTarget, data: Record<string, unknown>): Promise<void> {
  const refs: PeopleRef[] = [];
  collectPeople(target.form.definition.fields, data, '/data', refs);
  if (refs.length === 0) return;
  const { Member, Department } = workspaceModels(target.connection);
  const ids = (kind: PeopleRef['kind']) => [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.id))];
  const memberIds = ids('member');
  const departmentIds = ids('department');
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
    .map((ref) => ({ path: ref.path, message: `no ${ref.kind} ${ref.id} in this workspace` }));
  if (details.length > 0)
    throw appError('UNPROCESSABLE', 'Some people or departments are not in this workspace', details);
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
    .map((entry) => ({ path: `/data/${entryKey(entry)}`, message: 'another record already has this value' }));
  if (details.length > 0) throw appError('CONFLICT', 'A unique value is taken', details);
}
