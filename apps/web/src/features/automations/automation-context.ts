import type { FieldKind, FieldTypeMap } from '@formloom/formula';
import { type FormRef, formulaFieldMap } from '@formloom/schema';
import { fieldsFrom, fieldsOfForm, type KnownForm, optionsFrom } from '../designer/editor-context';
import type { FieldJson } from '../designer/model/form-tree';
import type { Choice, Named, SchemaContext } from '../designer/schema-context';
import { textOf } from '../designer/type-labels';
import type { AutomationJson } from './automation-api';

/** Values every record has besides its fields, as automation formulas read them. */
export const SYSTEM_FIELDS: Readonly<Record<string, FieldKind>> = {
  _id: 'text',
  _owner: 'member',
  _createdBy: 'member',
  _dept: 'text',
  _createdAt: 'datetime',
  _updatedAt: 'datetime',
};

/** What a member item of a `forEach` carries. */
const MEMBER_ITEM: Readonly<Record<string, FieldKind>> = {
  id: 'member',
  name: 'text',
  email: 'text',
  department: 'text',
  manager: 'member',
};

/** Words the scope labels with, in the user's language (the page passes them through i18n). */
export interface ScopeWords {
  /** Label of a system value (`_id`, `_owner`, ...) and of a member item's property. */
  system: (name: string) => string;
  /** `Item / <label>` */
  item: (label: string) => string;
  /** `Input / <name>` */
  input: (name: string) => string;
}

/** Everything an automation's editors need to know about its app. */
export interface AutomationEnvironment {
  forms: readonly KnownForm[];
  roles: Choice[];
  members: Choice[];
  flows?: Choice[];
  language: 'en' | 'zh-CN';
  words: ScopeWords;
}

const INPUT_NAME = /\binput\.([A-Za-z_][A-Za-z0-9_]*)/g;

/** `input.<name>` names the automation's formulas use: a manual run's input is free-form. */
export function inputNames(definition: AutomationJson): string[] {
  const names = new Set<string>();
  for (const m of JSON.stringify(definition).matchAll(INPUT_NAME)) if (m[1]) names.add(m[1]);
  return [...names].sort();
}

function asFormRef(forms: readonly KnownForm[], key: unknown): FormRef | undefined {
  return forms.find((f) => f.key === key) as unknown as FormRef | undefined;
}

/** The trigger form's visible fields (none for scheduled and manual triggers). */
export function triggerFields(definition: AutomationJson, forms: readonly KnownForm[]): FieldJson[] {
  return fieldsOfForm(forms, definition.trigger.form);
}

/**
 * What an automation formula may read at a place in the definition (docs/automations.md): the trigger
 * record's fields and system values, `input.<name>`, and `item.<name>` where the enclosing config repeats
 * over items (a `forEach` of records or members, or the records a filter matches).
 */
export function automationFormulaScope(
  definition: AutomationJson,
  env: AutomationEnvironment,
  named: Named = () => undefined,
): { fields: FieldTypeMap; labels: Map<string, string> } {
  const labels = new Map<string, string>();
  const findForm = (key: string) => asFormRef(env.forms, key);
  const fields: Record<string, FieldKind> = {};
  const own = asFormRef(env.forms, definition.trigger.form);
  if (own) {
    Object.assign(fields, formulaFieldMap(own, { findForm }));
    for (const f of triggerFields(definition, env.forms)) labels.set(f.key, textOf(f.label, env.language));
  }
  for (const [name, kind] of Object.entries(SYSTEM_FIELDS)) {
    fields[name] = kind;
    labels.set(name, env.words.system(name));
  }
  const each = named('forEach') as { kind?: string; form?: string } | undefined;
  const itemForm = each?.kind === 'records' ? each.form : each ? undefined : named('filter') && named('form');
  if (each?.kind === 'members') {
    for (const [name, kind] of Object.entries(MEMBER_ITEM)) {
      fields[`item.${name}`] = kind;
      labels.set(`item.${name}`, env.words.item(env.words.system(name)));
    }
  } else if (typeof itemForm === 'string') {
    const form = findForm(itemForm);
    if (form) {
      const visible = new Map(fieldsOfForm(env.forms, itemForm).map((f) => [f.key, f]));
      for (const [key, kind] of Object.entries(formulaFieldMap(form, { findForm }))) {
        const field = visible.get(key);
        if (!field) continue;
        fields[`item.${key}`] = kind as FieldKind;
        labels.set(`item.${key}`, env.words.item(textOf(field.label, env.language) || key));
      }
      fields['item._id'] = 'text';
      labels.set('item._id', env.words.item(env.words.system('_id')));
    }
  }
  for (const name of inputNames(definition)) {
    fields[`input.${name}`] = 'any';
    labels.set(`input.${name}`, env.words.input(name));
  }
  return { fields: fields as FieldTypeMap, labels };
}

/**
 * The automation editor's answers to schema-generated editors: `scope` is the trigger record, `form:<prop>`
 * the form an action config or its `forEach` names; roles, members and flows of the app and workspace.
 */
export function automationSchemaContext(
  definition: AutomationJson,
  env: AutomationEnvironment,
  errorsAt?: (path: string) => string[],
): SchemaContext {
  const own = triggerFields(definition, env.forms);
  const withId: FieldJson[] = [
    { key: '_id', type: 'text', label: { [env.language]: env.words.system('_id') } },
    ...own,
  ];
  return {
    language: env.language,
    forms: env.forms,
    vocabulary: 'automations',
    compactFormulas: true,
    fields: (of, named) => fieldsFrom(of, own, named, (key) => fieldsOfForm(env.forms, key)),
    options: (of, named) => optionsFrom(of, own, named, env.language),
    formulaScope: (_of, named) => automationFormulaScope(definition, env, named),
    ownFields: () => withId,
    choices: (ref) => (ref === 'role' ? env.roles : ref === 'member' ? env.members : env.flows),
    ...(errorsAt ? { errorsAt } : {}),
  };
}
