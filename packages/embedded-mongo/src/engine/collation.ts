import { fail } from '../errors.js';
import { type Doc, isPlainObject, num, typeName } from './values.js';

/** Compares two strings under a collation. */
export interface StringCollator {
  compare(a: string, b: string): number;
  /** The full collation spec as mongod reports it (listIndexes, listCollections, explain). */
  readonly spec: Doc;
  /** A stable key of the spec, to tell collations apart. */
  readonly key: string;
}

const DEFAULTS = {
  caseLevel: false,
  caseFirst: 'off',
  strength: 3,
  numericOrdering: false,
  alternate: 'non-ignorable',
  maxVariable: 'punct',
  normalization: false,
  backwards: false,
} as const;

const cache = new Map<string, StringCollator | undefined>();

function bad(spec: Doc): never {
  fail(2, `Field 'locale' is invalid in: ${JSON.stringify(spec)}`);
}

/**
 * Parses a collation document (`{ locale, strength, numericOrdering, caseLevel, caseFirst,
 * alternate, ... }`) into a collator over `Intl.Collator` (Node's full ICU), or undefined for the
 * simple binary collation. Invalid specs get mongod's errors.
 *
 * Mapping: strength 1 → base letters, 2 → accents, 3-5 → case and variants (Intl has no
 * quaternary level); caseLevel with strength 1 → case; caseFirst → caseFirst; numericOrdering →
 * numeric; alternate "shifted" → punctuation and spaces ignored. `backwards` (French accent order)
 * and `normalization` are accepted and reported but have no Intl counterpart.
 */
export function parseCollation(raw: unknown): StringCollator | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw))
    fail(14, `BSON field 'collation' is the wrong type '${typeName(raw)}', expected type 'object'`);
  if (Object.keys(raw).length === 0) return undefined;
  const key = JSON.stringify(raw);
  if (cache.has(key)) return cache.get(key);
  const collator = build(raw);
  cache.set(key, collator);
  return collator;
}

function build(raw: Doc): StringCollator | undefined {
  const locale = raw.locale;
  if (locale === undefined) fail(40414, "BSON field 'collation.locale' is missing but a required field");
  if (typeof locale !== 'string')
    fail(14, `BSON field 'collation.locale' is the wrong type '${typeName(locale)}', expected type 'string'`);
  const known = new Set([...Object.keys(DEFAULTS), 'locale', 'version']);
  for (const k of Object.keys(raw))
    if (!known.has(k)) fail(40415, `BSON field 'collation.${k}' is an unknown field.`);
  if (locale === 'simple') {
    if (Object.keys(raw).length > 1)
      fail(2, 'If "locale" is "simple", then no other fields may be specified');
    return undefined;
  }
  const tag = locale.replace(/_/g, '-').replace(/@.*$/, '');
  let supported: string[];
  try {
    supported = Intl.Collator.supportedLocalesOf(tag);
  } catch {
    bad(raw);
  }
  if (supported.length === 0 || tag === '') bad(raw);
  const strength = raw.strength === undefined ? 3 : num(raw.strength, Number.NaN);
  if (!Number.isInteger(strength) || strength < 1 || strength > 5)
    fail(2, `unsupported collation strength: ${String(raw.strength)}`);
  const bool = (k: keyof typeof DEFAULTS): boolean => {
    const v = raw[k];
    if (v === undefined) return DEFAULTS[k] as boolean;
    if (typeof v !== 'boolean')
      fail(14, `BSON field 'collation.${k}' is the wrong type '${typeName(v)}', expected type 'bool'`);
    return v;
  };
  const oneOf = (k: keyof typeof DEFAULTS, allowed: string[]): string => {
    const v = raw[k];
    if (v === undefined) return DEFAULTS[k] as string;
    if (typeof v !== 'string' || !allowed.includes(v))
      fail(2, `Enumeration value '${String(v)}' for field 'collation.${k}' is not a valid value.`);
    return v;
  };
  const spec: Doc = {
    locale,
    caseLevel: bool('caseLevel'),
    caseFirst: oneOf('caseFirst', ['upper', 'lower', 'off']),
    strength,
    numericOrdering: bool('numericOrdering'),
    alternate: oneOf('alternate', ['non-ignorable', 'shifted']),
    maxVariable: oneOf('maxVariable', ['punct', 'space']),
    normalization: bool('normalization'),
    backwards: bool('backwards'),
    version: '57.1',
  };
  const sensitivity =
    strength === 1
      ? spec.caseLevel
        ? 'case'
        : 'base'
      : strength === 2 && !spec.caseLevel
        ? 'accent'
        : 'variant';
  const intl = new Intl.Collator(tag, {
    usage: 'sort',
    sensitivity,
    numeric: spec.numericOrdering === true,
    caseFirst: spec.caseFirst === 'off' ? 'false' : (spec.caseFirst as 'upper' | 'lower'),
    ignorePunctuation: spec.alternate === 'shifted',
  });
  const compare = intl.compare;
  return { compare: (a, b) => compare(a, b), spec, key: JSON.stringify(spec) };
}

/** The collator of a mingo options object's `collation`, if any. */
export function collatorOf(spec: unknown): StringCollator | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (isCollator(spec)) return spec;
  return parseCollation(spec);
}

function isCollator(v: unknown): v is StringCollator {
  return typeof v === 'object' && v !== null && typeof (v as StringCollator).compare === 'function';
}

/** True when two collations (undefined = simple) are the same. */
export function sameCollation(a: StringCollator | undefined, b: StringCollator | undefined): boolean {
  return (a?.key ?? 'simple') === (b?.key ?? 'simple');
}
