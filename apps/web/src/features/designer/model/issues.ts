import {
  buildDependencyGraph,
  type FieldTypeMap,
  type FormulaError,
  formatFormulaError,
  isFormulaError,
  typeCheck,
} from '@formloom/formula';
import {
  type FormRef,
  fieldTypes,
  formatIssue,
  formulaFieldMap,
  type Issue,
  isLinearPattern,
  issue,
  KEY_PATTERN,
  LINEAR_REGEX_FORMAT,
  type Locale,
} from '@formloom/schema';
import { type DesignerDoc, type FieldJson, type FormJson, orderedFieldIds, toForm } from './form-tree';

/** A problem of the document, placed on the field (node id) and property it concerns. */
export interface DesignerIssue {
  /** The field node, or null for the form itself (name, key, layout). */
  readonly id: string | null;
  /** JSON pointer inside the field (`/expression`, `/options/2/value`), or inside the form when `id` is null. */
  readonly path: string;
  readonly message: string;
  readonly code: string;
  /** For formula errors: the character the error is at. */
  readonly position?: number;
}

/** Maps JSON pointers of the serialized form (`/fields/3/columns/1/key`) back to node ids. */
export function pathIndex(doc: DesignerDoc): (path: string) => { id: string | null; rest: string } {
  const top = orderedFieldIds(doc);
  return (path) => {
    const m = /^\/fields\/(\d+)(?:\/columns\/(\d+))?(\/.*)?$/.exec(path);
    if (!m) return { id: null, rest: path };
    const id = top[Number(m[1])];
    if (!id) return { id: null, rest: path };
    if (m[2] === undefined) return { id, rest: m[3] ?? '' };
    const column = doc.nodes[id]?.columns?.[Number(m[2])];
    return column ? { id: column, rest: m[3] ?? '' } : { id, rest: `/columns/${m[2]}${m[3] ?? ''}` };
  };
}

/** Every formula a field holds, with its pointer inside the field. */
export function formulasOf(field: FieldJson): Array<{ path: string; source: string }> {
  const out: Array<{ path: string; source: string }> = [];
  if (field.type === 'formula' && typeof field.expression === 'string' && field.expression.trim() !== '') {
    out.push({ path: '/expression', source: field.expression });
  }
  const def = field.default as { formula?: unknown } | undefined;
  if (typeof def?.formula === 'string') out.push({ path: '/default/formula', source: def.formula });
  const validation = field.validation as { formula?: unknown } | undefined;
  if (typeof validation?.formula === 'string')
    out.push({ path: '/validation/formula', source: validation.formula });
  if (typeof field.visibleWhen === 'string') out.push({ path: '/visibleWhen', source: field.visibleWhen });
  return out;
}

/** The field map a formula of field node `id` sees: the form's fields, and its own row's columns in a subform. */
export function fieldMapFor(doc: DesignerDoc, id: string | null, forms: readonly FormRef[]): FieldTypeMap {
  const form = toForm(doc) as unknown as FormRef;
  const owner = id === null ? undefined : Object.values(doc.nodes).find((n) => n.columns?.includes(id));
  const findForm = (key: string) => forms.find((f) => f.key === key);
  return formulaFieldMap(form, {
    findForm,
    ...(owner ? { columnsOf: owner.field.key } : {}),
  }) as FieldTypeMap;
}

function formulaIssue(id: string, path: string, error: FormulaError, locale: Locale): DesignerIssue {
  return { id, path, code: error.code, message: formatFormulaError(error, locale), position: error.position };
}

/**
 * Everything that would stop a publish, found in the browser: the meta-model's checks (schema, keys,
 * references) and every formula parsed and type-checked against the fields it may use, plus cycles
 * between computed fields. `forms` are the app's other forms (relations, lookups, rollups).
 */
