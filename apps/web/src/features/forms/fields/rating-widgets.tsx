import { Rate } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DisplayProps, InputProps } from './types';

// The rating field's stars, loaded on first use by its widget (number-widgets.tsx).

export function RatingDisplay({ field, value }: DisplayProps) {
  const max = typeof field.max === 'number' ? field.max : 5;
  return <Rate disabled count={max} value={typeof value === 'number' ? value : 0} style={{ fontSize: 16 }} />;
}

export function RatingInput({ field, value, onChange, id, disabled, ariaLabel }: InputProps) {
  const { t } = useTranslation();
  const max = typeof field.max === 'number' ? field.max : 5;
  return (
    <Rate
      id={id}
      count={max}
      value={typeof value === 'number' ? value : 0}
      onChange={(next) => onChange(next)}
      disabled={disabled}
      allowClear
      aria-label={ariaLabel}
      tooltips={Array.from({ length: max }, (_, i) => t('fields.ratingOf', { value: i + 1, max }))}
      style={{ fontSize: 28 }}
    />
  );
}
