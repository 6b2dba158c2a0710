import { validateFlow } from '@formloom/flow';
import type { FieldTypeMap } from '@formloom/formula';
import { type FormRef, formatIssue, formulaFieldMap, type Locale } from '@formloom/schema';
import type { KnownForm } from '../designer/editor-context';
import type { FlowJson, FlowProblem } from './flow-model';

/** Roles every workspace has besides the app's own (assignees may name them). */
export const WORKSPACE_ROLES = ['owner', 'admin', 'member'];

/** What branch conditions may read: the fields of the flow's form, typed as formulas see them. */
export function conditionFields(forms: readonly KnownForm[], formKey: string): FieldTypeMap {
  const form = forms.find((f) => f.key === formKey) as unknown as FormRef | undefined;
  if (!form) return {} as FieldTypeMap;
  const findForm = (key: string) => forms.find((f) => f.key === key) as unknown as FormRef | undefined;
  return formulaFieldMap(form, { findForm }) as unknown as FieldTypeMap;
}

/**
 * The publish checks, run in the browser with the engine's own code (`validateFlow` of @formloom/flow):
 * the schema, references (fields, roles), the graph (reachability, dead ends, branches, cycles, splits and
 * joins) and every branch condition — each problem at its node. The server runs the same checks on save.
 */
export function checkFlow(
  flow: FlowJson,
  forms: readonly KnownForm[],
  roles: readonly string[],
  locale: Locale,
): FlowProblem[] {
  const issues = validateFlow(flow, {
    forms: forms as unknown as FormRef[],
    roles: [...roles, ...WORKSPACE_ROLES],
    fields: conditionFields(forms, flow.form),
  });
  return issues.map((i) => ({ node: i.node, path: i.path, message: formatIssue(i, locale) }));
}
