import type { IssueMessages } from './types.js';
import { decimals, list, values } from './types.js';

const FORMATS: Record<string, string> = {
  date: 'a date as YYYY-MM-DD',
  'date-time': 'a date-time with time zone, e.g. 2026-01-31T09:30:00Z',
  email: 'an e-mail address',
  uri: 'a URL',
  phone: 'a phone number',
  'object-id': 'an id of 24 hex digits',
  regex: 'a valid regular expression',
  'linear-regex':
    'a regular expression that runs in linear time (RE2 syntax: no lookahead, lookbehind or backreference)',
};

/** English messages for every issue code. */
export const en: IssueMessages = {
  'schema.required': (p) => `${String(p.missingProperty)} is required`,
  'schema.additionalProperties': (p) => `unknown property ${String(p.additionalProperty)}`,
  'schema.type': (p) => `must be of type ${list(p.type, ' or ')}`,
  'schema.enum': (p) => `must be one of: ${list(values(p.allowedValues))}`,
  'schema.const': (p) => `must be ${JSON.stringify(p.allowedValue)}`,
  'schema.pattern': (p) => `must match the pattern ${String(p.pattern)}`,
  'schema.format': (p) => `must be ${FORMATS[String(p.format)] ?? `in format ${String(p.format)}`}`,
  'schema.minimum': (p) => `must be at least ${String(p.limit)}`,
  'schema.maximum': (p) => `must be at most ${String(p.limit)}`,
  'schema.exclusiveMinimum': (p) => `must be greater than ${String(p.limit)}`,
  'schema.exclusiveMaximum': (p) => `must be less than ${String(p.limit)}`,
  'schema.minLength': (p) =>
    Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`,
  'schema.maxLength': (p) => `must be at most ${String(p.limit)} characters long`,
  'schema.minItems': (p) =>
    Number(p.limit) === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} items`,
  'schema.maxItems': (p) => `must have at most ${String(p.limit)} items`,
  'schema.uniqueItems': (p) => `must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)`,
  'schema.multipleOf': (p) => {
    const d = decimals(p.multipleOf);
    return d === undefined
      ? `must be a multiple of ${String(p.multipleOf)}`
      : `must have at most ${d} decimal places`;
  },
  'schema.maxDecimals': (p) => `must have at most ${String(p.limit)} decimal places`,
  'schema.minProperties': (p) => `must have at least ${String(p.limit)} properties`,
  'schema.maxProperties': (p) => `must have at most ${String(p.limit)} properties`,
  'schema.formatMinimum': (p) => `must be on or after ${String(p.limit)}`,
  'schema.formatMaximum': (p) => `must be on or before ${String(p.limit)}`,
  'schema.invalid': (p) => `is invalid (${String(p.keyword)})`,
  'key.duplicate': (p) => `the key ${String(p.key)} is used more than once`,
  'ref.form': (p) => `there is no form ${String(p.form)}`,
  'ref.field': (p) => `form ${String(p.form)} has no field ${String(p.field)}`,
  'ref.fieldType': (p) =>
    `field ${String(p.field)} is a ${String(p.actual)} field, expected ${list(p.expected, ' or ')}`,
  'access.notDerived': (p) =>
    `field ${String(p.field)} is not derived from other fields (a formula, lookup, rollup or default formula), so there is nothing to declassify`,
  'ref.role': (p) => `there is no role ${String(p.role)}`,
  'ref.node': (p) => `the flow has no node ${String(p.node)}`,
  'ref.dashboard': (p) => `there is no dashboard ${String(p.dashboard)}`,
  'ref.widget': (p) => `the dashboard has no widget ${String(p.widget)}`,
  'widget.measureKind': (p) =>
    `a measure needs exactly one of aggregate, formula, percentOfTotal, runningTotal, previous, target (found: ${String(p.kinds)})`,
  'ref.action': (p) => `there is no automation action ${String(p.action)}`,
  'formula.unknownField': (p) => `the formula refers to ${String(p.name)}, which is no field here`,
  'option.parent': (p) => `the parent field offers no option ${String(p.value)}`,
  'option.duplicate': (p) => `the option ${String(p.value)} is listed more than once`,
  'flow.start': (p) => `a flow needs exactly one start node, this one has ${String(p.count)}`,
  'flow.end': () => 'a flow needs an end node',
  'flow.deadEnd': (p) => `node ${String(p.node)} leads nowhere`,
  'flow.branch': (p) => `branch ${String(p.branch)} needs exactly one edge`,
  'flow.unreachable': (p) => `node ${String(p.node)} cannot be reached from the start`,
  'flow.noDefault': (p) =>
    `condition ${String(p.node)} needs exactly one default branch (one without a condition)`,
  'flow.edges': (p) =>
    `node ${String(p.node)} has ${String(p.count)} outgoing edges, it needs ${String(p.expected)}`,
  'flow.cycle': (p) => `node ${String(p.node)} leads back to a step already passed`,
  'flow.join': (p) => `join ${String(p.node)} does not close the branches of one parallel split`,
  'flow.split': (p) => `the branches of split ${String(p.node)} must all meet at one join`,
  'flow.condition': (p) => `the condition of branch ${String(p.branch)} cannot be used: ${String(p.error)}`,
  'flow.rejectTo': (p) =>
    `node ${String(p.node)} returns rejections to ${String(p.target)}, which does not come before it`,
  'pack.idReference': (p) =>
    `a template pack must refer by key, not by id (${String(p.value)}): use a role, a field or the org chart`,
  'submission.computed': (p) => `${String(p.field)} is computed by the server and cannot be set`,
  'range.inverted': (p) => `the minimum ${String(p.min)} is greater than the maximum ${String(p.max)}`,
};
