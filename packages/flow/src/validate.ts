import { isFormulaError } from '@formloom/formula';
import {
  type CheckScope,
  type Issue,
  issue,
  pointer,
  validateFlow as validateFlowDocument,
} from '@formloom/schema';
import { analyseFlow } from './graph.js';
import { type CompileFlowOptions, compileCondition } from './program.js';
import type { FlowDefinition } from './types.js';

/** A problem of a flow definition, with the id of the node it concerns (null for the flow as a whole). */
export interface FlowIssue extends Issue {
  readonly node: string | null;
}

/** What {@link validateFlow} checks references against. */
export interface ValidateFlowOptions extends CheckScope, CompileFlowOptions {}

/** The node a JSON pointer into a flow points into: `/nodes/3/...` or the `from` of `/edges/2/...`. */
function nodeAt(flow: FlowDefinition | undefined, path: string): string | null {
  const [, list, index] = path.split('/');
  const i = Number(index);
  if (!flow || !Number.isInteger(i)) return null;
  if (list === 'nodes') return flow.nodes?.[i]?.id ?? null;
  if (list === 'edges') return flow.edges?.[i]?.from ?? null;
  return null;
}

/**
 * The publish checks of a flow: its JSON Schema and references (form fields, roles, node ids; through
 * `@formloom/schema`), then its graph — every node reachable from the start, no dead end, the right number
 * of edges per node type, one default branch per condition, no cycle, parallel splits and joins nested
 * properly (a join without its split, branches that never meet), reject targets that come earlier — and,
 * with `fields`, that every branch condition type-checks as true/false. Each issue names its node.
 * An empty list means the flow can run.
 */
export function validateFlow(definition: unknown, options: ValidateFlowOptions = {}): FlowIssue[] {
  const flow = definition as FlowDefinition | undefined;
  const withNode = (list: readonly Issue[]): FlowIssue[] =>
    list.map((i) => ({ ...i, node: nodeAt(flow, i.path) ?? (i.params.node as string | undefined) ?? null }));
  const document = validateFlowDocument(definition, options);
  if (document.length > 0) return withNode(document);
  const valid = definition as FlowDefinition;
  const out: Issue[] = [...analyseFlow(valid).issues];
  valid.nodes.forEach((node, i) => {
    if (node.type !== 'condition') return;
    node.branches.forEach((b, j) => {
      if (b.condition === undefined) return;
      try {
        compileCondition(b.condition, options);
      } catch (error) {
        if (!isFormulaError(error)) throw error;
        out.push(
          issue('flow.condition', pointer('', 'nodes', i, 'branches', j, 'condition'), {
            node: node.id,
            branch: b.id,
            error: error.code,
          }),
        );
      }
    });
  });
  return withNode(out);
}
