import { type Connection, Types } from 'mongoose';
import { appError, isAppError, t } from '../../lib/errors.js';
import type { FieldDef, FormDefinition } from '../forms/meta.js';
import { isComputed } from '../forms/meta.js';
import type { FormDoc } from '../forms/model.js';
import { openForm, visibleData } from '../records/context.js';
import { type RecordDoc, recordModel } from '../records/model.js';
import { relatedVisibility } from '../records/visibility.js';
import { runRecompute } from '../records/worker.js';
import { createRecord, updateRecord } from '../records/write.js';
import type { Caller } from './caller.js';
import { loadPeople, mapPackPeople, membersToPack, type People } from './pack-people.js';
import { type PackPlan, type PackRecords, relationRefs } from './pack-validate.js';

/**
 * Field types whose values name departments or files of one workspace: they never travel in a pack.
 * Member values travel as emails (pack-people.ts).
 */
const LOCAL_TYPES = new Set(['department', 'attachment', 'image', 'signature']);

/** Forms in an order where relation targets come first (as far as cycles allow). */
function creationOrder(plan: PackPlan, records: PackRecords): string[] {
  const keys = plan.forms.map((f) => f.key).filter((key) => (records[key]?.length ?? 0) > 0);
  const targets = new Map(
    plan.forms.map((f) => [
      f.key,
      f.definition.fields.filter((x) => x.type === 'relation').map((x) => String(x.form)),
    ]),
  );
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string): void => {
    if (state.has(key)) return; // done, or a cycle: the deferred pass fills those relations in
    state.set(key, 'visiting');
    for (const target of targets.get(key) ?? []) if (target !== key && keys.includes(target)) visit(target);
    state.set(key, 'done');
    order.push(key);
  };
  for (const key of keys) visit(key);
  return order;
}

/** A relation value that names records not yet created; set by an update once they exist. */
interface Deferred {
  formKey: string;
  index: number;
  id: string;
  field: string;
  refs: string[];
  multiple: boolean;
}

/**
 * Maps relation refs inside subform rows to ids. Rows are written whole with their record, so their
 * relations cannot be filled in later: they must name records written before (422 otherwise).
 */
function mapRowRelations(
  fields: readonly FieldDef[],
  data: Record<string, unknown>,
  ids: ReadonlyMap<string, ReadonlyMap<string, string>>,
  base: string,
): void {
  for (const sub of fields.filter((f) => f.type === 'subform' && Array.isArray(f.columns) && !f.hidden)) {
    const rows = data[sub.key];
    const columns = (sub.columns as FieldDef[]).filter((c) => c.type === 'relation');
    if (!Array.isArray(rows) || columns.length === 0) continue;
    data[sub.key] = rows.map((row: unknown, r) => {
      if (!row || typeof row !== 'object') return row;
      const out = { ...(row as Record<string, unknown>) };
      for (const column of columns) {
        const refs = relationRefs(out[column.key]).map(String);
        if (refs.length === 0) continue;
        const resolved = refs.map((ref) => ids.get(String(column.form))?.get(ref));
        if (resolved.some((id) => id === undefined)) {
          throw appError('UNPROCESSABLE', 'pack.rowNamesLater', [
            {
              path: `${base}/${sub.key}/${r}/${column.key}`,
              message: 'detail.recordBefore',
            },
          ]);
        }
        out[column.key] = column.multiple ? resolved : resolved[0];
      }
      return out;
    });
  }
}

function rethrowAt(error: unknown, formKey: string, index: number): never {
  if (!isAppError(error)) throw error;
  const base = `/records/${formKey}/${index}`;
  const details = (error.details ?? [{ path: '', message: error.text }]).map((d) => ({
    ...d,
    path: `${base}${d.path === '/' ? '' : d.path}`,
  }));
  throw appError(
    error.code as never,
    t('pack.recordFailed', { index, form: formKey, reason: error.text }),
    details,
  );
}

