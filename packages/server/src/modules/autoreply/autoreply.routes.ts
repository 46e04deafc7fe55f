import { AutoReplySettings } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertRole, assertShopAccess } from '../../http/auth.js';
import { route } from '../../http/route.js';

const ShopParams = z.object({ shopId: z.string().min(1).max(40) });

/** Per-shop auto replies and the widget signing secret. */
export function autoReplyRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/autoreply',
    summary: '自动回复设置（首句问候、老顾客问候、忙碌回复、下班回复、自动结束）',
    tags: ['autoreply'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { settings: await ctx.chat.settings.autoReply(params.shopId) };
    },
  });
  route(app, {
    method: 'PUT',
    url: '/api/shops/:shopId/autoreply',
    summary: '修改自动回复设置（掌柜/主管）',
    tags: ['autoreply'],
    auth: 'agent',
    params: ShopParams,
    body: AutoReplySettings,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      await ctx.chat.settings.setAutoReply(params.shopId, body);
      ctx.events.emit('autoreply.updated', params.shopId, { shopId: params.shopId });
      return { settings: body };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/widget',
    summary: '挂件接入信息：公钥与买家签名密钥（掌柜）',
    tags: ['autoreply'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner');
      const shop = await ctx.repos.shops.findInOrg(auth.agent.orgId, params.shopId);
      return {
        publicKey: shop?.public_key ?? null,
        widgetSecret: await ctx.chat.settings.widgetSecret(params.shopId),
        snippet: `<script src="${'{origin}'}/widget/kefu.js" data-shop-key="${shop?.public_key ?? ''}" async></script>`,
        signing: 'data-buyer-sig = hex(HMAC-SHA256(widgetSecret, data-buyer-id))',
      };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/widget/rotate-secret',
    summary: '更换买家签名密钥（掌柜）',
    tags: ['autoreply'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner');
      return { widgetSecret: await ctx.chat.settings.rotateWidgetSecret(params.shopId) };
    },
  });
}
