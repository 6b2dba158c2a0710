import { Input } from '../../../components/antd-lean';
import { formatDate, formatDateTime } from './format';
import type { DisplayProps, FieldWidget, InputProps } from './types';

// Dates use the browser's own pickers: on phones they are the system's wheel or calendar (what people
// know), on desktops a calendar in the user's locale, and they cost no JavaScript.

function DateDisplay({ value, ctx }: DisplayProps) {
  return <span>{formatDate(value, ctx.language)}</span>;
}

function DateTimeDisplay({ value, ctx }: DisplayProps) {
  return <span>{formatDateTime(value, ctx.language)}</span>;
}

function DateInput({ field, value, onChange, id, disabled, invalid, ariaLabel }: InputProps) {
  const validation = field.validation as { min?: unknown; max?: unknown } | undefined;
  return (
    <Input
      id={id}
      type="date"
      value={typeof value === 'string' ? value.slice(0, 10) : ''}
      onChange={(e) => onChange(e.target.value || null)}
      disabled={disabled}
      status={invalid ? 'error' : ''}
      min={typeof validation?.min === 'string' ? validation.min : undefined}
      max={typeof validation?.max === 'string' ? validation.max : undefined}
      aria-label={ariaLabel}
      style={{ maxWidth: 240 }}
    />
  );
}

/** `YYYY-MM-DDTHH:mm` in the browser's time zone, as `datetime-local` inputs take it. */
export function toLocalInput(iso: unknown): string {
  if (typeof iso !== 'string') return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function DateTimeInput({ value, onChange, id, disabled, invalid, ariaLabel }: InputProps) {
  return (
    <Input
      id={id}
      type="datetime-local"
      value={toLocalInput(value)}
      // The local wall time the user picked, stored as the instant it is (RFC 3339, UTC).
      onChange={(e) => onChange(e.target.value ? new Date(e.target.value).toISOString() : null)}
      disabled={disabled}
      status={invalid ? 'error' : ''}
      aria-label={ariaLabel}
      style={{ maxWidth: 280 }}
    />
  );
}

/** Widgets of the date field types. */
export const dateWidgets: Record<string, FieldWidget> = {
  DatePicker: { Display: DateDisplay, Input: DateInput, text: (v, _f, ctx) => formatDate(v, ctx.language) },
  DateTimePicker: {
    Display: DateTimeDisplay,
    Input: DateTimeInput,
    text: (v, _f, ctx) => formatDateTime(v, ctx.language),
  },
};
