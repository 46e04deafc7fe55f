import { ALL_DAY, ShopBody, ShopPatch } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { assertRole, assertShopAccess } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { route } from '../../http/route.js';
import { newId, newToken } from '../../storage/ids.js';
import type { AppContext } from '../../app-context.js';
import { presentShop } from './shops.presenter.js';

export const ShopParams = z.object({ shopId: z.string().min(1).max(40) });

export function shopRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: 'GET',
    url: '/api/shops',
    summary: '我可以接待的店铺',
    tags: ['shops'],
    auth: 'agent',
    async handler({ auth }) {
      const rows = await ctx.repos.shops.listInOrg(auth.agent.orgId);
      return { shops: rows.filter((r) => auth.shopIds.includes(r.id)).map(presentShop) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops',
    summary: '新建店铺（掌柜）',
    tags: ['shops'],
    auth: 'agent',
    body: ShopBody,
    async handler({ auth, body, reply }) {
      assertRole(auth, 'owner');
      const row = {
        id: newId('shop'),
        org_id: auth.agent.orgId,
        name: body.name,
        platform: body.platform,
        time_zone: body.timeZone,
        business_hours: JSON.stringify(body.businessHours ?? ALL_DAY),
        public_key: `pk_${newToken(18)}`,
        settings: '{}',
        created_at: Date.now(),
      };
      await ctx.repos.shops.insert(row);
      if (body.responseTargetSec !== undefined) await ctx.repos.shops.setResponseTarget(row.id, body.responseTargetSec, auth.agent.id, Date.now());
      ctx.events.emit('shop.created', row.id, { shopId: row.id });
      void reply.status(201);
      return presentShop((await ctx.repos.shops.findInOrg(auth.agent.orgId, row.id)) ?? row);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId',
    summary: '店铺详情',
    tags: ['shops'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      const row = await ctx.repos.shops.findInOrg(auth.agent.orgId, params.shopId);
      if (!row) throw notFound('店铺');
      return presentShop(row);
    },
  });
  route(app, {
    method: 'PATCH',
    url: '/api/shops/:shopId',
    summary: '修改店铺名称、平台、时区、营业时间、首次响应目标（秒，工作台等待超时变红，质检按它打分）（掌柜/主管）',
    tags: ['shops'],
    auth: 'agent',
    params: ShopParams,
    body: ShopPatch,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      const patch: Record<string, string> = {};
      if (body.name !== undefined) patch.name = body.name;
      if (body.platform !== undefined) patch.platform = body.platform;
      if (body.timeZone !== undefined) patch.time_zone = body.timeZone;
      if (body.businessHours !== undefined) patch.business_hours = JSON.stringify(body.businessHours);
      if (Object.keys(patch).length) await ctx.repos.shops.update(auth.agent.orgId, params.shopId, patch);
      if (body.responseTargetSec !== undefined) await ctx.repos.shops.setResponseTarget(params.shopId, body.responseTargetSec, auth.agent.id, Date.now());
      const row = await ctx.repos.shops.findInOrg(auth.agent.orgId, params.shopId);
      if (!row) throw notFound('店铺');
      ctx.events.emit('shop.updated', row.id, { shopId: row.id });
      return presentShop(row);
    },
  });
}
