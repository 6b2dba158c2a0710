import { fail } from '../../errors.js';
import { type Core, collArg } from '../core.js';
import { select } from '../exec.js';
import type { CommandContext } from '../types.js';
import { type Doc, isPlainObject, normalize, num } from '../values.js';
import { aggregate } from './aggregate.js';

/**
 * `explain` of find / count / distinct / aggregate: runs the query and reports the access path
 * (COLLSCAN / IXSCAN / IDHACK, index name) with keys and documents examined.
 */
export async function explain(core: Core, db: string, cmd: Doc, ctx: CommandContext): Promise<Doc> {
  const inner = cmd.explain;
  if (!isPlainObject(inner)) fail(9, 'explain command requires a nested object');
  const verb = Object.keys(inner)[0]?.toLowerCase();
  if (verb === 'aggregate') {
    return aggregate(core, db, { ...inner, explain: true }, ctx);
  }
  if (
    verb !== 'find' &&
    verb !== 'count' &&
    verb !== 'distinct' &&
    verb !== 'findandmodify' &&
    verb !== 'update' &&
    verb !== 'delete'
  ) {
    fail(2, `Explain is not supported for command '${verb ?? ''}'`);
  }
  const name = collArg(db, inner, Object.keys(inner)[0]!);
  const filter = (inner.filter ??
    inner.query ??
    (Array.isArray(inner.updates) ? (inner.updates[0] as Doc)?.q : undefined) ??
    (Array.isArray(inner.deletes) ? (inner.deletes[0] as Doc)?.q : undefined)) as Doc | undefined;
  const docs = select(core, core.coll(db, name), {
    filter: isPlainObject(filter) ? (normalize(filter) as Doc) : undefined,
    sort: isPlainObject(inner.sort) ? (normalize(inner.sort) as Doc) : undefined,
    skip: num(inner.skip, 0),
    limit: Math.abs(num(inner.limit, 0)),
  });
  const plan = core.lastPlan!;
  const inputStage: Doc = { stage: plan.stage };
  if (plan.indexName) inputStage.indexName = plan.indexName;
  return {
    explainVersion: '1',
    queryPlanner: {
      namespace: `${db}.${name}`,
      winningPlan: plan.stage === 'COLLSCAN' ? inputStage : { stage: 'FETCH', inputStage },
      rejectedPlans: [],
    },
    executionStats: {
      nReturned: docs.length,
      totalKeysExamined: plan.keysExamined,
      totalDocsExamined: plan.docsExamined,
      executionSuccess: true,
    },
    ok: 1,
  };
}
