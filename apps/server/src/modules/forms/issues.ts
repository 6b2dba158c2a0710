import type { Issue } from '@formloom/schema';
import type { ErrorDetail } from '../../lib/errors.js';

/** Short English texts per issue code; the web app renders codes with its own locale files. */
function describe(issue: Issue): string {
  const p = issue.params;
  const code = issue.code as string;
  switch (code) {
    case 'schema.required':
      return 'is required';
    case 'schema.additionalProperties':
      return 'is not a known property';
    case 'schema.type':
      return `must be ${String(p.type ?? 'of another type')}`;
    case 'schema.maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'schema.minLength':
      return `must be at least ${String(p.limit)} characters`;
    case 'schema.format':
      return `must be a valid ${String(p.format)}`;
    case 'schema.enum':
      return 'is not one of the allowed values';
    case 'schema.pattern':
      return 'does not match the expected pattern';
    case 'schema.minimum':
    case 'schema.maximum':
    case 'schema.exclusiveMinimum':
    case 'schema.exclusiveMaximum':
      return `must be ${String(p.comparison ?? '')} ${String(p.limit)}`.replace(/\s+/g, ' ');
    default: {
      const params = Object.keys(p).length > 0 ? ` ${JSON.stringify(p)}` : '';
      return `${code}${params}`;
    }
  }
}

/**
 * Turns schema issues into API error details under a base pointer. A missing property is reported at
 * the property itself, as the server's other validation errors are.
 */
export function issueDetails(issues: readonly Issue[], base = ''): ErrorDetail[] {
  return issues.map((issue) => {
    const missing = issue.code === 'schema.required' ? issue.params.missingProperty : undefined;
    const extra = issue.code === 'schema.additionalProperties' ? issue.params.additionalProperty : undefined;
    const leaf = typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : undefined;
    const path = `${base}${issue.path}${leaf && !issue.path.endsWith(`/${leaf}`) ? `/${leaf}` : ''}`;
    return { path: path || '/', message: describe(issue) };
  });
}
