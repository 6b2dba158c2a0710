import { automationActions, Trigger } from '@formloom/schema';
import { mapOf, type Schema, taggedOf } from '../designer/schema-shapes';

/** Every property name and enum or tag value that generated editors of `schemas` show. */
export function vocabularyOf(schemas: readonly Schema[]): { props: Set<string>; values: Set<string> } {
  const props = new Set<string>();
  const values = new Set<string>();
  const seen = new Set<Schema>();
  const walk = (schema: Schema | undefined) => {
    if (!schema || seen.has(schema)) return;
    seen.add(schema);
    const tagged = taggedOf(schema);
    if (tagged) {
      for (const m of tagged.members) {
        values.add(m.value);
        walk(m.schema);
      }
      return;
    }
    for (const v of schema.enum ?? []) values.add(String(v));
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      props.add(name);
      walk(prop);
    }
    walk(schema.items);
    const map = mapOf(schema);
    if (map) walk(map.value);
  };
  for (const schema of schemas) walk(schema);
  return { props, values };
}

/**
 * Every property name and enum or tag value the generated editors show for triggers and actions: each needs
 * a label in both languages (`automations.props.*`, `automations.enum.*`), checked by a unit test, so a new
 * action type brings its words and no code.
 */
export function automationVocabulary(): { props: Set<string>; values: Set<string> } {
  return vocabularyOf([
    Trigger as unknown as Schema,
    ...automationActions.keys().map((type) => automationActions.get(type)?.config as unknown as Schema),
  ]);
}
