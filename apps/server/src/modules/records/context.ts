import { stripComputed, validateSubmission } from '@formloom/schema';
import type { Connection, Types } from 'mongoose';
import { type FormAccess, formAccess } from '../../lib/access/index.js';
import { appError, type ErrorDetail, notFound } from '../../lib/errors.js';
import type { FilterField } from '../../lib/filter-dsl/index.js';
import { type Caller, subjectOf } from '../apps/caller.js';
import { flowStateView, isStoredFlow } from '../flows/stored.js';
import { type AppDirectory, inputsOf, planFor } from '../forms/directory.js';
import { issueDetails } from '../forms/issues.js';
import {
  type FieldDef,
  type FormDefinition,
  type FormLookup,
  filterFieldsOf,
  isComputed,
} from '../forms/meta.js';
import { now as clockNow } from '../scheduler/clock.js';
import { type AppRoles, loadFormScope } from './form-cache.js';
import type { RecordDoc } from './model.js';
import type { LoadedForm, ScopePlan } from './plan.js';
import { checkValidationFormulas, effectiveDefinition } from './rules.js';
import { maskRelated, type RelatedVisibility, relatedVisibility } from './visibility.js';
import type { WriteOrigin } from './write-hooks.js';

/** Everything one request needs about the form it works on, resolved once. */
export interface FormTarget {
  connection: Connection;
  caller: Caller;
  now: Date;
  app: AppRoles;
  form: LoadedForm;
  directory: AppDirectory;
  access: FormAccess;
  /** Every filterable field of the form: what role scopes (custom filters) are compiled against. */
  filterFields: ReadonlyMap<string, FilterField>;
  /**
   * The fields the caller may filter, sort and project by: {@link filterFields} without those hidden
   * from the caller's roles (a filter on a hidden field would let its values be inferred).
   */
  queryFields: Map<string, FilterField>;
  plan: ScopePlan;
  /** How the writes made through this target came about (imports, bulk edits, automations). */
  origin?: WriteOrigin;
}

/** Resolves a form of the caller's workspace with the caller's access to it (404 for other workspaces). */
export async function openForm(
  connection: Connection,
  caller: Caller,
  formId: Types.ObjectId,
): Promise<FormTarget> {
  const { app, directory } = await loadFormScope(connection, caller.ws, formId);
  const form = directory.byId(formId);
  if (!form) throw notFound('Form');
  // The store's clock (a test's controllable one): TODAY() in formulas and record times agree with jobs.
  const now = clockNow(connection);
  const filterFields = formFilterFields(form, directory);
  const access = accessTo(caller, { app, directory }, form, filterFields, now);
  let queryFields: Map<string, FilterField> | undefined;
  return {
    connection,
    caller,
    now,
    app,
    form,
    directory,
    access,
    filterFields,
    // Built when first asked (lists, sorts, reports): a create never filters, and building it for every
    // request was ~0.8% of a create's CPU.
    get queryFields() {
      queryFields ??= queryableFields(filterFields, access);
      return queryFields;
    },
    plan: planFor(form, directory),
  };
}

/**
 * The fields a caller may filter and sort on. Values shown record by record (lookups of records the caller
 * may not all view) are not queryable either: a filter or sort over all records would tell the values of
 * the others.
 */
function queryableFields(
  filterFields: ReadonlyMap<string, FilterField>,
  access: FormTarget['access'],
): Map<string, FilterField> {
  return new Map(
    [...filterFields].filter(([key, field]) => {
      // A subform column goes with its subform: hidden when the whole subform is.
      const subform = field.within ? key.slice(0, key.indexOf('.')) : undefined;
      if (subform !== undefined && (access.hidden.has(subform) || access.perRecord.has(subform)))
        return false;
      return !access.hidden.has(key) && !access.perRecord.has(key);
    }),
  );
}

/** {@link formFilterFields} per directory and form (both are fixed once loaded: form-cache.ts). */
const filterFieldsMemo = new WeakMap<AppDirectory, WeakMap<LoadedForm, ReadonlyMap<string, FilterField>>>();

/**
 * Every filterable field of a form of `directory`, built once per loaded directory (every request built it
 * again: ~0.5% of a create's server CPU).
 */
