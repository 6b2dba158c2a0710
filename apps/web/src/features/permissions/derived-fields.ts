import {
  type AppInputs,
  appInputs,
  derivedAccess,
  directoryOf,
  type FieldDef,
  type HiddenBecause,
} from '@formloom/form-runtime';
import type { FormFieldSummary, FormSummary } from '../../api/endpoints';
import type { RoleDraft } from './matrix-model';

/** What the app's derived fields are made of, from the published definitions the forms list carries. */
export function inputsOfForms(forms: readonly FormSummary[]): AppInputs {
  // The forms list answers the published fields whole (expressions, relations...), as form-runtime reads them.
  const planned = forms.map((form) => ({
    key: form.key,
    definition: { key: form.key, name: form.name, fields: form.fields as unknown as FieldDef[] },
  }));
  return appInputs(planned, directoryOf(planned));
}

/**
 * The fields of `form` the role (as edited, unsaved changes included) hides, listed or because they are
 * made of hidden values — the same rule the server applies (form-runtime's `derivedAccess`).
 */
export function hiddenByRole(
  role: RoleDraft | undefined,
  form: string,
  inputs: AppInputs,
): ReadonlyMap<string, HiddenBecause> {
  if (!role) return new Map();
  const grants = Object.entries(role.cells).map(([key, cell]) => ({
    form: key,
    // Whether the role may view the form is what matters here, not which records.
    view: cell.view.kind === 'none' ? undefined : cell.view.kind,
    fields: cell.fields,
  }));
  return derivedAccess([grants], inputs).hidden(form) ?? new Map();
}

/** The label of a field (`subform.column` too) of a form, for "hidden because it uses …". */
export function fieldLabel(
  forms: readonly FormSummary[],
  formKey: string,
  ref: string,
  text: (label: FormFieldSummary['label']) => string,
): string {
  const form = forms.find((f) => f.key === formKey);
  const [head, column] = ref.split('.');
  const field = form?.fields.find((f) => f.key === head);
  const target = column === undefined ? field : field?.columns?.find((c) => c.key === column);
  const own = target ? text(target.label) || target.key : ref;
  const name = column !== undefined && field ? `${text(field.label) || field.key} › ${own}` : own;
  return name;
}
