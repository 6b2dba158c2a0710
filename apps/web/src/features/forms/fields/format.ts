import type { FieldDefinition } from '../../../api/apps';
import { localized } from '../../../i18n/localized';

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, options);
    numberFormats.set(key, format);
  }
  return format;
}

/** A number in the user's locale, with the field's decimals (money: in its currency). */
export function formatNumber(value: unknown, field: FieldDefinition, language: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  const precision = typeof field.precision === 'number' ? field.precision : undefined;
  if (field.type === 'money' || (field.type === 'rollup' && typeof field.currency === 'string')) {
    const currency = typeof field.currency === 'string' ? field.currency : 'CNY';
    return numberFormat(language, {
      style: 'currency',
      currency,
      ...(precision === undefined
        ? {}
        : { minimumFractionDigits: precision, maximumFractionDigits: precision }),
    }).format(value);
  }
  if (field.type === 'percent') {
    // Stored as a fraction: 0.15 is 15 %.
    const digits = precision ?? 2;
    return numberFormat(language, { style: 'percent', maximumFractionDigits: digits }).format(value);
  }
  const unit = typeof field.unit === 'string' ? ` ${field.unit}` : '';
  return (
    numberFormat(
      language,
      precision === undefined
        ? { maximumFractionDigits: 10 }
        : {
            minimumFractionDigits: precision,
            maximumFractionDigits: precision,
          },
    ).format(value) + unit
  );
}

/** A calendar date (`YYYY-MM-DD`) in the user's locale; calendar dates have no time zone. */
export function formatDate(value: unknown, language: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value))
    return typeof value === 'string' ? value : '';
  const date = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** An instant in the user's locale and time zone. */
export function formatDateTime(value: unknown, language: string): string {
  if (typeof value !== 'string') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** How long ago an instant was, in words ("3 minutes ago"). */
export function formatRelative(value: string, language: string, now = Date.now()): string {
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units)
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  return format.format(seconds, 'second');
}

/** An option of a choice field. */
export interface ChoiceOption {
  value: string;
  label?: Record<string, string>;
  parents?: string[];
  color?: string;
}

/** The options of a choice field. */
export function optionsOf(field: FieldDefinition): ChoiceOption[] {
  return Array.isArray(field.options) ? (field.options as ChoiceOption[]) : [];
}

/** An option's label in the UI language, its value when it has none. */
export function optionLabel(field: FieldDefinition, value: unknown, language: string): string {
  const option = optionsOf(field).find((o) => o.value === value);
  return (option && localized(option.label, language)) || String(value ?? '');
}

/** Chinese text compares in pinyin order, as users of 简道云 expect; other text by the UI language. */
export function collator(language: string): Intl.Collator {
  return new Intl.Collator(language === 'zh-CN' ? 'zh-CN-u-co-pinyin' : language, { numeric: true });
}
