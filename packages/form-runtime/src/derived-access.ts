import type { AppInputs, FieldInput } from './field-inputs.js';

/** One role's permission on one form, as far as field access goes (`FormPermission` of the schema). */
export interface FieldGrant {
  form: string;
  /** Any value: the role may view records of the form. */
  view?: unknown;
  /** `hidden`, `readOnly`, or `visible` (declassified: shown whatever it is made of). */
  fields?: readonly { field: string; access: string }[];
}

/**
 * Why a field is hidden: the role's field list hides it (`listed`), or it is made of the hidden value
 * `from` — a field of the same form, or of `form` (a lookup's source, a rollup's field).
 */
export type HiddenBecause = { listed: true } | { from: string; form?: string };

/** Options of {@link derivedAccess}. */
export interface DerivedAccessOptions {
  /**
   * True for forms whose every record the caller may view. A lookup through a relation to any other form
   * shows its value only where the caller may view the related record ({@link DerivedAccess.perRecord}).
   * Left out, every form counts as fully viewable: what a role's definition alone decides.
   */
  viewsAll?: (form: string) => boolean;
}

/** Field access of a set of roles over an app, derived values included. */
export interface DerivedAccess {
  /**
   * The fields hidden on `form` — hidden by every role that views the form — with the reason; `null` when
   * none of the roles views the form (then everything of it is out of reach).
   */
  hidden(form: string): ReadonlyMap<string, HiddenBecause> | null;
  /** Derived fields of `form` that some role viewing it declassifies (`access: "visible"`). */
  declassified(form: string): ReadonlySet<string>;
  /**
   * Derived fields of `form` whose value is shown record by record: only where every related record
   * named by these relation fields (keys, or `subform.column`) is one the caller may view.
   */
  perRecord(form: string): ReadonlyMap<string, readonly string[]>;
}

/** True when `key` is in `keys`, counting a subform for its columns and a column for its subform. */
function covers(keys: ReadonlyMap<string, unknown>, key: string): boolean {
  if (keys.has(key)) return true;
  const dot = key.indexOf('.');
  if (dot > 0 && keys.has(key.slice(0, dot))) return true;
  for (const other of keys.keys()) if (other.startsWith(`${key}.`)) return true;
  return false;
}

function entriesOf(grant: FieldGrant, access: string): string[] {
  return (grant.fields ?? []).filter((entry) => entry.access === access).map((entry) => entry.field);
}

/**
 * Applies the rule "a value made of a hidden value is hidden too" to the fields of every form of an app,
 * for a caller holding `roles` (each role's list of form permissions). Per role, a derived field
 * (formula, lookup, rollup, default formula; see {@link AppInputs}) is hidden when one of its inputs is:
 * a field of the same form hidden from that role, or a field of another form hidden from the caller
 * there, or of a form the caller may not view at all — transitively, unless the role declassifies it
 * (`{ "field": "payable", "access": "visible" }`). As with listed fields, several roles add up: a field
 * is hidden only when every role viewing the form hides it.
 */
export function derivedAccess(
  roles: readonly (readonly FieldGrant[])[],
  inputs: AppInputs,
  options: DerivedAccessOptions = {},
): DerivedAccess {
  const viewsAll = options.viewsAll ?? (() => true);
  const viewers = new Map<string, FieldGrant[]>();
  for (const grants of roles) {
    const seen = new Set<string>();
    for (const grant of grants) {
      if (grant.view === undefined || seen.has(grant.form)) continue;
      seen.add(grant.form);
      viewers.set(grant.form, [...(viewers.get(grant.form) ?? []), grant]);
    }
  }
  const declassifiedBy = new Map<FieldGrant, Set<string>>();
  const hiddenBy = new Map<FieldGrant, Map<string, HiddenBecause>>();
  for (const grants of viewers.values()) {
    for (const grant of grants) {
      declassifiedBy.set(grant, new Set(entriesOf(grant, 'visible')));
      hiddenBy.set(grant, new Map(entriesOf(grant, 'hidden').map((key) => [key, { listed: true }])));
    }
  }
  const declassified = (form: string) =>
    new Set((viewers.get(form) ?? []).flatMap((grant) => [...(declassifiedBy.get(grant) ?? [])]));
  const perRecord = recordDependencies(inputs, viewsAll, declassified);

  const hidden = (form: string): Map<string, HiddenBecause> | null => {
    const grants = viewers.get(form);
    if (!grants || grants.length === 0) return null;
    const [first, ...rest] = grants.map((grant) => hiddenBy.get(grant) ?? new Map<string, HiddenBecause>());
    const out = new Map<string, HiddenBecause>();
    for (const [key, why] of first ?? []) if (rest.every((map) => map.has(key))) out.set(key, why);
    return out;
  };
  const inputHidden = (input: FieldInput, own: Map<string, HiddenBecause>): HiddenBecause | undefined => {
    if (!('form' in input)) return covers(own, input.field) ? { from: input.field } : undefined;
    const there = hidden(input.form);
    const made = input.via !== undefined && (perRecord.get(input.form)?.get(input.field)?.length ?? 0) > 0;
    // A lookup of a value that is itself shown record by record on its form is not followed further.
    return there === null || covers(there, input.field) || made
      ? { from: input.field, form: input.form }
      : undefined;
  };

  // Hidden sets only grow, so repeating until nothing changes ends (at most once per derived field).
  for (let changed = true; changed; ) {
    changed = false;
    for (const [form, grants] of viewers) {
      const derived = inputs.get(form);
      if (!derived) continue;
      for (const grant of grants) {
        const own = hiddenBy.get(grant) ?? new Map<string, HiddenBecause>();
        const open = declassifiedBy.get(grant) ?? new Set<string>();
        for (const [key, list] of derived) {
          if (own.has(key) || open.has(key)) continue;
          for (const input of list) {
            const why = inputHidden(input, own);
            if (!why) continue;
            own.set(key, why);
            changed = true;
            break;
          }
        }
      }
    }
  }
  const empty = new Map<string, readonly string[]>();
  return {
    hidden,
    declassified,
    perRecord: (form) => perRecord.get(form) ?? empty,
  };
}

/**
 * Per form, the derived fields made (transitively) of a lookup through a relation to a form the caller
 * may not view entirely, with those relations; declassified fields are shown whatever they are made of.
 */
function recordDependencies(
  inputs: AppInputs,
  viewsAll: (form: string) => boolean,
  declassified: (form: string) => ReadonlySet<string>,
): Map<string, Map<string, readonly string[]>> {
  const result = new Map<string, Map<string, Set<string>>>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [form, derived] of inputs) {
      const open = declassified(form);
      const mine = result.get(form) ?? new Map<string, Set<string>>();
      result.set(form, mine);
      for (const [key, list] of derived) {
        if (open.has(key)) continue;
        const relations = mine.get(key) ?? new Set<string>();
        const before = relations.size;
        for (const input of list) {
          if ('form' in input) {
            if (input.via !== undefined && !viewsAll(input.form)) relations.add(input.via);
            continue;
          }
          for (const [other, through] of mine) {
            if (other === input.field || other.startsWith(`${input.field}.`))
              for (const r of through) relations.add(r);
          }
        }
        if (relations.size > 0) mine.set(key, relations);
        if (relations.size !== before) changed = true;
      }
    }
  }
  return new Map(
    [...result].map(([form, map]) => [form, new Map([...map].map(([key, set]) => [key, [...set].sort()]))]),
  );
}
