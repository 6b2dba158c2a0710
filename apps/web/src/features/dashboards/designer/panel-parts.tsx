import type { Dimension } from '@formloom/schema';
import { Divider, Flex, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocalized } from '../../../i18n/localized';
import type { FieldChoice } from './widget-draft';

/** One labelled row of the panel; the label names its control for screen readers. */
export function Row({ label, id, children }: { label: string; id: string; children: React.ReactNode }) {
  return (
    <Flex vertical gap={4} style={{ marginBottom: 12 }}>
      <label htmlFor={id} style={{ fontWeight: 500 }}>
        {label}
      </label>
      {children}
    </Flex>
  );
}

/** A titled part of the panel. */
export function Section({ title }: { title: string }) {
  return (
    <Divider titlePlacement="start" plain style={{ margin: '12px 0 8px' }}>
      {title}
    </Divider>
  );
}

/** A switch with its text beside it (the text is also its accessible name). */
export function Toggle({
  label,
  checked,
  onChange,
  testId,
}: {
  label: string;
  checked: boolean;
  onChange(on: boolean): void;
  testId?: string;
}) {
  return (
    <Flex gap={8} align="center">
      <Switch
        checked={checked}
        onChange={onChange}
        aria-label={label}
        size="small"
        {...(testId ? { 'data-testid': testId } : {})}
      />
      <span>{label}</span>
    </Flex>
  );
}

/** How the panel names a field choice: its label, a subform column as "Subform › Column", system fields by name. */
export function useChoiceLabel(): (choice: FieldChoice) => string {
  const { t } = useTranslation();
  const l = useLocalized();
  return (choice) => {
    if (!choice.field) return t(`dashboards.system.${choice.key}`);
    const own = l(choice.field.label, choice.key);
    return choice.parent ? `${l(choice.parent.label, choice.parent.key)} › ${own}` : own;
  };
}

/** A dimension's text for labels elsewhere in the panel ("Matched to Rep by"). */
export function useDimensionLabel(choices: readonly FieldChoice[]): (d: Dimension) => string {
  const label = useChoiceLabel();
  return (d) =>
    label(choices.find((c) => c.key === d.field) ?? { key: d.field, date: false, numeric: false });
}
