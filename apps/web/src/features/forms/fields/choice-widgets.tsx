import { useTranslation } from 'react-i18next';
import type { FieldDefinition } from '../../../api/apps';
import { localized } from '../../../i18n/localized';
import { optionLabel, optionsOf } from './format';
import { lazyDisplay, lazyInput } from './lazy-widget';
import type { DisplayProps, FieldWidget, InputProps } from './types';

/**
 * The options a choice field offers now: with `dependsOn`, those whose `parents` include the parent
 * field's value (options without parents are offered under every value), as the server checks it.
 */
export function offeredOptions(
  field: FieldDefinition,
  scope: Readonly<Record<string, unknown>>,
  language: string,
) {
  const parentKey = typeof field.dependsOn === 'string' ? field.dependsOn : undefined;
  const parent = parentKey ? scope[parentKey] : undefined;
  return optionsOf(field)
    .filter((o) => !parentKey || !o.parents || (typeof parent === 'string' && o.parents.includes(parent)))
    .map((o) => ({ value: o.value, label: localized(o.label, language) || o.value }));
}

/** Keeps a cascading value valid: a parent change that removes the chosen option clears it. */
export function useOffered(field: FieldDefinition, props: InputProps) {
  return offeredOptions(field, props.scope, props.ctx.language);
}

// Option chips (antd Tag) load when a form first shows a chosen value.
const ChoiceDisplay = lazyDisplay(() => import('./tag-displays').then((m) => m.ChoiceDisplay));

// Select-based inputs load when a form first shows such a field (see lazy-widget.tsx).
const SelectInput = lazyInput(() => import('./select-inputs').then((m) => m.SelectInput));

function SwitchDisplay({ value }: DisplayProps) {
  const { t } = useTranslation();
  if (value === undefined || value === null) return null;
  return <span>{value ? t('fields.yes') : t('fields.no')}</span>;
}

// Radio buttons, check boxes and switches load when a form first shows such a field.
const RadioInput = lazyInput(() => import('./choice-inputs').then((m) => m.RadioInput));
const CheckboxInput = lazyInput(() => import('./choice-inputs').then((m) => m.CheckboxInput));
const SwitchInput = lazyInput(() => import('./choice-inputs').then((m) => m.SwitchInput));

const choiceText: FieldWidget['text'] = (value, field, ctx) =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value])
    .map((v) => optionLabel(field, v, ctx.language))
    .join(', ');

/** Widgets of the choice field types. */
export const choiceWidgets: Record<string, FieldWidget> = {
  Select: { Display: ChoiceDisplay, Input: SelectInput, text: choiceText },
  RadioGroup: { Display: ChoiceDisplay, Input: RadioInput, text: choiceText },
  MultiSelect: { Display: ChoiceDisplay, Input: SelectInput, text: choiceText },
  CheckboxGroup: { Display: ChoiceDisplay, Input: CheckboxInput, text: choiceText },
  Switch: {
    Display: SwitchDisplay,
    Input: SwitchInput,
    text: (v) => (v === true ? '✓' : v === false ? '✗' : ''),
  },
};
