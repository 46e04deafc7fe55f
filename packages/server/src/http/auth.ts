import type { FastifyInstance } from 'fastify';
import type { AuthContext, AuthService } from '../modules/auth/auth.service.js';
import { AppError } from './errors.js';

export type { AuthContext };

export const SESSION_COOKIE = 'kefu_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
    requireAuth(): AuthContext;
  }
  interface FastifyContextConfig {
    auth?: 'public' | 'agent';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the session cookie on every /api request. Cookie-authenticated writes must echo the
 * session's CSRF token in a header (a cross-site form cannot read it).
 */
export function registerAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('requireAuth', function (this: { auth: AuthContext | null }) {
    if (!this.auth) throw new AppError('auth.required');
    return this.auth;
  });
  app.addHook('preHandler', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    request.auth = await auth.resolve(request.cookies[SESSION_COOKIE]);
    if (request.routeOptions.config?.auth !== 'agent') return;
    if (!request.auth) throw new AppError('auth.required');
    if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== request.auth.csrfToken) {
      throw new AppError('auth.csrf');
    }
  });
}

/** Tenant guard: a shop the agent may not work in answers 404, never 403, so ids leak nothing. */
export function assertShopAccess(auth: AuthContext, shopId: string): void {
  if (!auth.shopIds.includes(shopId)) throw new AppError('resource.not_found', '找不到该店铺');
}

export function assertRole(auth: AuthContext, ...roles: AuthContext['agent']['role'][]): void {
  if (!roles.includes(auth.agent.role)) throw new AppError('auth.forbidden');
}
