import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { assertKnownRoles } from '../workspaces/member-routes.js';
import { parseId } from '../workspaces/service.js';
import { authModels } from './models.js';
import { currentUser, requireAdmin } from './plugin.js';
import { Name, RoleKey } from './schemas.js';
import { newToken, tokenDigest } from './tokens.js';

const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  hint: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revoked: Type.Boolean(),
});
const WsParams = Type.Object({ ws: Type.String() });

/**
 * API tokens for integrations: one workspace, one role (a workspace role below owner, or an app role),
 * shown once, stored as a digest, revocable. Only owners and admins manage them; an admin cannot mint an
 * owner token.
 */
export async function apiTokenRoutes(app: AppInstance): Promise<void> {
  const { ApiToken } = authModels(app.store.connection);

  app.post(
    '/workspaces/:ws/api-tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an API token; the token is in this answer only',
        params: WsParams,
        body: Type.Object(
          { name: Name, role: RoleKey, expiresAt: Type.Optional(Type.String({ format: 'date-time' })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ...TokenView.properties, token: Type.String() }) },
      },
    },
    async (request, reply) => {
      const caller = requireAdmin(request);
      // A token never mints tokens: only a person can hand out standing credentials.
      const user = currentUser(request);
      const { name, role, expiresAt } = request.body;
      if (role === 'owner') {
        throw appError('VALIDATION_FAILED', 'token.noOwner', [{ path: '/role', message: 'detail.notOwner' }]);
      }
      await assertKnownRoles(app, new Types.ObjectId(caller.ws), [role], () => '/role');
      const expires = expiresAt ? new Date(expiresAt) : null;
      if (expires && !(expires.getTime() > Date.now())) {
        throw appError('VALIDATION_FAILED', 'token.expiryPast', [
          { path: '/expiresAt', message: 'detail.inFuture' },
        ]);
      }
      const token = newToken('api');
      const ws = new Types.ObjectId(caller.ws);
      const doc = await ApiToken.create({
        ws,
        name: name.trim(),
        role,
        hash: tokenDigest(app.config.secret, token),
        hint: token.slice(-4),
        createdBy: new Types.ObjectId(user.id),
        createdAt: new Date(),
        expiresAt: expires,
      });
      await recordAudit(app.store.connection, request, {
        ws,
        action: 'apiToken.created',
        target: { kind: 'apiToken', id: String(doc._id) },
        details: { name: doc.name, role },
      });
      return reply.status(201).send({ ...view(doc.toObject()), token });
    },
  );

  app.get(
    '/workspaces/:ws/api-tokens',
    {
      schema: {
        tags: ['auth'],
        summary: "The workspace's API tokens (never the tokens themselves)",
        params: WsParams,
        response: { 200: Type.Array(TokenView) },
      },
    },
    async (request) => {
      const ws = new Types.ObjectId(requireAdmin(request).ws);
      const docs = await ApiToken.find({ ws }).sort({ createdAt: -1 }).lean();
      return docs.map(view);
    },
  );

  app.delete(
    '/workspaces/:ws/api-tokens/:token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token (effective at once)',
        params: Type.Object({ ws: Type.String(), token: Type.String() }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const ws = new Types.ObjectId(requireAdmin(request).ws);
      const id = parseId(request.params.token, 'API token');
      const result = await ApiToken.updateOne(
        { ws, _id: id, revokedAt: null },
        { $set: { revokedAt: new Date() } },
      );
      if (result.matchedCount === 0) throw notFound('API token');
      await recordAudit(app.store.connection, request, {
        ws,
        action: 'apiToken.revoked',
        target: { kind: 'apiToken', id: String(id) },
      });
      return reply.status(204).send(null);
    },
  );
}

function view(doc: {
  _id: Types.ObjectId;
  name: string;
  role: string;
  hint: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}) {
  return {
    id: String(doc._id),
    name: doc.name,
    role: doc.role,
    hint: doc.hint,
    createdAt: doc.createdAt.toISOString(),
    expiresAt: doc.expiresAt?.toISOString() ?? null,
    lastUsedAt: doc.lastUsedAt?.toISOString() ?? null,
    revoked: doc.revokedAt !== null,
  };
}