/**
 * Writes a pack's records through the records write path (validation, defaults, formulas, serials,
 * lookups), relation values given as refs mapped to the new ids, then recomputes rollups and lookups
 * once every record exists. `tag` marks each created record as part of the import.
 */
export async function importRecords(
  connection: Connection,
  caller: Caller,
  plan: PackPlan,
  records: PackRecords,
  tag: (id: Types.ObjectId) => Promise<void>,
  onRecord?: () => void,
): Promise<number> {
  const ids = new Map<string, Map<string, string>>();
  const deferred: Deferred[] = [];
  const people = await loadPeople(connection, caller.ws);
  let count = 0;
  for (const formKey of creationOrder(plan, records)) {
    const form = plan.forms.find((f) => f.key === formKey);
    if (!form) continue;
    const target = await openForm(connection, caller, form.id);
    const mine = new Map<string, string>();
    ids.set(formKey, mine);
    const relations = form.definition.fields.filter((f) => f.type === 'relation' && !f.hidden);
    for (const [index, record] of (records[formKey] ?? []).entries()) {
      const data = { ...record.data };
      const later: Deferred[] = [];
      for (const field of relations) {
        const refs = relationRefs(data[field.key]).map(String);
        if (refs.length === 0) continue;
        const known = ids.get(String(field.form));
        const resolved = refs.map((ref) => known?.get(ref));
        if (resolved.every((id) => id !== undefined)) {
          data[field.key] = field.multiple ? resolved : resolved[0];
        } else {
          delete data[field.key];
          later.push({ formKey, index, id: '', field: field.key, refs, multiple: field.multiple === true });
        }
      }
      mapRowRelations(form.definition.fields, data, ids, `/records/${formKey}/${index}/data`);
      mapPackPeople(form.definition.fields, data, people, caller.userId);
      // The owner named by email, when a member here; otherwise the record is the importer's.
      const owner = record.owner === undefined ? undefined : people.byEmail(record.owner);
      const writer = owner
        ? { ...target, origin: { ...(target.origin ?? { via: 'api' as const }), owner } }
        : target;
      const view = await createRecord(writer, { data }).catch((error: unknown) =>
        rethrowAt(error, formKey, index),
      );
      await tag(new Types.ObjectId(view.id));
      if (record.ref !== undefined) mine.set(record.ref, view.id);
      for (const d of later) deferred.push({ ...d, id: view.id });
      count += 1;
      onRecord?.();
    }
  }
  for (const d of deferred) {
    const form = plan.forms.find((f) => f.key === d.formKey);
    const field = form?.definition.fields.find((f) => f.key === d.field);
    if (!form || !field) continue;
    const target = await openForm(connection, caller, form.id);
    const known = ids.get(String(field.form));
    const values = d.refs.map((ref) => known?.get(ref));
    const id = new Types.ObjectId(d.id);
    // Recompute jobs of the records just written may bump `v` meanwhile: read it fresh, retry a conflict.
    for (let attempt = 0; ; attempt++) {
      const current = await recordModel(connection).findOne({ _id: id }, { v: 1 }).lean<{ v: number }>();
      try {
        await updateRecord(target, id, {
          data: { [d.field]: d.multiple ? values : values[0] },
          v: current?.v,
        });
        break;
      } catch (error) {
        const conflict = isAppError(error) && error.code === 'CONFLICT';
        if (!conflict || attempt >= 4) rethrowAt(error, d.formKey, d.index);
      }
    }
  }
  await settle(connection, caller, plan, new Set(deferred.map((d) => d.formKey)));
  return count;
}

/**
 * Recomputes the forms whose rollups (or lookups through relations filled in late) read other records
 * until nothing changes, so the import answers with every value final: a record created before the
 * records it rolls up counted them as empty. Lookups through relations set on create were right at once.
 */
