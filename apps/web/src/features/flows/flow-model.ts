import dagre from '@dagrejs/dagre';
import type { Localized } from '../designer/model/form-tree';

/** The node types of the palette, in the order a flow usually uses them. */
export const NODE_TYPES = [
  'start',
  'condition',
  'approval',
  'fill',
  'cc',
  'parallelSplit',
  'parallelJoin',
  'end',
] as const;

/** A node type of the palette. */
export type NodeType = (typeof NODE_TYPES)[number];

/** A branch of a condition node. */
export interface BranchJson {
  id: string;
  name?: Localized;
  condition?: string;
}

/** A flow node as the definition holds it (docs/flows.md); settings beyond these depend on the type. */
export interface NodeJson {
  id: string;
  type: NodeType;
  name?: Localized;
  branches?: BranchJson[];
  [setting: string]: unknown;
}

/** A transition; edges leaving a condition node name their branch. */
export interface EdgeJson {
  from: string;
  to: string;
  branch?: string;
}

/** An approval-flow definition (packages/schema Flow). */
export interface FlowJson {
  key: string;
  name: Localized;
  description?: Localized;
  form: string;
  nodes: NodeJson[];
  edges: EdgeJson[];
  settings?: Record<string, unknown>;
}

/** How many edges may leave a node of a type (as the engine's node registry says). */
export function outgoing(type: NodeType): 'one' | 'many' | 'branches' | 'none' {
  if (type === 'end') return 'none';
  if (type === 'condition') return 'branches';
  if (type === 'parallelSplit') return 'many';
  return 'one';
}

/** A fresh id for a node or branch: `<prefix><n>`, the first n not taken. */
export function freshId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let n = 1;
  while (used.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/** A new node of `type` with the settings it needs to be valid where it can be (assignees, branches). */
export function newNode(type: NodeType, flow: FlowJson): NodeJson {
  const id = freshId(
    type,
    flow.nodes.map((n) => n.id),
  );
  switch (type) {
    case 'approval':
      return { id, type, mode: 'or', assignees: [{ kind: 'manager' }] };
    case 'fill':
      return { id, type, assignees: [{ kind: 'submitter' }], fields: [] };
    case 'cc':
      return { id, type, recipients: [{ kind: 'submitter' }] };
    case 'condition':
      return { id, type, branches: [{ id: 'branch1', condition: '' }, { id: 'otherwise' }] };
    default:
      return { id, type };
  }
}

/** A new flow for a form: start → approval by the submitter's manager → end. */
export function newFlow(form: string, name: Localized): FlowJson {
  return {
    key: `${form}_flow`.slice(0, 64),
    name,
    form,
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'approval1', type: 'approval', mode: 'or', assignees: [{ kind: 'manager' }] },
      { id: 'end', type: 'end' },
    ],
    edges: [
      { from: 'start', to: 'approval1' },
      { from: 'approval1', to: 'end' },
    ],
  };
}

/**
 * Adds the edge `from → to` (of `branch` when `from` is a condition). A node that has one way out, or a
 * branch, is re-pointed rather than given a second edge; self edges, edges out of an end node and
 * duplicates change nothing.
 */
export function connect(flow: FlowJson, from: string, to: string, branch?: string): FlowJson {
  const source = flow.nodes.find((n) => n.id === from);
  if (!source || from === to || !flow.nodes.some((n) => n.id === to)) return flow;
  const rule = outgoing(source.type);
  if (rule === 'none') return flow;
  if (rule === 'branches' && !source.branches?.some((b) => b.id === branch)) return flow;
  const edge: EdgeJson = rule === 'branches' ? { from, to, branch: branch as string } : { from, to };
  const replaced = (e: EdgeJson) =>
    e.from === from && (rule === 'one' || (rule === 'branches' ? e.branch === branch : e.to === to));
  return { ...flow, edges: [...flow.edges.filter((e) => !replaced(e)), edge] };
}

/** Removes the edges matching `match`. */
export function disconnect(flow: FlowJson, match: (e: EdgeJson) => boolean): FlowJson {
  return { ...flow, edges: flow.edges.filter((e) => !match(e)) };
}

/** Removes a node with its edges. */
export function removeNode(flow: FlowJson, id: string): FlowJson {
  return {
    ...flow,
    nodes: flow.nodes.filter((n) => n.id !== id),
    edges: flow.edges.filter((e) => e.from !== id && e.to !== id),
  };
}

/** Replaces node `id` (a condition's removed branches take their edges with them). */
export function updateNode(flow: FlowJson, id: string, next: NodeJson): FlowJson {
  const branches = new Set(next.branches?.map((b) => b.id));
  return {
    ...flow,
    nodes: flow.nodes.map((n) => (n.id === id ? next : n)),
    edges:
      next.type === 'condition'
        ? flow.edges.filter((e) => e.from !== id || (e.branch !== undefined && branches.has(e.branch)))
        : flow.edges,
  };
}

/** Where a node is drawn (its top-left corner). */
export interface Point {
  x: number;
  y: number;
}

/** Size of a drawn node, for the layout. */
export const NODE_SIZE = { width: 220, height: 72 };

/** Top-to-bottom layered layout (dagre): the start on top, each step below the ones leading to it. */
export function layout(flow: FlowJson): Record<string, Point> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 64, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of flow.nodes) g.setNode(n.id, { ...NODE_SIZE });
  for (const e of flow.edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const out: Record<string, Point> = {};
  for (const n of flow.nodes) {
    const p = g.node(n.id);
    out[n.id] = { x: (p?.x ?? 0) - NODE_SIZE.width / 2, y: (p?.y ?? 0) - NODE_SIZE.height / 2 };
  }
  return out;
}

/** A place for a node added from the palette: below the lowest node. */
export function placeBelow(positions: Record<string, Point>): Point {
  const points = Object.values(positions);
  if (points.length === 0) return { x: 16, y: 16 };
  const lowest = points.reduce((a, b) => (b.y > a.y ? b : a));
  return { x: lowest.x, y: lowest.y + NODE_SIZE.height + 48 };
}

/** A problem of the flow, placed at its node (null: the flow as a whole). */
export interface FlowProblem {
  node: string | null;
  path: string;
  message: string;
}

/** The server's 4xx details (`/definition/nodes/2/...` or `/nodes/2/...`, each with its node) as problems. */
export function placeServerDetails(
  details: ReadonlyArray<{ path: string; message: string; node?: string | null }>,
  flow: FlowJson,
): FlowProblem[] {
  return details.map((d) => {
    const path = d.path.startsWith('/definition') ? d.path.slice('/definition'.length) : d.path;
    const [, list, index] = path.split('/');
    const i = Number(index);
    const fromPath =
      list === 'nodes' ? flow.nodes[i]?.id : list === 'edges' ? flow.edges[i]?.from : undefined;
    return { node: d.node ?? fromPath ?? null, path, message: d.message };
  });
}
