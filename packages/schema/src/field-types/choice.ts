import { type Static, Type } from 'typebox';
import { KeyRef, LocalizedText } from '../common.js';
import { type Issue, issue, pointer } from '../issues.js';
import { ui } from '../ui-hints.js';
import { type BaseField, defineFieldType, type FieldCheckContext, type JsonSchemaObject } from './define.js';
import { withCount } from './fragments.js';

/** One option of a choice field. `parents` makes it cascade: offered only while the parent has one of them. */
export const ChoiceOption = Type.Object(
  {
    value: Type.String({ minLength: 1, maxLength: 100 }),
    label: Type.Optional(LocalizedText),
    color: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
    parents: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        minItems: 1,
        ...ui({ ref: 'option', of: 'options:dependsOn' }),
      }),
    ),
  },
  { additionalProperties: false },
);

/** Static type of {@link ChoiceOption}. */
export type ChoiceOption = Static<typeof ChoiceOption>;

const choiceConfig = {
  options: Type.Array(ChoiceOption, { minItems: 1, maxItems: 1000 }),
  /** Key of a single-choice field in the same scope whose value filters the options (cascading). */
  dependsOn: Type.Optional(KeyRef({ ref: 'field', of: 'scope', types: ['select', 'radio'] })),
  /** Option order is meaningful (stages): formulas and reports may compare by position. */
  ordered: Type.Optional(Type.Boolean()),
};

interface ChoiceField extends BaseField {
  readonly options: readonly ChoiceOption[];
  readonly dependsOn?: string;
}

/** Two options to rename, so a new choice field is valid from the start. */
const starter = {
  options: [
    { value: 'option1', label: { en: 'Option 1', 'zh-CN': '选项 1' } },
    { value: 'option2', label: { en: 'Option 2', 'zh-CN': '选项 2' } },
  ],
};

const values = (field: ChoiceField) => field.options.map((o) => o.value);

/**
 * Cascading options as `if parent = P then value ∈ options offered under P`. Options without `parents`
 * are offered under every parent value.
 */
function cascadeRules(field: ChoiceField, multiple: boolean): JsonSchemaObject[] {
  const parent = field.dependsOn;
  if (parent === undefined) return [];
  const parentValues = new Set(field.options.flatMap((o) => o.parents ?? []));
  return [...parentValues].map((p) => {
    const allowed = field.options.filter((o) => !o.parents || o.parents.includes(p)).map((o) => o.value);
    return {
      if: { type: 'object', required: [parent], properties: { [parent]: { const: p } } },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here
      then: {
        properties: { [field.key]: multiple ? { items: { enum: allowed } } : { enum: [...allowed, null] } },
      },
    };
  });
}

function checkChoice(field: ChoiceField, ctx: FieldCheckContext): Issue[] {
  const out: Issue[] = [];
  const seen = new Set<string>();
  field.options.forEach((o, i) => {
    if (seen.has(o.value))
      out.push(issue('option.duplicate', pointer(ctx.path, 'options', i), { value: o.value }));
    seen.add(o.value);
  });
  if (field.dependsOn === undefined) return out;
  const parent = ctx.scope.find((f) => f.key === field.dependsOn);
  if (!parent) {
    out.push(
      issue('ref.field', pointer(ctx.path, 'dependsOn'), { form: ctx.form.key, field: field.dependsOn }),
    );
  } else if (parent.type !== 'select' && parent.type !== 'radio') {
    out.push(
      issue('ref.fieldType', pointer(ctx.path, 'dependsOn'), {
        field: parent.key,
        expected: 'select,radio',
        actual: parent.type,
      }),
    );
  } else {
    const offered = new Set((parent as ChoiceField).options.map((o) => o.value));
    field.options.forEach((o, i) => {
      o.parents?.forEach((p, j) => {
        if (!offered.has(p))
          out.push(issue('option.parent', pointer(ctx.path, 'options', i, 'parents', j), { value: p }));
      });
    });
  }
  return out;
}

function single(type: 'select' | 'radio', component: string) {
  return defineFieldType({
    type,
    config: choiceConfig,
    computed: false,
    component,
    starter,
    formulaType: () => 'select',
    submission: (field) => ({ type: 'string', enum: values(field) }),
    rowRules: (field) => cascadeRules(field, false),
    check: checkChoice,
  });
}

function multi(type: 'multiselect' | 'checkbox', component: string) {
  return defineFieldType({
    type,
    config: choiceConfig,
    computed: false,
    component,
    starter,
    formulaType: () => 'multiselect',
    submission: (field) =>
      withCount({ type: 'array', items: { type: 'string', enum: values(field) }, uniqueItems: true }, field),
    rowRules: (field) => cascadeRules(field, true),
    check: checkChoice,
  });
}

/** One value from a drop-down list. */
export const selectType = single('select', 'Select');
/** One value from radio buttons (a select shown differently). */
export const radioType = single('radio', 'RadioGroup');
/** Several values from a drop-down list. */
export const multiselectType = multi('multiselect', 'MultiSelect');
/** Several values from a group of check boxes (a multiselect shown differently). */
export const checkboxType = multi('checkbox', 'CheckboxGroup');

/** On or off. */
export const switchType = defineFieldType({
  type: 'switch',
  config: {},
  computed: false,
  component: 'Switch',
  formulaType: () => 'boolean',
  submission: () => ({ type: 'boolean' }),
});
