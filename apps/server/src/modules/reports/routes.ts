import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { callerOf } from '../apps/caller.js';
import { queryReport } from './service.js';

/** Largest request body of a report query: a widget and a few filters are a few KiB. */
const BODY_LIMIT = 64 * 1024;

/** Report queries: a widget over the records the caller may view (docs/reports.md). */
export async function reportRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;
  app.post(
    '/workspaces/:ws/reports/query',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['reports'],
        summary:
          "Run a widget's query over the records the caller may view; fields hidden from the caller cannot be named",
        params: Type.Object({ ws: Type.String() }),
        body: Type.Object(
          {
            // Checked against the meta-model by the service, so errors point into the widget.
            widget: Type.Record(Type.String(), Type.Unknown()),
            filters: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 20 })),
            appId: Type.Optional(Type.String({ maxLength: 24 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { widget, filters, appId } = request.body;
      return queryReport(connection, callerOf(request), {
        widget,
        ...(filters === undefined ? {} : { filters }),
        ...(appId === undefined ? {} : { appId }),
      });
    },
  );
}
