import type { Issue } from '@formloom/schema';
import { type ErrorDetail, issueText } from '../../lib/errors.js';

/**
 * Turns schema issues into API error details under a base pointer, worded by the schema package's locale
 * files in the client's language. A missing property is reported at the property itself, as the server's
 * other validation errors are.
 */
export function issueDetails(issues: readonly Issue[], base = ''): ErrorDetail[] {
  return issues.map((issue) => {
    const missing = issue.code === 'schema.required' ? issue.params.missingProperty : undefined;
    const extra = issue.code === 'schema.additionalProperties' ? issue.params.additionalProperty : undefined;
    const leaf = typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : undefined;
    const path = `${base}${issue.path}${leaf && !issue.path.endsWith(`/${leaf}`) ? `/${leaf}` : ''}`;
    return { path: path || '/', message: issueText(issue), code: issue.code };
  });
}
