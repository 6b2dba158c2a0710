import { ArrowDownOutlined } from '@ant-design/icons';
import { automationActions, Trigger } from '@formloom/schema';
import { Badge, Card, Flex, Input, Select, Switch, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FormulaEditor } from '../designer/formula-editor';
import { ObjectFields } from '../designer/schema-composites';
import type { SchemaContext } from '../designer/schema-context';
import { LocalizedInput, Property, SchemaValue } from '../designer/schema-editor';
import type { Schema } from '../designer/schema-shapes';
import { SortableList } from '../designer/sortable-list';
import type { ActionJson, AutomationJson } from './automation-api';
import type { AutomationIssue } from './automation-checks';
import { type AutomationEnvironment, automationFormulaScope } from './automation-context';
import { newAction } from './automation-draft';

/** Triggers that fire on record writes, where imports and bulk edits may be let in. */
const RECORD_TRIGGERS = new Set(['recordCreated', 'recordUpdated', 'fieldChanged', 'recordDeleted']);

function Step({
  title,
  extra,
  issues,
  children,
  testId,
}: {
  title: ReactNode;
  extra?: ReactNode;
  issues: number;
  children: ReactNode;
  testId: string;
}) {
  return (
    <Card
      size="small"
      data-testid={testId}
      title={
        <Flex gap={8} align="center" wrap>
          {title}
          {issues > 0 && <Badge count={issues} />}
        </Flex>
      }
      extra={extra}
      styles={{ body: { minWidth: 0 } }}
    >
      {children}
    </Card>
  );
}

function Connector() {
  return (
    <Flex justify="center" aria-hidden="true" style={{ color: 'rgba(0,0,0,.35)', margin: '-4px 0' }}>
      <ArrowDownOutlined />
    </Flex>
  );
}

/**
 * The vertical builder: basics, trigger, conditions and actions, top to bottom as they run. The trigger and
 * every action's config are generated from their registry schemas; conditions and values use the formula
 * editor over the trigger record (and `item`, `input`).
 */
