import { fail } from '../errors.js';
import { compareBson } from './compare.js';
import { TYPE_TESTS } from './type-tests.js';
import { type Doc, isPlainObject, plainScalar, typeName, view } from './values.js';

/**
 * MongoDB's `$jsonSchema` (draft 4 with `bsonType`, without `$ref`, `format` or `integer`),
 * evaluated on stored documents so `bsonType: 'long'` tells a Long from a double. A failed
 * validation explains itself as mongod's `schemaRulesNotSatisfied` error details.
 *
 * Written here rather than on ajv: MongoDB's dialect types values by BSON type (int, long,
 * decimal, objectId, date...) and numbers across those types, which JSON Schema cannot express.
 */

/** One unsatisfied rule, in mongod's errInfo shape. */
export type RuleFailure = Doc;

type Check = (v: unknown) => RuleFailure[];

const JSON_TYPES: Record<string, (v: unknown) => boolean> = {
  object: (v) => TYPE_TESTS.object!(v),
  array: Array.isArray,
  number: (v) => TYPE_TESTS.number!(v),
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  null: (v) => v === null,
};

const IGNORED = new Set(['title', 'description', '$comment']);

function num(v: unknown): number {
  return Number(plainScalar(v));
}

function isNumber(v: unknown): boolean {
  return TYPE_TESTS.number!(v);
}

function typeFailure(keyword: string, spec: unknown, v: unknown): RuleFailure {
  return {
    operatorName: keyword,
    specifiedAs: { [keyword]: spec },
    reason: 'type did not match',
    consideredValue: v,
    consideredType: typeName(v),
  };
}

function simple(keyword: string, spec: unknown, reason: string, v: unknown): RuleFailure {
  return { operatorName: keyword, specifiedAs: { [keyword]: spec }, reason, consideredValue: v };
}

function typeList(spec: unknown, keyword: string): string[] {
  const list = Array.isArray(spec) ? spec : [spec];
  for (const t of list) {
    if (typeof t !== 'string')
      fail(14, `$jsonSchema keyword '${keyword}' must be either a string or an array of strings`);
    if (keyword === 'type' && t === 'integer')
      fail(9, "$jsonSchema type 'integer' is not currently supported.");
    if (keyword === 'type' ? !JSON_TYPES[t] : !TYPE_TESTS[t]) fail(2, `Unknown type name alias: ${t}`);
  }
  return list as string[];
}

/** Compiles a schema into a check returning the rules a value breaks (none: valid). */
export function compileSchema(schema: unknown): Check {
  if (!isPlainObject(schema)) fail(14, '$jsonSchema must be an object');
  const checks: Check[] = [];
  for (const [keyword, spec] of Object.entries(schema)) {
    if (IGNORED.has(keyword)) continue;
    const c = keywordCheck(keyword, spec, schema);
    if (c) checks.push(c);
  }
  return (v) => checks.flatMap((c) => c(v));
}

