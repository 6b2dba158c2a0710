import { Type } from 'typebox';
import { defineFieldType, type JsonSchemaObject } from './define.js';
import { idOrIds } from './fragments.js';

/** A calendar date, sent as `YYYY-MM-DD`. */
export const dateType = defineFieldType({
  type: 'date',
  config: {},
  computed: false,
  component: 'DatePicker',
  formulaType: () => 'date',
  submission: (field) => {
    const out: JsonSchemaObject = { type: 'string', format: 'date' };
    if (typeof field.validation?.min === 'string') out.formatMinimum = field.validation.min;
    if (typeof field.validation?.max === 'string') out.formatMaximum = field.validation.max;
    return out;
  },
});

/** An instant, sent as an RFC 3339 date-time with a time zone (`2026-01-31T09:30:00Z`). */
export const datetimeType = defineFieldType({
  type: 'datetime',
  config: {},
  computed: false,
  component: 'DateTimePicker',
  formulaType: () => 'datetime',
  submission: () => ({ type: 'string', format: 'date-time' }),
});

/** One workspace member, or several with `multiple`. */
export const memberType = defineFieldType({
  type: 'member',
  config: { multiple: Type.Optional(Type.Boolean()) },
  computed: false,
  component: 'MemberPicker',
  formulaType: (field) => (field.multiple ? 'member[]' : 'member'),
  submission: (field) => idOrIds(field.multiple, field),
});

/** One department, or several with `multiple`. */
export const departmentType = defineFieldType({
  type: 'department',
  config: { multiple: Type.Optional(Type.Boolean()) },
  computed: false,
  component: 'DepartmentPicker',
  formulaType: (field) => (field.multiple ? 'text[]' : 'text'),
  submission: (field) => idOrIds(field.multiple, field),
});
