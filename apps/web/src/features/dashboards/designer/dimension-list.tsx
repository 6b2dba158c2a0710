import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { type Dimension, PERIOD_UNITS } from '@formloom/schema';
import { Button, Flex, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useChoiceLabel } from './panel-parts';
import type { FieldChoice } from './widget-draft';

/**
 * An editable list of dimensions (a field each, dates with a bucket): the widget's group-by fields, and
 * the levels of its drill-down. `name` prefixes test ids and accessible names (`dimension-0`, `drill-0`).
 */
export function DimensionList({
  value,
  choices,
  min,
  max,
  name,
  next,
  onChange,
}: {
  value: readonly Dimension[];
  choices: readonly FieldChoice[];
  min: number;
  max: number;
  name: 'dimension' | 'drill';
  /** The dimension "Add" appends, or none to offer. */
  next: Dimension | undefined;
  onChange(next: Dimension[]): void;
}) {
  const { t } = useTranslation();
  const labelOf = useChoiceLabel();
  const groupable = choices.filter((c) => !c.numeric).map((c) => ({ value: c.key, label: labelOf(c) }));
  const replace = (i: number, d: Dimension) => onChange(value.map((x, j) => (j === i ? d : x)));
  return (
    <>
      {value.map((d, i) => {
        const choice = choices.find((c) => c.key === d.field);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a dimension is its position in the list.
          <Flex key={i} gap={4} style={{ marginBottom: 8 }}>
            <Select
              aria-label={t(`dashboards.designer.${name}N`, { n: i + 1 })}
              data-testid={`${name}-${i}`}
              showSearch={{ optionFilterProp: 'label' }}
              style={{ flex: 1, minWidth: 0 }}
              value={d.field}
              options={groupable}
              onChange={(field: string) =>
                replace(i, {
                  field,
                  ...(choices.find((c) => c.key === field)?.date ? { granularity: 'month' as const } : {}),
                })
              }
            />
            {choice?.date && (
              <Select
                aria-label={t('dashboards.designer.granularityN', { n: i + 1 })}
                data-testid={`${name}-${i}-granularity`}
                style={{ width: 96 }}
                value={d.granularity ?? 'month'}
                options={PERIOD_UNITS.map((u) => ({ value: u, label: t(`dashboards.designer.units.${u}`) }))}
                onChange={(granularity: NonNullable<Dimension['granularity']>) =>
                  replace(i, { ...d, granularity })
                }
              />
            )}
            <Button
              icon={<DeleteOutlined />}
              aria-label={t(`dashboards.designer.remove_${name}`, { n: i + 1 })}
              disabled={value.length <= min}
              onClick={() => onChange(value.filter((_x, j) => j !== i))}
            />
          </Flex>
        );
      })}
      {value.length < max && next && (
        <Button
          icon={<PlusOutlined />}
          size="small"
          data-testid={`add-${name}`}
          onClick={() => onChange([...value, next])}
        >
          {t(`dashboards.designer.add_${name}`)}
        </Button>
      )}
    </>
  );
}
