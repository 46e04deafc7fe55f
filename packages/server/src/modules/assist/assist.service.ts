import type { ScenarioId } from '@kefu/contracts';
import {
  chooseAutoAnswer,
  classify,
  type ClassifierModel,
  createDefaultClassifier,
  createSuggestionIndex,
  DEFAULT_SCENARIO_EXAMPLES,
  fillVariables,
  loadClassifier,
  type PickStats,
  recordFeedback,
  type ScenarioClassification,
  suggest,
  type SuggestIndex,
  type SuggestItem,
  trainClassifier,
  type VariableName,
} from '@kefu/core';
import type { AppContext } from '../../app-context.js';
import type { KefuEvent } from '../../events/bus.js';
import { AppError } from '../../http/errors.js';
import { BatchLoader } from '../../storage/batch-loader.js';
import { newId } from '../../storage/ids.js';
import { describeHours } from '../autoreply/business-hours.js';
import { CHAT_EVENTS, type MessageCreatedEvent } from '../conversations/conversations.events.js';
import { parseBusinessHours } from '../shops/shops.presenter.js';
import { parseJson } from './assist.presenter.js';
import { AssistRepository, type FaqRow, type ProductRow, type QuickReplyRow } from './assist.repository.js';

/** Event carrying a suggestions frame to the agent sockets of every process (Redis bridge in scaled mode). */
export const ASSIST_EVENTS = { suggestions: 'assist.suggestions', libraryChanged: 'assist.library_changed' } as const;

/** One suggestion as pushed to agents: the text has its variables filled; `missing` lists the ones left open. */
export interface SuggestionItemDto {
  id: string;
  kind: 'reply' | 'faq';
  title: string;
  text: string;
  missing: string[];
  score: number;
  shortcut?: string;
  reasons: { code: string; label: string }[];
}

export interface SuggestionsDto {
  type: 'suggestions';
  conversationId: string;
  messageId: string;
  seq: number;
  scenario: ScenarioId;
  confidence: number;
  items: SuggestionItemDto[];
  /** Id of the reply sent automatically for this message, if any. */
  autoAnswered?: string;
}

export interface SuggestionsEvent {
  /** Agents to reach; empty = every agent of the shop. */
  agentIds: string[];
  frame: SuggestionsDto;
}

interface Library {
  replies: QuickReplyRow[];
  faq: FaqRow[];
  products: ProductRow[];
  index: SuggestIndex;
  kinds: Map<string, 'reply' | 'faq'>;
  replyById: Map<string, QuickReplyRow>;
  /** Learned counts; replaced (never mutated) on feedback so the index's per-map cache stays valid. */
  stats: ReadonlyMap<string, PickStats>;
  shopName: string;
  hoursText: string;
  settings: { autoAnswer: boolean; minConfidence: number | null };
}

interface ProductCard {
  sku?: string;
  productId?: string;
  title?: string;
}

interface ConvContext {
  buyerId: string;
  agentId: string | null;
  nickname: string;
  product: ProductCard;
  order: null;
}

interface Pending {
  shopId: string;
  buyerId: string;
  messageId: string;
  shownIds: string[];
  texts: Map<string, string>;
}

const MAX_TRACKED = 5000;
/** Per-conversation and per-buyer caches hold every active chat (10,000 concurrent buyers must not thrash them). */
const MAX_CONVS = 100_000;
const ORDER_VARS = /\{(订单号|快递|物流单号|金额|收货地址)\}/;
const SUGGESTIONS = 5;
const SCENARIO_FLUSH_MS = 250;

function norm(s: string): string {
  return s.replace(/\s+/g, '').trim();
}

function remember<K, V>(map: Map<K, V>, key: K, value: V, max = MAX_TRACKED): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

export function replyToItem(r: QuickReplyRow): SuggestItem {
  const card = parseJson<{ productSku?: string }>(r.card, {});
  const keywords = parseJson<string[]>(r.keywords, []);
  return {
    id: r.id,
    kind: 'reply',
    scenario: r.scenario as ScenarioId,
    title: r.title,
    text: r.text,
    ...(keywords.length ? { keywords } : {}),
    ...(card.productSku ? { productSku: card.productSku } : {}),
  };
}