export function findIssues(doc: DesignerDoc, forms: readonly FormRef[], locale: Locale): DesignerIssue[] {
  const form = toForm(doc);
  const locate = pathIndex(doc);
  const out: DesignerIssue[] = [];
  // The full meta-model check needs ajv's generated code, which the page's CSP (no eval) forbids: the
  // browser checks what users get wrong while building, and the server's check on save is authoritative
  // (its details are placed on the fields the same way, see placeServerDetails).
  for (const found of localChecks(form)) {
    const { id, rest } = locate(found.path);
    out.push({ id, path: rest, code: found.code, message: formatIssue(found, locale) });
  }
  const refs: Record<string, readonly string[]> = {};
  const idOfKey = new Map<string, string>();
  // One field map for the form and one per subform, not one per formula (300 fields stay fast).
  const maps = new Map<string, FieldTypeMap>();
  const mapFor = (id: string) => {
    const owner = Object.values(doc.nodes).find((n) => n.columns?.includes(id))?.id ?? '';
    const known = maps.get(owner);
    if (known) return known;
    const map = fieldMapFor(doc, owner === '' ? null : id, forms);
    maps.set(owner, map);
    return map;
  };
  for (const node of Object.values(doc.nodes)) {
    const field = node.field;
    const formulas = formulasOf(field);
    if (formulas.length === 0) continue;
    const fieldTypes = mapFor(node.id);
    for (const { path, source } of formulas) {
      const checked = typeCheck(source, fieldTypes);
      if (!checked.ok) out.push(formulaIssue(node.id, path, checked.error, locale));
      else if (field.type === 'formula' && path === '/expression') {
        refs[field.key] = checked.refs;
        idOfKey.set(field.key, node.id);
      }
    }
  }
  try {
    buildDependencyGraph(refs);
  } catch (error) {
    if (!isFormulaError(error)) throw error;
    const cycle = (error.params.cycle as readonly string[] | undefined) ?? [];
    for (const key of new Set(cycle)) {
      const id = idOfKey.get(key);
      if (id) out.push(formulaIssue(id, '/expression', error, locale));
    }
  }
  return out;
}

/** Server error details (`/fields/2/expression`) placed on the fields they concern, like local issues. */
export function placeServerDetails(
  doc: DesignerDoc,
  details: ReadonlyArray<{ path: string; message: string }>,
): DesignerIssue[] {
  const locate = pathIndex(doc);
  return details.map((d) => {
    const { id, rest } = locate(d.path);
    const at = /at character (\d+)/.exec(d.message);
    return { id, path: rest, message: d.message, code: 'server', ...(at ? { position: Number(at[1]) } : {}) };
  });
}

export type { FormJson };

const KEY = new RegExp(KEY_PATTERN);
type JsonSchema = { required?: string[]; properties?: Record<string, { minItems?: number }> };

function checkFields(fields: readonly FieldJson[], base: string, out: Issue[]): void {
  const seen = new Set<string>();
  fields.forEach((field, i) => {
    const path = `${base}/${i}`;
    if (!KEY.test(field.key)) out.push(issue('schema.pattern', `${path}/key`, { pattern: KEY_PATTERN }));
    else if (seen.has(field.key)) out.push(issue('key.duplicate', `${path}/key`, { key: field.key }));
    seen.add(field.key);
    if (!field.label || !Object.values(field.label).some((text) => text)) {
      out.push(issue('schema.required', `${path}/label`, { missingProperty: 'label' }));
    }
    const schema = fieldTypes.get(field.type)?.schema as JsonSchema | undefined;
    for (const name of schema?.required ?? []) {
      if (field[name] === undefined || field[name] === '') {
        out.push(issue('schema.required', `${path}/${name}`, { missingProperty: name }));
      }
    }
    for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
      const value = field[name];
      if (Array.isArray(value) && prop.minItems !== undefined && value.length < prop.minItems) {
        out.push(issue('schema.minItems', `${path}/${name}`, { limit: prop.minItems }));
      }
    }
    // The server's own check (RE2 semantics, linear time): a pattern it would refuse is marked here first.
    const pattern = (field.validation as { pattern?: unknown } | undefined)?.pattern;
    if (typeof pattern === 'string' && pattern !== '' && !isLinearPattern(pattern)) {
      out.push(issue('schema.format', `${path}/validation/pattern`, { format: LINEAR_REGEX_FORMAT }));
    }
    if (field.type === 'subform' && Array.isArray(field.columns)) {
      checkFields(field.columns as FieldJson[], `${path}/columns`, out);
    }
  });
}

/** What the browser checks of a form's shape: keys, labels, required and non-empty settings of each type. */
export function localChecks(form: FormJson): Issue[] {
  const out: Issue[] = [];
  if (!KEY.test(form.key)) out.push(issue('schema.pattern', '/key', { pattern: KEY_PATTERN }));
  if (!Object.values(form.name ?? {}).some((text) => text))
    out.push(issue('schema.required', '/name', { missingProperty: 'name' }));
  if (form.fields.length === 0) out.push(issue('schema.minItems', '/fields', { limit: 1 }));
  checkFields(form.fields, '/fields', out);
  return out;
}
