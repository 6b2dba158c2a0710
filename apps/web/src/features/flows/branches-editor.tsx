import { Checkbox, Flex, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormulaEditor } from '../designer/formula-editor';
import type { SchemaContext } from '../designer/schema-context';
import { LocalizedInput, Property } from '../designer/schema-editor';
import { SortableList } from '../designer/sortable-list';
import { textOf, useLanguage } from '../designer/type-labels';
import { type BranchJson, type FlowJson, freshId, type NodeJson } from './flow-model';
import { useNodeName } from './node-words';

/**
 * The branches of a condition node, in the order they are tried: each with a name, a condition written in
 * the formula editor over the form's fields (none: the default branch, taken when no other holds) and the
 * step it leads to.
 */
export function BranchesEditor({
  node,
  flow,
  ctx,
  errorsAt,
  onChange,
  onConnect,
  onDisconnect,
}: {
  node: NodeJson;
  flow: FlowJson;
  ctx: SchemaContext;
  errorsAt: (index: number) => string[];
  onChange: (node: NodeJson) => void;
  onConnect: (to: string, branch: string) => void;
  onDisconnect: (to: string, branch: string) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const nodeName = useNodeName();
  const scope = ctx.formulaScope('scope', () => undefined);
  const branches = node.branches ?? [];
  const targets = flow.nodes.filter((n) => n.id !== node.id && n.type !== 'start');
  return (
    <Property label={t('flows.props.branches')}>
      <Typography.Text type="secondary" style={{ fontSize: 12, marginBottom: 4 }}>
        {t('flows.branchesHint')}
      </Typography.Text>
      <SortableList<BranchJson>
        items={branches}
        onChange={(next) => onChange({ ...node, branches: next })}
        addLabel={t('flows.addBranch')}
        newItem={(list) => ({
          id: freshId(
            'branch',
            list.map((b) => b.id),
          ),
          condition: '',
        })}
        renderItem={(branch, i, change) => {
          const name = textOf(branch.name, language) || branch.id;
          const target = flow.edges.find((e) => e.from === node.id && e.branch === branch.id)?.to;
          return (
            <Flex vertical gap={4} data-testid={`branch-${branch.id}`} style={{ minWidth: 0 }}>
              <LocalizedInput
                value={branch.name}
                label={t('flows.branchName', { n: i + 1 })}
                onChange={(v) => {
                  const next = { ...branch, ...(v ? { name: v } : {}) };
                  if (!v) delete next.name;
                  change(next);
                }}
              />
              <Checkbox
                checked={branch.condition === undefined}
                onChange={(e) => {
                  const next = { ...branch };
                  if (e.target.checked) delete next.condition;
                  else next.condition = '';
                  change(next);
                }}
              >
                {t('flows.defaultBranch')}
              </Checkbox>
              {branch.condition !== undefined && (
                <FormulaEditor
                  value={branch.condition}
                  onChange={(condition) => change({ ...branch, condition })}
                  fields={scope.fields}
                  labels={scope.labels}
                  label={t('flows.branchCondition', { name })}
                  compact
                />
              )}
              <Select
                size="small"
                aria-label={t('flows.branchTarget', { name })}
                placeholder={t('flows.branchTarget', { name })}
                allowClear
                value={target ?? null}
                onChange={(to: string | undefined) => {
                  if (target) onDisconnect(target, branch.id);
                  if (to) onConnect(to, branch.id);
                }}
                options={targets.map((n) => ({ value: n.id, label: nodeName(n) }))}
              />
              {errorsAt(i).map((m) => (
                <Typography.Text key={m} type="danger" role="alert" style={{ fontSize: 12 }}>
                  {m}
                </Typography.Text>
              ))}
            </Flex>
          );
        }}
      />
    </Property>
  );
}
