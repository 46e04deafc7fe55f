import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from './app-context.js';
import { registerAuth } from './http/auth.js';
import { registerErrorHandler } from './http/errors.js';
import { loggerOptions } from './http/logging.js';
import { buildOpenApi } from './http/openapi.js';
import { agentRoutes } from './modules/agents/agents.routes.js';
import { assistRoutes } from './modules/assist/assist.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { autoReplyRoutes } from './modules/autoreply/autoreply.routes.js';
import { conversationRoutes } from './modules/conversations/conversations.routes.js';
import { widgetRoutes } from './modules/conversations/widget.routes.js';
import { fileRoutes } from './modules/files/files.routes.js';
import { routingRoutes } from './modules/routing/routing.routes.js';
import { shopRoutes } from './modules/shops/shops.routes.js';
import { orderRoutes } from './modules/orders/orders.routes.js';
import { buyerRoutes } from './modules/buyers/buyers.routes.js';
import { urgingRoutes } from './modules/urging/urging.routes.js';
import { analyticsRoutes } from './modules/analytics/analytics.routes.js';
import { qualityRoutes } from './modules/quality/quality.routes.js';
import { newId } from './storage/ids.js';

export const VERSION = '0.1.0';

/** Route modules register here in order; each is `(app, ctx) => void`. */
export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

export const ROUTE_MODULES: RouteModule[] = [
  authRoutes,
  shopRoutes,
  agentRoutes,
  conversationRoutes,
  routingRoutes,
  autoReplyRoutes,
  widgetRoutes,
  fileRoutes,
  assistRoutes,
  analyticsRoutes,
  orderRoutes,
  buyerRoutes,
  urgingRoutes,
  qualityRoutes,
];

/** Builds the HTTP server (API, docs, health, web app, widget) around a context. */
export async function buildApp(ctx: AppContext, extraModules: RouteModule[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : loggerOptions(ctx.config.logLevel),
    bodyLimit: ctx.config.bodyLimit,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : newId('req');
    },
    trustProxy: false,
    return503OnClosing: true,
  });
  ctx.log = app.log;
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    void reply.header('x-content-type-options', 'nosniff');
  });
  const webDist = ctx.config.webDist;
  const hasWeb = Boolean(webDist && existsSync(join(webDist, 'index.html')));
  registerErrorHandler(app, { spaIndex: hasWeb });
  await app.register(fastifyCookie);
  registerAuth(app, ctx.auth);

  app.get('/healthz', async () => ({ status: 'ok', version: VERSION }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await ctx.storage.ping();
      return { status: 'ready', db: ctx.storage.dialect };
    } catch {
      return reply.status(503).send({ status: 'not ready', db: ctx.storage.dialect });
    }
  });

  for (const mod of [...ROUTE_MODULES, ...extraModules]) await mod(app, ctx);
  app.get('/api/docs', async () => buildOpenApi(app, VERSION));

  if (ctx.config.widgetDist && existsSync(ctx.config.widgetDist)) {
    await app.register(fastifyStatic, { root: ctx.config.widgetDist, prefix: '/widget/', decorateReply: false });
  }
  if (hasWeb && webDist) await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, index: ['index.html'] });
  return app;
}
