import { isScenarioId } from '@kefu/contracts';
import { VARIABLES } from '@kefu/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertRole, assertShopAccess, type AuthContext } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import { route } from '../../http/route.js';
import { newId } from '../../storage/ids.js';
import type { Connection } from '../../realtime/connection.js';
import { gatewayOf } from '../../realtime/plugin.js';
import { decodeText } from './assist.csv.js';
import { LIBRARY_LIMITS, readCsvReplies, readJsonReplies, repliesToCsv, repliesToJson, ReplyBody, type ReplyInput, ReplyPatch, Scenario } from './assist.library.js';
import { presentFaq, presentProduct, presentReply } from './assist.presenter.js';
import type { QuickReplyRow } from './assist.repository.js';
import { ASSIST_EVENTS, AssistService, type SuggestionsEvent } from './assist.service.js';

const Id = z.string().min(1).max(64);
const ShopParams = z.object({ shopId: z.string().min(1).max(40) });
const ItemParams = ShopParams.extend({ id: Id });
const ConvParams = ShopParams.extend({ conversationId: Id });
const FAQ_KINDS = ['product', 'recommend', 'transaction'] as const;

const FaqFields = {
  kind: z.enum(FAQ_KINDS),
  scenario: Scenario,
  question: z.string().trim().min(1).max(200),
  answer: z.string().trim().min(1).max(LIBRARY_LIMITS.textLength),
  keywords: z.array(z.string().trim().min(1).max(20)).max(30),
  productSku: z.string().trim().min(1).max(64).nullable(),
};
const FaqBody = z.object({ ...FaqFields, keywords: FaqFields.keywords.default([]), productSku: FaqFields.productSku.optional() });
const FaqPatch = z.object(Object.fromEntries(Object.entries(FaqFields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof FaqFields]: z.ZodOptional<(typeof FaqFields)[K]> });

const Str = (max: number) => z.string().trim().min(1).max(max);
const SizeChart = z.union([
  z.object({ kind: z.literal('shoe'), rows: z.array(z.object({ size: Str(10), footLengthMaxCm: z.number().positive().max(40) })).max(40), fit: z.enum(['standard', 'wide', 'narrow']), note: z.string().max(300) }),
  z.object({
    kind: z.literal('clothing'),
    rows: z.array(z.object({ size: Str(10), heightCm: z.tuple([z.number(), z.number()]), weightKg: z.tuple([z.number(), z.number()]), bustCm: z.number().optional(), lengthCm: z.number().optional() })).max(40),
    note: z.string().max(300),
  }),
]);
const ProductFields = {
  sku: Str(64),
  name: Str(80),
  price: z.number().nonnegative().max(10_000_000),
  category: z.string().trim().max(40),
  colors: z.array(Str(20)).max(50),
  sizes: z.array(Str(10)).max(50),
  stock: z.record(z.string().max(20), z.record(z.string().max(10), z.number().int().min(0).max(10_000_000))),
  material: z.array(z.object({ part: Str(20), value: Str(100) })).max(30),
  sizeChart: SizeChart.nullable(),
  sellingPoints: z.array(Str(200)).max(30),
  cautions: z.array(Str(200)).max(30),
  relatedSkus: z.array(Str(64)).max(30),
  facts: z.array(Str(100)).max(30),
};
const ProductBody = z.object({
  ...ProductFields,
  category: ProductFields.category.default(''),
  colors: ProductFields.colors.default([]),
  sizes: ProductFields.sizes.default([]),
  stock: ProductFields.stock.default({}),
  material: ProductFields.material.default([]),
  sizeChart: ProductFields.sizeChart.default(null),
  sellingPoints: ProductFields.sellingPoints.default([]),
  cautions: ProductFields.cautions.default([]),
  relatedSkus: ProductFields.relatedSkus.default([]),
  facts: ProductFields.facts.default([]),
});
const ProductPatch = z.object(Object.fromEntries(Object.entries(ProductFields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof ProductFields]: z.ZodOptional<(typeof ProductFields)[K]> });
type ProductInput = z.infer<typeof ProductBody>;

const services = new WeakMap<AppContext, AssistService>();

/** The assist service of a context (created with the routes; the bench and tests reach it here). */
export function assistOf(ctx: AppContext): AssistService {
  let s = services.get(ctx);
  if (!s) {
    s = new AssistService(ctx);
    services.set(ctx, s);
  }
  return s;
}

