import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import { AppError } from './errors.js';
import type { AuthContext } from './auth.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec<B extends ZodType, P extends ZodType, Q extends ZodType, R> {
  method: Method;
  url: string;
  summary: string;
  tags?: string[];
  /** 'public' routes need no session; 'agent' routes need one (and CSRF for writes). */
  auth: 'public' | 'agent';
  body?: B;
  params?: P;
  query?: Q;
  /** Per-route body limit in bytes (default: the server's). */
  bodyLimit?: number;
  handler(input: {
    body: z.infer<B>;
    params: z.infer<P>;
    query: z.infer<Q>;
    auth: AuthContext;
    request: FastifyRequest;
    reply: FastifyReply;
  }): Promise<R>;
}

/** What /api/docs lists: every route registered through `route`. */
export interface RouteDoc {
  method: Method;
  url: string;
  summary: string;
  tags: string[];
  auth: 'public' | 'agent';
  body?: ZodType;
  params?: ZodType;
  query?: ZodType;
}

const registry: WeakMap<FastifyInstance, RouteDoc[]> = new WeakMap();

export function routeDocs(app: FastifyInstance): RouteDoc[] {
  return registry.get(app) ?? [];
}

function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return value as z.infer<T>;
  const res = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!res.success) {
    const issues = res.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message }));
    throw new AppError('request.invalid', `${issues[0]?.path ?? where}: ${issues[0]?.message ?? '格式不正确'}`, { issues });
  }
  return res.data;
}

/**
 * Registers a route as one readable chain: auth → validate (zod, our error format) → handler.
 * The route is recorded for the OpenAPI document.
 */
export function route<B extends ZodType = ZodType<unknown>, P extends ZodType = ZodType<unknown>, Q extends ZodType = ZodType<unknown>, R = unknown>(
  app: FastifyInstance,
  spec: RouteSpec<B, P, Q, R>,
): void {
  const docs = registry.get(app) ?? [];
  docs.push({
    method: spec.method,
    url: spec.url,
    summary: spec.summary,
    tags: spec.tags ?? [],
    auth: spec.auth,
    ...(spec.body ? { body: spec.body } : {}),
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.query ? { query: spec.query } : {}),
  });
  registry.set(app, docs);
  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    config: { auth: spec.auth },
    handler: async (request, reply) => {
      const auth = spec.auth === 'agent' ? request.requireAuth() : (request.auth as AuthContext);
      const params = parse(spec.params, request.params, 'params');
      const query = parse(spec.query, request.query, 'query');
      const body = parse(spec.body, request.body, 'body');
      const out = await spec.handler({ body, params, query, auth, request, reply });
      if (reply.sent) return reply;
      if (out === undefined) return reply.status(204).send();
      return out;
    },
  });
}
