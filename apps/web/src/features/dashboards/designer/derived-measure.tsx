import { DeleteOutlined } from '@ant-design/icons';
import type { Measure } from '@formloom/schema';
import { Button, Flex, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { localized } from '../../../i18n/localized';

/** The derived measures the panel offers (docs/reports.md, "Derived measures"); targets have their own part. */
export const DERIVED = ['formula', 'percentOfTotal', 'runningTotal', 'previous'] as const;
export type DerivedKind = (typeof DERIVED)[number];

/** Which derived measure a measure is. */
export function derivedKind(m: Measure): DerivedKind | undefined {
  return DERIVED.find((kind) => m[kind] !== undefined);
}

/** Measures a derived measure of `kind` may name: figures before it (sums and counts for additive ones). */
function basesFor(kind: DerivedKind, before: readonly Measure[]): Measure[] {
  return before.filter(
    (m) =>
      m.key !== undefined &&
      m.aggregate !== undefined &&
      (kind === 'previous' || m.aggregate === 'sum' || m.aggregate === 'count'),
  );
}

/** A fresh key for a derived measure (`formula1`, `previous2`...). */
function freshKey(kind: DerivedKind, measures: readonly Measure[]): string {
  const taken = new Set(measures.map((m) => m.key));
  let n = 1;
  while (taken.has(`${kind}${n}`)) n += 1;
  return `${kind}${n}`;
}

/** "Add computed measure": a select of the kinds (keyboard-usable), appending one that names the first figure. */
export function DerivedMenu({ measures, onAdd }: { measures: readonly Measure[]; onAdd(m: Measure): void }) {
  const { t } = useTranslation();
  const offered = DERIVED.filter((kind) => basesFor(kind, measures).length > 0);
  return (
    <Select<DerivedKind | null>
      size="small"
      value={null}
      placeholder={t('dashboards.designer.addDerived')}
      aria-label={t('dashboards.designer.addDerived')}
      data-testid="add-derived"
      style={{ minWidth: 180 }}
      disabled={offered.length === 0}
      options={offered.map((kind) => ({ value: kind, label: t(`dashboards.designer.derivedKinds.${kind}`) }))}
      onChange={(kind) => {
        if (!kind) return;
        const bases = basesFor(kind, measures);
        const first = bases[0]?.key ?? 'count';
        const key = freshKey(kind, measures);
        const value = kind === 'formula' ? (bases[1] ? `${first} / ${bases[1].key}` : `${first} * 1`) : first;
        onAdd({ key, [kind]: value } as Measure);
      }}
    />
  );
}

/** One derived measure: its label, and its formula or the figure it is computed from. */
export function DerivedMeasureRow({
  measure,
  index,
  before,
  nameOf,
  onChange,
  onRemove,
}: {
  measure: Measure;
  index: number;
  before: readonly Measure[];
  /** How a measure is called in the panel ("Sum · Amount"). */
  nameOf(m: Measure): string;
  onChange(next: Measure): void;
  onRemove(): void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const kind = derivedKind(measure);
  if (!kind) return null;
  const id = `derived-${index}`;
  const kindLabel = t(`dashboards.designer.derivedKinds.${kind}`);
  return (
    <Flex
      vertical
      gap={4}
      data-testid={id}
      style={{
        marginBottom: 8,
        padding: 8,
        border: '1px solid var(--ant-color-border-secondary, #f0f0f0)',
        borderRadius: 6,
      }}
    >
      <Flex gap={4} align="center">
        <Typography.Text type="secondary" style={{ flex: 'none', fontSize: 12 }}>
          {kindLabel}
        </Typography.Text>
        <Input
          size="small"
          aria-label={t('dashboards.designer.measureLabelN', { n: index + 1 })}
          placeholder={measure.key}
          style={{ flex: 1, minWidth: 0 }}
          value={localized(measure.label, language)}
          onChange={(e) => {
            const { label: _l, ...rest } = measure;
            const label = {
              ...(typeof measure.label === 'object' ? measure.label : {}),
              [language]: e.target.value,
            };
            onChange(e.target.value ? { ...rest, label } : rest);
          }}
        />
        <Button
          size="small"
          icon={<DeleteOutlined />}
          aria-label={t('dashboards.designer.removeMeasure', { n: index + 1 })}
          onClick={onRemove}
        />
      </Flex>
      {kind === 'formula' ? (
        <>
          <Input
            aria-label={t('dashboards.designer.formulaN', { n: index + 1 })}
            data-testid={`${id}-formula`}
            value={measure.formula}
            status={measure.formula ? '' : 'error'}
            onChange={(e) => onChange({ ...measure, formula: e.target.value })}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('dashboards.designer.formulaHelp', {
              keys: before.flatMap((m) => (m.key ? [`${m.key} (${nameOf(m)})`] : [])).join(', '),
            })}
          </Typography.Text>
        </>
      ) : (
        <Select
          aria-label={t('dashboards.designer.derivedOfN', { n: index + 1 })}
          data-testid={`${id}-of`}
          value={measure[kind] as string}
          options={basesFor(kind, before).map((m) => ({ value: m.key as string, label: nameOf(m) }))}
          onChange={(of: string) => onChange({ ...measure, [kind]: of })}
        />
      )}
    </Flex>
  );
}
