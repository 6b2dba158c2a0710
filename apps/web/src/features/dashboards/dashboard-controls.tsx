import { PERIOD_NAMES } from '@formloom/schema';
import { DatePicker, Flex, Select, TreeSelect } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { FormDefinitionSummary } from '../../api/apps';
import type { Department } from '../../api/endpoints';
import { useLocalized } from '../../i18n/localized';
import { useDepartments, useMembers } from '../forms/fields/directory';
import { collator, optionsOf } from '../forms/fields/format';
import { controlLabel, selectField } from './control-fields';
import type { ControlValues, Dashboard } from './dashboards-api';

const CUSTOM = 'custom';

/** The values the controls start with: each control's `default`. */
export function defaultControls(dashboard: Dashboard): ControlValues {
  const values: ControlValues = {};
  for (const control of dashboard.filters ?? [])
    if (control.default !== undefined) values[control.key] = control.default;
  return values;
}

export { selectField };

export type TreeNode = { value: string; title: string; children: TreeNode[] };
/** Departments as TreeSelect nodes (value: id, title: name). */
export const toTree = (nodes: readonly Department[]): TreeNode[] =>
  nodes.map((d) => ({ value: d.id, title: d.name, children: toTree(d.children) }));

/**
 * The filter controls above a dashboard's widgets (period, member, department, select), applied to every
 * widget by the server (docs/reports.md, "Filter controls"). Each is a labelled, keyboard-usable antd input.
 */
export function DashboardControls({
  dashboard,
  workspaceId,
  values,
  onChange,
  formByKey,
  phone,
}: {
  dashboard: Dashboard;
  workspaceId: string;
  values: ControlValues;
  onChange(values: ControlValues): void;
  formByKey(key: string): FormDefinitionSummary | undefined;
  phone: boolean;
}) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const controls = dashboard.filters ?? [];
  const needsPeople = controls.some((c) => c.type === 'member');
  const needsTree = controls.some((c) => c.type === 'department');
  const members = useMembers(needsPeople ? workspaceId : '');
  const departments = useDepartments(needsTree ? workspaceId : '');
  const memberOptions = useMemo(() => {
    const compare = collator(i18n.resolvedLanguage ?? 'en');
    return [
      { value: '$me', label: t('dashboards.me') },
      ...[...(members?.values() ?? [])]
        .filter((m) => m.active)
        .sort((a, b) => compare.compare(a.name, b.name))
        .map((m) => ({ value: m.userId, label: m.name })),
    ];
  }, [members, t, i18n.resolvedLanguage]);
  if (controls.length === 0) return null;
  const set = (key: string, value: unknown) => {
    const next = { ...values };
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0))
      delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const width = phone ? '100%' : 200;
  return (
    <Flex
      wrap
      gap={8}
      style={{ marginBottom: 16 }}
      role="group"
      aria-label={t('dashboards.filters')}
      data-testid="dashboard-controls"
    >
      {controls.map((control) => {
        const label = controlLabel(control, dashboard, formByKey, l, t);
        const value = values[control.key];
        const common = { 'aria-label': label, placeholder: label, allowClear: true, style: { width } };
        switch (control.type) {
          case 'period': {
            const range =
              typeof value === 'object' && value !== null
                ? (value as { from: string; to: string })
                : undefined;
            return (
              <Flex key={control.key} gap={8} wrap style={{ width: phone ? '100%' : undefined }}>
                <Select
                  {...common}
                  data-testid={`control-${control.key}`}
                  value={range ? CUSTOM : (value as string | undefined)}
                  options={[
                    ...PERIOD_NAMES.map((name) => ({ value: name, label: t(`dashboards.periods.${name}`) })),
                    { value: CUSTOM, label: t('dashboards.periods.custom') },
                  ]}
                  onChange={(next: string | undefined) =>
                    set(
                      control.key,
                      next === CUSTOM
                        ? {
                            from: dayjs().startOf('month').format('YYYY-MM-DD'),
                            to: dayjs().format('YYYY-MM-DD'),
                          }
                        : next,
                    )
                  }
                />
                {range && (
                  <DatePicker.RangePicker
                    aria-label={t('dashboards.periods.custom')}
                    value={[dayjs(range.from), dayjs(range.to)]}
                    allowClear={false}
                    style={{ width: phone ? '100%' : 260 }}
                    onChange={(dates) => {
                      const [from, to] = dates ?? [];
                      if (from && to)
                        set(control.key, { from: from.format('YYYY-MM-DD'), to: to.format('YYYY-MM-DD') });
                    }}
                  />
                )}
              </Flex>
            );
          }
          case 'member':
            return (
              <Select
                key={control.key}
                {...common}
                data-testid={`control-${control.key}`}
                loading={!members}
                showSearch={{ optionFilterProp: 'label' }}
                value={value as string | undefined}
                options={memberOptions}
                onChange={(next: string | undefined) => set(control.key, next)}
              />
            );
          case 'department':
            return (
              <TreeSelect
                key={control.key}
                {...common}
                data-testid={`control-${control.key}`}
                loading={!departments}
                treeDefaultExpandAll
                showSearch={{ treeNodeFilterProp: 'title' }}
                value={value as string | undefined}
                treeData={toTree(departments?.tree ?? [])}
                onChange={(next: string | undefined) => set(control.key, next)}
              />
            );
          case 'select': {
            const field = selectField(control, dashboard, formByKey);
            return (
              <Select
                key={control.key}
                {...common}
                data-testid={`control-${control.key}`}
                mode="multiple"
                maxTagCount="responsive"
                value={(Array.isArray(value) ? value : value === undefined ? [] : [value]) as string[]}
                options={(field ? optionsOf(field) : []).map((o) => ({
                  value: o.value,
                  label: l(o.label, String(o.value)),
                }))}
                onChange={(next: string[]) => set(control.key, next)}
              />
            );
          }
        }
        return null;
      })}
    </Flex>
  );
}