export function faqToItem(f: FaqRow): SuggestItem {
  return {
    id: f.id,
    kind: 'faq',
    scenario: f.scenario as ScenarioId,
    title: f.question,
    text: f.answer,
    keywords: parseJson<string[]>(f.keywords, []),
    ...(f.product_sku ? { productSku: f.product_sku } : {}),
  };
}

/**
 * Suggestions for buyer messages: classify (shop model), rank the shop's library, fill variables,
 * push to agents, learn from what they send, and answer automatically when the shop allows it.
 */
export class AssistService {
  readonly repo: AssistRepository;
  private readonly libs = new Map<string, Promise<Library>>();
  private readonly models = new Map<string, Promise<ClassifierModel>>();
  private readonly pending = new Map<string, Pending>();
  private readonly latest = new Map<string, SuggestionsDto>();
  private readonly convs = new Map<string, ConvContext>();
  /** First messages of many conversations in one turn read their context with one query. */
  private readonly convRefs = new BatchLoader<string, { buyer_id: string; assigned_agent_id: string | null; nickname: string; product: string | null }>(async (keys) => {
    const byShop = new Map<string, string[]>();
    for (const k of keys) {
      const [shopId, id] = k.split('\u0000') as [string, string];
      byShop.set(shopId, [...(byShop.get(shopId) ?? []), id]);
    }
    const out = new Map<string, { buyer_id: string; assigned_agent_id: string | null; nickname: string; product: string | null }>();
    for (const [shopId, ids] of byShop) for (const r of await this.repo.conversationRefs(shopId, ids)) out.set(`${shopId}\u0000${r.id}`, r);
    return out;
  });
  private readonly agentNames = new Map<string, { at: number; value: string | null }>();
  private readonly orders = new Map<string, { at: number; value: Awaited<ReturnType<AssistRepository['latestOrder']>> }>();
  private scenarioQueue: Array<{ shopId: string; conversationId: string; messageId: string; scenario: string }> = [];
  private scenarioFlush: Promise<void> | null = null;
  private scenarioChain: Promise<void> = Promise.resolve();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly offs: Array<() => void> = [];
  /** Set false to measure the message path without suggestions (bench). */
  enabled = true;

  constructor(private readonly ctx: AppContext, private readonly now: () => number = Date.now) {
    this.repo = new AssistRepository(ctx.storage.db);
  }

  /** Listens to committed messages (only those this process wrote; other processes handle theirs). */
  start(): void {
    this.offs.push(
      this.ctx.events.on(CHAT_EVENTS.messageCreated, (e) => {
        if (e.origin !== this.ctx.events.origin || !this.enabled) return;
        const p = e.payload as MessageCreatedEvent;
        const m = p.message;
        if (m.kind === 'product') {
          const cc = this.convs.get(m.conversationId);
          if (cc) cc.product = (m.payload ?? {}) as ProductCard;
        }
        if (m.kind !== 'text' || !m.text) return;
        if (m.sender === 'buyer') this.track(this.onBuyerMessage(e.shopId ?? '', p));
        else if (m.sender === 'agent') this.track(this.onAgentMessage(e.shopId ?? '', p));
      }),
      // A changed order must not wait out the cache's TTL.
      this.ctx.events.onAny((e) => {
        const buyerId = e.name.startsWith('order.') ? (e.payload as { order?: { buyerId?: string | null } } | null)?.order?.buyerId : null;
        if (buyerId && e.shopId) this.orders.delete(`${e.shopId}:${buyerId}`);
      }),
      this.ctx.events.on(ASSIST_EVENTS.libraryChanged, (e) => {
        if (e.shopId) this.libs.delete(e.shopId);
        if (e.shopId && (e.payload as { model?: boolean } | null)?.model) this.models.delete(e.shopId);
      }),
    );
  }

  private track(p: Promise<unknown>): void {
    const t = p.catch((err: unknown) => this.ctx.log.error({ err }, 'assist failed')).finally(() => this.inflight.delete(t));
    this.inflight.add(t);
  }

