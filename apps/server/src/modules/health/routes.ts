import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { VERSION } from '../../version.js';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  store: Type.Union([Type.Literal('embedded'), Type.Literal('mongodb')]),
  version: Type.String(),
});

/** `GET /health`: liveness and which store is behind. Answers 503 when the store does not respond. */
export async function healthRoutes(app: AppInstance): Promise<void> {
  app.get(
    '/health',
    {
      config: { auth: false },
      schema: {
        tags: ['system'],
        summary: 'Liveness and store kind',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const store = app.store.kind;
      try {
        await app.store.connection.db?.admin().ping();
        return { status: 'ok' as const, store, version: VERSION };
      } catch {
        return reply.status(503).send({ status: 'unavailable' as const, store, version: VERSION });
      }
    },
  );
}
