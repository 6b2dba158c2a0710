import type { AppDetail } from '../../api/apps';

const ADMIN_ROLES = new Set(['owner', 'admin']);

/** True for workspace owners and admins (the server decides; this only avoids offering what it refuses). */
export function isWorkspaceAdmin(roles: readonly string[]): boolean {
  return roles.some((role) => ADMIN_ROLES.has(role));
}

/**
 * The apps a member works in: every app for owners and admins, else the apps defining one of the
 * member's roles. An app without any of them would only show an empty menu.
 */
export function visibleApps(apps: readonly AppDetail[], roles: readonly string[]): AppDetail[] {
  if (isWorkspaceAdmin(roles)) return [...apps];
  const mine = new Set(roles);
  return apps.filter((app) => app.roles.some((role) => mine.has(role.key)));
}