  /** Waits for suggestion work in flight and pending scenario writes (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
    await this.flushScenarios();
  }

  stop(): void {
    for (const off of this.offs) off();
  }

  /** Forget the cached library (and model) of a shop, in every process. */
  invalidate(shopId: string, opts: { model?: boolean } = {}): void {
    this.libs.delete(shopId);
    if (opts.model) this.models.delete(shopId);
    this.ctx.events.emit(ASSIST_EVENTS.libraryChanged, shopId, { model: opts.model ?? false });
  }

  // ---- library and model -------------------------------------------------------------------------

  library(shopId: string): Promise<Library> {
    let p = this.libs.get(shopId);
    if (!p) {
      p = this.loadLibrary(shopId);
      p.catch(() => this.libs.delete(shopId));
      this.libs.set(shopId, p);
    }
    return p;
  }

  private async loadLibrary(shopId: string): Promise<Library> {
    const [replies, faq, products, stats, settings, shop] = await Promise.all([
      this.repo.listReplies(shopId, null),
      this.repo.listFaq(shopId),
      this.repo.listProducts(shopId),
      this.repo.stats(shopId),
      this.repo.settings(shopId),
      this.ctx.storage.db.selectFrom('shops').select(['name', 'business_hours']).where('id', '=', shopId).executeTakeFirst(),
    ]);
    const items = [...replies.map(replyToItem), ...faq.map(faqToItem)];
    const kinds = new Map<string, 'reply' | 'faq'>(items.map((i) => [i.id, i.kind]));
    return {
      replies,
      faq,
      products,
      index: createSuggestionIndex(items),
      kinds,
      replyById: new Map(replies.map((r) => [r.id, r])),
      stats,
      shopName: shop?.name ?? '',
      hoursText: shop ? describeHours(parseBusinessHours(shop.business_hours)) : '',
      settings,
    };
  }

  /** The shop's own model when it retrained, else the shared default (trained once per process). */
  modelFor(shopId: string): Promise<ClassifierModel> {
    let p = this.models.get(shopId);
    if (!p) {
      p = this.repo.model(shopId).then((row) => (row ? loadClassifier(row.model) : createDefaultClassifier()));
      p.catch(() => this.models.delete(shopId));
      this.models.set(shopId, p);
    }
    return p;
  }

  async classify(shopId: string, text: string): Promise<ScenarioClassification> {
    return classify(await this.modelFor(shopId), text);
  }

  /** Trains the shop model on the shipped examples plus the shop's own; with none of its own the shop goes back to the default. */
  async retrain(shopId: string): Promise<{ examples: number; trainedAt: number | null; ms: number }> {
    const own = await this.repo.listExamples(shopId);
    const started = performance.now();
    if (own.length === 0) {
      await this.repo.deleteModel(shopId);
      this.invalidate(shopId, { model: true });
      return { examples: 0, trainedAt: null, ms: 0 };
    }
    const model = trainClassifier([...DEFAULT_SCENARIO_EXAMPLES, ...own.map((e) => ({ text: e.text, scenario: e.scenario as ScenarioId }))]);
    const ms = Math.round(performance.now() - started);
    const t = this.now();
    await this.repo.saveModel(shopId, JSON.stringify(model.toJSON()), own.length, t);
    this.models.set(shopId, Promise.resolve(model));
    this.invalidate(shopId, { model: true });
    this.models.set(shopId, Promise.resolve(model));
    return { examples: own.length, trainedAt: t, ms };
  }

  // ---- suggestions -------------------------------------------------------------------------------

