import { DeleteOutlined } from '@ant-design/icons';
import { FlowNode } from '@formloom/schema';
import { Button, Flex, Radio, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldJson } from '../designer/model/form-tree';
import type { SchemaContext } from '../designer/schema-context';
import { LocalizedInput, Property, SchemaValue } from '../designer/schema-editor';
import { type Schema, taggedOf } from '../designer/schema-shapes';
import { BranchesEditor } from './branches-editor';
import { FieldAccessGrid } from './field-access-grid';
import { type FlowJson, type NodeJson, outgoing } from './flow-model';
import { useNodeName } from './node-words';

/** Settings the panel shows problems under. */
const SHOWN = [
  'name',
  'assignees',
  'mode',
  'fields',
  'onReject',
  'rejectTo',
  'whenNoAssignee',
  'deadline',
  'recipients',
  'outcome',
  'branches',
];

/** The schema of one setting of a node type (assignees, deadline, ...), from the Flow schema. */
export function settingSchema(type: string, prop: string): Schema | undefined {
  const member = taggedOf(FlowNode as unknown as Schema)?.members.find((m) => m.value === type);
  return member?.schema.properties?.[prop];
}

function Setting({
  node,
  prop,
  ctx,
  label,
  onChange,
  optional,
  errorsAt,
}: {
  node: NodeJson;
  prop: string;
  ctx: SchemaContext;
  label: string;
  onChange: (node: NodeJson) => void;
  optional?: boolean;
  errorsAt: (prop: string) => string[];
}) {
  const schema = settingSchema(node.type, prop);
  if (!schema) return null;
  return (
    <Property label={label} errors={errorsAt(prop)}>
      <SchemaValue
        schema={schema}
        value={node[prop]}
        optional={optional === true}
        onChange={(v) => {
          const next = { ...node, [prop]: v };
          if (v === undefined) delete next[prop];
          onChange(next);
        }}
        ctx={ctx}
        label={label}
        parents={[node]}
      />
    </Property>
  );
}

/**
 * The settings of the selected node: name, who it goes to (members, roles, department heads, manager N
 * levels up, a member field, the submitter), how many must decide (or / countersign / sequence), field
 * permissions, deadline and what happens when it passes, branches with their conditions, and where it
 * leads (the keyboard's way to draw edges). Problems of the node are listed at the top.
 */
