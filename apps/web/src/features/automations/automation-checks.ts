import { formatFormulaError, typeCheck } from '@formloom/formula';
import {
  automationActions,
  formatIssue,
  type Issue,
  issue,
  KEY_PATTERN,
  type Locale,
  Trigger,
} from '@formloom/schema';
import { namedIn } from '../designer/schema-context';
import { hintedValues, missingParts, type Schema } from '../designer/schema-shapes';
import type { AutomationJson } from './automation-api';
import { type AutomationEnvironment, automationFormulaScope } from './automation-context';

/** A problem of the definition at a JSON pointer inside it (`/actions/0/config/form`). */
export interface AutomationIssue {
  path: string;
  message: string;
}

const KEY = new RegExp(KEY_PATTERN);
const PLACEHOLDER = /\{\{([^}]*)\}\}/g;

/**
 * What the browser finds before a save (the server's check stays authoritative): key and name, the
 * trigger's and each action's required settings (from their schemas), forms that do not exist, and every
 * formula — conditions, values, `{{ }}` placeholders — type-checked against what it may read there.
 */
export function checkAutomation(
  definition: AutomationJson,
  env: AutomationEnvironment,
  locale: Locale,
): AutomationIssue[] {
  const issues: Issue[] = [];
  const out: AutomationIssue[] = [];
  if (!KEY.test(definition.key)) issues.push(issue('schema.pattern', '/key', { pattern: KEY_PATTERN }));
  if (!Object.values(definition.name ?? {}).some((text) => text))
    issues.push(issue('schema.required', '/name', { missingProperty: 'name' }));
  issues.push(...missingParts(Trigger as unknown as Schema, definition.trigger, '/trigger'));
  const forms = new Set(env.forms.map((f) => f.key));
  const formRef = (value: unknown, path: string) => {
    if (typeof value === 'string' && value !== '' && !forms.has(value))
      issues.push(issue('ref.form', path, { form: value }));
  };
  formRef(definition.trigger.form, '/trigger/form');
  const formula = (source: string, path: string, parents: readonly unknown[]) => {
    const scope = automationFormulaScope(definition, env, namedIn(parents));
    const checked = typeCheck(source, scope.fields);
    if (!checked.ok) out.push({ path, message: formatFormulaError(checked.error, locale) });
  };
  (definition.conditions ?? []).forEach((c, i) => {
    if (c.trim() === '') issues.push(issue('schema.minLength', `/conditions/${i}`, { limit: 1 }));
    else formula(c, `/conditions/${i}`, []);
  });
  if (definition.actions.length === 0) issues.push(issue('schema.minItems', '/actions', { limit: 1 }));
  definition.actions.forEach((action, i) => {
    const entry = automationActions.get(action.type);
    const base = `/actions/${i}/config`;
    if (!entry) {
      issues.push(issue('ref.action', `/actions/${i}/type`, { action: action.type }));
      return;
    }
    if (action.when !== undefined) {
      if (action.when.trim() === '')
        issues.push(issue('schema.minLength', `/actions/${i}/when`, { limit: 1 }));
      else formula(action.when, `/actions/${i}/when`, []);
    }
    const schema = entry.config as unknown as Schema;
    issues.push(...missingParts(schema, action.config, base));
    for (const found of hintedValues(schema, action.config, base)) {
      if (!('widget' in found.hint) && found.hint.ref === 'form') formRef(found.value, found.path);
      if (typeof found.value !== 'string' || !('widget' in found.hint)) continue;
      if (found.hint.widget === 'formula') formula(found.value, found.path, found.parents);
      if (found.hint.widget === 'template')
        for (const m of found.value.matchAll(PLACEHOLDER)) formula(m[1] ?? '', found.path, found.parents);
    }
  });
  return [...issues.map((i) => ({ path: i.path, message: formatIssue(i, locale) })), ...out];
}

/** The server's details (`/definition/actions/0/config/form`) as pointers inside the definition. */
export function placeServerDetails(
  details: ReadonlyArray<{ path: string; message: string }>,
): AutomationIssue[] {
  return details.map((d) => ({
    path: d.path.startsWith('/definition') ? d.path.slice('/definition'.length) : d.path,
    message: d.message,
  }));
}
