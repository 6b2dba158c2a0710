import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  Handle,
  MarkerType,
  MiniMap,
  type Node,
  type NodeChange,
  type NodeProps,
  Position,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Badge, Typography, theme } from 'antd';
import { type DragEvent, memo, useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useIsPhone } from '../../components/use-is-phone';
import { textOf, useLanguage } from '../designer/type-labels';
import { type FlowJson, type NodeJson, type NodeType, outgoing, type Point } from './flow-model';
import { NODE_ICONS, useNodeSummary } from './node-words';

/** The drag payload of a palette item. */
export const PALETTE_MIME = 'application/x-formloom-flow-node';

interface CardData extends Record<string, unknown> {
  node: NodeJson;
  problems: number;
}

type CardNode = Node<CardData, 'flowNode'>;

const CardView = memo(function CardView({ data, selected }: NodeProps<CardNode>) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { token } = theme.useToken();
  const { node, problems } = data;
  const summary = useNodeSummary(node);
  const Icon = NODE_ICONS[node.type];
  const rule = outgoing(node.type);
  const title = textOf(node.name, language) || t(`flows.types.${node.type}`);
  const branches = node.branches ?? [];
  return (
    <div
      data-testid={`flow-node-${node.id}`}
      data-problems={problems}
      style={{
        width: 220,
        minHeight: 72,
        background: token.colorBgContainer,
        border: `${selected ? 2 : 1}px solid ${
          problems > 0 ? token.colorError : selected ? token.colorPrimary : token.colorBorder
        }`,
        borderRadius: 8,
        padding: '8px 10px',
        boxShadow: selected ? token.boxShadowSecondary : undefined,
      }}
    >
      {node.type !== 'start' && (
        <Handle type="target" position={Position.Top} data-testid={`handle-in-${node.id}`} />
      )}
      <div style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        <Icon aria-hidden="true" style={{ color: token.colorPrimary }} />
        <Typography.Text strong ellipsis style={{ flex: 1 }}>
          {title}
        </Typography.Text>
        {problems > 0 && <Badge count={problems} title={t('flows.problemsAtNode', { count: problems })} />}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
        {summary}
      </Typography.Text>
      {rule === 'branches' ? (
        <div style={{ display: 'flex', justifyContent: 'space-around', marginTop: 4 }}>
          {branches.map((b) => (
            <Typography.Text key={b.id} style={{ fontSize: 11 }} type="secondary" ellipsis>
              {textOf(b.name, language) || b.id}
            </Typography.Text>
          ))}
        </div>
      ) : null}
      {rule === 'branches'
        ? branches.map((b, i) => (
            <Handle
              key={b.id}
              id={b.id}
              type="source"
              position={Position.Bottom}
              data-testid={`handle-out-${node.id}-${b.id}`}
              style={{ left: `${((i + 1) / (branches.length + 1)) * 100}%` }}
            />
          ))
        : rule !== 'none' && (
            <Handle type="source" position={Position.Bottom} data-testid={`handle-out-${node.id}`} />
          )}
    </div>
  );
});

const NODE_VIEWS = { flowNode: CardView };

/**
 * The canvas (@xyflow/react): nodes where they were laid out or dragged, edges drawn by dragging from a
 * node's bottom handle (a condition has one per branch) to another's top, zoom, fit and a minimap. Nodes
 * are focusable: Tab to one, Enter selects it, arrows move it, Delete removes it.
 */
