import {
  createAjv,
  type Issue,
  KEY_PATTERN,
  type TemplatePack,
  toIssues,
  validateTemplatePack,
} from '@formloom/schema';
import { Types } from 'mongoose';
import { type Static, Type } from 'typebox';
import { WORKSPACE_ROLES } from '../../lib/access/index.js';
import { appError, type ErrorDetail, isAppError, t } from '../../lib/errors.js';
import { issueDetails } from '../forms/issues.js';
import type { FieldDef, FormDefinition } from '../forms/meta.js';
import { checkConditions } from '../forms/publish-checks.js';
import { FormulaSetupError, formulaSetupDetail } from '../records/formulas.js';
import { type FormDirectory, type LoadedForm, planScope } from '../records/plan.js';

/** One record of a pack's `records` section: an optional reference name and its data. */
export const PackRecord = Type.Object(
  {
    /** Names the record for relation values of other records (unique within its form). */
    ref: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** The email of the person who owns the record (a member of the importing workspace, else the importer). */
    owner: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);

/** The `records` section of a pack (demo data, or the data of an export): records by form key. */
export const PackRecords = Type.Record(Type.String({ pattern: KEY_PATTERN }), Type.Array(PackRecord), {
  additionalProperties: false,
});

/** Static type of {@link PackRecords}. */
export type PackRecords = Static<typeof PackRecords>;

/** A pack as the server imports or exports it: a template pack plus, optionally, its records. */
export type PackWithRecords = TemplatePack & { records?: PackRecords };

let recordsValidator: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

// Codes of checks that find input the meta-model forbids outright (400); the others find valid JSON
// whose references or rules do not hold (422).
const MALFORMED = /^(schema\.|key\.duplicate$|option\.duplicate$|range\.inverted$)/;

function fail(issues: readonly Issue[]): never {
  const details = issueDetails(issues);
  if (issues.some((i) => MALFORMED.test(i.code))) {
    throw appError('VALIDATION_FAILED', 'pack.invalid', details);
  }
  throw appError('UNPROCESSABLE', 'pack.unknownRefs', details);
}

/** Where the forms of a pack will live: their ids, fixed before anything is written. */
export interface PackPlan {
  appId: Types.ObjectId;
  forms: LoadedForm[];
  directory: FormDirectory;
}

/**
 * Gives every form of the pack its id and checks every formula against the pack's own forms — syntax,
 * types and cycles, as publishing a form does — so an import that would fail here writes nothing (422).
 */
export function planPack(pack: TemplatePack): PackPlan {
  const appId = new Types.ObjectId();
  const forms: LoadedForm[] = pack.forms.map((definition) => ({
    id: new Types.ObjectId(),
    app: appId,
    key: definition.key,
    version: 1,
    definition: definition as unknown as FormDefinition,
  }));
  const byKey = new Map(forms.map((f) => [f.key, f]));
  const directory: FormDirectory = { byKey: (key) => byKey.get(key) };
  const details: ErrorDetail[] = [];
  forms.forEach((form, i) => {
    try {
      planScope(form.definition.fields, directory);
    } catch (error) {
      if (!(error instanceof FormulaSetupError)) throw error;
      details.push(formulaSetupDetail(error, `/forms/${i}`));
    }
    try {
      checkConditions(form.definition.fields, directory, `/forms/${i}/fields`);
    } catch (error) {
      if (!isAppError(error)) throw error;
      details.push(...(error.details ?? []));
    }
  });
  if (details.length > 0) throw appError('UNPROCESSABLE', 'pack.badFormula', details);
  return { appId, forms, directory };
}

function relationFields(fields: readonly FieldDef[]): FieldDef[] {
  return fields.filter((f) => f.type === 'relation' && !f.hidden);
}

/** Reference names of the values of a relation field: one, or a list for a multiple relation. */
export function relationRefs(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Checks the records section against the pack: forms exist, refs are unique, relation values resolve. */
function checkRecords(pack: TemplatePack, records: PackRecords): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const forms = new Map(pack.forms.map((f) => [f.key, f as unknown as FormDefinition]));
  const refs = new Map<string, Set<string>>();
  for (const [formKey, list] of Object.entries(records)) {
    if (!forms.has(formKey)) out.push({ path: `/records/${formKey}`, message: 'detail.noPackForm' });
    const seen = new Set<string>();
    list.forEach((record, i) => {
      if (record.ref === undefined) return;
      if (seen.has(record.ref))
        out.push({
          path: `/records/${formKey}/${i}/ref`,
          message: t('detail.refRepeated', { ref: record.ref }),
        });
      seen.add(record.ref);
    });
    refs.set(formKey, seen);
  }
  for (const [formKey, list] of Object.entries(records)) {
    const form = forms.get(formKey);
    if (!form) continue;
    const check = (fields: readonly FieldDef[], data: Record<string, unknown>, base: string) => {
      for (const field of relationFields(fields)) {
        const known = refs.get(String(field.form)) ?? new Set<string>();
        relationRefs(data[field.key]).forEach((ref, j) => {
          if (typeof ref !== 'string' || !known.has(ref)) {
            const path = Array.isArray(data[field.key])
              ? `${base}/${field.key}/${j}`
              : `${base}/${field.key}`;
            out.push({ path, message: t('detail.noPackRecord', { form: String(field.form) }) });
          }
        });
      }
    };
    list.forEach((record, i) => {
      const base = `/records/${formKey}/${i}/data`;
      check(form.fields, record.data, base);
      for (const sub of form.fields.filter((f) => f.type === 'subform' && Array.isArray(f.columns))) {
        const rows = record.data[sub.key];
        if (!Array.isArray(rows)) continue;
        rows.forEach((row, r) => {
          if (row && typeof row === 'object')
            check(sub.columns as FieldDef[], row as Record<string, unknown>, `${base}/${sub.key}/${r}`);
        });
      }
    });
  }
  return out;
}

/**
 * Validates a pack as import receives it: the `records` section is split off, the rest is checked with
 * the schema package (every issue collected: JSON Schema failures and duplicates answer 400, references
 * that do not resolve 422, all with JSON-pointer paths), then the records section's shape and references.
 */
export function checkPack(input: unknown): { pack: TemplatePack; records: PackRecords | undefined } {
  const { records, ...rest } =
    input && typeof input === 'object' && !Array.isArray(input)
      ? (input as Record<string, unknown>)
      : { records: undefined };
  const rawPack = input && typeof input === 'object' && !Array.isArray(input) ? rest : input;
  const issues = validateTemplatePack(rawPack);
  if (records !== undefined) {
    recordsValidator ??= createAjv().compile(PackRecords);
    if (!recordsValidator(records)) issues.push(...toIssues(recordsValidator.errors, '/records'));
  }
  if (issues.length > 0) fail(issues);
  const pack = rawPack as TemplatePack;
  // A member holding an app role keyed `admin` would be a workspace admin: the keys are one namespace.
  const reserved: ErrorDetail[] = (pack.roles ?? []).flatMap((role, i) =>
    (WORKSPACE_ROLES as readonly string[]).includes(role.key)
      ? [{ path: `/roles/${i}/key`, message: t('detail.workspaceRole', { role: role.key }) }]
      : [],
  );
  if (reserved.length > 0) throw appError('UNPROCESSABLE', 'pack.reservedRoles', reserved);
  const recordIssues = records === undefined ? [] : checkRecords(pack, records as PackRecords);
  if (recordIssues.length > 0) throw appError('UNPROCESSABLE', 'pack.unknownRecordRefs', recordIssues);
  return { pack, records: records as PackRecords | undefined };
}
