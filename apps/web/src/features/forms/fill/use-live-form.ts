import { applyDefaults, directoryOf, LiveForm, type PlannedForm } from '@formloom/form-runtime';
import { useMemo } from 'react';
import type { FormDefinitionSummary } from '../../../api/apps';

/** The app's forms as the runtime plans them (lookups read other forms' fields). */
export function plannedForms(forms: readonly FormDefinitionSummary[]): PlannedForm[] {
  return forms.map((form) => ({
    key: form.key,
    definition: { key: form.key, name: form.name, fields: form.fields as never },
  }));
}

const cache = new WeakMap<FormDefinitionSummary, LiveForm>();

/** The live form of a published form version (one per definition object, like the server's plans). */
export function liveFormOf(form: FormDefinitionSummary, forms: readonly FormDefinitionSummary[]): LiveForm {
  let live = cache.get(form);
  if (!live) {
    const planned = plannedForms(forms);
    const own = planned.find((p) => p.key === form.key);
    live = new LiveForm(own?.definition ?? { key: form.key, name: form.name, fields: form.fields as never }, {
      directory: directoryOf(planned),
    });
    cache.set(form, live);
  }
  return live;
}

/** {@link liveFormOf} for a component. */
export function useLiveForm(form: FormDefinitionSummary, forms: readonly FormDefinitionSummary[]): LiveForm {
  return useMemo(() => liveFormOf(form, forms), [form, forms]);
}

/**
 * A new record's starting values: every default the input leaves out, as the server would fill them for
 * `user` (the input: what was typed before the engine loaded, kept as typed).
 */
export function defaultsFor(
  live: LiveForm,
  forms: readonly FormDefinitionSummary[],
  user: string,
  input: Record<string, unknown> = {},
): Record<string, unknown> {
  return applyDefaults(live.definition.fields, directoryOf(plannedForms(forms)), input, live.clock(), user);
}
