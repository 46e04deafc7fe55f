import { ORDER_STATUSES, type OrderEvent } from '@kefu/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertRole, assertShopAccess } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import { route } from '../../http/route.js';
import { commerceOf } from './commerce.js';
import { presentOrder } from './orders.presenter.js';
import type { OrderSnapshot } from './orders.service.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from './orders.webhook.js';

const STATUS_IDS = ORDER_STATUSES.map((s) => s.id) as [string, ...string[]];
const ShopParams = z.object({ shopId: z.string().min(1).max(40) });
const OrderParams = z.object({ shopId: z.string().min(1).max(40), orderId: z.string().min(1).max(64) });
const Money = z.number().nonnegative().max(10_000_000);
const Item = z.object({
  sku: z.string().min(1).max(120),
  title: z.string().max(120).optional(),
  quantity: z.number().int().min(1).max(10_000),
  price: Money,
  spec: z.record(z.string(), z.string().max(60)).optional(),
});
const Address = z.object({
  name: z.string().trim().min(1).max(40),
  phone: z.string().trim().min(5).max(30),
  province: z.string().trim().min(1).max(20),
  city: z.string().trim().min(1).max(30),
  district: z.string().trim().max(30).optional(),
  detail: z.string().trim().min(1).max(200),
});
const Iso = z.string().max(40).refine((s) => Number.isFinite(Date.parse(s)), '不是合法的时间');
/** An order as a shop system sends it (API and webhook). */
export const OrderSnapshotBody = z.object({
  externalId: z.string().trim().min(1).max(64).optional(),
  buyerId: z.string().max(64).optional(),
  buyerExternalId: z.string().max(128).optional(),
  buyerNick: z.string().trim().min(1).max(64).optional(),
  items: z.array(Item).min(1).max(200),
  amount: Money.optional(),
  address: Address.optional(),
  createdAt: Iso.optional(),
  closesAt: Iso.optional(),
  status: z.enum(STATUS_IDS).optional(),
  paidAt: Iso.nullable().optional(),
  paidAmount: Money.optional(),
  refundAmount: Money.nullable().optional(),
  courier: z.string().max(40).optional(),
  trackingNo: z.string().max(60).optional(),
});
const At = { at: Iso.optional() };
/** The commands an agent or a shop system may apply. */
export const OrderAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pay'), paidAmount: Money.optional(), ...At }),
  z.object({ type: z.literal('ship'), courier: z.string().max(40).optional(), trackingNo: z.string().max(60).optional(), ...At }),
  z.object({ type: z.literal('deliver'), ...At }),
  z.object({ type: z.literal('complete'), ...At }),
  z.object({ type: z.literal('close'), reason: z.enum(['timeout', 'buyer_cancelled', 'seller_cancelled']).optional(), ...At }),
  z.object({ type: z.literal('refund_request'), amount: Money.optional(), reason: z.string().max(200).optional(), ...At }),
  z.object({ type: z.literal('refund_accept'), ...At }),
  z.object({ type: z.literal('refund_cancel'), ...At }),
  z.object({ type: z.literal('refund_done'), amount: Money.optional(), ...At }),
  z.object({ type: z.literal('refund_reject'), reason: z.string().max(200).optional(), ...At }),
  z.object({ type: z.literal('note'), text: z.string().max(500) }),
  z.object({ type: z.literal('change_address'), address: Address }),
  z.object({
    type: z.literal('change_sku'),
    itemIndex: z.number().int().min(0),
    sku: z.string().min(1).max(120),
    spec: z.record(z.string(), z.string().max(60)).optional(),
    title: z.string().max(120).optional(),
    price: Money.optional(),
  }),
]);
const WebhookBody = z.discriminatedUnion('type', [
  z.object({ deliveryId: z.string().min(1).max(128).optional(), type: z.literal('order.upsert'), order: OrderSnapshotBody.extend({ externalId: z.string().trim().min(1).max(64) }) }),
  z.object({ deliveryId: z.string().min(1).max(128).optional(), type: z.literal('order.event'), externalId: z.string().trim().min(1).max(64), event: OrderAction }),
]);

