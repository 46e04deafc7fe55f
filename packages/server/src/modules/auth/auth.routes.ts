import { ChangePasswordBody, LoginBody, type MeDto } from '@kefu/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SESSION_COOKIE, type AuthContext } from '../../http/auth.js';
import { route } from '../../http/route.js';
import type { AppContext } from '../../app-context.js';
import { presentAgent } from '../agents/agents.presenter.js';
import { presentShop } from '../shops/shops.presenter.js';
import { SESSION_TTL_MS } from './auth.service.js';

export async function buildMe(ctx: AppContext, auth: AuthContext): Promise<MeDto> {
  const [agent, org, shops] = await Promise.all([
    ctx.repos.agents.findInOrg(auth.agent.orgId, auth.agent.id),
    ctx.storage.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', auth.agent.orgId).executeTakeFirstOrThrow(),
    ctx.repos.shops.listInOrg(auth.agent.orgId),
  ]);
  return {
    agent: presentAgent(agent!, auth.shopIds),
    organization: org,
    shops: shops.filter((s) => auth.shopIds.includes(s.id)).map(presentShop),
    csrfToken: auth.csrfToken,
  };
}

function setSessionCookie(ctx: AppContext, reply: FastifyReply, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: ctx.config.secureCookies,
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: 'POST',
    url: '/api/auth/login',
    summary: '用邮箱和密码登录，成功后写入 httpOnly 会话 Cookie',
    tags: ['auth'],
    auth: 'public',
    body: LoginBody,
    async handler({ body, request, reply }) {
      const { token } = await ctx.auth.login(body.email, body.password, request.ip);
      setSessionCookie(ctx, reply, token);
      const auth = await ctx.auth.resolve(token);
      return buildMe(ctx, auth!);
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/auth/logout',
    summary: '退出登录',
    tags: ['auth'],
    auth: 'agent',
    async handler({ auth, reply }) {
      await ctx.auth.logout(auth.sessionId);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return undefined;
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/auth/me',
    summary: '当前登录的客服、组织、可用店铺和 CSRF 令牌',
    tags: ['auth'],
    auth: 'agent',
    handler: ({ auth }) => buildMe(ctx, auth),
  });
  route(app, {
    method: 'POST',
    url: '/api/auth/password',
    summary: '修改密码（其他会话将被退出）',
    tags: ['auth'],
    auth: 'agent',
    body: ChangePasswordBody,
    async handler({ auth, body }) {
      await ctx.auth.changePassword(auth, body.currentPassword, body.newPassword);
      return undefined;
    },
  });
}
