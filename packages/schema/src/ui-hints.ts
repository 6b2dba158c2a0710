/**
 * Annotations that tell a generic editor (the form designer's property panel) how to edit a value whose
 * JSON type alone does not say it: a key that names a form, a field of some form, an option value, a
 * formula or a filter. They sit on the schema under {@link UI_KEYWORD} and never change validation; ajv
 * knows the keyword as an annotation (see `addFormloomVocabulary`). A new field type describes its config
 * with them, and the designer needs no code of its own for it.
 */

/** The schema keyword carrying a {@link UiHint}. */
export const UI_KEYWORD = 'x-ui';

/**
 * Where the candidates of a reference come from, read off the document being edited. `<prop>` is read from
 * the nearest enclosing object that has it (a `forEach` names its own form; an action config its form):
 * - `scope`: the fields of the record in scope — beside a field, its form's fields (or its subform's
 *   columns); in an automation, the trigger record's; in a flow, the flow's form's;
 * - `form:<prop>`: the fields of the form whose key is in property `<prop>`;
 * - `relation:<prop>`: the fields of the form that the relation field named by `<prop>` points to;
 * - `options:<prop>`: the option values of the choice field named by `<prop>`.
 */
export type UiSource = 'scope' | `form:${string}` | `relation:${string}` | `options:${string}`;

/** How to edit one value. */
export type UiHint =
  /** The key of a form of the same app. */
  | { readonly ref: 'form' }
  /** The key of a field; `types` narrows the candidates to fields of these types. */
  | { readonly ref: 'field'; readonly of: UiSource; readonly types?: readonly string[] }
  /** An option value of another choice field. */
  | { readonly ref: 'option'; readonly of: UiSource }
  /** The key of a role of the app. */
  | { readonly ref: 'role' }
  /** The id of a member of the workspace. */
  | { readonly ref: 'member' }
  /** The key of an approval flow of the app. */
  | { readonly ref: 'flow' }
  /** A formula over the fields of `of` (default: the field's scope). */
  | { readonly widget: 'formula'; readonly of?: UiSource }
  /** A filter (filter DSL) over the fields of `of`. */
  | { readonly widget: 'filter'; readonly of: UiSource }
  /** Text shown to people with `{{ formula }}` placeholders (formulas over the record in scope). */
  | { readonly widget: 'template' }
  /** Edited elsewhere (subform columns are edited on the canvas). */
  | { readonly widget: 'none' };

/**
 * A map's keys (`Type.Record`) are edited as the `propertyNames` schema says: give it a hint to pick keys
 * (`{ ref: 'field', of: 'form:form' }` for "field -> formula" maps); without one keys are typed in.
 */
export function keysBy(hint: UiHint, pattern: string): { readonly propertyNames: Record<string, unknown> } {
  return { propertyNames: { type: 'string', pattern, maxLength: 64, ...ui(hint) } };
}

/** Schema options adding a hint: `Type.String({ ...ui({ ref: 'form' }) })`. */
export function ui(hint: UiHint): { readonly [UI_KEYWORD]: UiHint } {
  return { [UI_KEYWORD]: hint };
}

/** The hint a schema carries, if any. */
export function uiHintOf(schema: unknown): UiHint | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  return (schema as Record<string, UiHint | undefined>)[UI_KEYWORD];
}