const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const res = schema.safeParse(value);
  if (!res.success) {
    const i = res.error.issues[0];
    throw new AppError('request.invalid', `body.${i?.path.map(String).join('.') ?? ''}: ${i?.message ?? '格式不正确'}`);
  }
  return res.data;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/** Orders: list, detail, create, actions, Taobao export import, the shop's signed webhook. */
export function orderRoutes(app: FastifyInstance, ctx: AppContext): void {
  const c = () => commerceOf(ctx);
  const masked = (role: string) => role === 'agent';

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/orders',
    summary: '订单列表：按状态、买家、关键词（订单号/买家/商品）筛选；收货信息打码',
    tags: ['orders'],
    auth: 'agent',
    params: ShopParams,
    query: z.object({
      status: z.enum(STATUS_IDS).optional(),
      buyerId: z.string().max(64).optional(),
      search: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    async handler({ auth, params, query }) {
      assertShopAccess(auth, params.shopId);
      const { rows, total } = await c().orders.list(params.shopId, clean(query) as Parameters<ReturnType<typeof c>['orders']['list']>[1]);
      const urging = await c().urging.summaries(params.shopId, rows.filter((r) => r.status === 'unpaid').map((r) => r.id));
      return { orders: rows.map((r) => ({ ...presentOrder(r, { masked: true }), urging: urging.get(r.id) ?? null })), total };
    },
  });

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/orders/:orderId',
    summary: '订单详情（含完整收货信息，用于核对和修改地址）和订单记录',
    tags: ['orders'],
    auth: 'agent',
    params: OrderParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      const row = await c().orders.get(params.shopId, params.orderId);
      return { order: presentOrder(row, { masked: false }), history: await c().orders.history(params.shopId, row.id) };
    },
  });

  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/orders',
    summary: '创建订单（店铺系统或演示店铺）；订单编号已存在时 409',
    tags: ['orders'],
    auth: 'agent',
    params: ShopParams,
    body: OrderSnapshotBody,
    async handler({ auth, params, body, reply }) {
      assertShopAccess(auth, params.shopId);
      const r = await c().orders.create(params.shopId, clean(body) as OrderSnapshot, { source: 'api', actor: auth.agent.id });
      void reply.status(201);
      return { order: presentOrder(r.row, { masked: masked(auth.agent.role) }) };
    },
  });

  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/orders/:orderId/actions',
    summary: '订单操作：备注、改地址、改规格（拍错，发货前）、发货、退款…（按订单状态机校验）',
    tags: ['orders'],
    auth: 'agent',
    params: OrderParams,
    body: OrderAction,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      const ev = clean({ ...body, ...(body.type === 'note' || body.type === 'change_address' || body.type === 'change_sku' ? { by: auth.agent.displayName } : {}) }) as OrderEvent;
      const r = await c().orders.apply(params.shopId, params.orderId, ev, { source: 'api', actor: auth.agent.id });
      return { order: presentOrder(r.row, { masked: false }), events: r.events };
    },
  });

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/orders/imports/:importId',
    summary: '订单导入进度和结果（跳过的行及原因）',
    tags: ['orders'],
    auth: 'agent',
    params: z.object({ shopId: z.string().min(1).max(40), importId: z.string().min(1).max(64) }),
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { import: await c().importer.get(params.shopId, params.importId) };
    },
  });

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/orders-webhook',
    summary: '订单 Webhook 的地址和签名密钥（掌柜、主管）',
    tags: ['orders'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      const s = await c().settings.get(params.shopId);
      return { url: `/api/webhooks/orders/${params.shopId}`, secret: s.webhookSecret, headers: { signature: SIGNATURE_HEADER, timestamp: TIMESTAMP_HEADER, delivery: DELIVERY_HEADER } };
    },
  });

  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/orders-webhook/rotate',
    summary: '更换订单 Webhook 密钥（掌柜）',
    tags: ['orders'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner');
      return { secret: await c().settings.rotateWebhookSecret(params.shopId) };
    },
  });

  // Raw bodies: the export upload is bytes (GBK or UTF-8), the webhook signature covers the exact JSON text.
  void app.register(async (child) => {
    child.addContentTypeParser(['text/csv', 'application/octet-stream', 'text/plain', 'application/vnd.ms-excel'], { parseAs: 'buffer', bodyLimit: 30 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    route(child, {
      method: 'POST',
      url: '/api/shops/:shopId/orders/import',
      summary: '导入淘宝/天猫订单报表（ExportOrderList.csv，原始字节上传）；返回导入任务，轮询进度',
      tags: ['orders'],
      auth: 'agent',
      params: ShopParams,
      query: z.object({ fileName: z.string().max(200).optional() }),
      bodyLimit: 30 * 1024 * 1024,
      async handler({ auth, params, query, request, reply }) {
        assertShopAccess(auth, params.shopId);
        if (!Buffer.isBuffer(request.body)) throw new AppError('request.unsupported_media_type', '请以 text/csv 或 application/octet-stream 上传文件');
        const shop = await ctx.storage.db.selectFrom('shops').select(['time_zone']).where('id', '=', params.shopId).executeTakeFirst();
        const summary = await c().importer.start(params.shopId, request.body, { fileName: query.fileName ?? null, actor: auth.agent.id, ...(shop ? { tz: shop.time_zone } : {}) });
        void reply.status(202);
        return { import: summary };
      },
    });
  });

  void app.register(async (child) => {
    child.removeContentTypeParser('application/json');
    child.addContentTypeParser('application/json', { parseAs: 'string' }, (req: FastifyRequest, body, done) => {
      req.rawBody = String(body);
      try {
        done(null, body ? JSON.parse(String(body)) : {});
      } catch {
        done(null, undefined);
      }
    });
    route(child, {
      method: 'POST',
      url: '/api/webhooks/orders/:shopId',
      summary: '店铺系统推送订单（HMAC-SHA256 签名：x-kefu-signature = sha256=hex(HMAC(secret, 时间戳 + "." + 原始请求体))；同一 deliveryId 重放不重复）',
      tags: ['orders'],
      auth: 'public',
      params: ShopParams,
      async handler({ params, request }) {
        const shop = await ctx.storage.db.selectFrom('shops').select(['id']).where('id', '=', params.shopId).executeTakeFirst();
        const header = (n: string) => {
          const v = request.headers[n];
          return Array.isArray(v) ? v[0] : v;
        };
        // An unknown shop answers like a bad signature: nothing about which shops exist leaks.
        const secret = shop ? (await c().settings.get(shop.id)).webhookSecret : null;
        if (!secret || !verifyWebhook(secret, { signature: header(SIGNATURE_HEADER), timestamp: header(TIMESTAMP_HEADER) }, request.rawBody ?? '', c().now())) {
          throw new AppError('auth.required', 'Webhook 签名无效或已过期');
        }
        if (request.body === undefined) throw new AppError('request.malformed_json');
        const body = parseBody(WebhookBody, request.body);
        const deliveryId = header(DELIVERY_HEADER) ?? body.deliveryId;
        if (!deliveryId) throw new AppError('request.invalid', '缺少 deliveryId（请求头 x-kefu-delivery 或请求体 deliveryId）');
        const meta = { source: 'webhook' as const, actor: 'webhook', idempotencyKey: `wh:${deliveryId}` };
        const r =
          body.type === 'order.upsert'
            ? await c().orders.upsert(params.shopId, clean(body.order) as OrderSnapshot, meta)
            : await (async () => {
                const row = await c().orders.findByExternal(params.shopId, body.externalId);
                if (!row) throw new AppError('resource.not_found', `找不到订单：${body.externalId}`);
                return c().orders.apply(params.shopId, row.id, clean(body.event) as OrderEvent, meta);
              })();
        return { ok: true, duplicate: r.duplicate, created: r.created, orderId: r.row.id, status: r.row.status };
      },
    });
  });
}