export function FlowCanvas({
  flow,
  positions,
  selected,
  problems,
  onSelect,
  onMove,
  onConnect,
  onRemoveNodes,
  onRemoveEdges,
  onDropType,
}: {
  flow: FlowJson;
  positions: Record<string, Point>;
  selected: string | null;
  problems: ReadonlyMap<string, number>;
  onSelect: (id: string | null) => void;
  onMove: (id: string, p: Point) => void;
  onConnect: (from: string, to: string, branch?: string) => void;
  onRemoveNodes: (ids: string[]) => void;
  onRemoveEdges: (ids: string[]) => void;
  onDropType: (type: NodeType, at: Point) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { token } = theme.useToken();
  const { screenToFlowPosition } = useReactFlow();
  const phone = useIsPhone();
  // Measured sizes go back into the nodes (a controlled flow): without them every change re-measures.
  const [sizes, setSizes] = useState<Record<string, { width: number; height: number }>>({});
  const nodes: CardNode[] = useMemo(
    () =>
      flow.nodes.map((n) => ({
        id: n.id,
        type: 'flowNode' as const,
        position: positions[n.id] ?? { x: 0, y: 0 },
        ...(sizes[n.id] ? { measured: sizes[n.id] } : {}),
        selected: n.id === selected,
        deletable: true,
        ariaLabel: `${textOf(n.name, language) || t(`flows.types.${n.type}`)} (${n.id})`,
        data: { node: n, problems: problems.get(n.id) ?? 0 },
      })),
    [flow.nodes, positions, sizes, selected, problems, language, t],
  );
  const edges: Edge[] = useMemo(
    () =>
      flow.edges.map((e) => {
        const source = flow.nodes.find((n) => n.id === e.from);
        const branch = source?.branches?.find((b) => b.id === e.branch);
        return {
          id: edgeId(e.from, e.to, e.branch),
          source: e.from,
          target: e.to,
          ...(e.branch ? { sourceHandle: e.branch } : {}),
          ...(branch ? { label: textOf(branch.name, language) || branch.id } : {}),
          markerEnd: { type: MarkerType.ArrowClosed },
          ariaLabel: `${e.from} → ${e.to}`,
        };
      }),
    [flow, language],
  );
  const onNodesChange = useCallback(
    (changes: NodeChange<CardNode>[]) => {
      const removed: string[] = [];
      const measured: Record<string, { width: number; height: number }> = {};
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) measured[c.id] = c.dimensions;
        if (c.type === 'position' && c.position) onMove(c.id, c.position);
        else if (c.type === 'select' && c.selected) onSelect(c.id);
        else if (c.type === 'remove') removed.push(c.id);
      }
      if (Object.keys(measured).length > 0) setSizes((all) => ({ ...all, ...measured }));
      if (removed.length > 0) onRemoveNodes(removed);
    },
    [onMove, onSelect, onRemoveNodes],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const removed = changes.flatMap((c) => (c.type === 'remove' ? [c.id] : []));
      if (removed.length > 0) onRemoveEdges(removed);
    },
    [onRemoveEdges],
  );
  const connect = useCallback(
    (c: Connection) => onConnect(c.source, c.target, c.sourceHandle ?? undefined),
    [onConnect],
  );
  const onDrop = (event: DragEvent) => {
    const type = event.dataTransfer.getData(PALETTE_MIME) as NodeType;
    if (!type) return;
    event.preventDefault();
    onDropType(type, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_VIEWS}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={connect}
      onPaneClick={() => onSelect(null)}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
      }}
      onDrop={onDrop}
      deleteKeyCode={['Delete', 'Backspace']}
      fitView
      minZoom={0.2}
      proOptions={{ hideAttribution: true }}
      ariaLabelConfig={{
        'node.a11yDescription.default': t('flows.canvasHelp'),
        'node.a11yDescription.keyboardDisabled': t('flows.canvasHelp'),
        'edge.a11yDescription.default': t('flows.edgeHelp'),
        'controls.ariaLabel': t('flows.zoomControls'),
        'controls.zoomIn.ariaLabel': t('flows.zoomIn'),
        'controls.zoomOut.ariaLabel': t('flows.zoomOut'),
        'controls.fitView.ariaLabel': t('flows.fitView'),
        'minimap.ariaLabel': t('flows.minimap'),
        'handle.ariaLabel': t('flows.handle'),
      }}
    >
      <Background gap={16} color={token.colorBorderSecondary} />
      <Controls showInteractive={false} fitViewOptions={{ padding: 0.2 }} />
      <MiniMap pannable zoomable style={phone ? { width: 84, height: 60 } : { width: 140, height: 100 }} />
    </ReactFlow>
  );
}

/** The canvas's id of an edge. */
export function edgeId(from: string, to: string, branch?: string): string {
  return `${from}->${to}${branch ? `:${branch}` : ''}`;
}
