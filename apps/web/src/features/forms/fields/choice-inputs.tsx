import { Checkbox, Flex, Radio, Switch } from 'antd';
import { useOffered } from './choice-widgets';
import type { InputProps } from './types';

/** Options as radio buttons. */
export function RadioInput(props: InputProps) {
  const { field, value, onChange, id, disabled, ariaLabel } = props;
  const options = useOffered(field, props);
  return (
    <Radio.Group
      id={id}
      value={value ?? null}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled}
      aria-label={ariaLabel}
    >
      <Flex wrap gap={8}>
        {options.map((o) => (
          <Radio key={o.value} value={o.value} style={{ minHeight: 32, alignItems: 'center' }}>
            {o.label}
          </Radio>
        ))}
      </Flex>
    </Radio.Group>
  );
}

/** Options as check boxes. */
export function CheckboxInput(props: InputProps) {
  const { field, value, onChange, id, disabled, ariaLabel } = props;
  const options = useOffered(field, props);
  return (
    <div id={id}>
      <Checkbox.Group
        value={Array.isArray(value) ? (value as string[]) : []}
        onChange={(next) => onChange(next.length === 0 ? null : next)}
        disabled={disabled}
        aria-label={ariaLabel}
      >
        <Flex wrap gap={8}>
          {options.map((o) => (
            <Checkbox key={o.value} value={o.value} style={{ minHeight: 32, alignItems: 'center' }}>
              {o.label}
            </Checkbox>
          ))}
        </Flex>
      </Checkbox.Group>
    </div>
  );
}

/** A yes/no switch. */
export function SwitchInput({ value, onChange, id, disabled, ariaLabel }: InputProps) {
  return (
    <Switch
      id={id}
      checked={value === true}
      onChange={(checked) => onChange(checked)}
      disabled={disabled}
      aria-label={ariaLabel}
    />
  );
}