export function NodePanel({
  node,
  flow,
  ctx,
  fields,
  problems,
  onChange,
  onConnect,
  onDisconnect,
  onRemove,
}: {
  node: NodeJson;
  flow: FlowJson;
  ctx: SchemaContext;
  fields: readonly FieldJson[];
  problems: readonly { path: string; message: string }[];
  onChange: (node: NodeJson) => void;
  onConnect: (to: string, branch?: string) => void;
  onDisconnect: (to: string, branch?: string) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const nodeName = useNodeName();
  const index = flow.nodes.findIndex((n) => n.id === node.id);
  const base = `/nodes/${index}`;
  const errorsAt = (prop: string) =>
    problems
      .filter((p) => p.path === `${base}/${prop}` || p.path.startsWith(`${base}/${prop}/`))
      .map((p) => p.message);
  // Problems of a setting show under it; the rest (the graph's: dead ends, branches, cycles) at the top.
  const general = problems.filter((p) => !SHOWN.some((prop) => p.path.startsWith(`${base}/${prop}`)));
  const set = (prop: string, value: unknown) => {
    const next = { ...node, [prop]: value };
    if (value === undefined) delete next[prop];
    onChange(next);
  };
  const rule = outgoing(node.type);
  const targets = flow.nodes.filter((n) => n.id !== node.id && n.type !== 'start');
  const next = flow.edges.filter((e) => e.from === node.id).map((e) => e.to);
  const decides = node.type === 'approval' || node.type === 'fill';
  const props = (name: string) => t(`flows.props.${name}`);
  // A setting drawn from the node type's schema, with its problems under it.
  const setting = (prop: string, optional = false) => (
    <Setting
      node={node}
      prop={prop}
      ctx={ctx}
      label={props(prop)}
      onChange={onChange}
      optional={optional}
      errorsAt={errorsAt}
    />
  );

  return (
    <Flex vertical gap={4} data-testid="node-panel" style={{ minWidth: 0 }}>
      <Flex justify="space-between" align="center" gap={8}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {nodeName(node)}
        </Typography.Title>
        <Button
          size="small"
          danger
          icon={<DeleteOutlined />}
          onClick={onRemove}
          aria-label={t('flows.removeNode', { name: nodeName(node) })}
        />
      </Flex>
      {general.map((p) => (
        <Typography.Text key={`${p.path}:${p.message}`} type="danger" role="alert" style={{ fontSize: 12 }}>
          {p.message}
        </Typography.Text>
      ))}
      <Property label={props('name')}>
        <LocalizedInput value={node.name} label={props('name')} onChange={(v) => set('name', v)} />
      </Property>
      {decides && (
        <>
          {setting('assignees')}
          <Property label={props('mode')} errors={errorsAt('mode')}>
            <Radio.Group
              aria-label={props('mode')}
              value={(node.mode as string | undefined) ?? 'or'}
              onChange={(e) => set('mode', e.target.value)}
              options={['or', 'and', 'sequence'].map((m) => ({ value: m, label: t(`flows.mode.${m}`) }))}
              data-testid="node-mode"
            />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t(`flows.modeHint.${(node.mode as string | undefined) ?? 'or'}`)}
            </Typography.Text>
          </Property>
          <Property label={props('fields')} errors={errorsAt('fields')}>
            <FieldAccessGrid
              fields={fields}
              value={(node.fields as Array<{ field: string; access: string }> | undefined) ?? []}
              onChange={(v) => set('fields', v.length > 0 || node.type === 'fill' ? v : undefined)}
            />
          </Property>
          {node.type === 'approval' && (
            <>
              {setting('onReject', true)}
              {node.onReject === 'node' && (
                <Property label={props('rejectTo')} errors={errorsAt('rejectTo')}>
                  <Select
                    size="small"
                    aria-label={props('rejectTo')}
                    value={(node.rejectTo as string | undefined) ?? null}
                    onChange={(v: string) => set('rejectTo', v)}
                    options={flow.nodes
                      .filter((n) => n.id !== node.id && (n.type === 'approval' || n.type === 'fill'))
                      .map((n) => ({ value: n.id, label: nodeName(n) }))}
                  />
                </Property>
              )}
            </>
          )}
          {setting('whenNoAssignee', true)}
          {setting('deadline', true)}
        </>
      )}
      {node.type === 'cc' && setting('recipients')}
      {node.type === 'end' && setting('outcome', true)}
      {node.type === 'condition' && (
        <BranchesEditor
          node={node}
          flow={flow}
          ctx={ctx}
          errorsAt={(i) =>
            problems
              .filter(
                (p) => p.path === `${base}/branches/${i}` || p.path.startsWith(`${base}/branches/${i}/`),
              )
              .map((p) => p.message)
          }
          onChange={onChange}
          onConnect={onConnect}
          onDisconnect={onDisconnect}
        />
      )}
      {(rule === 'one' || rule === 'many') && (
        <Property label={props('next')}>
          <Select
            size="small"
            aria-label={props('next')}
            data-testid="node-next"
            {...(rule === 'many' ? { mode: 'multiple' as const } : { allowClear: true })}
            value={rule === 'many' ? next : (next[0] ?? null)}
            onChange={(v: string | string[] | undefined) => {
              const chosen = Array.isArray(v) ? v : v ? [v] : [];
              for (const to of next) if (!chosen.includes(to)) onDisconnect(to);
              for (const to of chosen) if (!next.includes(to)) onConnect(to);
            }}
            options={targets.map((n) => ({ value: n.id, label: nodeName(n) }))}
          />
        </Property>
      )}
    </Flex>
  );
}
