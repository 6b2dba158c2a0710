/**
 * Issues are data: a code, a JSON-pointer path and parameters. Human text comes from the locale files
 * (`locales/en.ts`, `locales/zh-CN.ts`) via `formatIssue`, so the server and the browser word them alike.
 */

/** JSON-Schema keywords whose failures get their own issue code (`schema.<keyword>`). */
export const SCHEMA_KEYWORDS = [
  'required',
  'additionalProperties',
  'type',
  'enum',
  'const',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'multipleOf',
  'maxDecimals',
  'minProperties',
  'maxProperties',
  'formatMinimum',
  'formatMaximum',
] as const;

/** Codes of checks beyond JSON Schema (cross references, uniqueness, formulas, flows, submissions). */
export const RULE_CODES = [
  /** A schema failure of a keyword not listed in {@link SCHEMA_KEYWORDS}. */
  'schema.invalid',
  /** Two items of one list share a key (`params.key`). */
  'key.duplicate',
  /** A reference to a form key that the pack does not define (`params.form`). */
  'ref.form',
  /** A reference to a field key that the form does not define (`params.form`, `params.field`). */
  'ref.field',
  /** A referenced field exists but has the wrong type (`params.field`, `params.expected`, `params.actual`). */
  'ref.fieldType',
  /**
   * A role declassifies (`access: "visible"`) a field that is not derived from others: only formulas,
   * lookups, rollups and fields with a default formula can be (`params.field`).
   */
  'access.notDerived',
  /** A reference to a role key that the pack does not define (`params.role`). */
  'ref.role',
  /** A reference to a flow node id that the flow does not define (`params.node`). */
  'ref.node',
  /** A reference to a dashboard key that the pack does not define (`params.dashboard`). */
  'ref.dashboard',
  /** A reference to a widget key that the dashboard does not define (`params.widget`). */
  'ref.widget',
  /** A widget measure sets none or several of aggregate, formula, percentOfTotal, runningTotal, previous, target (`params.kinds`). */
  'widget.measureKind',
  /** An automation action type that the action registry does not know (`params.action`). */
  'ref.action',
  /** A formula names an identifier that is no field of its scope (`params.name`). */
  'formula.unknownField',
  /** A cascading option names a parent value that the parent field does not offer (`params.value`). */
  'option.parent',
  /** An option list repeats a value (`params.value`). */
  'option.duplicate',
  /** A flow needs exactly one start node (`params.count`). */
  'flow.start',
  /** A flow has no end node. */
  'flow.end',
  /** A flow node other than an end node has no outgoing edge (`params.node`). */
  'flow.deadEnd',
  /** A condition node's branch has no edge leaving it (`params.branch`). */
  'flow.branch',
  /** No path from the start node reaches this node (`params.node`). */
  'flow.unreachable',
  /** A condition node has no default branch (one without a condition) (`params.node`). */
  'flow.noDefault',
  /** A node has the wrong number of outgoing edges for its type (`params.node`, `params.count`, `params.expected`). */
  'flow.edges',
  /** Edges lead back to a node already passed (`params.node`); flows go forward, returns go back. */
  'flow.cycle',
  /** A parallel join is reached without an open split, or by branches of different splits (`params.node`). */
  'flow.join',
  /** A parallel split's branches do not all meet at one join before the flow goes on (`params.node`). */
  'flow.split',
  /** A branch condition cannot be used: it does not parse or type-check as true/false (`params.branch`, `params.error`). */
  'flow.condition',
  /** `rejectTo` names a step that does not come before this one (`params.node`, `params.target`). */
  'flow.rejectTo',
  /** A template pack names a database id where it must name a key (`params.value`). */
  'pack.idReference',
  /** A client sent a value for a computed field (`params.field`). */
  'submission.computed',
  /** A field's `min` is greater than its `max` (`params.min`, `params.max`). */
  'range.inverted',
] as const;

/** Every issue code. */
export type IssueCode = `schema.${(typeof SCHEMA_KEYWORDS)[number]}` | (typeof RULE_CODES)[number];

/** One problem found in a document or a submission. */
export interface Issue {
  /** Stable machine-readable code; see {@link IssueCode}. */
  readonly code: IssueCode;
  /** JSON pointer (RFC 6901) into the validated document, `''` for its root, e.g. `/items/3/qty`. */
  readonly path: string;
  /** Values the message needs (limits, names); JSON-serialisable. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Builds an {@link Issue}. */
export function issue(code: IssueCode, path: string, params: Record<string, unknown> = {}): Issue {
  return { code, path, params };
}

/** Escapes one JSON-pointer segment (`~` → `~0`, `/` → `~1`). */
export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins JSON-pointer segments onto a base pointer. */
export function pointer(base: string, ...segments: Array<string | number>): string {
  return base + segments.map((s) => `/${escapePointer(s)}`).join('');
}
