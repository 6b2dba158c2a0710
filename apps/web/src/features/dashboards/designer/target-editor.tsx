import { FilterOutlined } from '@ant-design/icons';
import type { Dimension } from '@formloom/schema';
import { Badge, Button, Flex, Select, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FormDefinitionSummary } from '../../../api/apps';
import type { FilterNode } from '../../../api/records';
import { useLocalized } from '../../../i18n/localized';
import { useAppScope } from '../../apps/app-scope';
import { FilterBuilder } from '../../records/filter-builder';
import { conditionCount } from '../../records/filter-model';
import type { Widget } from '../dashboards-api';
import { Row, useChoiceLabel, useDimensionLabel } from './panel-parts';
import { type FieldChoice, fieldChoices, setTarget, TARGET_KEY } from './widget-draft';

/** A target's match: per dimension of the widget, a field of the target form (the same key when it has one). */
function matchFor(dimensions: readonly Dimension[], target: readonly FieldChoice[]) {
  return dimensions.map((d) => ({
    field: target.find((c) => c.key === d.field)?.key ?? target.find((c) => !c.numeric)?.key ?? '_owner',
    ...(d.granularity ? { granularity: d.granularity } : {}),
  }));
}

/**
 * The widget's target series: a figure of another form joined on the dimensions (the bar chart's target
 * line, a KPI's target), with the target form, its figure, one matching field per dimension, its period
 * field (the dashboard's period controls apply to it) and its own filter over the target form (metric =
 * revenue).
 */
export function TargetEditor({
  widget,
  choices,
  onChange,
}: {
  widget: Widget;
  choices: readonly FieldChoice[];
  onChange(next: Widget): void;
}) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const scope = useAppScope();
  const [filtering, setFiltering] = useState(false);
  const labelOf = useChoiceLabel();
  const dimensionLabel = useDimensionLabel(choices);
  const viewable = scope.forms.filter((f) => scope.accessOf(f.key).view);
  const dimensions = widget.dimensions ?? [];
  const target = widget.measures?.find((m) => m.key === TARGET_KEY)?.target;
  const targetForm: FormDefinitionSummary | undefined = target ? scope.formByKey(target.form) : undefined;
  const targetChoices = fieldChoices(targetForm, target ? scope.accessOf(target.form).hidden : []);
  const options = (list: FieldChoice[]) => list.map((c) => ({ value: c.key, label: labelOf(c) }));
  const id = (part: string) => `widget-${widget.key}-${part}`;
  const startOn = (form: FormDefinitionSummary) => {
    const next = fieldChoices(form, scope.accessOf(form.key).hidden);
    const numeric = next.find((c) => c.numeric);
    onChange(
      setTarget(widget, {
        form: form.key,
        aggregate: numeric ? 'sum' : 'count',
        ...(numeric ? { field: numeric.key } : {}),
        ...(dimensions.length > 0 ? { match: matchFor(dimensions, next) } : {}),
      }),
    );
  };
  return (
    <>
      <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
        <Switch
          id={id('target')}
          data-testid="target-switch"
          checked={Boolean(target)}
          onChange={(on) => {
            if (!on) return onChange(setTarget(widget, undefined));
            const other = viewable.find((f) => f.key !== widget.source.form) ?? viewable[0];
            if (other) startOn(other);
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
                const form = scope.formByKey(key);
                if (form) startOn(form);
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
              label={t('dashboards.designer.targetMatch', { dimension: dimensionLabel(d) })}
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
          <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
            <Badge count={conditionCount((target.filter as FilterNode | undefined) ?? null)} size="small">
              <Button
                size="small"
                icon={<FilterOutlined />}
                onClick={() => setFiltering(true)}
                disabled={!targetForm}
                data-testid="target-filter"
              >
                {t('dashboards.designer.targetFilter')}
              </Button>
            </Badge>
          </Flex>
          {targetForm && filtering && (
            <FilterBuilder
              open={filtering}
              onClose={() => setFiltering(false)}
              form={targetForm}
              fields={targetForm.fields.filter(
                (f) => !f.hidden && !scope.accessOf(targetForm.key).hidden.includes(f.key),
              )}
              ctx={{
                workspaceId: scope.workspaceId,
                appId: scope.app.id,
                form: targetForm,
                formByKey: scope.formByKey,
                language: i18n.resolvedLanguage ?? 'en',
              }}
              value={(target.filter as FilterNode | undefined) ?? null}
              onApply={(filter) => {
                const { filter: _f, ...rest } = target;
                onChange(
                  setTarget(widget, {
                    ...rest,
                    ...(filter ? { filter: filter as NonNullable<typeof target.filter> } : {}),
                  }),
                );
                setFiltering(false);
              }}
            />
          )}
        </>
      )}
    </>
  );
}
