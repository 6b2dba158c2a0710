import { type Issue, issue, pointer } from '@formloom/schema';
import { nodeType } from './nodes/registry.js';
import type { FlowDefinition, FlowNodeDef } from './types.js';

/** The shape of a flow: edges by node, split/join pairs, what comes before what, and what is wrong. */
export interface FlowGraph {
  readonly nodes: ReadonlyMap<string, FlowNodeDef>;
  /** Index of each node in `definition.nodes` (for issue paths). */
  readonly index: ReadonlyMap<string, number>;
  readonly outgoing: ReadonlyMap<string, ReadonlyArray<{ to: string; branch?: string }>>;
  /** The join closing each split, and the split each join closes. */
  readonly joinOf: ReadonlyMap<string, string>;
  readonly splitOf: ReadonlyMap<string, string>;
  /** Issues with the graph: counts of edges, reachability, cycles, parallel structure, reject targets. */
  readonly issues: readonly Issue[];
  /** True when `earlier` can reach `later` along edges. */
  precedes(earlier: string, later: string): boolean;
}

/**
 * Analyses a flow that passed its schema and reference checks. Parallel regions must be block-structured:
 * every node is reached inside the same open splits whatever the way in, and every branch of a split meets
 * at one join (or ends the flow at an end node). That is what lets a join know, from the token alone,
 * which split it closes.
 */
export function analyseFlow(definition: FlowDefinition): FlowGraph {
  const nodes = new Map(definition.nodes.map((n) => [n.id, n]));
  const index = new Map(definition.nodes.map((n, i) => [n.id, i]));
  const outgoing = new Map<string, Array<{ to: string; branch?: string }>>();
  const incoming = new Map<string, string[]>();
  for (const n of definition.nodes) {
    outgoing.set(n.id, []);
    incoming.set(n.id, []);
  }
  for (const e of definition.edges) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) continue;
    outgoing.get(e.from)?.push(e.branch === undefined ? { to: e.to } : { to: e.to, branch: e.branch });
    incoming.get(e.to)?.push(e.from);
  }
  const issues: Issue[] = [];
  const at = (id: string) => pointer('', 'nodes', index.get(id) ?? 0);

  for (const n of definition.nodes) {
    const count = outgoing.get(n.id)?.length ?? 0;
    const expected = nodeType(n.type).edges;
    // No edge at all is a dead end, reported by the reference checks.
    if (count === 0 && expected !== 'none') continue;
    const wrong =
      (expected === 'one' && count !== 1) ||
      (expected === 'many' && count < 2) ||
      (expected === 'none' && count > 0);
    if (wrong)
      issues.push(issue('flow.edges', at(n.id), { node: n.id, count, expected: EXPECTED[expected] }));
    if (n.type === 'condition') {
      const defaults = n.branches.filter((b) => b.condition === undefined).length;
      if (defaults !== 1) issues.push(issue('flow.noDefault', at(n.id), { node: n.id, count: defaults }));
    }
  }

  const start = definition.nodes.find((n) => n.type === 'start');
  const reached = new Set<string>();
  if (start) {
    const queue = [start.id];
    while (queue.length > 0) {
      const id = queue.pop() as string;
      if (reached.has(id)) continue;
      reached.add(id);
      for (const e of outgoing.get(id) ?? []) queue.push(e.to);
    }
    for (const n of definition.nodes) {
      if (!reached.has(n.id)) issues.push(issue('flow.unreachable', at(n.id), { node: n.id }));
    }
  }

  const order = topologicalOrder(definition.nodes, outgoing, (id) =>
    issues.push(issue('flow.cycle', at(id), { node: id })),
  );
  const joinOf = new Map<string, string>();
  const splitOf = new Map<string, string>();
  if (order && start) nestParallel(order, nodes, outgoing, start.id, joinOf, splitOf, issues, at);

  const before = new Map<string, Set<string>>();
  const ancestors = (id: string): Set<string> => {
    let set = before.get(id);
    if (set) return set;
    set = new Set<string>();
    before.set(id, set);
    const stack = [...(incoming.get(id) ?? [])];
    while (stack.length > 0) {
      const p = stack.pop() as string;
      if (set.has(p)) continue;
      set.add(p);
      stack.push(...(incoming.get(p) ?? []));
    }
    return set;
  };
  for (const n of definition.nodes) {
    if (n.type !== 'approval') continue;
    if (n.onReject === 'node' || n.rejectTo !== undefined) {
      const target = n.rejectTo;
      const kind = target === undefined ? undefined : nodes.get(target)?.type;
      const valid =
        target !== undefined &&
        (kind === 'approval' || kind === 'fill') &&
        order !== null &&
        ancestors(n.id).has(target);
      if (!valid) issues.push(issue('flow.rejectTo', at(n.id), { node: n.id, target: target ?? '' }));
    }
  }
  return {
    nodes,
    index,
    outgoing,
    joinOf,
    splitOf,
    issues,
    precedes: (earlier, later) => ancestors(later).has(earlier),
  };
}

