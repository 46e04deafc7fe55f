import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertRole, assertShopAccess } from '../../http/auth.js';
import { route } from '../../http/route.js';
import { commerceOf } from '../orders/commerce.js';
import type { ShopUrgingSettings } from './urging.settings.js';

const ShopParams = z.object({ shopId: z.string().min(1).max(40) });
const Clock = z.string().regex(/^\d{2}:\d{2}$/);
const SettingsBody = z.object({
  enabled: z.boolean().optional(),
  steps: z
    .array(z.union([z.object({ afterMinutes: z.number().int().min(1).max(7 * 1440) }).strict(), z.object({ beforeCloseMinutes: z.number().int().min(1).max(7 * 1440) }).strict()]))
    .min(1)
    .max(6)
    .optional(),
  quietHours: z.object({ start: Clock, end: Clock }).nullable().optional(),
  tz: z.string().max(60).optional(),
  maxPerOrder: z.number().int().min(0).max(10).optional(),
  closeAfterMinutes: z.number().int().min(10).max(30 * 1440).optional(),
  minGapMinutes: z.number().int().min(0).max(1440).optional(),
  channels: z.array(z.enum(['chat', 'sms'])).max(2).optional(),
  dispatchCutoff: Clock.optional(),
  smsSign: z.string().max(20).optional(),
});

/** 催付: per-script results, an order's plan, settings. */
export function urgingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const c = () => commerceOf(ctx);
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/urging/scripts',
    summary: '催付话术效果：发送数、已结算、72 小时内付款数、成功率及 95% Wilson 区间（step 可按提醒步骤看）',
    tags: ['urging'],
    auth: 'agent',
    params: ShopParams,
    query: z.object({ step: z.coerce.number().int().min(0).max(10).optional() }),
    async handler({ auth, params, query }) {
      assertShopAccess(auth, params.shopId);
      return { scripts: await c().urging.scripts(params.shopId, query.step) };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/orders/:orderId/urging',
    summary: '订单的催付计划：每次提醒的时间、状态、所用话术，下一次提醒时间，短信发件箱',
    tags: ['urging'],
    auth: 'agent',
    params: z.object({ shopId: z.string().min(1).max(40), orderId: z.string().min(1).max(64) }),
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { urging: await c().urging.orderUrging(params.shopId, params.orderId) };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/urging/settings',
    summary: '催付设置',
    tags: ['urging'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { settings: await c().urging.settingsOf(params.shopId) };
    },
  });
  route(app, {
    method: 'PUT',
    url: '/api/shops/:shopId/urging/settings',
    summary: '修改催付设置（掌柜、主管）：提醒步骤、夜间免打扰、每单上限、渠道',
    tags: ['urging'],
    auth: 'agent',
    params: ShopParams,
    body: SettingsBody,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Partial<ShopUrgingSettings>;
      return { settings: await c().settings.putUrging(params.shopId, patch) };
    },
  });
}
