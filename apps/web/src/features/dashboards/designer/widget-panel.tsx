import { DeleteOutlined, FilterOutlined } from '@ant-design/icons';
import { type Dimension, type Measure, WIDGET_TYPES } from '@formloom/schema';
import { Badge, Button, Flex, Input, InputNumber, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FilterNode } from '../../../api/records';
import { localized, useLocalized } from '../../../i18n/localized';
import { useAppScope } from '../../apps/app-scope';
import { FilterBuilder } from '../../records/filter-builder';
import { conditionCount } from '../../records/filter-model';
import type { Placement } from '../dashboard-grid';
import type { Widget } from '../dashboards-api';
import { DimensionList } from './dimension-list';
import { MeasureList } from './measure-list';
import { Row, Section, useChoiceLabel } from './panel-parts';
import { SortLimit } from './sort-limit';
import { TargetEditor } from './target-editor';
import { TypeOptions } from './type-options';
import {
  changeType,
  dimensionLimits,
  fieldChoices,
  NEW_WIDGET_TITLE,
  nextDrillLevel,
  setTarget,
  TARGET_KEY,
  withKey,
} from './widget-draft';

/**
 * The title with `text` in `language`; other languages that still hold the new widget's title are dropped,
 * so the typed title shows in every language until someone translates it.
 */
function retitle(title: Widget['title'], language: string, text: string): Widget['title'] {
  const kept = Object.entries(typeof title === 'object' ? title : {}).filter(
    ([lang, v]) => lang === language || NEW_WIDGET_TITLE[lang] !== v,
  );
  return { ...Object.fromEntries(kept), [language]: text };
}

/**
 * The panel that edits the selected widget: title, type, source form, dimensions and drill-down levels,
 * measures (aggregated and derived), sort and top N, a target series, type options, filter, and position
 * and size (the keyboard's way to move and resize). Every change goes straight to the draft; the grid
 * previews it live.
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
  const labelOf = useChoiceLabel();
  const language = i18n.resolvedLanguage ?? 'en';
  const [filtering, setFiltering] = useState(false);
  const form = scope.formByKey(widget.source.form);
  const choices = fieldChoices(form, scope.accessOf(widget.source.form).hidden);
  const viewable = scope.forms.filter((f) => scope.accessOf(f.key).view);
  const limits = dimensionLimits(widget.type);
  const dimensions = widget.dimensions ?? [];
  const drilldown = widget.drilldown ?? [];
  const measures = (widget.measures ?? []).filter((m) => m.key !== TARGET_KEY);
  const target = widget.measures?.find((m) => m.key === TARGET_KEY)?.target;
  const set = (patch: Partial<Widget>) => onChange({ ...widget, ...patch });
  const nameOf = (m: Measure) => {
    if (m.label) return l(m.label, m.key);
    const choice = choices.find((c) => c.key === m.field);
    const aggregate = m.aggregate ? t(`dashboards.designer.aggregates.${m.aggregate}`) : (m.key ?? '');
    return choice ? `${aggregate} · ${labelOf(choice)}` : aggregate;
  };
  const setDimensions = (next: Dimension[]) => {
    const base = withKey(widget, 'dimensions', next);
    // Drill-down starts below the first dimension: without one there is nothing to drill.
    const drilled = next.length > 0 ? base : withKey(base, 'drilldown', undefined);
    // A target series matches one field of its form per dimension.
    onChange(
      target
        ? setTarget(drilled, {
            ...target,
            match: next.map((d, i) => target.match?.[i] ?? { field: d.field }),
          })
        : drilled,
    );
  };
  const setMeasures = (next: Measure[]) =>
    set({ measures: [...next, ...(widget.measures ?? []).filter((m) => m.key === TARGET_KEY)] });
  const id = (part: string) => `widget-${widget.key}-${part}`;
  const nextDimension = choices.find((c) => !c.numeric && !dimensions.some((d) => d.field === c.key));

  return (
    <div data-testid="widget-panel">
      <Row label={t('dashboards.designer.title')} id={id('title')}>
        <Input
          id={id('title')}
          value={localized(widget.title, language)}
          onChange={(e) => set({ title: retitle(widget.title, language, e.target.value) })}
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
            const first = fieldChoices(scope.formByKey(key)).find((c) => !c.numeric && !c.date);
            const { filter: _f, drilldown: _d, sort: _s, ...rest } = widget;
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
          <Section title={t('dashboards.designer.dimensions')} />
          <DimensionList
            name="dimension"
            value={dimensions}
            choices={choices}
            min={limits.min}
            max={limits.max}
            next={
              nextDimension
                ? {
                    field: nextDimension.key,
                    ...(nextDimension.date ? { granularity: 'month' as const } : {}),
                  }
                : undefined
            }
            onChange={setDimensions}
          />
          {dimensions.length > 0 && (
            <>
              <Section title={t('dashboards.designer.drilldown')} />
              <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
                {t('dashboards.designer.drillHelp')}
              </Typography.Paragraph>
              <DimensionList
                name="drill"
                value={drilldown}
                choices={choices}
                min={0}
                max={5}
                next={nextDrillLevel([dimensions[0] as Dimension, ...drilldown], choices)}
                onChange={(next) => onChange(withKey(widget, 'drilldown', next))}
              />
            </>
          )}
        </>
      )}

      <Section title={t('dashboards.designer.measures')} />
      <MeasureList measures={measures} choices={choices} onChange={setMeasures} />

      {limits.max > 0 && (
        <>
          <Section title={t('dashboards.designer.sortLimit')} />
          <SortLimit widget={widget} choices={choices} nameOf={nameOf} onChange={onChange} />
        </>
      )}

      {['bar', 'line', 'kpi', 'gauge', 'table'].includes(widget.type) && (
        <>
          <Section title={t('dashboards.designer.target')} />
          <TargetEditor widget={widget} choices={choices} onChange={onChange} />
        </>
      )}

      <Section title={t('dashboards.designer.options')} />
      <TypeOptions
        widget={widget}
        choices={choices}
        measures={measures}
        nameOf={nameOf}
        onChange={onChange}
      />
      <Flex gap={8} align="center" style={{ marginTop: 8 }}>
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

      <Section title={t('dashboards.designer.place')} />
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
              style={{ width: '100%' }}
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
