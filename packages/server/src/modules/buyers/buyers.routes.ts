import { BUYER_GROUPS, DEMAND_DIMENSIONS, TEMPERAMENTS, type BuyerGroup } from '@kefu/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertRole, assertShopAccess } from '../../http/auth.js';
import { route } from '../../http/route.js';
import { assistOf } from '../assist/assist.routes.js';
import { commerceOf } from '../orders/commerce.js';
import type { BuyerPatch } from './buyers.service.js';

const GROUP_IDS = BUYER_GROUPS.map((g) => g.id) as [BuyerGroup, ...BuyerGroup[]];
const ShopParams = z.object({ shopId: z.string().min(1).max(40) });
const BuyerParams = z.object({ shopId: z.string().min(1).max(40), buyerId: z.string().min(1).max(64) });
const ConvParams = z.object({ shopId: z.string().min(1).max(40), conversationId: z.string().min(1).max(64) });
const TEMPERAMENT_IDS = TEMPERAMENTS.map((t) => t.id) as [string, ...string[]];
const DEMANDS = z.object(
  Object.fromEntries(DEMAND_DIMENSIONS.map((d) => [d.id, z.enum(d.poles.map((p) => p.id) as [string, ...string[]]).nullable().optional()])) as Record<string, z.ZodOptional<z.ZodNullable<z.ZodEnum<Record<string, string>>>>>,
);
const PatchBody = z.object({
  groupOverride: z.enum(GROUP_IDS).nullable().optional(),
  tags: z.array(z.string().max(40)).max(50).optional(),
  notes: z.string().max(2000).optional(),
  phone: z.string().max(30).nullable().optional(),
  realName: z.string().max(40).nullable().optional(),
  temperament: z.enum(TEMPERAMENT_IDS).nullable().optional(),
  demands: DEMANDS.optional(),
});

/** Buyer profiles: list with search and segments, detail, edits, re-estimation, audited reveal of contact data. */
export function buyerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const c = () => commerceOf(ctx);
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/buyers',
    summary: '买家列表：搜索（昵称/手机/姓名）、分组、标签、客户分群（如 90 天未购的 VIP）；手机号打码',
    tags: ['buyers'],
    auth: 'agent',
    params: ShopParams,
    query: z.object({
      search: z.string().max(64).optional(),
      group: z.enum(GROUP_IDS).optional(),
      tag: z.string().max(40).optional(),
      segment: z.string().max(40).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    async handler({ auth, params, query }) {
      assertShopAccess(auth, params.shopId);
      return c().buyers.list(params.shopId, query);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/buyers/:buyerId',
    summary: '买家档案：分组、标签、备注、性格与七个需求维度（附依据和应对策略）、订单与催付状态、付款后提示',
    tags: ['buyers'],
    auth: 'agent',
    params: BuyerParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { buyer: await c().buyers.detail(auth, params.shopId, params.buyerId) };
    },
  });
  route(app, {
    method: 'PATCH',
    url: '/api/shops/:shopId/buyers/:buyerId',
    summary: '修改买家档案：手动分组（null 取消）、标签、备注、联系方式、性格和需求（手动值不会被重新估计覆盖）',
    tags: ['buyers'],
    auth: 'agent',
    params: BuyerParams,
    body: PatchBody,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      return { buyer: await c().buyers.patch(auth, params.shopId, params.buyerId, body as BuyerPatch) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/buyers/:buyerId/estimate',
    summary: '根据买家的聊天重新估计性格和需求（手动修改过的项保留）',
    tags: ['buyers'],
    auth: 'agent',
    params: BuyerParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { buyer: await c().buyers.estimate(auth, params.shopId, params.buyerId) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/buyers/:buyerId/reveal',
    summary: '查看完整手机号和姓名（记录审计日志）',
    tags: ['buyers'],
    auth: 'agent',
    params: BuyerParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return c().buyers.reveal(auth, params.shopId, params.buyerId);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/conversations/:conversationId/variables',
    summary: '会话里快捷短语变量的值（与推荐回复相同）：买家称呼、店铺、客服、商品，以及买家最新订单的订单号、快递、物流单号、金额、收货地址；没有值的变量不返回',
    tags: ['buyers'],
    auth: 'agent',
    params: ConvParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      await ctx.chat.conversations.agentOwned(auth, params.conversationId, params.shopId);
      const assist = assistOf(ctx);
      const { vars } = await assist.variables(params.shopId, params.conversationId, await assist.library(params.shopId));
      return { variables: vars };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/buyer-settings',
    summary: 'VIP 门槛（已付款订单数或金额）',
    tags: ['buyers'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { groups: (await c().settings.get(params.shopId)).groups };
    },
  });
  route(app, {
    method: 'PUT',
    url: '/api/shops/:shopId/buyer-settings',
    summary: '修改 VIP 门槛（掌柜、主管）',
    tags: ['buyers'],
    auth: 'agent',
    params: ShopParams,
    body: z.object({ groups: z.object({ vipPaidOrders: z.number().int().min(1).max(1000).optional(), vipPaidAmount: z.number().positive().max(10_000_000).optional() }) }),
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      const patch = Object.fromEntries(Object.entries(body.groups).filter(([, v]) => v !== undefined));
      return { groups: await c().settings.putGroups(params.shopId, patch) };
    },
  });
}
