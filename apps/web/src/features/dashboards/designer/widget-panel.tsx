import { DeleteOutlined, FilterOutlined, PlusOutlined } from '@ant-design/icons';
import { AGGREGATES, type Dimension, type Measure, PERIOD_UNITS, WIDGET_TYPES } from '@formloom/schema';
import { Badge, Button, Divider, Flex, Input, InputNumber, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FormDefinitionSummary } from '../../../api/apps';
import type { FilterNode } from '../../../api/records';
import { localized, useLocalized } from '../../../i18n/localized';
import { useAppScope } from '../../apps/app-scope';
import { FilterBuilder } from '../../records/filter-builder';
import { conditionCount } from '../../records/filter-model';
import type { Placement } from '../dashboard-grid';
import type { Widget } from '../dashboards-api';
import {
  changeType,
  dimensionLimits,
  type FieldChoice,
  fieldChoices,
  measureKey,
  setTarget,
  TARGET_KEY,
} from './widget-draft';

/** One labelled row of the panel; the label names its control for screen readers. */
function Row({ label, id, children }: { label: string; id: string; children: React.ReactNode }) {
  return (
    <Flex vertical gap={4} style={{ marginBottom: 12 }}>
      <label htmlFor={id} style={{ fontWeight: 500 }}>
        {label}
      </label>
      {children}
    </Flex>
  );
}

/**
 * The panel that edits the selected widget: title, type, source form, dimensions, measures, a target series
 * (the bar chart's target line), type options, filter, and position and size (the keyboard's way to move
 * and resize). Every change goes straight to the draft; the grid previews it live.
 */