export function AutomationBuilder({
  definition,
  onChange,
  ctx,
  env,
  issues,
  keyLocked,
}: {
  definition: AutomationJson;
  onChange: (next: AutomationJson) => void;
  ctx: SchemaContext;
  env: AutomationEnvironment;
  issues: readonly AutomationIssue[];
  keyLocked: boolean;
}) {
  const { t } = useTranslation();
  const count = (prefix: string) =>
    issues.filter((i) => i.path === prefix || i.path.startsWith(`${prefix}/`)).length;
  const at = (path: string) => issues.filter((i) => i.path === path).map((i) => i.message);
  const set = <K extends keyof AutomationJson>(key: K, value: AutomationJson[K] | undefined) => {
    const next = { ...definition, [key]: value };
    if (value === undefined) delete next[key];
    onChange(next);
  };
  const scope = automationFormulaScope(definition, env);
  const actionLabel = (type: string) => t(`automations.actions.${type}`, { defaultValue: type });
  const conditions = definition.conditions ?? [];

  return (
    <Flex vertical gap={12} style={{ maxWidth: 760, margin: '0 auto', width: '100%' }}>
      <Step title={t('automations.basics')} issues={count('/key') + count('/name')} testId="step-basics">
        <Property label={t('automations.name')} errors={at('/name')} required>
          <LocalizedInput
            value={definition.name}
            label={t('automations.name')}
            onChange={(name) => set('name', name ?? {})}
          />
        </Property>
        <Property label={keyLocked ? t('automations.keyLocked') : t('automations.key')} errors={at('/key')}>
          <Input
            size="small"
            aria-label={t('automations.key')}
            disabled={keyLocked}
            value={definition.key}
            onChange={(e) => set('key', e.target.value)}
          />
        </Property>
      </Step>
      <Connector />
      <Step title={t('automations.when')} issues={count('/trigger')} testId="step-trigger">
        <SchemaValue
          schema={Trigger as unknown as Schema}
          value={definition.trigger}
          onChange={(v) => set('trigger', v as AutomationJson['trigger'])}
          ctx={ctx}
          label={t('automations.trigger')}
          path="/trigger"
        />
        {RECORD_TRIGGERS.has(definition.trigger.type) && (
          <Flex gap={8} align="center" style={{ marginTop: 4 }}>
            <Switch
              size="small"
              aria-label={t('automations.includeBulkWrites')}
              checked={definition.includeBulkWrites === true}
              onChange={(v) => set('includeBulkWrites', v ? true : undefined)}
            />
            <Typography.Text>{t('automations.includeBulkWrites')}</Typography.Text>
          </Flex>
        )}
      </Step>
      <Connector />
      <Step title={t('automations.onlyIf')} issues={count('/conditions')} testId="step-conditions">
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {conditions.length === 0 ? t('automations.noConditions') : t('automations.conditionsHint')}
        </Typography.Paragraph>
        <SortableList
          items={conditions}
          onChange={(next) => set('conditions', next.length > 0 ? next : undefined)}
          addLabel={t('automations.addCondition')}
          newItem={() => ''}
          renderItem={(c, i, change) => (
            <Property label={t('automations.condition', { n: i + 1 })} errors={at(`/conditions/${i}`)}>
              <FormulaEditor
                value={c}
                onChange={change}
                fields={scope.fields}
                labels={scope.labels}
                label={t('automations.condition', { n: i + 1 })}
                compact
              />
            </Property>
          )}
        />
      </Step>
      <Connector />
      <Step title={t('automations.then')} issues={at('/actions').length} testId="step-actions">
        {at('/actions').map((m) => (
          <Typography.Text key={m} type="danger" role="alert">
            {m}
          </Typography.Text>
        ))}
        <SortableList
          items={definition.actions}
          onChange={(next) => set('actions', next)}
          renderItem={(action, i, change) => (
            <ActionEditor
              action={action}
              index={i}
              onChange={change}
              ctx={ctx}
              issues={count(`/actions/${i}`)}
              label={actionLabel(action.type)}
              scope={scope}
              whenErrors={at(`/actions/${i}/when`)}
            />
          )}
        />
        <Select
          style={{ width: '100%', marginTop: 8 }}
          aria-label={t('automations.addAction')}
          placeholder={t('automations.addAction')}
          value={null}
          data-testid="add-action"
          onChange={(type: string) => set('actions', [...definition.actions, newAction(type)])}
          options={automationActions.keys().map((type) => ({ value: type, label: actionLabel(type) }))}
        />
      </Step>
    </Flex>
  );
}

function ActionEditor({
  action,
  index,
  onChange,
  ctx,
  issues,
  label,
  scope,
  whenErrors,
}: {
  action: ActionJson;
  index: number;
  onChange: (next: ActionJson) => void;
  ctx: SchemaContext;
  issues: number;
  label: string;
  scope: ReturnType<typeof automationFormulaScope>;
  whenErrors: string[];
}) {
  const { t } = useTranslation();
  const schema = automationActions.get(action.type)?.config as unknown as Schema | undefined;
  return (
    <Flex vertical gap={6} data-testid={`action-${index}`} style={{ minWidth: 0 }}>
      <Flex gap={8} align="center" wrap>
        <Tag color="blue">{index + 1}</Tag>
        <Typography.Text strong>{label}</Typography.Text>
        {issues > 0 && <Badge count={issues} />}
      </Flex>
      <Property label={t('automations.actionWhen')} errors={whenErrors}>
        <FormulaEditor
          value={action.when ?? ''}
          onChange={(when) => {
            const next: ActionJson = { ...action, when };
            if (when === '') delete next.when;
            onChange(next);
          }}
          fields={scope.fields}
          labels={scope.labels}
          label={`${label} ${t('automations.actionWhen')}`}
          compact
        />
      </Property>
      {schema ? (
        <ObjectFields
          schema={schema}
          value={action.config}
          onChange={(config) => onChange({ ...action, config: config as Record<string, unknown> })}
          ctx={ctx}
          label={label}
          path={`/actions/${index}/config`}
        />
      ) : (
        <Typography.Text type="danger">
          {t('automations.unknownAction', { type: action.type })}
        </Typography.Text>
      )}
    </Flex>
  );
}