function canManage(auth: AuthContext): boolean {
  return auth.agent.role === 'owner' || auth.agent.role === 'supervisor';
}

/** A reply the agent may see: shared ones, and their own personal ones (others' personal replies answer 404). */
function visible(auth: AuthContext, r: QuickReplyRow | undefined): QuickReplyRow {
  if (!r || (r.owner_agent_id !== null && r.owner_agent_id !== auth.agent.id)) throw new AppError('resource.not_found', '找不到该快捷短语');
  return r;
}

function assertCanEdit(auth: AuthContext, r: QuickReplyRow): void {
  if (r.owner_agent_id === null ? !canManage(auth) : r.owner_agent_id !== auth.agent.id) throw new AppError('auth.forbidden', '只有掌柜或主管可以修改共享短语；个人短语只有本人可以修改');
}

function replyRow(shopId: string, auth: AuthContext, v: ReplyInput, position: number, t: number): QuickReplyRow {
  return {
    id: newId('qr', t),
    shop_id: shopId,
    scenario: v.scenario,
    category: v.category,
    title: v.title,
    shortcut: v.shortcut ?? null,
    text: v.text,
    keywords: JSON.stringify(v.keywords),
    card: v.card && (v.card.imageUrl || v.card.productSku) ? JSON.stringify(v.card) : null,
    owner_agent_id: v.shared ? null : auth.agent.id,
    safe_for_auto: v.safeForAuto ? 1 : 0,
    uses: 0,
    position,
    created_at: t,
    updated_at: t,
  };
}

function productFile(p: Partial<ProductInput>): Record<string, unknown> {
  const { sku: _s, name: _n, price: _p, ...file } = p;
  return file;
}