export function WidgetPanel({
  widget,
  place,
  onChange,
  onPlace,
  onRemove,
}: {
  widget: Widget;
  place: Placement;
  onChange(next: Widget): void;
  onPlace(next: Placement): void;
  onRemove(): void;
}) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const scope = useAppScope();
  const language = i18n.resolvedLanguage ?? 'en';
  const [filtering, setFiltering] = useState(false);
  const form = scope.formByKey(widget.source.form);
  const choices = fieldChoices(form, scope.accessOf(widget.source.form).hidden);
  const labelOf = (choice: FieldChoice) =>
    choice.field ? l(choice.field.label, choice.key) : t(`dashboards.system.${choice.key}`);
  const options = (list: FieldChoice[]) => list.map((c) => ({ value: c.key, label: labelOf(c) }));
  const viewable = scope.forms.filter((f) => scope.accessOf(f.key).view);
  const limits = dimensionLimits(widget.type);
  const dimensions = widget.dimensions ?? [];
  const measures = (widget.measures ?? []).filter((m) => m.key !== TARGET_KEY);
  const target = widget.measures?.find((m) => m.key === TARGET_KEY)?.target;
  const set = (patch: Partial<Widget>) => onChange({ ...widget, ...patch });
  const setOption = (key: string, value: unknown) => {
    const next = { ...(widget.options ?? {}) };
    if (value === undefined || value === false) delete next[key];
    else next[key] = value as never;
    const { options: _o, ...rest } = widget;
    onChange(Object.keys(next).length > 0 ? { ...rest, options: next } : rest);
  };
  const setDimensions = (next: Dimension[]) => {
    const { dimensions: _d, ...rest } = widget;
    const base = next.length > 0 ? { ...rest, dimensions: next } : rest;
    // A target series matches one field of its form per dimension.
    onChange(
      target
        ? setTarget(base, { ...target, match: next.map((d, i) => target.match?.[i] ?? { field: d.field }) })
        : base,
    );
  };
  const setMeasures = (next: Measure[]) =>
    set({ measures: [...next, ...(widget.measures ?? []).filter((m) => m.key === TARGET_KEY)] });
  const targetForm: FormDefinitionSummary | undefined = target ? scope.formByKey(target.form) : undefined;
  const targetChoices = fieldChoices(targetForm, target ? scope.accessOf(target.form).hidden : []);
  const id = (part: string) => `widget-${widget.key}-${part}`;

  return (
    <div data-testid="widget-panel">
      <Row label={t('dashboards.designer.title')} id={id('title')}>
        <Input
          id={id('title')}
          value={localized(widget.title, language)}
          onChange={(e) =>
            set({
              title: {
                ...(typeof widget.title === 'object' ? widget.title : {}),
                [language]: e.target.value,
              },
            })
          }
        />
      </Row>
      <Row label={t('dashboards.designer.type')} id={id('type')}>
        <Select
          id={id('type')}
          data-testid="widget-type"
          value={widget.type}
          options={WIDGET_TYPES.map((type) => ({ value: type, label: t(`dashboards.types.${type}`) }))}
          onChange={(type: Widget['type']) => onChange(changeType(widget, type, form))}
        />
      </Row>
      <Row label={t('dashboards.designer.source')} id={id('source')}>
        <Select
          id={id('source')}
          data-testid="widget-source"
          value={widget.source.form}
          options={viewable.map((f) => ({ value: f.key, label: l(f.name, f.key) }))}
          onChange={(key: string) => {
            const next = scope.formByKey(key);
            const first = fieldChoices(next).find((c) => !c.numeric && !c.date);
            const { filter: _f, ...rest } = widget;
            onChange({
              ...rest,
              source: { form: key },
              measures: [{ key: 'count', aggregate: 'count' }],
              ...(limits.max > 0 && first ? { dimensions: [{ field: first.key }] } : { dimensions: [] }),
            });
          }}
        />
      </Row>

      {limits.max > 0 && (
        <>
          <Divider titlePlacement="start" plain style={{ margin: '8px 0' }}>
            {t('dashboards.designer.dimensions')}
          </Divider>
          {dimensions.map((d, i) => {
            const choice = choices.find((c) => c.key === d.field);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a dimension is its position in the list.
              <Flex key={i} gap={4} style={{ marginBottom: 8 }}>
                <Select
                  aria-label={t('dashboards.designer.dimensionN', { n: i + 1 })}
                  data-testid={`dimension-${i}`}
                  showSearch={{ optionFilterProp: 'label' }}
                  style={{ flex: 1, minWidth: 0 }}
                  value={d.field}
                  options={options(choices.filter((c) => !c.numeric))}
                  onChange={(field: string) =>
                    setDimensions(
                      dimensions.map((x, j) =>
                        j === i
                          ? {
                              field,
                              ...(choices.find((c) => c.key === field)?.date
                                ? { granularity: 'month' as const }
                                : {}),
                            }
                          : x,
                      ),
                    )
                  }
                />
                {choice?.date && (
                  <Select
                    aria-label={t('dashboards.designer.granularity')}
                    style={{ width: 100 }}
                    value={d.granularity ?? 'month'}
                    options={PERIOD_UNITS.map((u) => ({
                      value: u,
                      label: t(`dashboards.designer.units.${u}`),
                    }))}
                    onChange={(granularity: Dimension['granularity']) =>
                      setDimensions(
                        dimensions.map((x, j) =>
                          j === i ? { ...x, ...(granularity ? { granularity } : {}) } : x,
                        ),
                      )
                    }
                  />
                )}
                <Button
                  icon={<DeleteOutlined />}
                  aria-label={t('dashboards.designer.removeDimension', { n: i + 1 })}
                  disabled={dimensions.length <= limits.min}
                  onClick={() => setDimensions(dimensions.filter((_x, j) => j !== i))}
                />
              </Flex>
            );
          })}
          {dimensions.length < limits.max && (
            <Button
              icon={<PlusOutlined />}
              size="small"
              onClick={() => {
                const next = choices.find((c) => !c.numeric && !dimensions.some((d) => d.field === c.key));
                if (next)
                  setDimensions([
                    ...dimensions,
                    { field: next.key, ...(next.date ? { granularity: 'month' as const } : {}) },
                  ]);
              }}
            >
              {t('dashboards.designer.addDimension')}
            </Button>
          )}
        </>
      )}

      <Divider titlePlacement="start" plain style={{ margin: '12px 0 8px' }}>
        {t('dashboards.designer.measures')}
      </Divider>
      {measures.map((m, i) => {
        const aggregate = m.aggregate ?? 'count';
        const fieldList = choices.filter((c) =>
          aggregate === 'sum' || aggregate === 'avg'
            ? c.numeric
            : aggregate === 'min' || aggregate === 'max'
              ? c.numeric || c.date
              : true,
        );
        if (!m.aggregate) {
          return (
            <Typography.Text key={m.key ?? i} type="secondary" style={{ display: 'block', marginBottom: 8 }}>
              {l(m.label, m.key ?? '')} · {t('dashboards.designer.derived')}
            </Typography.Text>
          );
        }
        return (
          <Flex key={m.key ?? i} gap={4} style={{ marginBottom: 8 }}>
            <Select
              aria-label={t('dashboards.designer.aggregateN', { n: i + 1 })}
              data-testid={`aggregate-${i}`}
              style={{ width: 110 }}
              value={aggregate}
              options={AGGREGATES.map((a) => ({ value: a, label: t(`dashboards.designer.aggregates.${a}`) }))}
              onChange={(next: Measure['aggregate']) => {
                const keep = next === 'count' || fieldList.some((c) => c.key === m.field);
                const field =
                  next === 'count'
                    ? undefined
                    : keep
                      ? m.field
                      : choices.find((c) => (next === 'sum' || next === 'avg' ? c.numeric : true))?.key;
                const { field: _f, key: _k, ...rest } = m;
                const others = { ...widget, measures: measures.filter((_x, j) => j !== i) };
                const key = measureKey(others, next ?? 'count', field);
                setMeasures(
                  measures.map((x, j) =>
                    j === i ? { ...rest, key, aggregate: next ?? 'count', ...(field ? { field } : {}) } : x,
                  ),
                );
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
              options={options(fieldList)}
              onChange={(field: string | undefined) => {
                const { field: _f, key: _k, ...rest } = m;
                const others = { ...widget, measures: measures.filter((_x, j) => j !== i) };
                setMeasures(
                  measures.map((x, j) =>
                    j === i
                      ? { ...rest, ...(field ? { field } : {}), key: measureKey(others, aggregate, field) }
                      : x,
                  ),
                );
              }}
            />
            <Button
              icon={<DeleteOutlined />}
              aria-label={t('dashboards.designer.removeMeasure', { n: i + 1 })}
              disabled={measures.length <= 1}
              onClick={() => setMeasures(measures.filter((_x, j) => j !== i))}
            />
          </Flex>
        );
      })}
      <Button
        icon={<PlusOutlined />}
        size="small"
        onClick={() => {
          const numeric = choices.find((c) => c.numeric);
          const aggregate = numeric ? ('sum' as const) : ('count' as const);
          setMeasures([
            ...measures,
            {
              key: measureKey(widget, aggregate, numeric?.key),
              aggregate,
              ...(numeric ? { field: numeric.key } : {}),
            },
          ]);
        }}
      >
        {t('dashboards.designer.addMeasure')}
      </Button>

      {['bar', 'line', 'kpi', 'gauge', 'table'].includes(widget.type) && (
        <>
          <Divider titlePlacement="start" plain style={{ margin: '12px 0 8px' }}>
            {t('dashboards.designer.target')}
          </Divider>
          <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
            <Switch
              id={id('target')}
              data-testid="target-switch"
              checked={Boolean(target)}
              onChange={(on) => {
                if (!on) return onChange(setTarget(widget, undefined));
                const other = viewable.find((f) => f.key !== widget.source.form) ?? viewable[0];
                if (!other) return;
                const otherChoices = fieldChoices(other);
                const numeric = otherChoices.find((c) => c.numeric);
                onChange(
                  setTarget(widget, {
                    form: other.key,
                    aggregate: numeric ? 'sum' : 'count',
                    ...(numeric ? { field: numeric.key } : {}),
                    ...(dimensions.length > 0
                      ? {
                          match: dimensions.map((d) => ({
                            field:
                              otherChoices.find((c) => c.key === d.field)?.key ??
                              otherChoices.find((c) => !c.numeric)?.key ??
                              '_owner',
                          })),
                        }
                      : {}),
                  }),
                );
              }}
            />
            <label htmlFor={id('target')}>{t('dashboards.designer.targetHelp')}</label>
          </Flex>
          {target && (
            <>
              <Row label={t('dashboards.designer.targetForm')} id={id('target-form')}>
                <Select
                  id={id('target-form')}
                  data-testid="target-form"
                  value={target.form}
                  options={viewable.map((f) => ({ value: f.key, label: l(f.name, f.key) }))}
                  onChange={(key: string) => {
                    const next = fieldChoices(scope.formByKey(key));
                    const numeric = next.find((c) => c.numeric);
                    onChange(
                      setTarget(widget, {
                        form: key,
                        aggregate: numeric ? 'sum' : 'count',
                        ...(numeric ? { field: numeric.key } : {}),
                        ...(dimensions.length > 0
                          ? {
                              match: dimensions.map(() => ({
                                field: next.find((c) => !c.numeric)?.key ?? '_owner',
                              })),
                            }
                          : {}),
                      }),
                    );
                  }}
                />
              </Row>
              <Row label={t('dashboards.designer.targetField')} id={id('target-field')}>
                <Select
                  id={id('target-field')}
                  data-testid="target-field"
                  value={target.field ?? null}
                  options={options(targetChoices.filter((c) => c.numeric))}
                  onChange={(field: string) =>
                    onChange(setTarget(widget, { ...target, aggregate: 'sum', field }))
                  }
                />
              </Row>
              {dimensions.map((d, i) => (
                <Row
                  // biome-ignore lint/suspicious/noArrayIndexKey: one match per dimension, by position.
                  key={i}
                  label={t('dashboards.designer.targetMatch', {
                    dimension: labelOf(
                      choices.find((c) => c.key === d.field) ?? { key: d.field, date: false, numeric: false },
                    ),
                  })}
                  id={id(`target-match-${i}`)}
                >
                  <Select
                    id={id(`target-match-${i}`)}
                    data-testid={`target-match-${i}`}
                    value={target.match?.[i]?.field ?? null}
                    options={options(targetChoices.filter((c) => !c.numeric))}
                    onChange={(field: string) =>
                      onChange(
                        setTarget(widget, {
                          ...target,
                          match: dimensions.map((x, j) =>
                            j === i
                              ? { field, ...(x.granularity ? { granularity: x.granularity } : {}) }
                              : (target.match?.[j] ?? { field: x.field }),
                          ),
                        }),
                      )
                    }
                  />
                </Row>
              ))}
              <Row label={t('dashboards.designer.targetPeriod')} id={id('target-period')}>
                <Select
                  id={id('target-period')}
                  allowClear
                  placeholder={t('dashboards.designer.none')}
                  value={target.period}
                  options={options(targetChoices.filter((c) => c.date))}
                  onChange={(period: string | undefined) => {
                    const { period: _p, ...rest } = target;
                    onChange(setTarget(widget, { ...rest, ...(period ? { period } : {}) }));
                  }}
                />
              </Row>
            </>
          )}
        </>
      )}

      <Divider titlePlacement="start" plain style={{ margin: '12px 0 8px' }}>
        {t('dashboards.designer.options')}
      </Divider>
      <Flex vertical gap={8}>
        {(widget.type === 'bar' || widget.type === 'line') && dimensions.length > 1 && (
          <Toggle
            label={t('dashboards.designer.stack')}
            checked={widget.options?.stack === true}
            onChange={(on) => setOption('stack', on)}
          />
        )}
        {widget.type === 'bar' && (
          <Toggle
            label={t('dashboards.designer.horizontal')}
            checked={widget.options?.horizontal === true}
            onChange={(on) => setOption('horizontal', on)}
          />
        )}
        {widget.type === 'line' && (
          <>
            <Toggle
              label={t('dashboards.designer.area')}
              checked={widget.options?.area === true}
              onChange={(on) => setOption('area', on)}
            />
            <Toggle
              label={t('dashboards.designer.forecast')}
              checked={widget.options?.forecast === 'linear'}
              onChange={(on) => setOption('forecast', on ? 'linear' : undefined)}
            />
          </>
        )}
        {widget.type === 'pie' && (
          <Toggle
            label={t('dashboards.designer.donut')}
            checked={widget.options?.donut === true}
            onChange={(on) => setOption('donut', on)}
          />
        )}
        <Flex gap={8} align="center">
          <Badge count={conditionCount((widget.filter as FilterNode | undefined) ?? null)} size="small">
            <Button
              icon={<FilterOutlined />}
              onClick={() => setFiltering(true)}
              disabled={!form}
              data-testid="widget-filter"
            >
              {t('dashboards.designer.filter')}
            </Button>
          </Badge>
        </Flex>
      </Flex>

      <Divider titlePlacement="start" plain style={{ margin: '12px 0 8px' }}>
        {t('dashboards.designer.place')}
      </Divider>
      <Flex gap={8} wrap>
        {(['x', 'y', 'w', 'h'] as const).map((k) => (
          <Flex key={k} vertical style={{ width: 72 }}>
            <label htmlFor={id(`place-${k}`)} style={{ fontSize: 12 }}>
              {t(`dashboards.designer.placeParts.${k}`)}
            </label>
            <InputNumber
              id={id(`place-${k}`)}
              data-testid={`place-${k}`}
              min={k === 'w' || k === 'h' ? 1 : 0}
              max={k === 'x' ? 24 - place.w : k === 'w' ? 24 - place.x : k === 'h' ? 100 : 1000}
              value={place[k]}
              onChange={(value) => typeof value === 'number' && onPlace({ ...place, [k]: value })}
            />
          </Flex>
        ))}
      </Flex>
      <Button
        danger
        icon={<DeleteOutlined />}
        style={{ marginTop: 16 }}
        onClick={onRemove}
        data-testid="remove-widget"
      >
        {t('dashboards.designer.removeWidget')}
      </Button>

      {form && filtering && (
        <FilterBuilder
          open={filtering}
          onClose={() => setFiltering(false)}
          form={form}
          fields={form.fields.filter((f) => !f.hidden && !scope.accessOf(form.key).hidden.includes(f.key))}
          ctx={{
            workspaceId: scope.workspaceId,
            appId: scope.app.id,
            form,
            formByKey: scope.formByKey,
            language,
          }}
          value={(widget.filter as FilterNode | undefined) ?? null}
          onApply={(filter) => {
            const { filter: _f, ...rest } = widget;
            onChange(filter ? { ...rest, filter: filter as NonNullable<Widget['filter']> } : rest);
            setFiltering(false);
          }}
        />
      )}
    </div>
  );
}

function Toggle({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange(on: boolean): void;
}) {
  return (
    <Flex gap={8} align="center">
      <Switch checked={checked} onChange={onChange} aria-label={label} size="small" />
      <span>{label}</span>
    </Flex>
  );
}