const EXPECTED = { one: '1', many: '2 or more', branches: 'one per branch', none: '0' } as const;

/** Kahn's order of the nodes, or null (after reporting the nodes left on a cycle) when there is one. */
function topologicalOrder(
  nodes: readonly FlowNodeDef[],
  outgoing: ReadonlyMap<string, ReadonlyArray<{ to: string }>>,
  onCycle: (id: string) => void,
): string[] | null {
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  for (const edges of outgoing.values())
    for (const e of edges) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const ready = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    for (const e of outgoing.get(id) ?? []) {
      const left = (indegree.get(e.to) ?? 0) - 1;
      indegree.set(e.to, left);
      if (left === 0) ready.push(e.to);
    }
  }
  if (order.length === nodes.length) return order;
  const done = new Set(order);
  // Report the nodes on a cycle: those left whose edge leads to another node left.
  for (const n of nodes) {
    if (!done.has(n.id) && (outgoing.get(n.id) ?? []).some((e) => !done.has(e.to))) onCycle(n.id);
  }
  return null;
}

/** Gives each node the splits open around it and pairs every join with the split it closes. */
function nestParallel(
  order: readonly string[],
  nodes: ReadonlyMap<string, FlowNodeDef>,
  outgoing: ReadonlyMap<string, ReadonlyArray<{ to: string }>>,
  start: string,
  joinOf: Map<string, string>,
  splitOf: Map<string, string>,
  issues: Issue[],
  at: (id: string) => string,
): void {
  const stacks = new Map<string, readonly string[]>([[start, []]]);
  const flagged = new Set<string>();
  const flag = (code: 'flow.join' | 'flow.split', id: string) => {
    if (flagged.has(`${code}:${id}`)) return;
    flagged.add(`${code}:${id}`);
    issues.push(issue(code, at(id), { node: id }));
  };
  for (const id of order) {
    const stack = stacks.get(id);
    const node = nodes.get(id);
    if (!stack || !node) continue;
    let out: readonly string[] = stack;
    if (node.type === 'parallelSplit') out = [...stack, id];
    if (node.type === 'parallelJoin') {
      const split = stack.at(-1);
      if (split === undefined) {
        flag('flow.join', id);
        continue;
      }
      const known = joinOf.get(split);
      if (known !== undefined && known !== id) flag('flow.split', split);
      joinOf.set(split, id);
      splitOf.set(id, split);
      out = stack.slice(0, -1);
    }
    for (const e of outgoing.get(id) ?? []) {
      const seen = stacks.get(e.to);
      if (seen === undefined) {
        stacks.set(e.to, out);
        continue;
      }
      // An end node ends every branch at once, so it may be shared by branches at any depth.
      if (sameStack(seen, out) || nodes.get(e.to)?.type === 'end') continue;
      // Reached inside different splits: a join mixing branches, or a branch leaving its split.
      if (nodes.get(e.to)?.type === 'parallelJoin') flag('flow.join', e.to);
      else flag('flow.split', innermostDifference(seen, out) ?? e.to);
    }
  }
  for (const [id, node] of nodes) {
    if (node.type === 'parallelSplit' && stacks.has(id) && !joinOf.has(id)) flag('flow.split', id);
  }
}

function sameStack(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function innermostDifference(a: readonly string[], b: readonly string[]): string | undefined {
  const longer = a.length >= b.length ? a : b;
  const other = longer === a ? b : a;
  for (let i = 0; i < longer.length; i++) if (longer[i] !== other[i]) return longer[i];
  return undefined;
}
