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
import { authRoutes } from './modules/auth/auth.routes.js';
import { shopRoutes } from './modules/shops/shops.routes.js';
import { newId } from './storage/ids.js';

export const VERSION = '0.1.0';

/** Route modules register here in order; each is `(app, ctx) => void`. */
export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

export const ROUTE_MODULES: RouteModule[] = [authRoutes, shopRoutes, agentRoutes];

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
  registerErrorHandler(app);
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
  const webDist = ctx.config.webDist;
  if (webDist && existsSync(join(webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, index: ['index.html'] });
    // Client-side routes fall back to the app shell; unknown /api paths stay JSON 404s.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/widget/')) {
        return reply.type('text/html').sendFile('index.html');
      }
      return reply.status(404).send({ error: { code: 'resource.not_found', message: `没有这个接口: ${request.method} ${request.url.split('?')[0]}` } });
    });
  }
  return app;
}