export function formFilterFields(
  form: LoadedForm,
  directory: AppDirectory,
): ReadonlyMap<string, FilterField> {
  let byForm = filterFieldsMemo.get(directory);
  if (!byForm) {
    byForm = new WeakMap();
    filterFieldsMemo.set(directory, byForm);
  }
  let fields = byForm.get(form);
  if (!fields) {
    fields = filterFieldsOf(form.definition, formLookups(form, directory));
    byForm.set(form, fields);
  }
  return fields;
}

/** Resolves the fields a form's lookups read, so lookups filter like the fields they copy. */
export function formLookups(form: LoadedForm, directory: AppDirectory): FormLookup {
  return {
    lookupTarget: (field: FieldDef) => {
      const relation = form.definition.fields.find((f) => f.key === field.relation);
      const target = typeof relation?.form === 'string' ? directory.byKey(relation.form) : undefined;
      return target?.definition.fields.find((f) => f.key === field.field);
    },
  };
}

function accessTo(
  caller: Caller,
  scope: { app: AppRoles; directory: AppDirectory },
  form: LoadedForm,
  fields: ReadonlyMap<string, FilterField>,
  now: Date,
): FormAccess {
  return formAccess(
    subjectOf(caller),
    scope.app.roles ?? [],
    form.key,
    { ws: caller.ws, form: form.id },
    { fields, now, timeZone: caller.timeZone, inputs: inputsOf(scope.directory) },
  );
}

/** Another caller's access to the target's form (socket subscribers share one loaded form). */
export function accessOf(target: FormTarget, caller: Caller): FormAccess {
  return accessTo(caller, target, target.form, target.filterFields, target.now);
}

const related = new WeakMap<FormTarget, Map<string, FormAccess | null>>();

/**
 * The caller's access to another form of the target's app (the one a relation names), or `null` when the
 * app has no such form. Computed once per request and form.
 */
export function relatedAccess(target: FormTarget, formKey: string): FormAccess | null {
  let byKey = related.get(target);
  if (!byKey) {
    byKey = new Map();
    related.set(target, byKey);
  }
  if (byKey.has(formKey)) return byKey.get(formKey) ?? null;
  const form = target.directory.byKey(formKey);
  const access = form
    ? accessTo(target.caller, target, form, formFilterFields(form, target.directory), target.now)
    : null;
  byKey.set(formKey, access);
  return access;
}

/** A record as the API answers it: ids as strings, hidden fields left out. */
export interface RecordView {
  id: string;
  form: string;
  formVersion: number;
  data: Record<string, unknown>;
  owner: string;
  dept: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  v: number;
  flow?: unknown;
  deletedAt?: string;
}

/**
 * What the caller may see of a record's data: without removed fields and fields hidden from them, and
 * with values of related records they may not view masked (`visibility`, from {@link relatedVisibility}).
 */
export function visibleData(
  target: FormTarget,
  data: Record<string, unknown>,
  visibility: RelatedVisibility,
): Record<string, unknown> {
  const { definition } = target.form;
  const masked = maskRelated(definition.fields, target.access.perRecord, data, visibility);
  return target.access.strip(withoutHiddenFields(definition, masked)) as Record<string, unknown>;
}

/** The API views of records for the caller (one visibility query per related form for all of them). */
export async function recordViews(target: FormTarget, docs: readonly RecordDoc[]): Promise<RecordView[]> {
  const visibility = await relatedVisibility(
    target,
    target.access,
    docs.map((doc) => doc.data ?? {}),
  );
  return docs.map((doc) => recordView(target, doc, visibility));
}

/** The API view of one record for the caller. */
export async function viewOf(target: FormTarget, doc: RecordDoc): Promise<RecordView> {
  const [view] = await recordViews(target, [doc]);
  return view as RecordView;
}

