import { type CompiledFormula, compile, type FieldTypeMap, type FunctionRegistry } from '@formloom/formula';
import { formulaIdentifiers, type Issue } from '@formloom/schema';
import { analyseFlow, type FlowGraph } from './graph.js';
import type { FlowDefinition, FlowNodeDef, NodeFieldAccess, RecordData } from './types.js';

/** Options of {@link compileFlow}. */
export interface CompileFlowOptions {
  /**
   * Formula kinds of the form's fields (`formulaFieldMap(form)` of `@formloom/schema`), so branch
   * conditions are type-checked like any formula. Without it every name a condition uses is `any`.
   */
  readonly fields?: FieldTypeMap;
  /** Formula functions (default: every built-in). */
  readonly functions?: FunctionRegistry;
}

/** A flow definition made ready to run: its graph analysed and its branch conditions compiled. */
export interface FlowProgram {
  readonly definition: FlowDefinition;
  readonly graph: FlowGraph;
  /** The start node's id. */
  readonly start: string;
  /** The node of an id (throws on an unknown id: definitions are checked before they run). */
  node(id: string): FlowNodeDef;
  /** The one node after a node with a single outgoing edge. */
  next(id: string): string;
  /** The nodes after a parallel split, in edge order. */
  branches(id: string): readonly string[];
  /**
   * Where a condition node leads for this record: the first branch whose condition is true, else the
   * default branch. A condition that fails to evaluate (a blank value in arithmetic...) counts as false.
   */
  choose(id: string, data: RecordData, now: Date): { branch: string; to: string };
  /** The field permissions of a step (fields it does not list are read-only there). */
  fieldAccess(id: string): readonly NodeFieldAccess[];
}

/** A definition that cannot run: the issues say why (see {@link validateFlow}). */
export class FlowDefinitionError extends Error {
  constructor(readonly issues: readonly Issue[]) {
    super(`invalid flow: ${issues.map((i) => `${i.code} at ${i.path}`).join('; ')}`);
    this.name = 'FlowDefinitionError';
  }
}

/** Compiles one branch condition; throws the formula package's error when it cannot be used. */
export function compileCondition(expression: string, options: CompileFlowOptions = {}): CompiledFormula {
  const fields: FieldTypeMap =
    options.fields ?? Object.fromEntries(formulaIdentifiers(expression).map((name) => [name, 'any']));
  return compile(expression, fields, {
    resultKind: 'boolean',
    ...(options.functions ? { registry: options.functions } : {}),
  });
}

/**
 * Compiles a definition that passed {@link validateFlow}. Throws {@link FlowDefinitionError} when its graph
 * has problems (so an unchecked definition never half-runs) and the formula error of a condition that
 * cannot be used.
 */
export function compileFlow(definition: FlowDefinition, options: CompileFlowOptions = {}): FlowProgram {
  const graph = analyseFlow(definition);
  if (graph.issues.length > 0) throw new FlowDefinitionError(graph.issues);
  const start = definition.nodes.find((n) => n.type === 'start');
  if (!start) throw new FlowDefinitionError([{ code: 'flow.start', path: '/nodes', params: { count: 0 } }]);
  const conditions = new Map<string, CompiledFormula>();
  for (const node of definition.nodes) {
    if (node.type !== 'condition') continue;
    for (const b of node.branches) {
      if (b.condition !== undefined)
        conditions.set(`${node.id}/${b.id}`, compileCondition(b.condition, options));
    }
  }
  const node = (id: string): FlowNodeDef => {
    const found = graph.nodes.get(id);
    if (!found) throw new Error(`unknown flow node ${id}`);
    return found;
  };
  const edges = (id: string) => graph.outgoing.get(id) ?? [];
  return {
    definition,
    graph,
    start: start.id,
    node,
    next(id) {
      const to = edges(id)[0]?.to;
      if (to === undefined) throw new Error(`flow node ${id} leads nowhere`);
      return to;
    },
    branches: (id) => edges(id).map((e) => e.to),
    choose(id, data, now) {
      const cond = node(id);
      if (cond.type !== 'condition') throw new Error(`flow node ${id} is no condition`);
      const holds = (branch: string) => {
        const formula = conditions.get(`${id}/${branch}`);
        if (!formula) return false;
        try {
          return formula.evaluate(data, { now }) === true;
        } catch {
          return false;
        }
      };
      const taken =
        cond.branches.find((b) => b.condition !== undefined && holds(b.id)) ??
        cond.branches.find((b) => b.condition === undefined);
      const to = taken ? edges(id).find((e) => e.branch === taken.id)?.to : undefined;
      if (!taken || to === undefined) throw new Error(`condition ${id} has no default branch`);
      return { branch: taken.id, to };
    },
    fieldAccess(id) {
      const n = node(id);
      return n.type === 'approval' || n.type === 'fill' ? (n.fields ?? []) : [];
    },
  };
}
