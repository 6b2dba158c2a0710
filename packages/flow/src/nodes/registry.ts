import type { Machine } from '../machine.js';
import type { FlowNodeDef, FlowNodeType, Token } from '../types.js';

/** How many edges a node of a type must have leaving it. */
export type EdgeRule = 'one' | 'many' | 'branches' | 'none';

/** What a node type does when a token arrives at it. */
export interface NodeTypeDef<N extends FlowNodeDef = FlowNodeDef> {
  readonly type: N['type'];
  readonly edges: EdgeRule;
  /** True when tokens rest here until people act (approval, fill). */
  readonly waits: boolean;
  /** Called once per arrival of a token; moves it on, parks it, or ends the instance. */
  enter(machine: Machine, token: Token, node: N): void;
}

const registry = new Map<FlowNodeType, NodeTypeDef>();

/** Adds a node type; a type is registered once. */
export function registerNodeType<N extends FlowNodeDef>(def: NodeTypeDef<N>): void {
  if (registry.has(def.type)) throw new Error(`flow node type "${def.type}" is already registered`);
  registry.set(def.type, def as unknown as NodeTypeDef);
}

/** The definition of a node type (throws for a type nobody registered). */
export function nodeType(type: FlowNodeType): NodeTypeDef {
  const def = registry.get(type);
  if (!def) throw new Error(`unknown flow node type "${type}"`);
  return def;
}

/** Every registered node type. */
export function nodeTypes(): readonly NodeTypeDef[] {
  return [...registry.values()];
}

type Of<T extends FlowNodeType> = Extract<FlowNodeDef, { type: T }>;

registerNodeType<Of<'start'>>({
  type: 'start',
  edges: 'one',
  waits: false,
  enter: (m, token) => m.advance(token),
});

registerNodeType<Of<'condition'>>({
  type: 'condition',
  edges: 'branches',
  waits: false,
  enter: (m, token, node) => m.moveTo(token, m.choose(node.id)),
});

registerNodeType<Of<'approval'>>({
  type: 'approval',
  edges: 'one',
  waits: true,
  enter: (m, token, node) => m.request('assignees', node.id, token, null, node.assignees),
});

registerNodeType<Of<'fill'>>({
  type: 'fill',
  edges: 'one',
  waits: true,
  enter: (m, token, node) => m.request('assignees', node.id, token, null, node.assignees),
});

registerNodeType<Of<'cc'>>({
  type: 'cc',
  edges: 'one',
  waits: false,
  enter: (m, token, node) => m.request('cc', node.id, token, null, node.recipients),
});

registerNodeType<Of<'parallelSplit'>>({
  type: 'parallelSplit',
  edges: 'many',
  waits: false,
  enter: (m, token, node) => m.split(token, node.id),
});

registerNodeType<Of<'parallelJoin'>>({
  type: 'parallelJoin',
  edges: 'one',
  waits: false,
  enter: (m, token, node) => m.join(token, node.id),
});

registerNodeType<Of<'end'>>({
  type: 'end',
  edges: 'none',
  waits: false,
  enter: (m, _token, node) => m.finish(node.outcome ?? 'approved', null, node.id),
});
