import { InputNumber } from 'antd';
import { formatNumber } from './format';
import { lazyDisplay, lazyInput } from './lazy-widget';
import type { DisplayProps, FieldWidget, InputProps } from './types';

function NumberDisplay({ field, value, ctx }: DisplayProps) {
  return (
    <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatNumber(value, field, ctx.language)}</span>
  );
}

/** Decimals a number field keeps: its precision (money: 2 unless set). */
function decimalsOf(type: string, precision: unknown): number | undefined {
  if (typeof precision === 'number') return precision;
  return type === 'money' ? 2 : undefined;
}

function NumberInputWidget({ field, value, onChange, id, disabled, invalid, ariaLabel }: InputProps) {
  const precision = decimalsOf(field.type, field.precision);
  const currency = typeof field.currency === 'string' ? field.currency : undefined;
  return (
    <InputNumber
      id={id}
      value={typeof value === 'number' ? value : null}
      onChange={(next) => onChange(typeof next === 'number' ? next : null)}
      disabled={disabled}
      status={invalid ? 'error' : ''}
      {...(precision === undefined ? {} : { precision })}
      inputMode="decimal"
      style={{ width: '100%' }}
      {...(field.type === 'money' && currency ? { prefix: currency } : {})}
      {...(typeof field.unit === 'string' ? { suffix: field.unit } : {})}
      aria-label={ariaLabel}
    />
  );
}

/** Percent fields store a fraction (15 % is 0.15); people type the percentage. */
function PercentInputWidget({ field, value, onChange, id, disabled, invalid, ariaLabel }: InputProps) {
  const digits = typeof field.precision === 'number' ? field.precision : 2;
  const shown = typeof value === 'number' ? Number((value * 100).toFixed(digits)) : null;
  return (
    <InputNumber
      id={id}
      value={shown}
      onChange={(next) =>
        onChange(typeof next === 'number' ? Number((next / 100).toFixed(digits + 2)) : null)
      }
      disabled={disabled}
      status={invalid ? 'error' : ''}
      precision={digits}
      inputMode="decimal"
      suffix="%"
      style={{ width: '100%' }}
      aria-label={ariaLabel}
    />
  );
}

// The star rating (antd Rate) loads when a form first shows a rating field.
const RatingDisplay = lazyDisplay(() => import('./rating-widgets').then((m) => m.RatingDisplay));
const RatingInput = lazyInput(() => import('./rating-widgets').then((m) => m.RatingInput));

const text: FieldWidget['text'] = (value, field, ctx) => formatNumber(value, field, ctx.language);

/** Widgets of the number-like field types. */
export const numberWidgets: Record<string, FieldWidget> = {
  NumberInput: { Display: NumberDisplay, Input: NumberInputWidget, text },
  MoneyInput: { Display: NumberDisplay, Input: NumberInputWidget, text },
  PercentInput: { Display: NumberDisplay, Input: PercentInputWidget, text },
  Rating: {
    Display: RatingDisplay,
    Input: RatingInput,
    text: (value) => (typeof value === 'number' ? `${value}` : ''),
  },
};
