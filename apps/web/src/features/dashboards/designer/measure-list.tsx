import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { AGGREGATES, type Measure } from '@formloom/schema';
import { Button, Flex, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocalized } from '../../../i18n/localized';
import { DerivedMeasureRow, DerivedMenu } from './derived-measure';
import { useChoiceLabel } from './panel-parts';
import { type FieldChoice, measureKey } from './widget-draft';

/** The fields an aggregate can take: numbers for sums and averages, numbers and dates for min and max. */
function fieldsFor(aggregate: string, choices: readonly FieldChoice[]): FieldChoice[] {
  if (aggregate === 'sum' || aggregate === 'avg') return choices.filter((c) => c.numeric);
  if (aggregate === 'min' || aggregate === 'max') return choices.filter((c) => c.numeric || c.date);
  return [...choices];
}

/**
 * The widget's measures (its target series aside): aggregated figures (aggregate and field), then the
 * derived ones (a formula over them, percent of total, running total, previous period), each editable.
 */
export function MeasureList({
  measures,
  choices,
  onChange,
}: {
  measures: readonly Measure[];
  choices: readonly FieldChoice[];
  onChange(next: Measure[]): void;
}) {
  const { t } = useTranslation();
  const labelOf = useChoiceLabel();
  const l = useLocalized();
  const nameOf = (m: Measure) => {
    if (m.label) return l(m.label, m.key);
    const choice = choices.find((c) => c.key === m.field);
    const aggregate = t(`dashboards.designer.aggregates.${m.aggregate ?? 'count'}`);
    return choice ? `${aggregate} · ${labelOf(choice)}` : m.aggregate ? aggregate : (m.key ?? '');
  };
  const aggregated = measures.filter((m) => m.aggregate !== undefined || !m.key);
  const replace = (i: number, m: Measure) => onChange(measures.map((x, j) => (j === i ? m : x)));
  const others = (i: number) => ({ measures: measures.filter((_x, j) => j !== i) });
  return (
    <>
      {measures.map((m, i) => {
        if (m.aggregate === undefined && m.key) {
          return (
            <DerivedMeasureRow
              key={m.key}
              measure={m}
              index={i}
              before={measures.slice(0, i)}
              nameOf={nameOf}
              onChange={(next) => replace(i, next)}
              onRemove={() => onChange(measures.filter((_x, j) => j !== i))}
            />
          );
        }
        const aggregate = m.aggregate ?? 'count';
        const fieldList = fieldsFor(aggregate, choices);
        const keyOf = (agg: string, field: string | undefined) => measureKey(others(i), agg, field);
        return (
          <Flex key={m.key ?? i} gap={4} style={{ marginBottom: 8 }}>
            <Select
              aria-label={t('dashboards.designer.aggregateN', { n: i + 1 })}
              data-testid={`aggregate-${i}`}
              style={{ width: 110 }}
              value={aggregate}
              options={AGGREGATES.map((a) => ({ value: a, label: t(`dashboards.designer.aggregates.${a}`) }))}
              onChange={(next: NonNullable<Measure['aggregate']>) => {
                const keep = next === 'count' || fieldsFor(next, choices).some((c) => c.key === m.field);
                const field =
                  next === 'count' ? undefined : keep ? m.field : fieldsFor(next, choices)[0]?.key;
                const { field: _f, key: _k, ...rest } = m;
                replace(i, {
                  ...rest,
                  key: keyOf(next, field),
                  aggregate: next,
                  ...(field ? { field } : {}),
                });
              }}
            />
            <Select
              aria-label={t('dashboards.designer.measureFieldN', { n: i + 1 })}
              data-testid={`measure-field-${i}`}
              showSearch={{ optionFilterProp: 'label' }}
              allowClear={aggregate === 'count'}
              placeholder={t('dashboards.designer.records')}
              style={{ flex: 1, minWidth: 0 }}
              value={m.field}
              options={fieldList.map((c) => ({ value: c.key, label: labelOf(c) }))}
              onChange={(field: string | undefined) => {
                const { field: _f, key: _k, ...rest } = m;
                replace(i, { ...rest, ...(field ? { field } : {}), key: keyOf(aggregate, field) });
              }}
            />
            <Button
              icon={<DeleteOutlined />}
              aria-label={t('dashboards.designer.removeMeasure', { n: i + 1 })}
              disabled={aggregated.length <= 1 || measures.some((x) => dependsOn(x, m.key))}
              onClick={() => onChange(measures.filter((_x, j) => j !== i))}
            />
          </Flex>
        );
      })}
      <Flex gap={8} wrap>
        <Button
          icon={<PlusOutlined />}
          size="small"
          data-testid="add-measure"
          onClick={() => {
            const numeric = choices.find((c) => c.numeric);
            const aggregate = numeric ? ('sum' as const) : ('count' as const);
            const key = measureKey({ measures }, aggregate, numeric?.key);
            onChange([...measures, { key, aggregate, ...(numeric ? { field: numeric.key } : {}) }]);
          }}
        >
          {t('dashboards.designer.addMeasure')}
        </Button>
        <DerivedMenu measures={measures} onAdd={(m) => onChange([...measures, m])} />
      </Flex>
    </>
  );
}

/** Whether a derived measure names `key` (so `key` cannot be removed before it). */
function dependsOn(m: Measure, key: string | undefined): boolean {
  if (!key) return false;
  if (m.percentOfTotal === key || m.runningTotal === key || m.previous === key) return true;
  return typeof m.formula === 'string' && new RegExp(`\\b${key}\\b`).test(m.formula);
}
