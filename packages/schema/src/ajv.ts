import { _, Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as formatsModule from 'ajv-formats';
import { hasMaxDecimals, SUBMISSION_FORMATS } from './field-types/fragments.js';
import { type Issue, type IssueCode, issue, pointer, SCHEMA_KEYWORDS } from './issues.js';
import { isLinearPattern, LINEAR_REGEX_FORMAT, linearRegExp } from './patterns.js';
import { UI_KEYWORD } from './ui-hints.js';

// ajv-formats is CommonJS: under Node's ESM loader the plugin is `default`, under some bundlers the module itself.
type FormatsPlugin = (ajv: Ajv2020, options: { mode: 'full'; keywords: boolean }) => Ajv2020;
function resolvePlugin(m: unknown): FormatsPlugin {
  let candidate = m as { default?: unknown } | FormatsPlugin;
  while (typeof candidate !== 'function' && candidate?.default !== undefined) {
    candidate = candidate.default as { default?: unknown } | FormatsPlugin;
  }
  if (typeof candidate !== 'function') throw new Error('ajv-formats plugin not found');
  return candidate;
}
const addFormats = resolvePlugin(formatsModule);

/** Options of {@link createAjv}. */
export interface CreateAjvOptions {
  /**
   * Tune for big, rarely used schemas (documents, template packs): shared `$defs` are called instead of
   * inlined and generated code is not optimised, which cuts compile time several-fold. Submission
   * validators, compiled once per form and run on every write, keep ajv's defaults.
   */
  readonly fastCompile?: boolean;
}

/**
 * Creates an ajv instance as this package uses it: draft 2020-12, all errors collected, no coercion, no
 * defaults inserted, no properties removed (validation never changes the data).
 */
export function createAjv(options: CreateAjvOptions = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    // `if: { required: [...] }` probes name properties the `if` itself does not declare.
    strictRequired: false,
    allowUnionTypes: true,
    coerceTypes: false,
    useDefaults: false,
    // Every `pattern` runs with RE2 semantics: users write validation patterns (patterns.ts).
    code: { regExp: linearRegExp, ...(options.fastCompile ? { optimize: false } : {}) },
    ...(options.fastCompile ? { inlineRefs: false } : {}),
  });
  addFormats(ajv, { mode: 'full', keywords: true });
  addFormloomVocabulary(ajv);
  return ajv;
}

/**
 * Adds what compiled submission schemas use beyond draft 2020-12 and ajv-formats: the formats
 * `object-id` and `phone`, and the keyword `maxDecimals` (a number has at most that many decimal places).
 */
export function addFormloomVocabulary(ajv: Ajv2020): Ajv2020 {
  for (const [name, re] of Object.entries(SUBMISSION_FORMATS)) ajv.addFormat(name, re);
  ajv.addFormat(LINEAR_REGEX_FORMAT, isLinearPattern);
  // An annotation for editors (ui-hints.ts); it never changes what validates.
  ajv.addKeyword({ keyword: UI_KEYWORD, schemaType: 'object' });
  ajv.addKeyword({
    keyword: 'maxDecimals',
    type: 'number',
    schemaType: 'number',
    error: { message: 'too many decimal places', params: ({ schemaCode }) => _`{limit: ${schemaCode}}` },
    validate: (decimals: number, value: number) => hasMaxDecimals(value, decimals),
  });
  return ajv;
}

let shared: Ajv2020 | undefined;
let documents: Ajv2020 | undefined;

/** The shared ajv instance for submissions (created on first use). */
export function sharedAjv(): Ajv2020 {
  shared ??= createAjv();
  return shared;
}

/** The shared ajv instance for document schemas, tuned for compile time (created on first use). */
export function documentAjv(): Ajv2020 {
  documents ??= createAjv({ fastCompile: true });
  return documents;
}

const KNOWN = new Set<string>(SCHEMA_KEYWORDS);

/** Index of the `anyOf` branch an error came from, given the `anyOf` error's schema path. */
function branchOf(err: ErrorObject, anyOfPath: string): number | undefined {
  const prefix = `${anyOfPath}/`;
  if (!err.schemaPath.startsWith(prefix)) return undefined;
  const n = Number.parseInt(err.schemaPath.slice(prefix.length), 10);
  return Number.isNaN(n) ? undefined : n;
}

/**
 * `anyOf` failures list the errors of every branch. Keep the errors of the branch that got furthest (deepest
 * instance path, then fewest errors); when every branch only failed on `type` at the same spot, say so once.
 */
function reduceAnyOf(errors: ErrorObject[]): ErrorObject[] {
  let list = errors;
  const anyOfs = list
    .filter((e) => e.keyword === 'anyOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const a of anyOfs) {
    const branches = new Map<number, ErrorObject[]>();
    for (const e of list) {
      const b = branchOf(e, a.schemaPath);
      if (b !== undefined && e.instancePath.startsWith(a.instancePath)) {
        branches.set(b, [...(branches.get(b) ?? []), e]);
      }
    }
    const involved = new Set([...branches.values()].flat());
    const rest = list.filter((e) => e !== a && !involved.has(e));
    const groups = [...branches.values()];
    const onlyTypes = groups.every((g) =>
      g.every((e) => e.keyword === 'type' && e.instancePath === a.instancePath),
    );
    if (groups.length === 0 || onlyTypes) {
      const types = groups.flat().map((e) => String(e.params.type));
      rest.push({ ...a, keyword: 'type', params: { type: [...new Set(types)].join(',') } });
    } else {
      const depth = (g: ErrorObject[]) => Math.max(...g.map((e) => e.instancePath.split('/').length));
      // A branch that failed only on `type` right here never matched the value's kind: rank it last.
      const wrongKind = (g: ErrorObject[]) =>
        g.every((e) => e.keyword === 'type' && e.instancePath === a.instancePath) ? 1 : 0;
      groups.sort((x, y) => depth(y) - depth(x) || wrongKind(x) - wrongKind(y) || x.length - y.length);
      rest.push(...(groups[0] ?? []));
    }
    list = rest;
  }
  return list;
}

/** Turns ajv errors into {@link Issue}s with JSON-pointer paths; paths are prefixed with `base`. */
export function toIssues(errors: readonly ErrorObject[] | null | undefined, base = ''): Issue[] {
  if (!errors) return [];
  const out: Issue[] = [];
  const seen = new Set<string>();
  // `if` only reports that its `then` failed; the `then` errors themselves say what is wrong.
  // `contains` tries its subschema on every item; those trial failures are not errors of the data.
  const relevant = errors.filter((x) => x.keyword !== 'if' && !/\/contains\//.test(x.schemaPath));
  for (const e of reduceAnyOf(relevant)) {
    let path = base + e.instancePath;
    const params: Record<string, unknown> = { ...e.params };
    if (e.keyword === 'required') path = pointer(path, String(e.params.missingProperty));
    if (e.keyword === 'additionalProperties') path = pointer(path, String(e.params.additionalProperty));
    const code = (KNOWN.has(e.keyword) ? `schema.${e.keyword}` : 'schema.invalid') as IssueCode;
    if (code === 'schema.invalid') params.keyword = e.keyword;
    const id = `${code}|${path}|${JSON.stringify(params)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(issue(code, path, params));
  }
  return out;
}

/** Runs a compiled validator and returns its issues (empty when valid). */
export function run(validate: ValidateFunction, data: unknown, base = ''): Issue[] {
  return validate(data) ? [] : toIssues(validate.errors, base);
}
