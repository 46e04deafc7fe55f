import { WidgetBootstrapBody } from '@kefu/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { AppError } from '../../http/errors.js';
import { route } from '../../http/route.js';
import type { BuyerPrincipal } from './buyer-token.js';
import { demoPage } from './demo-page.js';

/** The buyer behind `Authorization: Bearer <buyer token>`, else auth.required. */
export async function buyerFromRequest(ctx: AppContext, request: FastifyRequest): Promise<BuyerPrincipal> {
  const h = request.headers.authorization;
  const token = typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : undefined;
  const p = await ctx.chat.tokens.verify(token);
  if (!p) throw new AppError('auth.required', '买家身份已失效，请刷新页面');
  return p;
}

/** Widget endpoints (buyer token, no session) and the demo storefront. */
export function widgetRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: 'POST',
    url: '/api/widget/bootstrap',
    summary: '挂件启动：店铺公钥 → 买家令牌（匿名 id，或店铺 HMAC 签名的买家 id）',
    tags: ['widget'],
    auth: 'public',
    body: WidgetBootstrapBody,
    async handler({ body }) {
      return ctx.chat.conversations.bootstrap(body);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/widget/messages',
    summary: '买家的历史消息（不含内部备注），按 seq 向前翻页',
    tags: ['widget'],
    auth: 'public',
    query: z.object({ beforeSeq: z.coerce.number().int().min(1).optional(), limit: z.coerce.number().int().min(1).max(100).default(30) }),
    async handler({ request, query }) {
      const buyer = await buyerFromRequest(ctx, request);
      return ctx.chat.conversations.buyerHistory(buyer, query.beforeSeq ?? null, query.limit);
    },
  });
  app.get('/demo', async (_request, reply) => {
    const shop = await ctx.storage.db.selectFrom('shops').select(['public_key', 'name']).where('name', '=', '山野户外旗舰店').orderBy('created_at').limit(1).executeTakeFirst();
    const first = shop ?? (await ctx.storage.db.selectFrom('shops').select(['public_key', 'name']).orderBy('created_at').limit(1).executeTakeFirst());
    if (!first) return reply.status(404).type('text/plain; charset=utf-8').send('还没有店铺：请用 --demo 启动');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self'; script-src 'self'")
      .send(demoPage(first.public_key, first.name));
  });
}