function keywordCheck(keyword: string, spec: unknown, schema: Doc): Check | undefined {
  switch (keyword) {
    case 'bsonType':
    case 'type': {
      const tests = typeList(spec, keyword).map((t) =>
        keyword === 'type' ? JSON_TYPES[t]! : TYPE_TESTS[t]!,
      );
      return (v) => (tests.some((t) => t(v)) ? [] : [typeFailure(keyword, spec, v)]);
    }
    case 'enum': {
      if (!Array.isArray(spec) || spec.length === 0)
        fail(9, "$jsonSchema keyword 'enum' must be a non-empty array");
      return (v) =>
        spec.some((e) => compareBson(view(e), view(v)) === 0)
          ? []
          : [simple('enum', spec, 'value was not found in enum', v)];
    }
    case 'minimum':
    case 'maximum': {
      const bound = num(spec);
      const exclusive = schema[keyword === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true;
      return (v) => {
        if (!isNumber(v)) return [];
        const x = num(v);
        const ok =
          keyword === 'minimum' ? (exclusive ? x > bound : x >= bound) : exclusive ? x < bound : x <= bound;
        if (ok) return [];
        const f = simple(keyword, spec, `comparison failed`, v);
        if (exclusive)
          (f.specifiedAs as Doc)[keyword === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] = true;
        return [f];
      };
    }
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return undefined;
    case 'multipleOf': {
      const m = num(spec);
      if (!(m > 0)) fail(9, "$jsonSchema keyword 'multipleOf' must have a positive value");
      return (v) =>
        !isNumber(v) || num(v) % m === 0
          ? []
          : [simple('multipleOf', spec, 'considered value was not a multiple of specified value', v)];
    }
    case 'minLength':
    case 'maxLength': {
      const n = num(spec);
      return (v) => {
        if (typeof v !== 'string') return [];
        const len = [...v].length;
        const ok = keyword === 'minLength' ? len >= n : len <= n;
        return ok ? [] : [simple(keyword, spec, 'specified string length was not satisfied', v)];
      };
    }
    case 'pattern': {
      if (typeof spec !== 'string') fail(14, "$jsonSchema keyword 'pattern' must be a string");
      const re = new RegExp(spec, 'u');
      return (v) =>
        typeof v !== 'string' || re.test(v)
          ? []
          : [simple('pattern', spec, 'regular expression did not match', v)];
    }
    case 'required': {
      if (!Array.isArray(spec) || spec.some((r) => typeof r !== 'string'))
        fail(14, "$jsonSchema keyword 'required' must be an array of strings");
      return (v) => {
        if (!isPlainObject(v)) return [];
        const missing = (spec as string[]).filter((k) => !Object.hasOwn(v, k));
        return missing.length
          ? [{ operatorName: 'required', specifiedAs: { required: spec }, missingProperties: missing }]
          : [];
      };
    }
    case 'properties': {
      if (!isPlainObject(spec)) fail(14, "$jsonSchema keyword 'properties' must be an object");
      const props = Object.entries(spec).map(([k, s]) => [k, compileSchema(s)] as const);
      return (v) => {
        if (!isPlainObject(v)) return [];
        const failed: Doc[] = [];
        for (const [k, check] of props) {
          if (!Object.hasOwn(v, k)) continue;
          const details = check(v[k]);
          if (details.length) failed.push({ propertyName: k, details });
        }
        return failed.length ? [{ operatorName: 'properties', propertiesNotSatisfied: failed }] : [];
      };
    }
    case 'patternProperties':
    case 'additionalProperties':
      return propertiesRules(keyword, spec, schema);
    case 'minProperties':
    case 'maxProperties': {
      const n = num(spec);
      return (v) => {
        if (!isPlainObject(v)) return [];
        const count = Object.keys(v).length;
        const ok = keyword === 'minProperties' ? count >= n : count <= n;
        return ok
          ? []
          : [
              {
                operatorName: keyword,
                specifiedAs: { [keyword]: spec },
                reason: 'specified number of properties was not satisfied',
                numberOfProperties: count,
              },
            ];
      };
    }
    case 'dependencies':
      return dependencies(spec);
    case 'items':
    case 'additionalItems':
    case 'minItems':
    case 'maxItems':
    case 'uniqueItems':
      return arrayRule(keyword, spec, schema);
    case 'allOf':
    case 'anyOf':
    case 'oneOf': {
      if (!Array.isArray(spec) || spec.length === 0)
        fail(9, `$jsonSchema keyword '${keyword}' must be a non-empty array`);
      const subs = spec.map(compileSchema);
      return (v) => {
        const results = subs.map((s) => s(v));
        const passed = results.filter((r) => r.length === 0).length;
        const ok =
          keyword === 'allOf' ? passed === subs.length : keyword === 'anyOf' ? passed > 0 : passed === 1;
        if (ok) return [];
        return [
          {
            operatorName: keyword,
            schemasNotSatisfied: results
              .map((details, index) => ({ index, details }))
              .filter((r) => r.details.length > 0),
          },
        ];
      };
    }
    case 'not': {
      const sub = compileSchema(spec);
      return (v) =>
        sub(v).length === 0 ? [{ operatorName: 'not', reason: 'child expression matched' }] : [];
    }
    default:
      fail(9, `Unknown $jsonSchema keyword: ${keyword}`);
  }
}

function propertiesRules(keyword: string, spec: unknown, schema: Doc): Check | undefined {
  if (keyword === 'patternProperties') {
    if (!isPlainObject(spec)) fail(14, "$jsonSchema keyword 'patternProperties' must be an object");
    const rules = Object.entries(spec).map(([p, s]) => [new RegExp(p, 'u'), compileSchema(s)] as const);
    return (v) => {
      if (!isPlainObject(v)) return [];
      const failed: Doc[] = [];
      for (const [k, x] of Object.entries(v))
        for (const [re, check] of rules) {
          const details = re.test(k) ? check(x) : [];
          if (details.length) failed.push({ propertyName: k, regexMatched: re.source, details });
        }
      return failed.length ? [{ operatorName: 'patternProperties', propertiesNotSatisfied: failed }] : [];
    };
  }
  const known = new Set(isPlainObject(schema.properties) ? Object.keys(schema.properties) : []);
  const patterns = isPlainObject(schema.patternProperties)
    ? Object.keys(schema.patternProperties).map((p) => new RegExp(p, 'u'))
    : [];
  const extra = (v: Doc) => Object.keys(v).filter((k) => !known.has(k) && !patterns.some((re) => re.test(k)));
  if (spec === false)
    return (v) => {
      if (!isPlainObject(v)) return [];
      const additional = extra(v);
      return additional.length
        ? [
            {
              operatorName: 'additionalProperties',
              specifiedAs: { additionalProperties: false },
              additionalProperties: additional,
            },
          ]
        : [];
    };
  if (spec === true) return undefined;
  const check = compileSchema(spec);
  return (v) => {
    if (!isPlainObject(v)) return [];
    const failed = extra(v)
      .map((k) => ({ propertyName: k, details: check(v[k]) }))
      .filter((f) => f.details.length > 0);
    return failed.length ? [{ operatorName: 'additionalProperties', propertiesNotSatisfied: failed }] : [];
  };
}

function dependencies(spec: unknown): Check {
  if (!isPlainObject(spec)) fail(14, "$jsonSchema keyword 'dependencies' must be an object");
  const rules = Object.entries(spec).map(([k, dep]) => {
    if (Array.isArray(dep))
      return [k, (v: Doc) => (dep as string[]).filter((d) => !Object.hasOwn(v, d))] as const;
    const check = compileSchema(dep);
    return [k, (v: Doc) => check(v)] as const;
  });
  return (v) => {
    if (!isPlainObject(v)) return [];
    const failed: Doc[] = [];
    for (const [k, rule] of rules) {
      if (!Object.hasOwn(v, k)) continue;
      const r = rule(v);
      if (r.length === 0) continue;
      failed.push(
        typeof r[0] === 'string'
          ? { conditionalProperty: k, missingProperties: r }
          : { conditionalProperty: k, details: r },
      );
    }
    return failed.length ? [{ operatorName: 'dependencies', failingDependencies: failed }] : [];
  };
}

function arrayRule(keyword: string, spec: unknown, schema: Doc): Check | undefined {
  switch (keyword) {
    case 'minItems':
    case 'maxItems': {
      const n = num(spec);
      return (v) => {
        if (!Array.isArray(v)) return [];
        const ok = keyword === 'minItems' ? v.length >= n : v.length <= n;
        return ok ? [] : [simple(keyword, spec, 'array did not match specified length', v)];
      };
    }
    case 'uniqueItems':
      if (spec !== true) return undefined;
      return (v) => {
        if (!Array.isArray(v)) return [];
        for (let i = 0; i < v.length; i++)
          for (let j = i + 1; j < v.length; j++)
            if (compareBson(view(v[i]), view(v[j])) === 0)
              return [
                {
                  operatorName: 'uniqueItems',
                  specifiedAs: { uniqueItems: true },
                  reason: 'found a duplicate item',
                  consideredValue: v,
                  duplicatedValue: v[i],
                },
              ];
        return [];
      };
    case 'items': {
      if (Array.isArray(spec)) {
        const checks = spec.map(compileSchema);
        return (v) => {
          if (!Array.isArray(v)) return [];
          const bad = checks
            .map((c, i) => (i < v.length ? { index: i, details: c(v[i]) } : undefined))
            .filter((x): x is { index: number; details: RuleFailure[] } => !!x && x.details.length > 0);
          return bad.length ? [{ operatorName: 'items', details: bad }] : [];
        };
      }
      const check = compileSchema(spec);
      return (v) => {
        if (!Array.isArray(v)) return [];
        const bad = v.map((x, index) => ({ index, details: check(x) })).filter((x) => x.details.length > 0);
        return bad.length
          ? [
              {
                operatorName: 'items',
                reason: 'At least one item did not match the sub-schema',
                itemIndex: bad[0]!.index,
                details: bad[0]!.details,
              },
            ]
          : [];
      };
    }
    case 'additionalItems': {
      if (!Array.isArray(schema.items)) return undefined;
      const start = schema.items.length;
      if (spec === true) return undefined;
      const check = spec === false ? undefined : compileSchema(spec);
      return (v) => {
        if (!Array.isArray(v) || v.length <= start) return [];
        const rest = v.slice(start);
        const bad = check ? rest.some((x) => check(x).length > 0) : true;
        return bad
          ? [
              {
                operatorName: 'additionalItems',
                specifiedAs: { additionalItems: spec },
                reason: 'found additional items',
                additionalItems: rest,
              },
            ]
          : [];
      };
    }
    default:
      return undefined;
  }
}
