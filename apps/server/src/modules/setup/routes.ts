import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { authModels } from '../auth/models.js';
import { setSessionCookies } from '../auth/plugin.js';
import { Email, Name, Password } from '../auth/schemas.js';
import { assertPasswordAcceptable, createSession, createUser, normalizeEmail } from '../auth/service.js';
import { workspaceModels } from '../workspaces/models.js';
import { createWorkspace } from '../workspaces/service.js';

const SETUP_ID = 'setup';

/** `GET /setup` (is first-run setup needed?) and `POST /setup` (create the first workspace and owner). */
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

  app.post(
    '/setup',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Create the first workspace and its owner (only while no user exists)',
        body: Type.Object(
          {
            workspace: Type.Object({ name: Name }, { additionalProperties: false }),
            owner: Type.Object(
              { email: Email, password: Password, name: Name },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ workspaceId: Type.String(), userId: Type.String(), token: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const { workspace, owner } = request.body;
      // Policy first, so a rejected password does not use up the one-time setup.
      assertPasswordAcceptable(
        owner.password,
        { email: normalizeEmail(owner.email), name: owner.name },
        '/owner/password',
      );
      const { User } = authModels(app.store.connection);
      const { System } = workspaceModels(app.store.connection);
      const done = appError('CONFLICT', 'setup.done');
      if ((await User.countDocuments({}, { limit: 1 })) > 0) throw done;
      // The unique `_id` of one singleton makes concurrent setups race for one insert: exactly one wins.
      try {
        await System.create({ _id: SETUP_ID, at: new Date() });
      } catch (error) {
        if ((error as { code?: unknown }).code === 11000) throw done;
        throw error;
      }
      try {
        const user = await createUser(app, owner, '/owner/password');
        const ws = await createWorkspace(app, { name: workspace.name, owner: user._id });
        const session = await createSession(app, request, user._id);
        await recordAudit(app.store.connection, request, {
          ws: ws._id,
          action: 'setup.completed',
          actor: { user: user._id, email: user.email },
        });
        setSessionCookies(app, request, reply, session.token, session.expiresAt);
        return reply
          .status(201)
          .send({ workspaceId: String(ws._id), userId: String(user._id), token: session.token });
      } catch (error) {
        // Give the setup back so it can be retried after, e.g., a store hiccup.
        if ((await User.countDocuments({}, { limit: 1 })) === 0) await System.deleteOne({ _id: SETUP_ID });
        throw error;
      }
    },
  );
}
