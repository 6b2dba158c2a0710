import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import helmet from 'helmet';
import type { Config } from './config.js';
import { assertBodyDepth } from './lib/body-depth.js';
import { installErrorHandler, requestLocale } from './lib/error-handler.js';
import { appError, t } from './lib/errors.js';
import { render } from './lib/messages/index.js';
import { configureReadCache } from './lib/read-cache.js';
import { fixedHeaders } from './lib/security-headers.js';
import { appRoutes } from './modules/apps/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { apiTokenRoutes } from './modules/auth/api-token-routes.js';
import { authPlugin, presentsApiToken } from './modules/auth/plugin.js';
import { authRoutes } from './modules/auth/routes.js';
import { automationRoutes } from './modules/automations/routes.js';
import { dashboardRoutes } from './modules/dashboards/routes.js';
import { fileRoutes } from './modules/files/routes.js';
import { flowRoutes } from './modules/flows/routes.js';
import { formRoutes } from './modules/forms/routes.js';
import { healthRoutes } from './modules/health/routes.js';
import { idempotencyPlugin } from './modules/idempotency/plugin.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { realtimePlugin } from './modules/realtime/plugin.js';
import { recordRoutes } from './modules/records/routes.js';
import { reportRoutes } from './modules/reports/routes.js';
import { type Clock, setClock } from './modules/scheduler/clock.js';
import { Scheduler } from './modules/scheduler/scheduler.js';
import { setupRoutes } from './modules/setup/routes.js';
import { taskRoutes } from './modules/tasks/routes.js';
import { departmentRoutes } from './modules/workspaces/department-routes.js';
import { invitationRoutes } from './modules/workspaces/invitation-routes.js';
import { memberRoutes } from './modules/workspaces/member-routes.js';
import { workspaceRoutes } from './modules/workspaces/routes.js';
import { documentRoute } from './openapi/transform.js';
import type { Store } from './store.js';
import { VERSION } from './version.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    store: Store;
    /** The durable job scheduler: modules register their job handlers on it (modules/scheduler). */
    scheduler: Scheduler;
  }
  interface FastifyContextConfig {
    /** `false` for routes anyone may call (health, setup, login). */
    auth?: boolean;
  }
}

/** The app's Fastify instance with the TypeBox type provider. */
export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  config: Config;
  store: Store;
  /** Fastify logger options; tests pass `false`. */
  logger?: FastifyServerOptions['logger'];
  /** Directory of the built web app; defaults to apps/web/dist. */
  webDist?: string;
  /** Close the store when the app closes (main does; tests that share a store do not). */
  closeStoreOnClose?: boolean;
  /** The clock of jobs, deadlines and schedules on this store (tests pass a controllable one). */
  clock?: Clock;
  /** `false`: due jobs run only when a test calls `app.scheduler.runDue()` (default: polled). */
  pollJobs?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_WEB_DIST = resolve(here, '../../web/dist');

