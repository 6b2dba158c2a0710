import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Widget } from '@formloom/schema';
import { Button, Flex, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocalized } from '../../../i18n/localized';
import { useDimensionLabel } from './panel-parts';
import { type FieldChoice, sortColumns, withKey } from './widget-draft';

type SortKey = NonNullable<Widget['sort']>[number];

/**
 * The widget's order and its "top N": sort keys (a dimension or a measure, ascending or descending; none
 * means the type's default order) and the most groups shown (empty: the type's default).
 */
export function SortLimit({
  widget,
  choices,
  nameOf,
  onChange,
}: {
  widget: Widget;
  choices: readonly FieldChoice[];
  nameOf(m: NonNullable<Widget['measures']>[number]): string;
  onChange(next: Widget): void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const dimensionLabel = useDimensionLabel(choices);
  const columns = sortColumns(widget);
  const options = columns.map((c) => ({
    value: c.key,
    label: c.dimension
      ? l(c.dimension.label, dimensionLabel(c.dimension))
      : c.measure
        ? nameOf(c.measure)
        : c.key,
  }));
  const sort = widget.sort ?? [];
  const setSort = (next: SortKey[]) => onChange(withKey(widget, 'sort', next));
  return (
    <>
      {sort.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a sort key is its position.
        <Flex key={i} gap={4} style={{ marginBottom: 8 }}>
          <Select
            aria-label={t('dashboards.designer.sortByN', { n: i + 1 })}
            data-testid={`sort-${i}`}
            style={{ flex: 1, minWidth: 0 }}
            value={s.by}
            status={columns.some((c) => c.key === s.by || c.dimension?.field === s.by) ? '' : 'error'}
            options={options}
            onChange={(by: string) => setSort(sort.map((x, j) => (j === i ? { ...x, by } : x)))}
          />
          <Select
            aria-label={t('dashboards.designer.sortDirN', { n: i + 1 })}
            data-testid={`sort-${i}-dir`}
            style={{ width: 124 }}
            value={s.dir}
            options={(['desc', 'asc'] as const).map((dir) => ({
              value: dir,
              label: t(`dashboards.designer.dir.${dir}`),
            }))}
            onChange={(dir: SortKey['dir']) => setSort(sort.map((x, j) => (j === i ? { ...x, dir } : x)))}
          />
          <Button
            icon={<DeleteOutlined />}
            aria-label={t('dashboards.designer.removeSortN', { n: i + 1 })}
            onClick={() => setSort(sort.filter((_x, j) => j !== i))}
          />
        </Flex>
      ))}
      <Flex gap={8} align="center" wrap>
        {sort.length < 5 && (
          <Button
            icon={<PlusOutlined />}
            size="small"
            data-testid="add-sort"
            disabled={columns.length === 0}
            onClick={() => {
              const measure = columns.find((c) => c.measure && !sort.some((s) => s.by === c.key));
              const first = measure ?? columns.find((c) => !sort.some((s) => s.by === c.key)) ?? columns[0];
              if (first) setSort([...sort, { by: first.key, dir: measure ? 'desc' : 'asc' }]);
            }}
          >
            {t('dashboards.designer.addSort')}
          </Button>
        )}
        <label htmlFor={`widget-${widget.key}-limit`}>{t('dashboards.designer.limit')}</label>
        <InputNumber
          id={`widget-${widget.key}-limit`}
          data-testid="widget-limit"
          min={1}
          max={10_000}
          precision={0}
          placeholder={t('dashboards.designer.limitDefault')}
          style={{ width: 96 }}
          value={widget.limit ?? null}
          onChange={(value) =>
            onChange(withKey(widget, 'limit', typeof value === 'number' ? value : undefined))
          }
        />
      </Flex>
    </>
  );
}