/** Quick-reply library, FAQ, product files, suggestions, feedback, auto-answer settings and the shop classifier. */
export function assistRoutes(app: FastifyInstance, ctx: AppContext): void {
  const svc = assistOf(ctx);
  const repo = svc.repo;
  svc.start();
  ctx.onClose.push(async () => {
    svc.stop();
    await svc.idle();
    await svc.close();
  });
  // Suggestions reach the agent sockets of this process (the event arrives from every process in scaled mode).
  // A socket that asked for `suggestionRefs` gets the items it already has as numbers (realtime/item-refs.ts).
  const offPush = ctx.events.on(ASSIST_EVENTS.suggestions, (e) => {
    const p = e.payload as SuggestionsEvent;
    let whole: string | null = null;
    const frame = (c: Connection) => (c.itemRefs ? `${p.head}${c.itemRefs.encode(p.items, p.list)}${p.tail}` : (whole ??= `${p.head}${p.items}${p.tail}`));
    gatewayOf(ctx)?.hub.pushToAgents(e.shopId ?? '', frame, p.agentIds.length ? p.agentIds : undefined);
  });
  ctx.onClose.push(offPush);
  // Start the assist worker (it trains the shared default model) off the first message's path.
  setImmediate(() => void svc.warm());

  const now = () => Date.now();
  const shopAccess = (auth: AuthContext, shopId: string, manage = false) => {
    assertShopAccess(auth, shopId);
    if (manage) assertRole(auth, 'owner', 'supervisor');
  };

  async function listReplies(auth: AuthContext, shopId: string) {
    const [rows, usage, stats] = await Promise.all([repo.listReplies(shopId, auth.agent.id), repo.usage(shopId), repo.stats(shopId)]);
    return rows.map((r) => presentReply(r, usage.get(r.id), stats.get(r.id)));
  }

  // ---- quick replies ----------------------------------------------------------------------------

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/quick-replies',
    summary: '快捷短语库：共享的和我的个人短语，按场景排列（含使用次数、被推荐/被选用次数和转化）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    query: z.object({
      scenario: z.string().max(40).optional(),
      q: z.string().max(100).optional(),
      scope: z.enum(['all', 'shared', 'mine']).default('all'),
      limit: z.coerce.number().int().min(1).max(LIBRARY_LIMITS.replies).default(LIBRARY_LIMITS.replies),
    }),
    async handler({ auth, params, query }) {
      shopAccess(auth, params.shopId);
      let list = await listReplies(auth, params.shopId);
      if (query.scope === 'shared') list = list.filter((r) => r.shared);
      if (query.scope === 'mine') list = list.filter((r) => !r.shared);
      if (query.scenario) list = list.filter((r) => r.scenario === query.scenario || r.category === query.scenario);
      const q = query.q?.trim().toLowerCase();
      if (q) list = list.filter((r) => r.title.toLowerCase().includes(q) || r.text.toLowerCase().includes(q) || (r.shortcut ?? '').includes(q.replace(/^\//, '')) || r.keywords.some((k) => k.includes(q)));
      return { quickReplies: list.slice(0, query.limit), total: list.length };
    },
  });

  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/quick-replies',
    summary: '新建快捷短语（共享：掌柜/主管；个人：任何客服）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    body: ReplyBody,
    async handler({ auth, params, body, reply }) {
      shopAccess(auth, params.shopId, body.shared);
      if (body.shortcut && (await repo.shortcutTaken(params.shopId, body.shortcut))) throw new AppError('resource.conflict', `快捷键 /${body.shortcut} 已被使用`);
      const row = replyRow(params.shopId, auth, body, await repo.nextPosition(params.shopId), now());
      await repo.insertReplies([row]);
      svc.invalidate(params.shopId);
      void reply.status(201);
      return { quickReply: presentReply(row) };
    },
  });

  route(app, {
    method: 'PATCH',
    url: '/api/shops/:shopId/quick-replies/:id',
    summary: '修改快捷短语（共享：掌柜/主管；个人：本人）',
    tags: ['assist'],
    auth: 'agent',
    params: ItemParams,
    body: ReplyPatch,
    async handler({ auth, params, body }) {
      shopAccess(auth, params.shopId);
      const cur = visible(auth, await repo.findReply(params.shopId, params.id));
      assertCanEdit(auth, cur);
      if (body.shortcut && (await repo.shortcutTaken(params.shopId, body.shortcut, cur.id))) throw new AppError('resource.conflict', `快捷键 /${body.shortcut} 已被使用`);
      const patch: Partial<QuickReplyRow> = { updated_at: now() };
      if (body.scenario !== undefined) patch.scenario = body.scenario;
      if (body.category !== undefined) patch.category = body.category;
      if (body.title !== undefined) patch.title = body.title;
      if (body.shortcut !== undefined) patch.shortcut = body.shortcut;
      if (body.text !== undefined) patch.text = body.text;
      if (body.keywords !== undefined) patch.keywords = JSON.stringify(body.keywords);
      if (body.card !== undefined) patch.card = body.card && (body.card.imageUrl || body.card.productSku) ? JSON.stringify(body.card) : null;
      if (body.safeForAuto !== undefined) {
        if (!canManage(auth)) throw new AppError('auth.forbidden', '只有掌柜或主管可以设置自动回复');
        patch.safe_for_auto = body.safeForAuto ? 1 : 0;
      }
      const row = await repo.updateReply(params.shopId, cur.id, patch);
      svc.invalidate(params.shopId);
      return { quickReply: presentReply(row ?? cur) };
    },
  });

  route(app, {
    method: 'DELETE',
    url: '/api/shops/:shopId/quick-replies/:id',
    summary: '删除快捷短语',
    tags: ['assist'],
    auth: 'agent',
    params: ItemParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId);
      const cur = visible(auth, await repo.findReply(params.shopId, params.id));
      assertCanEdit(auth, cur);
      await repo.deleteReply(params.shopId, cur.id);
      svc.invalidate(params.shopId);
    },
  });

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/quick-replies/export',
    summary: '导出快捷短语（CSV：UTF-8 带 BOM，Excel 可直接打开；或 JSON）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    query: z.object({ format: z.enum(['csv', 'json']).default('csv'), scope: z.enum(['all', 'shared', 'mine']).default('all') }),
    async handler({ auth, params, query, reply }) {
      shopAccess(auth, params.shopId);
      let list = await listReplies(auth, params.shopId);
      if (query.scope === 'shared') list = list.filter((r) => r.shared);
      if (query.scope === 'mine') list = list.filter((r) => !r.shared);
      const csv = query.format === 'csv';
      void reply
        .header('content-type', csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="quick-replies.${query.format}"`);
      return reply.send(csv ? repliesToCsv(list) : repliesToJson(list));
    },
  });

  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/quick-replies/import',
    summary: '导入快捷短语（CSV：UTF-8 或 GBK；JSON）。坏行按行号报告，其余照常导入',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    bodyLimit: Math.ceil((LIBRARY_LIMITS.importBytes * 4) / 3) + 4096,
    body: z.object({
      format: z.enum(['csv', 'json']),
      /** The file's bytes, base64 (so GBK files arrive unchanged). */
      data: z.string().max(Math.ceil((LIBRARY_LIMITS.importBytes * 4) / 3) + 4),
      /** Import as personal replies of the caller instead of shared ones. */
      personal: z.boolean().default(false),
    }),
    async handler({ auth, params, body }) {
      shopAccess(auth, params.shopId, !body.personal);
      const bytes = Buffer.from(body.data, 'base64');
      if (bytes.length > LIBRARY_LIMITS.importBytes) throw new AppError('request.too_large', `文件不能超过 ${LIBRARY_LIMITS.importBytes / 1024 / 1024} MB`);
      const { text, encoding } = decodeText(bytes);
      const read = body.format === 'csv' ? readCsvReplies(text) : readJsonReplies(text);
      if (read.rows.length === 0 && read.errors.length > 0 && read.errors[0]?.line === 1 && read.rows.length === 0 && read.errors.length === 1) {
        throw new AppError('import.invalid_file', read.errors[0].message, { errors: read.errors });
      }
      if (read.rows.length > LIBRARY_LIMITS.importRows) throw new AppError('request.too_large', `一次最多导入 ${LIBRARY_LIMITS.importRows} 条`);
      const taken = await repo.shortcuts(params.shopId);
      const errors = [...read.errors];
      const rows: QuickReplyRow[] = [];
      let pos = await repo.nextPosition(params.shopId);
      const t = now();
      for (const r of read.rows) {
        const v = { ...r.value, shared: body.personal ? false : r.value.shared };
        if (v.shortcut && taken.has(v.shortcut)) {
          errors.push({ line: r.line, message: `快捷键 /${v.shortcut} 已被使用` });
          continue;
        }
        if (v.shortcut) taken.add(v.shortcut);
        if (!v.shared && !body.personal && !canManage(auth)) continue;
        rows.push(replyRow(params.shopId, auth, v, pos++, t + rows.length));
      }
      await ctx.storage.db.transaction().execute((trx) => repo.insertReplies(rows, trx));
      svc.invalidate(params.shopId);
      errors.sort((a, b) => a.line - b.line);
      return { imported: rows.length, failed: errors.length, encoding, errors };
    },
  });

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/assist/variables',
    summary: '快捷短语可用的变量（{买家称呼}、{店铺}、{客服}、{商品}、{订单号}、{物流单号}…）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId);
      return { variables: VARIABLES };
    },
  });

  // ---- FAQ ---------------------------------------------------------------------------------------

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/faq',
    summary: '常见问题：商品知识、推荐、交易三类',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    query: z.object({ kind: z.enum(FAQ_KINDS).optional() }),
    async handler({ auth, params, query }) {
      shopAccess(auth, params.shopId);
      const [rows, stats] = await Promise.all([repo.listFaq(params.shopId), repo.stats(params.shopId)]);
      return { faq: rows.filter((r) => !query.kind || r.kind === query.kind).map((r) => presentFaq(r, stats.get(r.id))) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/faq',
    summary: '新建常见问题（掌柜/主管）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    body: FaqBody,
    async handler({ auth, params, body, reply }) {
      shopAccess(auth, params.shopId, true);
      const t = now();
      const row = { id: newId('faq', t), shop_id: params.shopId, kind: body.kind, scenario: body.scenario, question: body.question, answer: body.answer, keywords: JSON.stringify(body.keywords), product_sku: body.productSku ?? null, created_at: t, updated_at: t };
      await repo.insertFaq([row]);
      svc.invalidate(params.shopId);
      void reply.status(201);
      return { faq: presentFaq(row) };
    },
  });
  route(app, {
    method: 'PATCH',
    url: '/api/shops/:shopId/faq/:id',
    summary: '修改常见问题（掌柜/主管）',
    tags: ['assist'],
    auth: 'agent',
    params: ItemParams,
    body: FaqPatch,
    async handler({ auth, params, body }) {
      shopAccess(auth, params.shopId, true);
      const { productSku, keywords, ...rest } = body;
      const row = await repo.updateFaq(params.shopId, params.id, {
        ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
        ...(keywords !== undefined ? { keywords: JSON.stringify(keywords) } : {}),
        ...(productSku !== undefined ? { product_sku: productSku } : {}),
        updated_at: now(),
      });
      if (!row) throw new AppError('resource.not_found', '找不到该问题');
      svc.invalidate(params.shopId);
      return { faq: presentFaq(row) };
    },
  });
  route(app, {
    method: 'DELETE',
    url: '/api/shops/:shopId/faq/:id',
    summary: '删除常见问题（掌柜/主管）',
    tags: ['assist'],
    auth: 'agent',
    params: ItemParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId, true);
      if (!(await repo.deleteFaq(params.shopId, params.id))) throw new AppError('resource.not_found', '找不到该问题');
      svc.invalidate(params.shopId);
    },
  });

  // ---- products ----------------------------------------------------------------------------------

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/products',
    summary: '商品档案：材质、尺码与尺码表、卖点、注意事项、价格、库存',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId);
      return { products: (await repo.listProducts(params.shopId)).map(presentProduct) };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/products/:id',
    summary: '一个商品档案',
    tags: ['assist'],
    auth: 'agent',
    params: ItemParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId);
      const row = await repo.findProduct(params.shopId, params.id);
      if (!row) throw new AppError('resource.not_found', '找不到该商品');
      return { product: presentProduct(row) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/products',
    summary: '新建商品档案（掌柜/主管）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    body: ProductBody,
    async handler({ auth, params, body, reply }) {
      shopAccess(auth, params.shopId, true);
      if (await repo.findProductBySku(params.shopId, body.sku)) throw new AppError('resource.conflict', `商品编码 ${body.sku} 已存在`);
      const t = now();
      const row = { id: newId('prd', t), shop_id: params.shopId, sku: body.sku, name: body.name, price: body.price, file: JSON.stringify(productFile(body)), created_at: t, updated_at: t };
      await repo.insertProducts([row]);
      svc.invalidate(params.shopId);
      void reply.status(201);
      return { product: presentProduct(row) };
    },
  });
  route(app, {
    method: 'PATCH',
    url: '/api/shops/:shopId/products/:id',
    summary: '修改商品档案（掌柜/主管）',
    tags: ['assist'],
    auth: 'agent',
    params: ItemParams,
    body: ProductPatch,
    async handler({ auth, params, body }) {
      shopAccess(auth, params.shopId, true);
      const cur = await repo.findProduct(params.shopId, params.id);
      if (!cur) throw new AppError('resource.not_found', '找不到该商品');
      if (body.sku && body.sku !== cur.sku && (await repo.findProductBySku(params.shopId, body.sku))) throw new AppError('resource.conflict', `商品编码 ${body.sku} 已存在`);
      const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Partial<ProductInput>;
      const file = { ...(JSON.parse(cur.file) as Record<string, unknown>), ...productFile(defined) };
      const row = await repo.updateProduct(params.shopId, cur.id, {
        ...(defined.sku ? { sku: defined.sku } : {}),
        ...(defined.name ? { name: defined.name } : {}),
        ...(defined.price !== undefined ? { price: defined.price } : {}),
        file: JSON.stringify(file),
        updated_at: now(),
      });
      svc.invalidate(params.shopId);
      return { product: presentProduct(row ?? cur) };
    },
  });
  route(app, {
    method: 'DELETE',
    url: '/api/shops/:shopId/products/:id',
    summary: '删除商品档案（掌柜/主管）',
    tags: ['assist'],
    auth: 'agent',
    params: ItemParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId, true);
      if (!(await repo.deleteProduct(params.shopId, params.id))) throw new AppError('resource.not_found', '找不到该商品');
      svc.invalidate(params.shopId);
    },
  });

  // ---- suggestions -------------------------------------------------------------------------------

  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/conversations/:conversationId/suggestions',
    summary: '会话最新一条买家消息的推荐回复（与实时推送的 suggestions 帧相同）',
    tags: ['assist'],
    auth: 'agent',
    params: ConvParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId);
      await ctx.chat.conversations.agentOwned(auth, params.conversationId, params.shopId);
      return { suggestions: await svc.forConversation(params.shopId, params.conversationId) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/suggest',
    summary: '为任意一句买家消息给出场景和推荐回复（试用、调试）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    body: z.object({ text: z.string().min(1).max(2000), conversationId: Id.optional(), productSku: z.string().max(64).optional(), limit: z.number().int().min(1).max(20).default(5) }),
    async handler({ auth, params, body }) {
      shopAccess(auth, params.shopId);
      if (body.conversationId) await ctx.chat.conversations.agentOwned(auth, body.conversationId, params.shopId);
      const r = await svc.suggestFor(params.shopId, { text: body.text, conversationId: body.conversationId ?? null, limit: body.limit, scores: true, ...(body.productSku ? { productSku: body.productSku } : {}) });
      return { scenario: r.classification.scenario, confidence: r.classification.confidence, top: r.classification.top, items: r.items };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/suggestions/feedback',
    summary: '记录客服对推荐的选择（pickedId 为空表示自己输入了回复）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    body: z.object({ conversationId: Id, shownIds: z.array(Id).max(20), pickedId: Id.nullable() }),
    async handler({ auth, params, body }) {
      shopAccess(auth, params.shopId);
      await ctx.chat.conversations.agentOwned(auth, body.conversationId, params.shopId);
      await svc.feedback(params.shopId, auth.agent.id, body);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/suggestions/stats',
    summary: '推荐统计：每条短语/问答被推荐与被选用的次数',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId);
      const stats = await repo.stats(params.shopId);
      return { stats: [...stats].map(([id, s]) => ({ id, ...s })) };
    },
  });

  // ---- auto-answer and classifier ----------------------------------------------------------------

  const Settings = z.object({ autoAnswer: z.boolean(), minConfidence: z.number().min(0.7).max(1).nullable().default(null) });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/assist/settings',
    summary: '智能辅助设置：自动回答（默认关闭）与置信度门槛',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId);
      return { settings: await repo.settings(params.shopId) };
    },
  });
  route(app, {
    method: 'PUT',
    url: '/api/shops/:shopId/assist/settings',
    summary: '修改智能辅助设置（掌柜/主管）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    body: Settings,
    async handler({ auth, params, body }) {
      shopAccess(auth, params.shopId, true);
      await repo.setSettings(params.shopId, body, now());
      svc.invalidate(params.shopId);
      return { settings: body };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/classify',
    summary: '用本店模型给一句话分场景',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    body: z.object({ text: z.string().max(2000) }),
    async handler({ auth, params, body }) {
      shopAccess(auth, params.shopId);
      const c = await svc.classify(params.shopId, body.text);
      return { scenario: c.scenario, confidence: c.confidence, top: c.top, rules: c.rules };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/classifier',
    summary: '本店的场景模型：自定义样例与训练时间',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId);
      const [examples, model] = await Promise.all([repo.listExamples(params.shopId), repo.modelInfo(params.shopId)]);
      return {
        model: model ? { custom: true, ...model } : { custom: false, examples: 0, trainedAt: null },
        examples: examples.map((e) => ({ id: e.id, text: e.text, scenario: e.scenario, createdAt: Number(e.created_at) })),
      };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/classifier/examples',
    summary: '添加本店的场景样例（掌柜/主管），之后重新训练生效',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    body: z.object({ examples: z.array(z.object({ text: z.string().trim().min(1).max(200), scenario: z.string().refine(isScenarioId, '未知的场景') })).min(1).max(1000) }),
    async handler({ auth, params, body, reply }) {
      shopAccess(auth, params.shopId, true);
      const t = now();
      const rows = body.examples.map((e, i) => ({ id: newId('ex', t + i), shop_id: params.shopId, text: e.text, scenario: e.scenario, created_at: t }));
      await repo.insertExamples(rows);
      void reply.status(201);
      return { added: rows.length };
    },
  });
  route(app, {
    method: 'DELETE',
    url: '/api/shops/:shopId/classifier/examples/:id',
    summary: '删除一条本店样例（掌柜/主管）',
    tags: ['assist'],
    auth: 'agent',
    params: ItemParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId, true);
      if (!(await repo.deleteExample(params.shopId, params.id))) throw new AppError('resource.not_found', '找不到该样例');
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/classifier/retrain',
    summary: '用内置样例加本店样例重新训练场景模型（几秒内完成；没有本店样例时回到默认模型）',
    tags: ['assist'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      shopAccess(auth, params.shopId, true);
      return svc.retrain(params.shopId);
    },
  });
}