  /**
   * Variable values for a conversation (buyer honorific, shop, agent, product, order, courier, tracking number …).
   * Read through small caches so the message path does not query per message: the conversation's buyer and product
   * card until they change (events), agent names for a minute, the buyer's latest order for 15 s.
   */
  async variables(
    shopId: string,
    conversationId: string | null,
    lib: Library,
    productSku?: string,
    hint?: { buyerId: string; agentId: string | null },
    /** false: leave the order variables out (the caller adds them with `orderVars` only if a text needs them). */
    withOrder = true,
  ): Promise<{ vars: Partial<Record<VariableName, string>>; productSku?: string; buyerId?: string }> {
    const vars: Partial<Record<VariableName, string>> = { 店铺: lib.shopName, 营业时间: lib.hoursText, 买家称呼: '亲' };
    let sku = productSku;
    if (!conversationId) return { vars, ...(sku ? { productSku: sku } : {}) };
    let cc = this.convs.get(conversationId);
    if (!cc) {
      const ref = await this.convRefs.load(`${shopId}\u0000${conversationId}`);
      if (!ref) return { vars };
      cc = { buyerId: ref.buyer_id, agentId: ref.assigned_agent_id, nickname: ref.nickname, product: parseJson<ProductCard>(ref.product, {}), order: null };
      remember(this.convs, conversationId, cc, MAX_CONVS);
    }
    if (hint) cc.agentId = hint.agentId;
    if (cc.nickname && !/^访客/.test(cc.nickname)) vars['买家称呼'] = cc.nickname;
    if (cc.agentId) {
      const name = await this.cached(this.agentNames, cc.agentId, 60_000, () => this.repo.agentName(cc.agentId!));
      if (name) vars['客服'] = name;
    }
    sku ??= cc.product.sku ?? cc.product.productId;
    const product = sku ? lib.products.find((p) => p.sku === sku) : undefined;
    if (product) vars['商品'] = product.name;
    else if (cc.product.title) vars['商品'] = cc.product.title;
    if (withOrder) await this.orderVars(shopId, cc.buyerId, vars);
    return { vars, buyerId: cc.buyerId, ...(sku ? { productSku: sku } : {}) };
  }

