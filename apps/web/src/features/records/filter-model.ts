import type { FieldValueKind } from '@formloom/form-runtime';
import type { FilterNode } from '../../api/records';

/** One condition as the filter builder edits it. */
export interface ConditionDraft {
  id: string;
  field: string;
  op: string;
  value?: unknown;
}

/** The builder's state: conditions joined by all (and) or any (or). */
export interface FilterDraft {
  match: 'and' | 'or';
  conditions: ConditionDraft[];
}

/** Operators offered for a kind of value, in menu order (all are ops of the filter DSL). */
export function operatorsFor(kind: FieldValueKind): string[] {
  if (kind.multiple) return ['contains', 'empty', 'notEmpty'];
  switch (kind.kind) {
    case 'text':
      return ['contains', 'eq', 'ne', 'startsWith', 'empty', 'notEmpty'];
    case 'number':
      return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'notEmpty'];
    case 'date':
    case 'datetime':
    case 'timestamp':
      return ['eq', 'gte', 'lte', 'between', 'empty', 'notEmpty'];
    case 'boolean':
      return ['eq'];
    case 'id':
    case 'objectId':
      return ['eq', 'ne', 'in', 'nin', 'empty', 'notEmpty'];
    default:
      return ['empty', 'notEmpty'];
  }
}

/** Operators that take no value. */
export const NO_VALUE = new Set(['empty', 'notEmpty']);

function complete(condition: ConditionDraft): boolean {
  if (!condition.field || !condition.op) return false;
  if (NO_VALUE.has(condition.op)) return true;
  const value = condition.value;
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value))
    return condition.op === 'between'
      ? value.length === 2 && value.every((v) => v !== null && v !== '' && v !== undefined)
      : value.length > 0;
  return true;
}

/** The DSL filter of a draft (incomplete conditions left out), or null when there is none. */
export function toFilter(draft: FilterDraft): FilterNode | null {
  const nodes: FilterNode[] = draft.conditions
    .filter(complete)
    .map((c) =>
      NO_VALUE.has(c.op) ? { field: c.field, op: c.op } : { field: c.field, op: c.op, value: c.value },
    );
  if (nodes.length === 0) return null;
  if (nodes.length === 1) return nodes[0] as FilterNode;
  return draft.match === 'or' ? { or: nodes } : { and: nodes };
}

let counter = 0;

/** A fresh condition id (drafts are edited as lists). */
export function conditionId(): string {
  counter += 1;
  return `c${counter}`;
}

/** The draft of a stored filter: one level of and/or over conditions (what the builder can show). */
export function fromFilter(filter: FilterNode | null): FilterDraft {
  if (!filter) return { match: 'and', conditions: [] };
  const group = 'and' in filter ? filter.and : 'or' in filter ? filter.or : [filter];
  const match = 'or' in filter ? 'or' : 'and';
  return {
    match,
    conditions: group.flatMap((node) =>
      'field' in node
        ? [
            {
              id: conditionId(),
              field: node.field,
              op: node.op,
              ...('value' in node ? { value: node.value } : {}),
            },
          ]
        : [],
    ),
  };
}

/** How many conditions a filter holds (the badge on the filter button). */
export function conditionCount(filter: FilterNode | null): number {
  if (!filter) return 0;
  if ('and' in filter) return filter.and.reduce((n, f) => n + conditionCount(f), 0);
  if ('or' in filter) return filter.or.reduce((n, f) => n + conditionCount(f), 0);
  return 1;
}
