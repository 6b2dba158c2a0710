import { type Issue, issue, uiHintOf } from '@formloom/schema';
import { pointerAt } from './schema-context';

/** A JSON Schema as the generated editors read it (TypeBox output: plain objects). */
export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  allOf?: Schema[];
  if?: Schema;
  then?: Schema;
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  propertyNames?: Schema;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
  $ref?: string;
  [keyword: string]: unknown;
};

const TEXT_REF = '#/$defs/formloomText';

/** Localized text: a `{ zh-CN, en }` object. */
export function isLocalized(schema: Schema): boolean {
  return (
    schema.$ref === TEXT_REF ||
    (schema.properties !== undefined && 'zh-CN' in schema.properties && 'en' in schema.properties)
  );
}

/** The allowed values of an enum (or a union of constants). */
export function enumOf(schema: Schema): unknown[] | undefined {
  if (schema.enum) return schema.enum;
  if (schema.anyOf?.every((s) => 'const' in s)) return schema.anyOf.map((s) => s.const);
  return undefined;
}

/** A union told apart by one property (`tagged()` of @formloom/schema): the tag and one schema per value. */
export interface TaggedShape {
  tag: string;
  members: Array<{ value: string; schema: Schema }>;
}

/** Reads a `tagged()` union (`allOf` of `if { tag: enum } then member`), or undefined. */
export function taggedOf(schema: Schema): TaggedShape | undefined {
  const branches = schema.allOf;
  if (!branches || branches.length === 0 || !branches.every((b) => b.if?.properties && b.then)) return;
  const tag = Object.keys(branches[0]?.if?.properties ?? {})[0];
  if (!tag) return undefined;
  const members = branches.flatMap((b) =>
    (b.if?.properties?.[tag]?.enum ?? []).map((value) => ({
      value: String(value),
      schema: b.then as Schema,
    })),
  );
  return { tag, members };
}

/** The member of a tagged union a value belongs to (by its tag), else the first. */
export function memberOf(shape: TaggedShape, value: unknown): { value: string; schema: Schema } | undefined {
  const tag =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[shape.tag] : '';
  return shape.members.find((m) => m.value === tag);
}

/** A map (`Type.Record`): the schema of its values and of its keys (which may carry a hint). */
export function mapOf(schema: Schema): { value: Schema; keys: Schema | undefined } | undefined {
  const patterns = schema.patternProperties ? Object.values(schema.patternProperties) : [];
  const value = patterns[0];
  if (!value || schema.properties) return undefined;
  return { value, keys: schema.propertyNames };
}

/** Text typed for a value of any type: numbers and true/false are read as such. */
export function parseScalar(text: string): string | number | boolean {
  if (text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** A fresh value: an object with its required properties (a tagged union's first member), or an empty text. */
export function blankOf(schema: Schema | undefined, index: number): unknown {
  if (!schema) return '';
  const tagged = taggedOf(schema);
  if (tagged?.members[0]) {
    return { ...(blankOf(tagged.members[0].schema, index) as object), [tagged.tag]: tagged.members[0].value };
  }
  if (schema.anyOf?.[0]) return blankOf(schema.anyOf[0], index);
  if (mapOf(schema)) return {};
  if (schema.properties) {
    const out: Record<string, unknown> = {};
    for (const name of schema.required ?? []) {
      const prop = schema.properties[name] as Schema;
      if ('const' in prop) out[name] = prop.const;
      else out[name] = name === 'value' ? `option${index + 1}` : blankOf(prop, index);
    }
    return out;
  }
  if (schema.type === 'array') return [];
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return false;
  return '';
}

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/**
 * What a browser can tell about a value without ajv (whose generated code the page's CSP refuses): required
 * properties that are missing or empty, and lists shorter than their minimum, through objects, maps,
 * lists and tagged unions. The server's check stays authoritative; its details land at the same pointers.
 */
export function missingParts(schema: Schema, value: unknown, path = ''): Issue[] {
  if (value === undefined || value === null || uiHintOf(schema)) return [];
  const out: Issue[] = [];
  const tagged = taggedOf(schema);
  if (tagged) {
    const member = memberOf(tagged, value);
    return member ? missingParts(member.schema, value, path) : [];
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      out.push(issue('schema.minItems', path, { limit: schema.minItems }));
    if (schema.items) {
      const items = schema.items;
      value.forEach((item, i) => {
        out.push(...missingParts(items, item, pointerAt(path, i)));
      });
    }
    return out;
  }
  if (typeof value !== 'object') return out;
  const object = value as Record<string, unknown>;
  const map = mapOf(schema);
  if (map) {
    for (const [key, v] of Object.entries(object)) {
      if (key === '') out.push(issue('schema.required', pointerAt(path, key), { missingProperty: 'key' }));
      if (isEmpty(v)) out.push(issue('schema.minLength', pointerAt(path, key), { limit: 1 }));
      else out.push(...missingParts(map.value, v, pointerAt(path, key)));
    }
    return out;
  }
  for (const name of schema.required ?? []) {
    const prop = schema.properties?.[name];
    if (prop && isEmpty(object[name]) && !mapOf(prop))
      out.push(issue('schema.required', pointerAt(path, name), { missingProperty: name }));
  }
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (object[name] !== undefined) out.push(...missingParts(prop, object[name], pointerAt(path, name)));
  }
  return out;
}

/** A value carrying a hint (a formula, a template, a reference...), where it sits and what encloses it. */
export interface HintedValue {
  hint: NonNullable<ReturnType<typeof uiHintOf>>;
  value: unknown;
  path: string;
  /** Enclosing objects, outermost first (as {@link namedIn} reads them). */
  parents: readonly unknown[];
}

/** Every hinted value inside `value`, through objects, maps, lists and tagged unions (checks use it). */
export function hintedValues(schema: Schema, value: unknown, path = '', parents: readonly unknown[] = []) {
  const out: HintedValue[] = [];
  const walk = (s: Schema, v: unknown, p: string, up: readonly unknown[]) => {
    if (v === undefined || v === null) return;
    const hint = uiHintOf(s);
    if (hint) {
      out.push({ hint, value: v, path: p, parents: up });
      return;
    }
    const tagged = taggedOf(s);
    if (tagged) {
      const member = memberOf(tagged, v);
      if (member) walk(member.schema, v, p, up);
      return;
    }
    if (Array.isArray(v)) {
      if (s.items) for (const [i, item] of v.entries()) walk(s.items, item, pointerAt(p, i), up);
      return;
    }
    if (typeof v !== 'object') return;
    const object = v as Record<string, unknown>;
    const map = mapOf(s);
    if (map) {
      for (const [key, item] of Object.entries(object)) walk(map.value, item, pointerAt(p, key), up);
      return;
    }
    for (const [name, prop] of Object.entries(s.properties ?? {}))
      walk(prop, object[name], pointerAt(p, name), [...up, object]);
  };
  walk(schema, value, path, parents);
  return out;
}
