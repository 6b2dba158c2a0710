import { TZDate } from '@date-fns/tz';
import type { DashboardFilter } from '@formloom/schema';
import { PERIOD_NAMES } from '@formloom/schema';
import type { Connection, Types } from 'mongoose';
import { appError, type Message, t } from '../../lib/errors.js';
import { departmentAndBelow } from '../workspaces/service.js';

/** The values a viewer picked in a dashboard's filter controls, by control key. */
export type ControlValues = Readonly<Record<string, unknown>>;

const ID = /^[0-9a-f]{24}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The field a control filters a form on: its own entry for the form, else its `field`. */
function fieldFor(control: DashboardFilter, formKey: string): string {
  return control.fields?.find((entry) => entry.form === formKey)?.field ?? control.field;
}

/** Local midnight of a day (plus `days`) in a time zone, as an instant; UTC for a zone it does not know. */
function dayStart(day: string, timeZone: string, days: number): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const local = new TZDate(y, m - 1, d + days, timeZone);
  return Number.isNaN(local.getTime()) ? new Date(Date.UTC(y, m - 1, d + days)) : new Date(local.getTime());
}

function bad(key: string, expected: Message): never {
  throw appError('VALIDATION_FAILED', 'dashboard.invalidControl', [
    { path: `/controls/${key}`, message: t('filter.mustBe', { expected }) },
  ]);
}

/**
 * One control's value as a condition of the filter DSL over `field`, or nothing when the viewer left it
 * empty: a period name (or `{ from, to }` days), a member id or `"$me"`, a department id (with the
 * departments below it), or a list of select options.
 */
async function conditionOf(
  connection: Connection,
  ws: Types.ObjectId,
  control: DashboardFilter,
  field: string,
  value: unknown,
  instants: boolean,
  timeZone: string,
): Promise<unknown | undefined> {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0))
    return undefined;
  switch (control.type) {
    case 'period': {
      if (typeof value === 'string') {
        if (!(PERIOD_NAMES as readonly string[]).includes(value))
          bad(control.key, t('value.oneOf', { values: PERIOD_NAMES }));
        return { field, op: 'eq', value: { $period: value } };
      }
      const range = value as { from?: unknown; to?: unknown };
      if (
        typeof range !== 'object' ||
        typeof range.from !== 'string' ||
        typeof range.to !== 'string' ||
        !DAY.test(range.from) ||
        !DAY.test(range.to)
      )
        bad(control.key, t('value.periodOrRange'));
      if (!instants) return { field, op: 'between', value: [range.from, range.to] };
      // A date-time (or a record's own time) is in the range from the first day's local midnight up to the
      // one after the last day, in the viewer's time zone.
      const [from, after] = [dayStart(range.from, timeZone, 0), dayStart(range.to, timeZone, 1)];
      return {
        and: [
          { field, op: 'gte', value: from.toISOString() },
          { field, op: 'lt', value: after.toISOString() },
        ],
      };
    }
    case 'member':
      if (value === '$me') return { field, op: 'eq', value: { $me: true } };
      if (typeof value !== 'string' || !ID.test(value)) bad(control.key, t('value.memberOrMe'));
      return { field, op: 'eq', value: value.toLowerCase() };
    case 'department': {
      if (typeof value !== 'string' || !ID.test(value)) bad(control.key, t('value.departmentId'));
      const below = await departmentAndBelow(connection, ws, value);
      // An unknown department matches nothing, as a department without records would.
      return { field, op: 'in', value: below.length > 0 ? below : [value.toLowerCase()] };
    }
    case 'select': {
      const values = Array.isArray(value) ? value : [value];
      if (
        values.length > 100 ||
        !values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      )
        bad(control.key, t('value.options'));
      return { field, op: 'in', value: values };
    }
  }
}

/**
 * The filters a dashboard's controls put on a widget of `formKey`: one condition per control the viewer
 * set, over the control's field for that form. Controls whose field the form does not have (`typeOf`
 * answers undefined) leave the widget alone. Period days on a date-time field (or a record's own times,
 * `timestamp`) are bounded in `timeZone`. Unknown control keys are refused (400).
 */
export async function controlFilters(
  connection: Connection,
  ws: Types.ObjectId,
  controls: readonly DashboardFilter[],
  values: ControlValues,
  formKey: string,
  typeOf: (formKey: string, field: string) => string | undefined,
  timeZone = 'UTC',
): Promise<unknown[]> {
  for (const key of Object.keys(values)) {
    if (!controls.some((c) => c.key === key))
      throw appError('VALIDATION_FAILED', 'dashboard.invalidControl', [
        { path: `/controls/${key}`, message: 'detail.noControl' },
      ]);
  }
  const out: unknown[] = [];
  for (const control of controls) {
    const value = Object.hasOwn(values, control.key) ? values[control.key] : control.default;
    const field = fieldFor(control, formKey);
    const type = typeOf(formKey, field);
    if (type === undefined) continue;
    const instants = type === 'datetime' || type === 'timestamp';
    const condition = await conditionOf(connection, ws, control, field, value, instants, timeZone);
    if (condition !== undefined) out.push(condition);
  }
  return out;
}