/** The API view of a record for the caller, given which related records they may view. */
export function recordView(target: FormTarget, doc: RecordDoc, visibility: RelatedVisibility): RecordView {
  const view: RecordView = {
    id: doc._id.toHexString(),
    form: doc.form.toHexString(),
    formVersion: doc.formVersion,
    data: visibleData(target, doc.data ?? {}, visibility),
    owner: doc.owner.toHexString(),
    dept: doc.dept ? doc.dept.toHexString() : null,
    createdBy: doc.createdBy.toHexString(),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    v: doc.v,
  };
  if (isStoredFlow(doc.flow)) view.flow = flowStateView(doc._id, doc.flow);
  if (doc.deletedAt) view.deletedAt = doc.deletedAt.toISOString();
  return view;
}

/** Data without the values of removed (hidden) fields, which are kept in storage but shown nowhere. */
export function withoutHiddenFields(
  definition: FormDefinition,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const hidden = new Set(definition.fields.filter((f) => f.hidden).map((f) => f.key));
  if (hidden.size === 0) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !hidden.has(key)));
}

/** The values of hidden fields, carried over unchanged by updates. */
export function hiddenValues(
  definition: FormDefinition,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const hidden = new Set(definition.fields.filter((f) => f.hidden).map((f) => f.key));
  return Object.fromEntries(Object.entries(data).filter(([key]) => hidden.has(key)));
}

/** The values of the client-writable fields (no computed and no hidden ones). */
export function writableValues(
  definition: FormDefinition,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const byKey = new Map(definition.fields.map((f) => [f.key, f]));
  return Object.fromEntries(
    Object.entries(data).filter(([key]) => {
      const field = byKey.get(key);
      return field !== undefined && !field.hidden && !isComputed(field);
    }),
  );
}

/** Requires `data` to be a JSON object; anything else is a 400 at `/data`. */
export function requireObject(data: unknown): Record<string, unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw appError('VALIDATION_FAILED', 'record.invalid', [{ path: '/data', message: 'detail.object' }]);
  }
  return data as Record<string, unknown>;
}

/**
 * Drops values for computed fields (the server computes them), then validates against the form (with
 * the `required` of fields hidden by their visibility rule lifted, row by row in subforms) and runs
 * validation formulas (of subform columns per row too).
 */
export function validateData(target: FormTarget, input: Record<string, unknown>): Record<string, unknown> {
  const data = stripComputed(target.form.definition as never, input);
  // Visibility is decided on what the client may set; subform rows each decide for themselves.
  const { definition, details } = effectiveDefinition(target, data);
  // `null` clears a value: it is checked as given, then not stored.
  const issues = validateSubmission(definition as never, data);
  if (issues.length > 0 || details.length > 0)
    throw appError('VALIDATION_FAILED', 'record.invalid', [...issueDetails(issues, '/data'), ...details]);
  for (const key of Object.keys(data)) if (data[key] === null) delete data[key];
  normaliseValues(definition.fields, data);
  checkValidationFormulas(target, data);
  return data;
}

const ID_TYPES = new Set(['relation', 'member', 'department']);

/**
 * Stores values in one canonical form so equality and order on the stored strings are correct:
 * date-times in UTC, ids in lower-case hex (the schema accepts either case).
 */
function normaliseValues(fields: readonly FieldDef[], data: Record<string, unknown>): void {
  for (const field of fields) {
    const value = data[field.key];
    if (field.type === 'datetime' && typeof value === 'string')
      data[field.key] = new Date(value).toISOString();
    if (ID_TYPES.has(field.type)) {
      if (typeof value === 'string') data[field.key] = value.toLowerCase();
      else if (Array.isArray(value))
        data[field.key] = value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v));
    }
    if (field.type === 'subform' && Array.isArray(value) && Array.isArray(field.columns)) {
      for (const row of value) {
        if (row && typeof row === 'object')
          normaliseValues(field.columns as FieldDef[], row as Record<string, unknown>);
      }
    }
  }
}

/** The details of a write naming fields the caller may not write (the same whatever the values). */
export function forbiddenDetails(keys: readonly string[]): ErrorDetail[] {
  return keys.map((key) => ({
    path: `/data/${key.replace('.', '/')}`,
    message: 'detail.readOnly',
  }));
}

/** A 403 listing fields the caller may not write. */
export function forbidden(keys: readonly string[]): never {
  throw appError('FORBIDDEN', 'record.readOnlyFields', forbiddenDetails(keys));
}
