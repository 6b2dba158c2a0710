import { fieldsFrom, fieldsOfForm, type KnownForm, optionsFrom } from '../designer/editor-context';
import type { Choice, SchemaContext } from '../designer/schema-context';
import { textOf } from '../designer/type-labels';
import { conditionFields } from './flow-checks';
import type { FlowJson, FlowProblem } from './flow-model';

/** What the flow designer knows about the app and workspace. */
export interface FlowEnvironment {
  forms: readonly KnownForm[];
  roles: Choice[];
  members: Choice[];
  language: 'en' | 'zh-CN';
}

/**
 * The flow designer's answers to schema-generated editors (assignees, deadlines, settings): `scope` is the
 * flow's form — its member and department fields for assignees, its fields for permissions and branch
 * conditions; roles of the app and the workspace; members of the workspace.
 */
export function flowSchemaContext(
  flow: FlowJson,
  env: FlowEnvironment,
  problems: readonly FlowProblem[],
): SchemaContext {
  const own = fieldsOfForm(env.forms, flow.form);
  const labels = new Map(own.map((f) => [f.key, textOf(f.label, env.language) || f.key]));
  const fields = conditionFields(env.forms, flow.form);
  return {
    language: env.language,
    forms: env.forms,
    vocabulary: 'flows',
    compactFormulas: true,
    fields: (of, named) => fieldsFrom(of, own, named, (key) => fieldsOfForm(env.forms, key)),
    options: (of, named) => optionsFrom(of, own, named, env.language),
    formulaScope: () => ({ fields, labels }),
    ownFields: () => own,
    choices: (ref) => (ref === 'role' ? env.roles : ref === 'member' ? env.members : undefined),
    errorsAt: (path) => problems.filter((p) => p.path === path).map((p) => p.message),
  };
}