async function settle(
  connection: Connection,
  caller: Caller,
  plan: PackPlan,
  late: ReadonlySet<string>,
): Promise<void> {
  const reads = (form: (typeof plan.forms)[number], field: FieldDef): boolean => {
    if (field.hidden) return false;
    if (field.type === 'rollup') return true;
    if (field.type !== 'lookup') return false;
    if (late.has(form.key)) return true;
    // A lookup of a computed value (a rollup, say) is only final once its source form settled.
    const relation = form.definition.fields.find((x) => x.key === field.relation);
    const source = plan.forms.find((x) => x.key === relation?.form);
    const read = source?.definition.fields.find((x) => x.key === field.field);
    return read !== undefined && isComputed(read);
  };
  const hosts = plan.forms.filter((f) => f.definition.fields.some((x) => reads(f, x)));
  for (let pass = 0; pass < 4 && hosts.length > 0; pass++) {
    let changed = 0;
    for (const form of hosts) {
      changed += await runRecompute(connection, {
        ws: caller.ws,
        app: plan.appId,
        form: form.id,
        match: {},
        depth: 1,
      });
    }
    if (changed === 0) return;
  }
}

/** The pack form of one record's data: no computed, local (people, files) or hidden values; refs for ids. */
function packData(
  fields: readonly FieldDef[],
  data: Record<string, unknown>,
  refOf: (form: string, id: string) => string | undefined,
  people: People,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = data[field.key];
    if (value === null || value === undefined || field.hidden) continue;
    if (isComputed(field) || LOCAL_TYPES.has(field.type)) continue;
    if (field.type === 'member') {
      const emails = membersToPack(field, value, people);
      if (emails !== undefined) out[field.key] = emails;
    } else if (field.type === 'relation') {
      const refs = relationRefs(value)
        .map((id) => refOf(String(field.form), String(id)))
        .filter((ref): ref is string => ref !== undefined);
      if (field.multiple) {
        if (refs.length > 0) out[field.key] = refs;
      } else if (refs[0] !== undefined) out[field.key] = refs[0];
    } else if (field.type === 'subform' && Array.isArray(value) && Array.isArray(field.columns)) {
      out[field.key] = value.map((row) =>
        packData(field.columns as FieldDef[], (row ?? {}) as Record<string, unknown>, refOf, people),
      );
    } else {
      out[field.key] = value;
    }
  }
  return out;
}

/**
 * The records of an app's forms that the caller may view, as a pack's `records` section: each record
 * named `r1`, `r2`... within its form, relation values as those names, member values and owners as the
 * people's emails (pack-people.ts), and nothing that names departments or files of this workspace.
 */
export async function exportRecords(
  connection: Connection,
  caller: Caller,
  forms: readonly FormDoc[],
): Promise<{ records: PackRecords; count: number }> {
  const loaded: Array<{ key: string; definition: FormDefinition; docs: RecordDoc[] }> = [];
  const refs = new Map<string, Map<string, string>>();
  for (const form of forms) {
    const target = await openForm(connection, caller, form._id);
    const filter = target.access.filter('view', { deletedAt: null });
    if (!filter) continue;
    const docs = await recordModel(connection).find(filter).sort({ _id: 1 }).lean<RecordDoc[]>();
    const visibility = await relatedVisibility(
      target,
      target.access,
      docs.map((doc) => doc.data ?? {}),
    );
    const stripped = docs.map((doc) => ({ ...doc, data: visibleData(target, doc.data ?? {}, visibility) }));
    loaded.push({ key: form.key, definition: target.form.definition, docs: stripped });
    refs.set(form.key, new Map(docs.map((doc, i) => [doc._id.toHexString(), `r${i + 1}`])));
  }
  const refOf = (form: string, id: string) => refs.get(form)?.get(id.toLowerCase());
  const people = await loadPeople(connection, caller.ws);
  const records: PackRecords = {};
  let count = 0;
  for (const { key, definition, docs } of loaded) {
    if (docs.length === 0) continue;
    records[key] = docs.map((doc, i) => {
      const owner = people.emailOf(doc.owner.toHexString());
      return {
        ref: `r${i + 1}`,
        ...(owner ? { owner } : {}),
        data: packData(definition.fields, doc.data, refOf, people),
      };
    });
    count += docs.length;
  }
  return { records, count };
}
