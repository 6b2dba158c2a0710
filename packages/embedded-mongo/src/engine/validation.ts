import { fail, MongoCommandError } from '../errors.js';
import type { Collection } from './collection.js';
import { compileSchema } from './json-schema.js';
import { checkFilter, compileMatcher, type Matcher } from './query.js';
import { reach } from './query-ops.js';
import { type Doc, isPlainObject, view } from './values.js';

/** A collection's document validator, compiled. */
interface Validator {
  level: 'strict' | 'moderate' | 'off';
  action: 'error' | 'warn';
  matches: Matcher;
  /** mongod's `errInfo.details` for a document that fails. */
  explain(doc: Doc): Doc;
}

const compiled = new WeakMap<Doc, Validator | undefined>();

const LEVELS = ['strict', 'moderate', 'off'] as const;
const ACTIONS = ['error', 'warn'] as const;

/** Operators a validator may not use (they need an index or a sort, or run code). */
const REFUSED = ['$near', '$nearSphere', '$text', '$where', '$geoNear'];

function refusedOperator(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = refusedOperator(x);
      if (r) return r;
    }
  } else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (REFUSED.includes(k)) return k;
      if (k === '$jsonSchema') continue;
      const r = refusedOperator(x);
      if (r) return r;
    }
  }
  return undefined;
}

/**
 * Checks `validator`, `validationLevel` and `validationAction` of create / collMod as mongod does
 * (the validator must parse as a filter; enumerations must be known).
 */
export function checkValidatorOptions(options: Doc): void {
  const { validator, validationLevel, validationAction } = options;
  if (validator !== undefined) {
    if (!isPlainObject(validator))
      fail(14, "BSON field 'validator' is the wrong type, expected type 'object'");
    const refused = refusedOperator(validator);
    if (refused) fail(2, `${refused} is not allowed in collection validators`);
    checkFilter(validator);
    compileMatcher(validator);
    if (isPlainObject(validator.$jsonSchema)) compileSchema(validator.$jsonSchema);
  }
  if (validationLevel !== undefined && !LEVELS.includes(validationLevel as never))
    fail(
      2,
      `Enumeration value '${String(validationLevel)}' for field 'validationLevel' is not a valid value.`,
    );
  if (validationAction !== undefined && !ACTIONS.includes(validationAction as never))
    fail(
      2,
      `Enumeration value '${String(validationAction)}' for field 'validationAction' is not a valid value.`,
    );
}

function validatorOf(c: Collection): Validator | undefined {
  const options = c.options;
  if (compiled.has(options)) return compiled.get(options);
  const v = options.validator;
  let out: Validator | undefined;
  if (isPlainObject(v) && Object.keys(v).length > 0) {
    out = {
      level: (options.validationLevel as Validator['level']) ?? 'strict',
      action: (options.validationAction as Validator['action']) ?? 'error',
      matches: compileMatcher(v),
      explain: explainer(v),
    };
  }
  compiled.set(options, out);
  return out;
}

/**
 * Validates a document about to be written: refused with DocumentValidationFailure 121 and
 * mongod's `errInfo` unless the collection's validationLevel or validationAction lets it through.
 * `previous` is the stored version an update replaces (validationLevel "moderate" skips
 * documents that already failed the validator).
 */
export function validateWrite(c: Collection, doc: Doc, previous: Doc | undefined, bypass: boolean): void {
  if (bypass) return;
  const v = validatorOf(c);
  if (!v || v.level === 'off' || v.matches(doc)) return;
  if (previous && v.level === 'moderate' && !v.matches(previous)) return;
  if (v.action === 'warn') return;
  throw new MongoCommandError(121, 'Document failed validation', {
    errInfo: { failingDocumentId: doc._id, details: v.explain(doc) },
  });
}

type Explain = (doc: Doc) => Doc | undefined;

/** Builds the per-clause explanation of a filter (undefined for a clause that holds). */
function explainer(filter: Doc): (doc: Doc) => Doc {
  const clauses = clauseExplainers(filter);
  return (doc) => {
    const failed = clauses.map((c) => c(doc));
    if (clauses.length === 1 && failed[0]) return failed[0];
    return {
      operatorName: '$and',
      clausesNotSatisfied: failed
        .map((details, index) => (details ? { index, details } : undefined))
        .filter((x) => x !== undefined),
    };
  };
}

function clauseExplainers(filter: Doc): Explain[] {
  const out: Explain[] = [];
  for (const [k, cond] of Object.entries(filter)) {
    if (k === '$jsonSchema') {
      const check = compileSchema(cond);
      out.push((doc) => {
        const rules = check(doc);
        return rules.length ? { operatorName: '$jsonSchema', schemaRulesNotSatisfied: rules } : undefined;
      });
    } else if (k === '$and' || k === '$or' || k === '$nor') {
      const subs = (cond as Doc[]).map((sub) => ({ test: compileMatcher(sub), explain: explainer(sub) }));
      const whole = compileMatcher({ [k]: cond });
      out.push((doc) => {
        if (whole(doc)) return undefined;
        if (k === '$nor') return { operatorName: '$nor', clausesNotSatisfied: [] };
        const failing = subs
          .map((s, index) => (s.test(doc) ? undefined : { index, details: s.explain(doc) }))
          .filter((x) => x !== undefined);
        return { operatorName: k, clausesNotSatisfied: failing };
      });
    } else if (k === '$expr') {
      const test = compileMatcher({ $expr: cond });
      out.push((doc) =>
        test(doc)
          ? undefined
          : {
              operatorName: '$expr',
              specifiedAs: { $expr: cond },
              reason: 'expression did not match',
              expressionResult: false,
            },
      );
    } else {
      const ops =
        isPlainObject(cond) && Object.keys(cond)[0]?.startsWith('$') ? Object.entries(cond) : [['$eq', cond]];
      for (const [op, arg] of ops) out.push(fieldClause(k, op as string, arg, cond));
    }
  }
  return out;
}

const REASONS: Record<string, string> = {
  $eq: 'comparison failed',
  $ne: 'comparison succeeded',
  $gt: 'comparison failed',
  $gte: 'comparison failed',
  $lt: 'comparison failed',
  $lte: 'comparison failed',
  $in: 'no matching value found in array',
  $nin: 'matching value found in array',
  $type: 'type did not match',
  $regex: 'regular expression did not match',
  $size: 'array length was not equal to given size',
  $all: 'array did not contain all specified values',
  $elemMatch: 'array did not satisfy the child predicate',
  $mod: 'remainder not equal to specified value',
};

function fieldClause(path: string, op: string, arg: unknown, cond: unknown): Explain {
  const test = compileMatcher({ [path]: { [op]: arg } });
  const parts = path.split('.');
  return (doc) => {
    if (test(doc)) return undefined;
    const values = reach(view(doc), parts).direct.filter((x) => x !== undefined);
    const specifiedAs = { [path]: cond };
    if (op === '$exists')
      return {
        operatorName: '$exists',
        specifiedAs,
        reason: arg ? 'path does not exist' : 'path does exist',
      };
    if (values.length === 0 && op !== '$ne' && op !== '$nin')
      return { operatorName: op, specifiedAs, reason: 'field was missing' };
    const out: Doc = { operatorName: op, specifiedAs, reason: REASONS[op] ?? 'expression did not match' };
    if (values.length === 1) out.consideredValue = values[0];
    else if (values.length > 1) out.consideredValues = values;
    return out;
  };
}
