import { formatIssue, type Issue, stripComputed, validateSubmission } from '@formloom/schema';
import type { ScopePlan } from './plan.js';
import { effectiveDefinition, validationFailures } from './rules.js';
import type { Detail, FormDefinition } from './types.js';

/**
 * The pointer of an issue under `base`: a missing or unknown property is reported at the property
 * itself (`/data/customer`), as the server's other validation errors are.
 */
export function issuePointer(issue: Issue, base = ''): string {
  const missing = issue.code === 'schema.required' ? issue.params.missingProperty : undefined;
  const extra = issue.code === 'schema.additionalProperties' ? issue.params.additionalProperty : undefined;
  const leaf = typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : undefined;
  const path = `${base}${issue.path}${leaf && !issue.path.endsWith(`/${leaf}`) ? `/${leaf}` : ''}`;
  return path || '/';
}

/**
 * What the server would refuse in a submission, found before sending it: the submission schema of the
 * form (with `required` lifted from fields their visibility rule hides, row by row in subforms), then
 * the validation formulas — the same functions, in the same order, as the server's write path. Details
 * point at `/data/...` and are worded in `language`. Uniqueness and relations need the server.
 */
export function checkSubmission(
  definition: FormDefinition,
  plan: ScopePlan,
  data: Record<string, unknown>,
  now: Date,
  language: 'en' | 'zh-CN' = 'en',
): Detail[] {
  const stripped = stripComputed(definition as never, data);
  const effective = effectiveDefinition(definition, plan, stripped, now);
  const issues = validateSubmission(effective.definition as never, stripped);
  const schema = issues.map((issue) => ({
    path: issuePointer(issue, '/data'),
    message: formatIssue(issue, language),
  }));
  // Rows' conditionally required cells, worded like the schema's own "required".
  const rows = effective.details.map((detail) => ({
    path: detail.path,
    message: formatIssue(
      {
        code: 'schema.required',
        path: detail.path,
        params: { missingProperty: detail.path.split('/').pop() },
      },
      language,
    ),
  }));
  if (schema.length > 0 || rows.length > 0) return [...schema, ...rows];
  for (const key of Object.keys(stripped)) if (stripped[key] === null) delete stripped[key];
  return validationFailures(plan, stripped, now, language);
}
