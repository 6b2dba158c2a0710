import { appError, type ErrorDetail, isAppError } from '../../lib/errors.js';
import { checkHostConditions } from '../records/compute.js';
import type { FormDirectory } from '../records/plan.js';
import type { FieldDef } from './meta.js';

/** Conditions of a field over another form's records: a rollup's, a relation's auto-link rule. */
function conditionsOf(field: FieldDef): { conditions: unknown; at: string } | undefined {
  if (field.type === 'rollup' && field.conditions !== undefined)
    return { conditions: field.conditions, at: 'conditions' };
  if (field.type === 'relation' && field.autoLink !== undefined)
    return { conditions: field.autoLink, at: 'autoLink' };
  return undefined;
}

/**
 * Compiles the conditions of rollups and auto-linked relations (subform columns too) as writes compile
 * them, so what would refuse every record (a filter on a field that cannot be compared that way, a value
 * of the wrong kind) refuses the definition instead: 422 with the path in the form document.
 */
export function checkConditions(fields: readonly FieldDef[], forms: FormDirectory, base = '/fields'): void {
  const details: ErrorDetail[] = [];
  const visit = (scope: readonly FieldDef[], path: string) => {
    scope.forEach((field, index) => {
      if (field.hidden) return;
      const at = `${path}/${index}`;
      if (field.type === 'subform' && Array.isArray(field.columns))
        visit(field.columns as FieldDef[], `${at}/columns`);
      const held = conditionsOf(field);
      const source = typeof field.form === 'string' ? forms.byKey(field.form) : undefined;
      if (!held || !source) return;
      try {
        checkHostConditions(held.conditions, source, forms, `${at}/${held.at}`);
      } catch (error) {
        if (!isAppError(error)) throw error;
        details.push(...(error.details ?? [{ path: `${at}/${held.at}`, message: error.text }]));
      }
    });
  };
  visit(fields, base);
  if (details.length > 0) {
    throw appError('UNPROCESSABLE', 'form.badConditions', details);
  }
}
