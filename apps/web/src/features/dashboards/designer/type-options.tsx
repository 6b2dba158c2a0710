import type { Measure } from '@formloom/schema';
import { Flex, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocalized } from '../../../i18n/localized';
import { optionsOf } from '../../forms/fields/format';
import type { Widget } from '../dashboards-api';
import { Row, Toggle } from './panel-parts';
import type { FieldChoice } from './widget-draft';

type OptionValue = NonNullable<Widget['options']>[string];

/**
 * The options of the widget's type (docs/reports.md, "Options of widget types" and "In the web app"):
 * stacking, horizontal bars, area, donut, forecast and its periods, a funnel's stages and cumulative mode,
 * a gauge's bounds and target, measures shown as percentages, a KPI card's figure and target.
 */
export function TypeOptions({
  widget,
  choices,
  measures,
  nameOf,
  onChange,
}: {
  widget: Widget;
  choices: readonly FieldChoice[];
  measures: readonly Measure[];
  nameOf(m: Measure): string;
  onChange(next: Widget): void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const options = widget.options ?? {};
  const set = (key: string, value: OptionValue | undefined) => {
    const next = { ...options };
    if (value === undefined || value === false || (Array.isArray(value) && value.length === 0))
      delete next[key];
    else next[key] = value;
    const { options: _o, ...rest } = widget;
    onChange(Object.keys(next).length > 0 ? { ...rest, options: next } : rest);
  };
  const id = (part: string) => `widget-${widget.key}-${part}`;
  const type = widget.type;
  const dimensions = widget.dimensions ?? [];
  const measureOptions = measures.flatMap((m) => (m.key ? [{ value: m.key, label: nameOf(m) }] : []));
  const stageField = choices.find((c) => c.key === dimensions[0]?.field)?.field;
  const stageChoices = (stageField ? optionsOf(stageField) : []).map((o) => ({
    value: String(o.value),
    label: l(o.label, String(o.value)),
  }));
  const stages = Array.isArray(options.stages) ? (options.stages as string[]) : [];
  // A forecast extends one date dimension bucketed by a period (docs/reports.md, "Forecast").
  const dated =
    dimensions.length === 1 &&
    dimensions[0]?.granularity !== undefined &&
    choices.some((c) => c.key === dimensions[0]?.field && c.date);
  const number = (key: string) => (typeof options[key] === 'number' ? (options[key] as number) : null);
  return (
    <Flex vertical gap={8}>
      {(type === 'bar' || type === 'line') && dimensions.length > 1 && (
        <Toggle
          label={t('dashboards.designer.stack')}
          checked={options.stack === true}
          onChange={(on) => set('stack', on)}
        />
      )}
      {type === 'bar' && (
        <Toggle
          label={t('dashboards.designer.horizontal')}
          checked={options.horizontal === true}
          onChange={(on) => set('horizontal', on)}
        />
      )}
      {type === 'line' && (
        <>
          <Toggle
            label={t('dashboards.designer.area')}
            checked={options.area === true}
            onChange={(on) => set('area', on)}
          />
          {(dated || options.forecast !== undefined) && (
            <Toggle
              label={t('dashboards.designer.forecast')}
              testId="forecast-switch"
              checked={options.forecast === 'linear'}
              onChange={(on) => {
                const { forecast: _f, forecastPeriods: _p, ...rest } = options;
                onChange({
                  ...widget,
                  options: on ? { ...rest, forecast: 'linear', forecastPeriods: 3 } : rest,
                });
              }}
            />
          )}
          {options.forecast === 'linear' && (
            <Row label={t('dashboards.designer.forecastPeriods')} id={id('forecast-periods')}>
              <InputNumber
                id={id('forecast-periods')}
                min={1}
                max={60}
                precision={0}
                value={number('forecastPeriods') ?? 3}
                onChange={(v) => set('forecastPeriods', typeof v === 'number' ? v : undefined)}
              />
            </Row>
          )}
        </>
      )}
      {type === 'pie' && (
        <Toggle
          label={t('dashboards.designer.donut')}
          checked={options.donut === true}
          onChange={(on) => set('donut', on)}
        />
      )}
      {type === 'funnel' && (
        <>
          <Row label={t('dashboards.designer.stages')} id={id('stages')}>
            <Select
              id={id('stages')}
              data-testid="funnel-stages"
              mode="tags"
              value={stages}
              options={stageChoices}
              placeholder={t('dashboards.designer.stagesHelp')}
              onChange={(next: string[]) => {
                const { stages: _s, cumulative: _c, ...rest } = options;
                const kept =
                  next.length > 0
                    ? { ...rest, stages: next, ...(options.cumulative ? { cumulative: true } : {}) }
                    : rest;
                onChange({ ...widget, options: kept });
              }}
            />
          </Row>
          {stages.length > 0 && (
            <Toggle
              label={t('dashboards.designer.cumulative')}
              testId="funnel-cumulative"
              checked={options.cumulative === true}
              onChange={(on) => set('cumulative', on)}
            />
          )}
        </>
      )}
      {type === 'gauge' && (
        <Flex gap={8} wrap>
          {(['min', 'max', 'target'] as const).map((k) => (
            <Flex key={k} vertical style={{ width: 96 }}>
              <label htmlFor={id(`gauge-${k}`)} style={{ fontSize: 12 }}>
                {t(`dashboards.designer.gauge.${k}`)}
              </label>
              <InputNumber
                id={id(`gauge-${k}`)}
                value={number(k)}
                onChange={(v) => set(k, typeof v === 'number' ? v : undefined)}
              />
            </Flex>
          ))}
        </Flex>
      )}
      {type === 'kpi' &&
        (['valueMeasure', 'targetMeasure'] as const).map((k) => (
          <Row key={k} label={t(`dashboards.designer.${k}`)} id={id(k)}>
            <Select
              id={id(k)}
              allowClear
              placeholder={t('dashboards.designer.automatic')}
              value={typeof options[k] === 'string' ? (options[k] as string) : undefined}
              options={measureOptions}
              onChange={(v: string | undefined) => set(k, v)}
            />
          </Row>
        ))}
      {measureOptions.length > 0 && (
        <Row label={t('dashboards.designer.percent')} id={id('percent')}>
          <Select
            id={id('percent')}
            mode="multiple"
            allowClear
            placeholder={t('dashboards.designer.none')}
            value={Array.isArray(options.percent) ? (options.percent as string[]) : []}
            options={measureOptions}
            onChange={(v: string[]) => set('percent', v)}
          />
        </Row>
      )}
    </Flex>
  );
}