  /** Adds the buyer's latest order (number, courier, tracking number, amount, address) to `vars`. */
  private async orderVars(shopId: string, buyerId: string, vars: Partial<Record<VariableName, string>>): Promise<void> {
    const o = await this.cached(this.orders, `${shopId}:${buyerId}`, 15_000, () => this.repo.latestOrder(shopId, buyerId));
    if (o) {
      vars['订单号'] = o.external_id;
      if (o.courier) vars['快递'] = o.courier;
      if (o.tracking_no) vars['物流单号'] = o.tracking_no;
      vars['金额'] = String(Number(o.paid_amount ?? o.amount));
      const addr = parseJson<Record<string, unknown> | null>(o.address, null);
      if (addr) {
        const parts = ['province', 'city', 'district', 'detail', 'street'].map((k) => addr[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
        if (parts.length) vars['收货地址'] = parts.join('');
      }
    }
  }

  private async cached<T>(map: Map<string, { at: number; value: T }>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const have = map.get(key);
    const t = this.now();
    if (have && t - have.at < ttl) return have.value;
    const value = await load();
    remember(map, key, { at: t, value }, MAX_CONVS);
    return value;
  }

  /** Ranks the library for one text and fills the variables. */
  async suggestFor(
    shopId: string,
    input: { text: string; conversationId?: string | null; productSku?: string; limit?: number; classification?: ScenarioClassification; hint?: { buyerId: string; agentId: string | null } },
  ) {
    const lib = await this.library(shopId);
    const c = input.classification ?? (await this.classify(shopId, input.text));
    const v = await this.variables(shopId, input.conversationId ?? null, lib, input.productSku, input.hint, false);
    const ranked = suggest(
      lib.index,
      { scenario: c.scenario, alternatives: c.top.slice(1), text: input.text, shopStats: lib.stats, ...(v.productSku ? { productSku: v.productSku } : {}) },
      input.limit ?? SUGGESTIONS,
    );
    // The order is read only when a ranked text (or a reply that may be sent automatically) uses an order variable.
    const texts = ranked.map((s) => lib.replyById.get(s.id)?.text ?? lib.faq.find((f) => f.id === s.id)?.answer ?? '');
    if (lib.settings.autoAnswer) for (const r of lib.replies) if (r.safe_for_auto === 1 && r.scenario === c.scenario) texts.push(r.text);
    if (v.buyerId && texts.some((t) => ORDER_VARS.test(t))) await this.orderVars(shopId, v.buyerId, v.vars);
    const items: SuggestionItemDto[] = ranked.map((s) => {
      const reply = lib.replyById.get(s.id);
      const faq = reply ? undefined : lib.faq.find((f) => f.id === s.id);
      const filled = fillVariables(reply?.text ?? faq?.answer ?? '', v.vars);
      return {
        id: s.id,
        kind: s.kind,
        title: reply?.title ?? faq?.question ?? '',
        text: filled.text,
        missing: filled.missing,
        score: Math.round(s.score * 1000) / 1000,
        ...(reply?.shortcut ? { shortcut: reply.shortcut } : {}),
        reasons: s.reasons.map((r) => ({ code: r.code, label: r.label })),
      };
    });
    return { classification: c, items, lib, vars: v };
  }

  /** The suggestions last pushed for a conversation, or computed now for its latest buyer message. */
  async forConversation(shopId: string, conversationId: string): Promise<SuggestionsDto | null> {
    const have = this.latest.get(conversationId);
    if (have) return have;
    const last = await this.ctx.storage.db
      .selectFrom('messages')
      .select(['id', 'seq', 'text', 'conversation_id'])
      .where('shop_id', '=', shopId)
      .where('conversation_id', '=', conversationId)
      .where('sender', '=', 'buyer')
      .where('kind', '=', 'text')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last?.text) return null;
    const { classification: c, items } = await this.suggestFor(shopId, { text: last.text, conversationId });
    return { type: 'suggestions', conversationId, messageId: last.id, seq: Number(last.seq), scenario: c.scenario, confidence: round(c.confidence), items };
  }

  private async onBuyerMessage(shopId: string, p: MessageCreatedEvent): Promise<void> {
    const m = p.message;
    const c = await this.classify(shopId, m.text!);
    this.queueScenario({ shopId, conversationId: m.conversationId, messageId: m.id, scenario: c.scenario });
    const { items, lib, vars } = await this.suggestFor(shopId, {
      text: m.text!,
      conversationId: m.conversationId,
      classification: c,
      hint: { buyerId: p.buyerId, agentId: p.conversation.assignedAgentId },
    });
    const frame: SuggestionsDto = { type: 'suggestions', conversationId: m.conversationId, messageId: m.id, seq: m.seq, scenario: c.scenario, confidence: round(c.confidence), items };
    if (lib.settings.autoAnswer) {
      const auto = chooseAutoAnswer({
        scenario: c.scenario,
        confidence: c.confidence,
        alternatives: c.top.slice(1),
        setting: { enabled: true, ...(lib.settings.minConfidence != null ? { minConfidence: lib.settings.minConfidence } : {}) },
        replies: lib.replies.map((r) => ({ id: r.id, scenario: r.scenario as ScenarioId, text: r.text, safeForAuto: r.safe_for_auto === 1 })),
        rankedIds: items.map((i) => i.id),
        vars: vars.vars,
      });
      if (auto) {
        await this.ctx.chat.conversations.writer.append({
          shopId, conversationId: m.conversationId, clientId: `aa_${m.id}`.slice(0, 64), sender: 'auto', agentId: null, kind: 'text', text: auto.text, payload: null,
        });
        frame.autoAnswered = auto.id;
        await this.record(shopId, { conversationId: m.conversationId, buyerId: p.buyerId, agentId: null }, [], auto.id);
      }
    }
    remember(this.latest, m.conversationId, frame);
    if (items.length) remember(this.pending, m.conversationId, { shopId, buyerId: p.buyerId, messageId: m.id, shownIds: items.map((i) => i.id), texts: new Map(items.map((i) => [i.id, norm(i.text)])) });
    const assigned = p.conversation.assignedAgentId;
    this.ctx.events.emit<SuggestionsEvent>(ASSIST_EVENTS.suggestions, shopId, { agentIds: assigned ? [assigned] : [], frame });
  }

  /** An agent answered: the suggestion whose text they sent was picked, otherwise they typed their own. */
  private async onAgentMessage(shopId: string, p: MessageCreatedEvent): Promise<void> {
    const m = p.message;
    const pend = this.pending.get(m.conversationId);
    const text = norm(m.text!);
    let picked: string | null = null;
    if (pend) for (const [id, t] of pend.texts) if (t === text) picked = id;
    if (!picked) {
      // Sent from the library without the suggestion list (shortcut, side panel): match the unfilled text's fixed parts.
      const lib = await this.library(shopId);
      picked = lib.replies.find((r) => matchesTemplate(r.text, m.text!))?.id ?? null;
    }
    if (!pend && !picked) return;
    this.pending.delete(m.conversationId);
    await this.record(shopId, { conversationId: m.conversationId, buyerId: p.buyerId, agentId: m.agentId ?? null }, pend?.shownIds ?? [], picked);
  }

  /** Explicit feedback from a client; replaces the automatic detection for that buyer message. */
  async feedback(shopId: string, agentId: string, body: { conversationId: string; shownIds: string[]; pickedId: string | null }): Promise<void> {
    const lib = await this.library(shopId);
    for (const id of [...body.shownIds, ...(body.pickedId ? [body.pickedId] : [])]) if (!lib.kinds.has(id)) throw new AppError('resource.not_found', `找不到该快捷短语或知识：${id}`);
    const conv = await this.ctx.storage.db.selectFrom('conversations').select(['id', 'buyer_id']).where('shop_id', '=', shopId).where('id', '=', body.conversationId).executeTakeFirst();
    if (!conv) throw new AppError('conversation.not_found');
    this.pending.delete(body.conversationId);
    await this.record(shopId, { conversationId: conv.id, buyerId: conv.buyer_id, agentId }, body.shownIds, body.pickedId);
  }

  private async record(shopId: string, where: { conversationId: string; buyerId: string; agentId: string | null }, shownIds: readonly string[], pickedId: string | null): Promise<void> {
    const lib = await this.library(shopId);
    const ids = [...new Set(shownIds)];
    lib.stats = recordFeedback(lib.stats, ids, pickedId);
    const deltas = new Map<string, PickStats>();
    for (const id of ids) deltas.set(id, { shown: 1, picked: 0 });
    if (pickedId) deltas.set(pickedId, { shown: 1, picked: 1 });
    await this.repo.addStats(shopId, deltas);
    if (pickedId && lib.replyById.has(pickedId)) {
      await this.repo.recordUsage(
        { id: newId('use', this.now()), shop_id: shopId, conversation_id: where.conversationId, buyer_id: where.buyerId, reply_id: pickedId, agent_id: where.agentId, at: this.now() },
        pickedId,
      );
    }
  }

  // ---- scenario writes (batched: one transaction per SCENARIO_FLUSH_MS) ------------------------------

  private queueScenario(u: { shopId: string; conversationId: string; messageId: string; scenario: string }): void {
    this.scenarioQueue.push(u);
    // Each commit costs a disk sync: gather for a while so scenario writes add a few commits per second, not one per message batch.
    if (!this.scenarioFlush) this.scenarioFlush = new Promise<void>((r) => setTimeout(r, SCENARIO_FLUSH_MS).unref()).then(() => this.flushScenarios());
  }

  /** Writes what is queued; serialised, so awaiting it also waits for a flush already running. */
  private flushScenarios(): Promise<void> {
    this.scenarioChain = this.scenarioChain.then(async () => {
      this.scenarioFlush = null;
      while (this.scenarioQueue.length) {
        const batch = this.scenarioQueue;
        this.scenarioQueue = [];
        try {
          await this.repo.setScenarios(batch);
        } catch (err) {
          this.ctx.log.error({ err }, 'storing message scenarios failed');
        }
      }
    });
    return this.scenarioChain;
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** True when `sent` is `template` with its `{变量}` placeholders replaced by anything (whitespace ignored). */
export function matchesTemplate(template: string, sent: string): boolean {
  const parts = norm(template).split(/\{[^{}\s]{1,16}\}/);
  const s = norm(sent);
  if (parts.length === 1) return parts[0] === s;
  const re = new RegExp(`^${parts.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.{0,60}?')}$`, 'u');
  return re.test(s);
}

export type { KefuEvent };
