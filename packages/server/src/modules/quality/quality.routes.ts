import { CONCESSION_KINDS, type CoachRulesOverride, validateCoachRulesOverride } from '@kefu/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertShopAccess } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import { route } from '../../http/route.js';
import { ALWAYS_BLOCKING, BLOCKABLE_FLAGS, assertManager, validateLadder } from './quality.policy.js';
import { type ShopCoach, qualityOf } from './quality.service.js';

const ShopParams = z.object({ shopId: z.string().min(1).max(40) });
const ReviewParams = ShopParams.extend({ reviewId: z.string().min(1).max(60) });
const ConvParams = ShopParams.extend({ conversationId: z.string().min(1).max(60) });

const Ladder = z.object({
  steps: z
    .array(z.object({ kind: z.enum(CONCESSION_KINDS), amount: z.number().min(0).max(100000).optional(), label: z.string().trim().min(1).max(60) }))
    .max(CONCESSION_KINDS.length),
  maxPriceOff: z.number().min(0).max(100000),
});
const Targets = z.object({ firstResponseSec: z.number().int().min(1).max(3600), responseSec: z.number().int().min(1).max(3600) });
const CoachSettingsBody = z.object({
  rulesOverride: z.unknown().default({}),
  blocking: z.array(z.string()).max(20).default([]),
  ladder: Ladder,
  targets: Targets.optional(),
});
const Period = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  agentId: z.string().max(60).optional(),
});

function presentCoach(c: ShopCoach) {
  return {
    platform: c.platform,
    rulesOverride: c.override,
    blocking: c.chosenBlocking,
    alwaysBlocking: [...ALWAYS_BLOCKING],
    blockable: BLOCKABLE_FLAGS,
    ladder: c.ladder,
    targets: c.targets,
    updatedAt: c.updatedAt,
  };
}

/** Reply-coach settings and lint, conversation coach state (ladder, guard), and 质检 reviews. */
export function qualityRoutes(app: FastifyInstance, ctx: AppContext): void {
  const q = qualityOf(ctx);

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/coach/settings',
    summary: '回复教练设置：词表覆盖、拦截项、议价让步阶梯、质检时效目标（店内客服可读）',
    tags: ['quality'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { settings: presentCoach(await q.coach(params.shopId)) };
    },
  });

  route(app, {
    method: 'PUT',
    url: '/api/shops/:shopId/coach/settings',
    summary: '修改回复教练设置（掌柜/主管）；站外联系方式始终拦截',
    tags: ['quality'],
    auth: 'agent',
    params: ShopParams,
    body: CoachSettingsBody,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      assertManager(auth);
      const errors = validateCoachRulesOverride(body.rulesOverride);
      if (errors.length) throw new AppError('request.invalid', `body.rulesOverride: ${errors[0]}`, { issues: errors.map((message) => ({ path: 'body.rulesOverride', message })) });
      const unknown = body.blocking.filter((b) => !BLOCKABLE_FLAGS.includes(b));
      if (unknown.length) throw new AppError('request.invalid', `body.blocking: 未知的提示项 ${unknown.join(', ')}`);
      const ladderErrors = validateLadder(body.ladder);
      if (ladderErrors.length) throw new AppError('request.invalid', `body.ladder: ${ladderErrors[0]}`);
      const current = await q.coach(params.shopId);
      const saved = await q.saveCoach(params.shopId, auth.agent.id, {
        rulesOverride: body.rulesOverride as CoachRulesOverride,
        blocking: body.blocking,
        ladder: body.ladder,
        targets: body.targets ?? current.targets,
      });
      ctx.events.emit('coach.settings_updated', params.shopId, { shopId: params.shopId });
      return { settings: presentCoach(saved) };
    },
  });

  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/coach/lint',
    summary: '用店铺规则检查回复草稿（与浏览器内提示一致）；带会话 id 时同时检查议价让步',
    tags: ['quality'],
    auth: 'agent',
    params: ShopParams,
    body: z.object({ buyer: z.string().max(20000).default(''), reply: z.string().max(20000), conversationId: z.string().max(60).optional() }),
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      let offered = undefined;
      if (body.conversationId) {
        const conv = await ctx.chat.conversations.agentOwned(auth, body.conversationId, params.shopId);
        offered = (await q.conversationState(params.shopId, conv)).offered;
      }
      return q.lint(params.shopId, { buyer: body.buyer, reply: body.reply, ...(offered ? { offered } : {}) });
    },
  });

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/conversations/:conversationId/coach',
    summary: '会话的议价状态（已给出的让步、下一步可给的让步）与买家最后一句',
    tags: ['quality'],
    auth: 'agent',
    params: ConvParams,
    async handler({ auth, params }) {
      const conv = await ctx.chat.conversations.agentOwned(auth, params.conversationId, params.shopId);
      return q.conversationState(params.shopId, conv);
    },
  });

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/reviews',
    summary: '质检记录列表（客服只能看自己的），含平均分',
    tags: ['quality'],
    auth: 'agent',
    params: ShopParams,
    query: Period.extend({
      status: z.enum(['all', 'sampled', 'reviewed', 'pending']).default('all'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).max(100000).default(0),
    }),
    async handler({ auth, params, query }) {
      assertShopAccess(auth, params.shopId);
      return q.list(auth, params.shopId, { from: query.from, to: query.to, agentId: query.agentId, status: query.status }, query.limit, query.offset);
    },
  });

  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/reviews/sample',
    summary: '随机抽检：从时间段（可指定客服）内未抽过的会话中抽 N 条（掌柜/主管）',
    tags: ['quality'],
    auth: 'agent',
    params: ShopParams,
    body: Period.extend({ n: z.number().int().min(1).max(100) }),
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      assertManager(auth);
      return { reviews: await q.sample(params.shopId, { from: body.from, to: body.to, agentId: body.agentId }, body.n) };
    },
  });

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/reviews/:reviewId',
    summary: '一条质检：自动评分明细与会话记录（客服只能看自己的）',
    tags: ['quality'],
    auth: 'agent',
    params: ReviewParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { review: await q.get(auth, params.shopId, params.reviewId) };
    },
  });

  route(app, {
    method: 'PUT',
    url: '/api/shops/:shopId/reviews/:reviewId',
    summary: '人工评分与评语（掌柜/主管）',
    tags: ['quality'],
    auth: 'agent',
    params: ReviewParams,
    body: z.object({ score: z.number().int().min(0).max(100), comment: z.string().max(2000).optional() }),
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      assertManager(auth);
      return { review: await q.review(auth, params.shopId, params.reviewId, body) };
    },
  });
}
