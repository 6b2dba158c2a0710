import type { RouteDocs } from '../route-docs.js';
import { noContentDocs } from './account-extras.js';
import { accountDocs } from './accounts.js';
import { appDocs } from './apps.js';
import { automationDocs } from './automations.js';
import { flowDocs } from './flows.js';
import { recordDocs } from './records.js';
import { reportDocs } from './reports.js';
import { taskDocs } from './tasks.js';

/** Every route's documentation, by `METHOD /path` below /api/v1 (openapi/transform.ts). */
export const ROUTE_DOCS: RouteDocs = {
  ...accountDocs,
  ...noContentDocs,
  ...appDocs,
  ...recordDocs,
  ...reportDocs,
  ...automationDocs,
  ...taskDocs,
  ...flowDocs,
};
