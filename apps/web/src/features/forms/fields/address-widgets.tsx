import { Flex } from 'antd';
import { useTranslation } from 'react-i18next';
import { Input } from '../../../components/antd-lean';
import type { DisplayProps, FieldWidget, InputProps } from './types';

/** An address value: region parts down to the field's `level`, then the street detail. */
interface Address {
  province?: string;
  city?: string;
  district?: string;
  detail?: string;
  lat?: number;
  lng?: number;
}

const LEVELS = ['province', 'city', 'district'] as const;

function partsOf(level: unknown): Array<(typeof LEVELS)[number]> {
  const depth = level === 'province' ? 1 : level === 'city' ? 2 : 3;
  return LEVELS.slice(0, depth);
}

function addressText(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  const a = value as Address;
  return [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ');
}

function AddressDisplay({ value }: DisplayProps) {
  return <span style={{ overflowWrap: 'anywhere' }}>{addressText(value)}</span>;
}

function AddressInput({ field, value, onChange, id, disabled, invalid }: InputProps) {
  const { t } = useTranslation();
  const address: Address = value && typeof value === 'object' ? (value as Address) : {};
  const set = (part: keyof Address, text: string) => {
    const next: Address = { ...address, [part]: text || undefined };
    for (const key of Object.keys(next) as Array<keyof Address>)
      if (next[key] === undefined) delete next[key];
    onChange(Object.keys(next).length === 0 ? null : next);
  };
  const withDetail = field.withDetail !== false;
  return (
    <Flex vertical gap={8} id={id} role="group">
      <Flex gap={8} wrap>
        {partsOf(field.level).map((part) => (
          <Input
            key={part}
            value={address[part] ?? ''}
            onChange={(e) => set(part, e.target.value)}
            placeholder={t(`fields.address.${part}`)}
            aria-label={t(`fields.address.${part}`)}
            disabled={disabled}
            status={invalid ? 'error' : ''}
            maxLength={100}
            style={{ flex: '1 1 120px', minWidth: 0 }}
          />
        ))}
      </Flex>
      {withDetail && (
        <Input
          value={address.detail ?? ''}
          onChange={(e) => set('detail', e.target.value)}
          placeholder={t('fields.address.detail')}
          aria-label={t('fields.address.detail')}
          disabled={disabled}
          status={invalid ? 'error' : ''}
          maxLength={500}
        />
      )}
    </Flex>
  );
}

/** The address widget. */
export const addressWidgets: Record<string, FieldWidget> = {
  AddressInput: { Display: AddressDisplay, Input: AddressInput, wide: true, text: addressText },
};
