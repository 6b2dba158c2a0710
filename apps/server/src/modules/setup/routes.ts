import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';

/** `GET /setup`: whether the product still needs its first workspace and owner. */
export async function setupRoutes(app: AppInstance): Promise<void> {
  app.get(
    '/setup',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Whether first-run setup is needed',
        response: { 200: Type.Object({ needed: Type.Boolean() }) },
      },
    },
    async () => {
      const users = await app.store.connection.collection('users').countDocuments({}, { limit: 1 });
      return { needed: users === 0 };
    },
  );
}
