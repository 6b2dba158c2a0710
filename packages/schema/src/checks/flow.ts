import type { Assignee, Flow } from '../documents/flow.js';
import type { BaseField, FormRef } from '../field-types/define.js';
import { type Issue, issue, pointer } from '../issues.js';
import { type CheckScope, checkFormula, duplicateKeys } from './form.js';

function fieldOf(form: FormRef | undefined, key: string, path: string, out: Issue[]): BaseField | undefined {
  if (!form) return undefined;
  const f = form.fields.find((x) => x.key === key);
  if (!f) out.push(issue('ref.field', path, { form: form.key, field: key }));
  return f;
}

function checkAssignees(
  list: readonly Assignee[],
  base: string,
  form: FormRef | undefined,
  scope: CheckScope,
) {
  const out: Issue[] = [];
  list.forEach((a, i) => {
    const p = pointer(base, i);
    if (a.kind === 'role' && scope.roles && !scope.roles.includes(a.role)) {
      out.push(issue('ref.role', pointer(p, 'role'), { role: a.role }));
    }
    if (
      (a.kind === 'field' || a.kind === 'manager' || a.kind === 'departmentHead') &&
      a.field !== undefined
    ) {
      const f = fieldOf(form, a.field, pointer(p, 'field'), out);
      const expected = a.kind === 'departmentHead' ? ['department', 'member'] : ['member'];
      if (f && !expected.includes(f.type) && !(f.type === 'system' && f.source !== 'createdAt')) {
        out.push(
          issue('ref.fieldType', pointer(p, 'field'), {
            field: f.key,
            expected: expected.join(','),
            actual: f.type,
          }),
        );
      }
    }
  });
  return out;
}

/**
 * Checks beyond the JSON Schema of a flow: its form, unique node ids, edges between existing nodes, one
 * start, at least one end, no dead ends, one edge per condition branch, assignee roles and fields, field
 * access lists, and the identifiers of branch conditions.
 */
export function checkFlow(flow: Flow, base: string, scope: CheckScope = {}): Issue[] {
  const out: Issue[] = [];
  const form = scope.forms?.find((f) => f.key === flow.form);
  if (scope.forms && !form) out.push(issue('ref.form', pointer(base, 'form'), { form: flow.form }));
  out.push(
    ...duplicateKeys(
      flow.nodes,
      (n) => n.id,
      (i) => pointer(base, 'nodes', i, 'id'),
    ),
  );
  const ids = new Set(flow.nodes.map((n) => n.id));
  flow.edges.forEach((e, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!ids.has(e[end])) out.push(issue('ref.node', pointer(base, 'edges', i, end), { node: e[end] }));
    }
  });
  const starts = flow.nodes.filter((n) => n.type === 'start').length;
  if (starts !== 1) out.push(issue('flow.start', pointer(base, 'nodes'), { count: starts }));
  if (!flow.nodes.some((n) => n.type === 'end')) out.push(issue('flow.end', pointer(base, 'nodes')));
  flow.nodes.forEach((node, i) => {
    const p = pointer(base, 'nodes', i);
    const outgoing = flow.edges.filter((e) => e.from === node.id);
    if (node.type !== 'end' && outgoing.length === 0) out.push(issue('flow.deadEnd', p, { node: node.id }));
    if (node.type === 'condition') {
      node.branches.forEach((b, j) => {
        if (outgoing.filter((e) => e.branch === b.id).length !== 1) {
          out.push(issue('flow.branch', pointer(p, 'branches', j), { branch: b.id }));
        }
        if (b.condition && form)
          out.push(...checkFormula(b.condition, pointer(p, 'branches', j, 'condition'), form.fields));
      });
    }
    if (node.type === 'approval' || node.type === 'fill') {
      out.push(...checkAssignees(node.assignees, pointer(p, 'assignees'), form, scope));
      node.fields?.forEach((fa, j) => {
        fieldOf(form, fa.field, pointer(p, 'fields', j, 'field'), out);
      });
      const to = node.deadline?.onTimeout?.to;
      if (to) out.push(...checkAssignees([to], pointer(p, 'deadline', 'onTimeout', 'to'), form, scope));
    }
    if (node.type === 'approval' && node.rejectTo !== undefined && !ids.has(node.rejectTo)) {
      out.push(issue('ref.node', pointer(p, 'rejectTo'), { node: node.rejectTo }));
    }
    if (node.type === 'cc')
      out.push(...checkAssignees(node.recipients, pointer(p, 'recipients'), form, scope));
  });
  flow.settings?.openFields?.forEach((key, i) => {
    fieldOf(form, key, pointer(base, 'settings', 'openFields', i), out);
  });
  return out;
}
