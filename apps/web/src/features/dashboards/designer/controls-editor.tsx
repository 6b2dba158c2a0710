import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { DASHBOARD_FILTER_TYPES, type Dashboard, type DashboardFilter, PERIOD_NAMES } from '@formloom/schema';
import { Button, Card, Flex, Input, Select, TreeSelect, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { localized, useLocalized } from '../../../i18n/localized';
import { useAppScope } from '../../apps/app-scope';
import { useDepartments } from '../../forms/fields/directory';
import { optionsOf } from '../../forms/fields/format';
import { selectField, toTree } from '../dashboard-controls';
import { controlFields, fieldOnForm, newControl, withFieldOnForm } from './controls-draft';

type ControlType = DashboardFilter['type'];

/**
 * The dashboard's filter controls (period, member, department, select), applied by the server to every
 * widget whose form has the control's field: add, remove, and pick each one's type, field, name and
 * starting value. When the widgets come from several forms, each form's field is picked too (an options
 * filter over "Stage" of deals and "Phase" of orders), saved as the control's `fields` where it differs.
 */
export function ControlsEditor({
  dashboard,
  onChange,
}: {
  dashboard: Dashboard;
  onChange(next: Dashboard): void;
}) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const scope = useAppScope();
  const language = i18n.resolvedLanguage ?? 'en';
  const controls = dashboard.filters ?? [];
  const used = [...new Set(dashboard.widgets.map((w) => w.source.form))].flatMap(
    (k) => scope.formByKey(k) ?? [],
  );
  const forms = used.length > 0 ? used : scope.forms;
  const setControls = (next: DashboardFilter[]) => {
    const { filters: _f, ...rest } = dashboard;
    onChange(next.length > 0 ? { ...rest, filters: next } : rest);
  };
  const replace = (i: number, c: DashboardFilter) => setControls(controls.map((x, j) => (j === i ? c : x)));
  const setDefault = (i: number, c: DashboardFilter, value: unknown) => {
    const { default: _d, ...rest } = c;
    const empty = value === undefined || value === null || (Array.isArray(value) && value.length === 0);
    replace(i, empty ? rest : ({ ...rest, default: value } as DashboardFilter));
  };
  const departments = useDepartments(controls.some((c) => c.type === 'department') ? scope.workspaceId : '');
  return (
    <Card
      size="small"
      title={t('dashboards.filters')}
      style={{ marginBottom: 16 }}
      data-testid="controls-editor"
    >
      {controls.length === 0 && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('dashboards.designer.noControls')}
        </Typography.Paragraph>
      )}
      {controls.map((c, i) => (
        <div key={c.key} style={{ marginBottom: 8 }}>
          <Flex gap={8} wrap align="center" data-testid={`control-${i}`}>
            <Select<ControlType>
              aria-label={t('dashboards.designer.controlTypeN', { n: i + 1 })}
              data-testid={`control-${i}-type`}
              style={{ width: 120 }}
              value={c.type}
              options={DASHBOARD_FILTER_TYPES.map((type) => ({
                value: type,
                label: t(`dashboards.designer.controlTypes.${type}`),
              }))}
              onChange={(type) => {
                const fresh = newControl(type, [], forms);
                const { default: _d, fields: _fs, ...rest } = c;
                replace(i, {
                  ...rest,
                  type,
                  field: fresh.field,
                  ...(fresh.default ? { default: fresh.default } : {}),
                });
              }}
            />
            <Select
              aria-label={t('dashboards.designer.controlFieldN', { n: i + 1 })}
              data-testid={`control-${i}-field`}
              style={{ flex: '1 1 140px', minWidth: 0 }}
              showSearch={{ optionFilterProp: 'label' }}
              value={c.field}
              options={controlFields(c.type, forms).map((f) => ({
                value: f.key,
                label: f.field ? l(f.field.label, f.key) : t(`dashboards.system.${f.key}`),
              }))}
              onChange={(field: string) => replace(i, { ...c, field })}
            />
            <Input
              aria-label={t('dashboards.designer.controlLabelN', { n: i + 1 })}
              placeholder={t('dashboards.designer.controlLabel')}
              style={{ flex: '1 1 120px', minWidth: 0 }}
              value={localized(c.label, language)}
              onChange={(e) => {
                const { label: _l, ...rest } = c;
                const label = { ...(typeof c.label === 'object' ? c.label : {}), [language]: e.target.value };
                replace(i, e.target.value ? { ...rest, label } : rest);
              }}
            />
            {(c.type === 'period' || c.type === 'member') && (
              <Select<string | null>
                aria-label={t('dashboards.designer.controlDefaultN', { n: i + 1 })}
                data-testid={`control-${i}-default`}
                style={{ width: 140 }}
                allowClear
                placeholder={t('dashboards.designer.controlNoDefault')}
                value={typeof c.default === 'string' ? c.default : null}
                options={
                  c.type === 'period'
                    ? PERIOD_NAMES.map((p) => ({ value: p, label: t(`dashboards.periods.${p}`) }))
                    : [{ value: '$me', label: t('dashboards.me') }]
                }
                onChange={(value) => {
                  const { default: _d, ...rest } = c;
                  replace(i, value ? { ...rest, default: value } : rest);
                }}
              />
            )}
            {c.type === 'department' && (
              <TreeSelect<string | undefined>
                aria-label={t('dashboards.designer.controlDefaultN', { n: i + 1 })}
                data-testid={`control-${i}-default`}
                style={{ flex: '1 1 140px', minWidth: 0 }}
                allowClear
                loading={!departments}
                treeDefaultExpandAll
                showSearch={{ treeNodeFilterProp: 'title' }}
                placeholder={t('dashboards.designer.controlNoDefault')}
                value={typeof c.default === 'string' ? c.default : undefined}
                treeData={toTree(departments?.tree ?? [])}
                onChange={(value) => setDefault(i, c, value)}
              />
            )}
            {c.type === 'select' && (
              <Select<string[]>
                aria-label={t('dashboards.designer.controlDefaultN', { n: i + 1 })}
                data-testid={`control-${i}-default`}
                style={{ flex: '1 1 160px', minWidth: 0 }}
                mode="multiple"
                allowClear
                maxTagCount="responsive"
                placeholder={t('dashboards.designer.controlNoDefault')}
                value={
                  (Array.isArray(c.default)
                    ? c.default
                    : typeof c.default === 'string'
                      ? [c.default]
                      : []) as string[]
                }
                options={(() => {
                  const field =
                    selectField(c, dashboard, scope.formByKey) ??
                    forms.flatMap((f) => f.fields).find((f) => f.key === c.field);
                  return (field ? optionsOf(field) : []).map((o) => ({
                    value: o.value as string,
                    label: l(o.label, String(o.value)),
                  }));
                })()}
                onChange={(value) => setDefault(i, c, value)}
              />
            )}
            <Button
              icon={<DeleteOutlined />}
              aria-label={t('dashboards.designer.removeControlN', { n: i + 1 })}
              onClick={() => setControls(controls.filter((_x, j) => j !== i))}
            />
          </Flex>
          {used.length > 1 && (
            <Flex gap={8} wrap align="center" style={{ marginTop: 4, paddingInlineStart: 8 }}>
              {used.map((form) => {
                const formName = l(form.name, form.key);
                return (
                  <Flex key={form.key} gap={4} align="center" style={{ minWidth: 0 }}>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('dashboards.designer.controlOnForm', { form: formName })}
                    </Typography.Text>
                    <Select<string | null>
                      size="small"
                      aria-label={t('dashboards.designer.controlFormFieldN', { n: i + 1, form: formName })}
                      data-testid={`control-${i}-field-${form.key}`}
                      style={{ width: 150 }}
                      allowClear
                      placeholder={t('dashboards.designer.controlNotFiltered')}
                      value={fieldOnForm(c, form) ?? null}
                      options={controlFields(c.type, [form]).map((f) => ({
                        value: f.key,
                        label: f.field ? l(f.field.label, f.key) : t(`dashboards.system.${f.key}`),
                      }))}
                      onChange={(field) => replace(i, withFieldOnForm(c, form.key, field ?? undefined))}
                    />
                  </Flex>
                );
              })}
            </Flex>
          )}
        </div>
      ))}
      {controls.length < 20 && (
        <Select<ControlType | null>
          size="small"
          value={null}
          placeholder={t('dashboards.designer.addControl')}
          aria-label={t('dashboards.designer.addControl')}
          data-testid="add-control"
          style={{ minWidth: 200 }}
          suffixIcon={<PlusOutlined />}
          options={DASHBOARD_FILTER_TYPES.map((type) => ({
            value: type,
            label: t(`dashboards.designer.controlTypes.${type}`),
          }))}
          onChange={(type) => type && setControls([...controls, newControl(type, controls, forms)])}
        />
      )}
    </Card>
  );
}
