import type { Locale } from '../common.js';
import type { Issue } from '../issues.js';
import { en } from './en.js';
import type { IssueMessages } from './types.js';
import { zhCN } from './zh-CN.js';

export type { IssueMessages } from './types.js';
export { en, zhCN };

/** Messages per locale. */
export const issueMessages: Readonly<Record<Locale, IssueMessages>> = { en, 'zh-CN': zhCN };

/** The human text of an issue in `locale` (default English). */
export function formatIssue(issue: Issue, locale: Locale = 'en'): string {
  return issueMessages[locale][issue.code](issue.params);
}

/** Issues as the `details` of the API error shape: `{ path, message, code }`. */
export function issuesToDetails(
  issues: readonly Issue[],
  locale: Locale = 'en',
): Array<{ path: string; message: string; code: string }> {
  return issues.map((i) => ({ path: i.path, message: formatIssue(i, locale), code: i.code }));
}