/** Believes the nearest `hops` proxies (what Fastify does with a number, typed as its function form). */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** Builds the whole HTTP app on an open store. Tests call it and use `app.inject`. */
export async function buildApp(options: BuildAppOptions): Promise<AppInstance> {
  const { config, store } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Requests in flight finish on close; idle keep-alive sockets are closed at once.
    forceCloseConnections: 'idle',
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  app.decorate('store', store);
  if (options.clock) setClock(store.connection, options.clock);
  const scheduler = new Scheduler(store.connection, app.log);
  app.decorate('scheduler', scheduler);
  // Modules register their job handlers while the app is built; jobs run once it is ready, and the jobs
  // in hand finish before the store closes.
  if (options.pollJobs !== false) app.addHook('onReady', async () => scheduler.start());
  app.addHook('preClose', async () => scheduler.stop());
  configureReadCache(store.connection, { ttlMs: config.cacheTtlMs });
  installErrorHandler(app);
  // Before any schema or filter check walks a body recursively (3,000 nested groups overflowed the stack).
  app.addHook('preValidation', async (request) => assertBodyDepth(request.body));
  if (options.closeStoreOnClose) app.addHook('onClose', async () => store.close());

  // Helmet's middleware built once: @fastify/helmet built it again for every request (parsing the CSP
  // directives each time, ~4% of a record create's CPU). docs/decisions/0007-helmet-middleware-once.md
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // antd styles components at run time with inline <style> tags.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        // The browser validates submissions with the server's ajv code, which compiles schemas to
        // functions: docs/decisions/0003-browser-validation-csp.md.
        scriptSrc: ["'self'", "'unsafe-eval'"],
      },
    },
  });
  // Its options are fixed, so are its headers: found once, added as one object per request.
  const headers = fixedHeaders(securityHeaders);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(rateLimit, {
    max: config.rateLimitMax,
    timeWindow: '1 minute',
    // API tokens are limited per workspace once authenticated, wrong ones per address (auth/token-limits).
    // The web app's own files are not API calls: a page load fetches dozens of them.
    allowList: (request) => presentsApiToken(request) || !isApiPath(request.url),
    // A signed-in person has an allowance of their own: an office behind one address is many people.
    // Anyone else counts per address. (The route-level check runs after the auth plugin's hook.)
    keyGenerator: (request) => (request.user ? `user:${request.user.id}` : `ip:${request.ip}`),
    // Thrown as a catalogued error, so the one error handler words it in the client's language.
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      const error = appError('RATE_LIMITED', t('error.rateLimitedFor', { seconds }));
      error.retryAfter = seconds;
      return error;
    },
  });
  await app.register(cookie, { secret: config.secret });
  // Before every API route: authentication, CSRF, workspace membership (routes opt out with auth: false).
  await app.register(authPlugin);
  // Retried POSTs with an Idempotency-Key answer the first answer and write nothing (docs/api.md).
  await app.register(idempotencyPlugin);
  // socket.io on the same HTTP server, authenticated like the API (docs/realtime.md).
  await app.register(realtimePlugin);
  await app.register(swagger, {
    // Route docs complete each route's schema for the document only (openapi/transform.ts).
    transform: documentRoute,
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Formloom API', version: VERSION, description: 'Forms, records, flows and reports.' },
      servers: [{ url: '/api/v1' }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(setupRoutes);
      await api.register(authRoutes);
      await api.register(apiTokenRoutes);
      await api.register(workspaceRoutes);
      await api.register(departmentRoutes);
      await api.register(memberRoutes);
      await api.register(invitationRoutes);
      await api.register(auditRoutes);
      await api.register(appRoutes);
      await api.register(formRoutes);
      await api.register(recordRoutes);
      await api.register(reportRoutes);
      await api.register(dashboardRoutes);
      await api.register(fileRoutes);
      await api.register(taskRoutes);
      await api.register(automationRoutes);
      await api.register(notificationRoutes);
      await api.register(flowRoutes);
    },
    { prefix: '/api/v1' },
  );

  const webDist = options.webDist ?? DEFAULT_WEB_DIST;
  const hasWeb = existsSync(resolve(webDist, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    const isApi = isApiPath(path);
    // Client-side routes of the single-page app fall back to its index.html; a missing built file (a tab
    // opened before an upgrade asking for an old chunk) is a 404, not a page the browser cannot run.
    const isAsset = path.startsWith('/assets/');
    if (!isApi && !isAsset && hasWeb && (request.method === 'GET' || request.method === 'HEAD')) {
      return reply.type('text/html').sendFile('index.html');
    }
    const text =
      !isApi && !hasWeb ? 'error.webNotBuilt' : t('error.noRoute', { method: request.method, path });
    return reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: render(text, requestLocale(request)) } });
  });

  return app;
}

/** True for a URL of the HTTP API (`/api` and below), as opposed to the web app's files and routes. */
function isApiPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '/';
  return path === '/api' || path.startsWith('/api/');
}
