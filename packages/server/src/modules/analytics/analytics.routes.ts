import type { KpiDrillFigure } from '@kefu/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertRole, assertShopAccess } from '../../http/auth.js';
import { route } from '../../http/route.js';
import { AnalyticsService } from './analytics.service.js';
import { RollupOffload } from './rollup.offload.js';
import { RollupWriter } from './rollup.writer.js';

const Params = z.object({ shopId: z.string().min(1).max(40) });
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD');
const Range = z.object({ from: Day.optional(), to: Day.optional() });
const FIGURES = [
  'inquirers', 'orderers', 'payers', 'repliedInquirers', 'unrepliedInquirers', 'silentBuyers', 'payingCustomers', 'firstResponse',
  'turns', 'answeredTurns', 'unansweredTurns', 'paidOrders', 'refundedOrders', 'silentOrders', 'remindedOrders',
] as const satisfies readonly KpiDrillFigure[];
const DrillKey = { agent: z.string().max(80).optional(), day: Day.optional(), script: z.string().max(80).optional() };
const Drill = Range.extend({ figure: z.enum(FIGURES), ...DrillKey });
const Export = Range.extend({ figure: z.enum(FIGURES).optional(), ...DrillKey });
const keyOf = (q: { agent?: string | undefined; day?: string | undefined; script?: string | undefined }) => ({
  ...(q.agent ? { agent: q.agent } : {}),
  ...(q.day ? { day: q.day } : {}),
  ...(q.script ? { script: q.script } : {}),
});
const Hours = z.array(z.object({ days: z.array(z.number().int().min(0).max(6)).min(1), open: z.string().max(5), close: z.string().max(5) })).max(14);
const SettingsBody = z.object({
  timeZone: z.string().min(1).max(64).optional(),
  businessHours: Hours.nullable().optional(),
  attributionWindowHours: z.number().int().min(1).max(24 * 30).optional(),
  sessionGapHours: z.number().int().min(1).max(24 * 14).optional(),
  creditOn: z.enum(['payment', 'order']).optional(),
});

const services = new WeakMap<AppContext, { service: AnalyticsService; writer: RollupWriter }>();

/** The analytics of a context: the dashboard service and the live rollup writer (attached to the event bus once). */
export function analyticsFor(ctx: AppContext): { service: AnalyticsService; writer: RollupWriter } {
  let a = services.get(ctx);
  if (!a) {
    // SQLite file: the facts are built in a worker thread (its own read-only connection); PostgreSQL reads under the
    // buyers' advisory locks, in process.
    const offload = ctx.storage.sqliteFile ? new RollupOffload(ctx.storage.sqliteFile) : undefined;
    const writer = new RollupWriter(ctx.storage.db, offload ? { offload } : {}).attach(ctx.events);
    writer.onError = (err) => ctx.log.error({ err }, 'rollup refresh failed');
    const service = new AnalyticsService(ctx.storage.db, (err, shopId) => ctx.log.error({ err, shopId }, 'rollup rebuild failed'));
    // Run in reverse: the writer's last flush, then the rebuilds stop, then the worker ends.
    ctx.onClose.push(
      () => offload?.close(),
      () => service.close(),
      () => writer.close(),
    );
    a = { service, writer };
    services.set(ctx, a);
    // Start the facts worker with the server, as the assist worker is, not at the first refresh after a start.
    if (offload) setImmediate(() => void offload.warm());
  }
  return a;
}

function attachment(name: string): string {
  return `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** KPI dashboard API: figures from rollups, drill-down, CSV export and settings. */
export function analyticsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { service } = analyticsFor(ctx);
  const period = async (shopId: string, q: { from?: string | undefined; to?: string | undefined }) => {
    const d = await service.defaultPeriod(shopId);
    return { from: q.from ?? d.from, to: q.to ?? d.to };
  };

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/kpis',
    summary: 'KPI 看板：时段内的询单、转化、响应、销售额，按日、按客服、咨询场景、快捷短语与催付',
    tags: ['analytics'],
    auth: 'agent',
    params: Params,
    query: Range,
    async handler({ auth, params, query }) {
      assertShopAccess(auth, params.shopId);
      const p = await period(params.shopId, query);
      return service.dashboard(params.shopId, p.from, p.to);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/kpis/live',
    summary: '今日实时：今天到现在的询单、响应与转化，以及正在等待的买家',
    tags: ['analytics'],
    auth: 'agent',
    params: Params,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return service.live(params.shopId);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/kpis/drill',
    summary: '指标明细：组成某个数字的买家、回合或订单（可按客服、日期筛选）',
    tags: ['analytics'],
    auth: 'agent',
    params: Params,
    query: Drill,
    async handler({ auth, params, query }) {
      assertShopAccess(auth, params.shopId);
      const p = await period(params.shopId, query);
      return service.drill(params.shopId, p.from, p.to, query.figure, keyOf(query));
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/kpis/export.csv',
    summary: '导出 CSV（UTF-8 带 BOM，Excel 可直接打开）：看板汇总，或带 figure 时导出该指标明细',
    tags: ['analytics'],
    auth: 'agent',
    params: Params,
    query: Export,
    async handler({ auth, params, query, reply }) {
      assertShopAccess(auth, params.shopId);
      const p = await period(params.shopId, query);
      const key = keyOf(query);
      const body = query.figure
        ? await service.drillCsv(params.shopId, p.from, p.to, query.figure, key)
        : await service.csv(params.shopId, p.from, p.to);
      const name = query.figure ? `客服明细_${query.figure}_${p.from}_${p.to}.csv` : `客服数据_${p.from}_${p.to}.csv`;
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', attachment(name));
      return body;
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/kpis/settings',
    summary: 'KPI 设置：时区、营业时间、归因窗口、按付款或下单时间计入',
    tags: ['analytics'],
    auth: 'agent',
    params: Params,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return service.settings(params.shopId);
    },
  });
  route(app, {
    method: 'PUT',
    url: '/api/shops/:shopId/kpis/settings',
    summary: '修改 KPI 设置（掌柜/主管）；影响统计口径时在后台重建汇总（进度见 GET …/kpis/settings 的 rebuild）',
    tags: ['analytics'],
    auth: 'agent',
    params: Params,
    body: SettingsBody,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      return service.updateSettings(params.shopId, patch);
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/kpis/rebuild',
    summary: '按当前设置在后台重建汇总（掌柜/主管；上次重建未完成时用）',
    tags: ['analytics'],
    auth: 'agent',
    params: Params,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      return service.rebuild(params.shopId);
    },
  });
}
