import { useTranslation } from 'react-i18next';
import type { FieldDefinition } from '../../../api/apps';
import { Text } from '../../../components/text';
import { addressWidgets } from './address-widgets';
import { choiceWidgets } from './choice-widgets';
import { dateWidgets } from './date-widgets';
import { FIELD_COMPONENTS } from './field-components';
import { fileWidgets } from './file-widgets';
import { numberWidgets } from './number-widgets';
import { peopleWidgets } from './people-widgets';
import { relationWidgets, setLookupResolver } from './relation-widgets';
import { setSubformResolver, subformWidgets } from './subform-widget';
import { textWidgets } from './text-widgets';
import type { DisplayProps, FieldWidget } from './types';

/** The field type whose widget shows a formula's result, by the formula's `resultType`. */
const RESULT_TYPES: Readonly<Record<string, string>> = {
  text: 'text',
  number: 'number',
  money: 'money',
  percent: 'percent',
  boolean: 'switch',
  date: 'date',
  datetime: 'datetime',
  select: 'text',
  multiselect: 'text',
  member: 'member',
  'member[]': 'member',
  department: 'department',
};

/** Formulas and rollups: the result shown with the widget of the kind of value it is. */
function ComputedDisplay({ field, value, ctx, compact }: DisplayProps) {
  const resultType = field.type === 'rollup' ? 'number' : String(field.resultType ?? 'any');
  const shownAs = RESULT_TYPES[resultType];
  if (value === undefined || value === null) return null;
  if (!shownAs) {
    const text = Array.isArray(value)
      ? value.join(', ')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
    return <span>{text}</span>;
  }
  const pseudo: FieldDefinition = {
    ...field,
    type: shownAs,
    ...(shownAs === 'member' && Array.isArray(value) ? { multiple: true } : {}),
  };
  const { Display } = widgetOf(pseudo);
  return <Display field={pseudo} value={value} ctx={ctx} {...(compact ? { compact } : {})} />;
}

function SerialDisplay({ value, compact }: DisplayProps) {
  const { t } = useTranslation();
  if (value === undefined || value === null) {
    return compact ? null : <Text type="secondary">{t('fields.assignedOnSave')}</Text>;
  }
  return <span style={{ fontVariantNumeric: 'tabular-nums' }}>{String(value)}</span>;
}

/**
 * Every UI component the field-type registry names (`FieldTypeDef.component`, or a field's own
 * `component`), one entry each. A new field type is one registry entry in packages/schema plus its
 * widget here; nothing else in the web app switches on field types.
 */
export const FIELD_WIDGETS: Readonly<Record<string, FieldWidget>> = {
  ...textWidgets,
  ...numberWidgets,
  ...dateWidgets,
  ...choiceWidgets,
  ...peopleWidgets,
  ...relationWidgets,
  ...addressWidgets,
  ...fileWidgets,
  ...subformWidgets,
  ComputedValue: { Display: ComputedDisplay },
  SerialValue: { Display: SerialDisplay, text: (v) => (v === undefined || v === null ? '' : String(v)) },
};

/** The registry's UI component name of a field. */
export function componentOf(field: Pick<FieldDefinition, 'type'> & { component?: unknown }): string {
  if (typeof field.component === 'string' && FIELD_WIDGETS[field.component]) return field.component;
  return FIELD_COMPONENTS[field.type]?.component ?? 'TextInput';
}

/** The widget of a field. */
export function widgetOf(field: FieldDefinition): FieldWidget {
  return FIELD_WIDGETS[componentOf(field)] ?? (FIELD_WIDGETS.TextInput as FieldWidget);
}

/** True for fields only the server writes (formulas, lookups, rollups, serial numbers, system values). */
export function isComputedField(field: Pick<FieldDefinition, 'type'>): boolean {
  return FIELD_COMPONENTS[field.type]?.computed === true;
}

setLookupResolver(widgetOf);
setSubformResolver(widgetOf);
