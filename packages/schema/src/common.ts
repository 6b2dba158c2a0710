import { type Static, type TSchema, Type } from 'typebox';
import { type UiHint, ui } from './ui-hints.js';

/** Body of {@link KEY_PATTERN} without anchors, for composing larger patterns. */
export const KEY_BODY = '[a-z][a-zA-Z0-9_]*';

/** Pattern of every stable key a user defines (field, form, flow, role, ...): starts lower-case, then word characters. */
export const KEY_PATTERN = `^${KEY_BODY}$`;

/** Pattern of a MongoDB ObjectId as sent over JSON: 24 lower- or upper-case hex digits. */
export const OBJECT_ID_PATTERN = '^[0-9a-fA-F]{24}$';

/** A stable key: never changes once created, so stored data and templates can rely on it. */
export const Key = Type.String({ pattern: KEY_PATTERN, maxLength: 64 });

/** An ObjectId string (records, members, departments, files). */
export const ObjectIdString = Type.String({ pattern: OBJECT_ID_PATTERN });

/** Locales the meta-model carries text for. */
export const LOCALES = ['zh-CN', 'en'] as const;

/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number];

/** Schema of a {@link Locale}. */
export const LocaleSchema = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]);

/** Text shown to users, per locale; at least one locale must be present. */
export const LocalizedText = Type.Object(
  {
    'zh-CN': Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    en: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Static type of {@link LocalizedText}. */
export type LocalizedText = Static<typeof LocalizedText>;

/**
 * A formula expression in the language of `@formloom/formula`. Only its syntax-free shape is checked
 * here; parsing and type checking belong to the formula package.
 */
export const Formula = Type.String({ minLength: 1, maxLength: 4000, ...ui({ widget: 'formula' }) });

/** A {@link Key} that refers to something (a form, a field, an option), with the hint editors pick it by. */
export function KeyRef(hint: UiHint) {
  return Type.String({ pattern: KEY_PATTERN, maxLength: 64, ...ui(hint) });
}

/** A plain JSON value, as a default constant or a filter operand can hold. */
export const JsonValue = Type.Unknown();

/**
 * A union of object schemas told apart by one literal property (`type`, `kind`, `op`, ...), emitted as a
 * chain of `if`/`then`/`else` so a validator reports the errors of the matching branch only, instead of
 * the errors of every branch that `anyOf` would give. Plain draft 2020-12, no vendor keyword.
 */
export function tagged<T extends TSchema[]>(tag: string, members: [...T]) {
  const union = Type.Union(members);
  const tags: unknown[] = [];
  const cases = members.map((member) => {
    const prop = (member as { properties?: Record<string, { const?: unknown; enum?: unknown[] }> })
      .properties?.[tag];
    const values = prop?.const !== undefined ? [prop.const] : (prop?.enum ?? []);
    if (values.length === 0) throw new Error(`tagged(): a member lacks a literal "${tag}"`);
    tags.push(...values);
    return { values, member };
  });
  // A flat allOf of independent if/then pairs: nested else-chains made ajv's compile time grow badly.
  const branches = cases.map(({ values, member }) => ({
    if: { type: 'object', required: [tag], properties: { [tag]: { enum: values } } },
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here
    then: member,
  }));
  return Type.Unsafe<Static<typeof union>>({
    type: 'object',
    required: [tag],
    properties: { [tag]: { enum: tags } },
    allOf: branches,
  });
}
