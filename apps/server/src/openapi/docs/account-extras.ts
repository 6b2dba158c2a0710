import type { RouteDocs } from '../route-docs.js';

// Routes that answer nothing but their status.
export const noContentDocs: RouteDocs = {
  'POST /auth/logout': {
    responses: { 204: { description: 'Signed out; the session token no longer works' } },
  },
  'DELETE /workspaces/:ws/api-tokens/:token': { responses: { 204: { description: 'Revoked at once' } } },
  'DELETE /workspaces/:ws/departments/:department': { responses: { 204: { description: 'Deleted' } } },
  'DELETE /workspaces/:ws/invitations/:invitation': { responses: { 204: { description: 'Withdrawn' } } },
};
