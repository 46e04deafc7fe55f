import type { ScenarioId } from '@kefu/contracts';
import {
  chooseAutoAnswer,
  type PickStats,
  recordFeedback,
  type ScenarioClassification,
  type ScenarioScore,
  type VariableName,
} from '@kefu/core';
import type { AppContext } from '../../app-context.js';
import type { KefuEvent } from '../../events/bus.js';
import { AppError } from '../../http/errors.js';
import { ShopBatchLoader } from '../../storage/batch-loader.js';
import { remember, setBounded } from '../../storage/lru.js';
import { newId } from '../../storage/ids.js';
import { describeHours } from '../autoreply/business-hours.js';
import { CHAT_EVENTS, type MessageCreatedEvent } from '../conversations/conversations.events.js';
import { parseBusinessHours } from '../shops/shops.presenter.js';
import { type LibraryItem, type LibraryRef, type ModelRef, type RunOk, shownItems, type SuggestionItemDto, textKey, withoutSpace } from './assist.engine.js';
import { AssistOffload, type OffloadOptions, type RunRequest } from './assist.offload.js';
import { parseJson } from './assist.presenter.js';
import { RankedCache } from './assist.ranked-cache.js';
import { AssistRepository, type FaqRow, type ProductRow, type QuickReplyRow } from './assist.repository.js';

/** Event carrying a suggestions frame to the agent sockets of every process (Redis bridge in scaled mode). */
export const ASSIST_EVENTS = { suggestions: 'assist.suggestions', libraryChanged: 'assist.library_changed' } as const;

export type { SuggestionItemDto };

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
  /**
   * The `suggestions` frame (`SuggestionsDto`) as JSON text in three parts, `head + items + tail`: the `items` array
   * apart, because a socket with `suggestionRefs` gets it through its `ItemRefs`, and a repeated question's items are
   * the very string sent before (the ranked answers are kept), which that socket then finds without reading it again.
   */
  head: string;
  items: string;
  tail: string;
  /** Stands for `items` (`RunOk.list`): an `ItemRefs` finds a list it sent before by this. Absent from older processes. */
  list?: string;
}

/** A computed frame kept in parts: its items stay JSON text (built by the worker) until the frame is sent. */
interface Pushed {
  shopId: string;
  buyerId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  scenario: ScenarioId;
  confidence: number;
  /** `SuggestionItemDto[]` as JSON text. */
  items: string;
  /** The items' ids and text keys (`RunOk.shown`), what is kept once the frame is sent. */
  shown: string;
  /** `RunOk.list`. */
  list?: string;
  autoAnswered?: string;
}

type Vars = Partial<Record<VariableName, string>>;

/** A buyer message's suggestions, computed and waiting for their turn to be pushed. */
interface Computed {
  pushed: Pushed;
  lib: Library;
  vars: Vars;
  /** The classifier's confidence (unrounded) and runner-ups (only with auto-answer on). */
  confidence: number;
  top: ScenarioScore[];
  /** The assigned agent (receives the frame), or null (every agent of the shop). */
  agentId: string | null;
}

interface Library {
  replies: QuickReplyRow[];
  faq: FaqRow[];
  products: ProductRow[];
  /**
   * The suggestion items and learned counts of this library version, as the assist worker ranks them (the index is
   * built there). `ref.stats` is replaced (never mutated) on feedback so the index's per-map cache stays valid.
   */
  ref: LibraryRef;
  kinds: Map<string, 'reply' | 'faq'>;
  replyById: Map<string, QuickReplyRow>;
  productBySku: Map<string, ProductRow>;
  /** A reply that may be sent automatically uses an order variable (the order is then read before ranking). */
  autoNeedsOrder: boolean;
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

const MAX_TRACKED = 5000;
/** Conversations waiting for an answer whose shown suggestions are kept (~200 bytes each). */
const MAX_PENDING = 20_000;
/** Per-conversation and per-buyer caches hold every active chat (10,000 concurrent buyers must not thrash them). */
const MAX_CONVS = 100_000;
const ORDER_VARS = /\{(订单号|快递|物流单号|金额|收货地址)\}/;
type Order = Awaited<ReturnType<AssistRepository['latestOrder']>>;
/** A value read from the database, when, and for which shop where the key alone does not say (`AssistService.fresh`). */
interface Cached<T> {
  at: number;
  value: T;
  scope?: string;
}
const SUGGESTIONS = 5;
const SCENARIO_FLUSH_MS = 250;
/** How long an agent's name (the 客服 variable) is taken from the cache. */
const AGENT_NAME_TTL_MS = 60_000;
/** How long a buyer's latest order (for the order variables) is taken from the cache. */
const ORDER_TTL_MS = 15_000;
/** Texts whose scenario is kept for the next message with the same text (short ones: long texts rarely repeat). */
const KNOWN_SCENARIOS = 4096;
const KNOWN_SCENARIO_TEXT = 64;
/** The key of a text's noted scenario (`AssistService.scenarios`), or null for a text too long to be noted. */
const scenarioKey = (shopId: string, text: string): string | null => (text.length > KNOWN_SCENARIO_TEXT ? null : `${shopId}\u0000${text}`);
type ScenarioUpdate = Parameters<AssistRepository['setScenarios']>[0][number];

export function replyToItem(r: QuickReplyRow): LibraryItem {
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
    ...(r.shortcut ? { shortcut: r.shortcut } : {}),
  };
}

export function faqToItem(f: FaqRow): LibraryItem {
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
  private readonly models = new Map<string, Promise<ModelRef>>();
  /** The same, once loaded: the message path reads them without waiting a turn. */
  private readonly libsReady = new Map<string, Library>();
  private readonly modelsReady = new Map<string, ModelRef>();
  /**
   * Suggestions shown for a conversation's last buyer message and not answered yet: the items' ids and text keys only
   * (`RunOk.shown`), not the frame — at a peak thousands of conversations wait, and a frame is kilobytes.
   */
  private readonly pending = new Map<string, string>();
  /** The reply sent automatically for a conversation's last buyer message (REST adds it to recomputed suggestions). */
  private readonly autoAnswers = new Map<string, { messageId: string; replyId: string }>();
  private readonly convs = new Map<string, ConvContext>();
  /** First messages of many conversations in one turn read their context with one query. */
  private readonly convRefs = new ShopBatchLoader((shopId, ids) => this.repo.conversationRefs(shopId, ids), (r) => r.id);
  private readonly agentNames = new Map<string, Cached<string | null>>();
  /**
   * Buyers' latest orders, by buyer id (ids are unique across shops; the shop is kept as `scope` and checked too):
   * the message path looks a buyer up with each message, and a key made of shop and buyer was a new string to build
   * and hash every time.
   */
  private readonly orders = new Map<string, Cached<Order>>();
  private scenarioQueue: ScenarioUpdate[] = [];
  /**
   * The shop model's scenario of recently classified short texts (a classification is a function of the model and the
   * text), for `ConversationsService.hooks.scenarioOf`: a repeated question is then stored with its scenario, and not
   * written again once it is classified.
   */
  private readonly scenarios = new Map<string, { model: number; scenario: ScenarioId }>();
  private scenarioFlush: Promise<void> | null = null;
  private scenarioChain: Promise<void> = Promise.resolve();
  /** Suggestion work in flight (buyer and agent messages), and who waits for it to end. */
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];
  /** Per conversation, the last buyer message's frame push: frames go out in message order whatever finishes first. */
  private readonly frameChain = new Map<string, Promise<void>>();
  private readonly offs: Array<() => void> = [];
  /** Classification and ranking: in a worker thread (default) or inline. */
  readonly offload: AssistOffload;
  /** Rankings of recently repeated questions: asked again, they skip the worker (`RankedCache`). */
  readonly ranked = new RankedCache();
  /** Set false to measure the message path without suggestions (bench). */
  enabled = true;
  /**
   * Buyer texts whose suggestions were computed at once, from caches (`computeNow`), and those stored with their
   * scenario as they were written (`knownScenario`); bench notes and tests.
   */
  readonly counts = { atOnce: 0, storedWithScenario: 0 };

  constructor(
    private readonly ctx: AppContext,
    private readonly now: () => number = Date.now,
    opts: Pick<OffloadOptions, 'mode'> = {},
  ) {
    this.repo = new AssistRepository(ctx.storage.db);
    this.offload = new AssistOffload({ ...opts, onError: (err, what) => ctx.log.error({ err }, what) });
  }

  /** Listens to committed messages (only those this process wrote; other processes handle theirs). */
  start(): void {
    const hooks = this.ctx.chat.conversations.hooks;
    const scenarioOf = (shopId: string, text: string) => (this.enabled ? this.knownScenario(shopId, text) : null);
    hooks.scenarioOf = scenarioOf;
    this.offs.push(
      () => {
        if (hooks.scenarioOf === scenarioOf) delete hooks.scenarioOf;
      },
      this.ctx.events.on(CHAT_EVENTS.messageCreated, (e) => {
        if (e.origin !== this.ctx.events.origin || !this.enabled) return;
        const p = e.payload as MessageCreatedEvent;
        const m = p.message;
        if (m.kind === 'product') {
          const cc = this.convs.get(m.conversationId);
          if (cc) cc.product = (m.payload ?? {}) as ProductCard;
        }
        if (m.kind !== 'text' || !m.text) return;
        if (m.sender === 'buyer') {
          const later = this.onBuyerMessage(e.shopId ?? '', p);
          if (later) this.track(later);
        }
        else if (m.sender === 'agent') this.track(this.onAgentMessage(e.shopId ?? '', p));
      }),
      // A changed order must not wait out the cache's TTL.
      this.ctx.events.onAny((e) => {
        const buyerId = e.name.startsWith('order.') ? (e.payload as { order?: { buyerId?: string | null } } | null)?.order?.buyerId : null;
        if (buyerId && e.shopId && this.orders.get(buyerId)?.scope === e.shopId) this.orders.delete(buyerId);
      }),
      this.ctx.events.on(ASSIST_EVENTS.libraryChanged, (e) => {
        if (e.shopId && e.origin !== this.ctx.events.origin) this.forget(e.shopId, (e.payload as { model?: boolean } | null)?.model ?? false);
      }),
    );
  }

  /** Starts the worker now (it trains the shared default model) so the first buyer message does not wait for it. */
  warm(): Promise<void> {
    return this.offload.warm();
  }

  private track(p: Promise<unknown>): void {
    this.inflight++;
    p.then(this.settled, this.failed);
  }

  private readonly settled = (): void => {
    if (--this.inflight === 0) for (const w of this.idleWaiters.splice(0)) w();
  };

  private readonly failed = (err: unknown): void => {
    this.ctx.log.error({ err }, 'assist failed');
    this.settled();
  };

  /** Waits for suggestion work in flight and pending scenario writes (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inflight) await new Promise<void>((r) => this.idleWaiters.push(r));
    await this.flushScenarios();
  }

  stop(): void {
    for (const off of this.offs) off();
  }

  /** Terminates the worker (after `stop` and `idle`). */
  close(): Promise<void> {
    return this.offload.close();
  }

  /** Forget the cached library (and model) of a shop, in every process. */
  invalidate(shopId: string, opts: { model?: boolean } = {}): void {
    this.forget(shopId, opts.model ?? false);
    this.ctx.events.emit(ASSIST_EVENTS.libraryChanged, shopId, { model: opts.model ?? false });
  }

  private forget(shopId: string, model: boolean): void {
    this.libs.delete(shopId);
    this.libsReady.delete(shopId);
    if (model) {
      this.models.delete(shopId);
      this.modelsReady.delete(shopId);
    }
    this.offload.drop(shopId);
  }

  // ---- library and model -------------------------------------------------------------------------

  library(shopId: string): Promise<Library> {
    let p = this.libs.get(shopId);
    if (!p) {
      const loading = this.loadLibrary(shopId);
      p = loading;
      loading.then(
        (lib) => this.libs.get(shopId) === loading && this.libsReady.set(shopId, lib),
        () => this.libs.get(shopId) === loading && this.libs.delete(shopId),
      );
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
      ref: { v: nextVersion(), items, stats },
      kinds,
      replyById: new Map(replies.map((r) => [r.id, r])),
      productBySku: new Map(products.map((p) => [p.sku, p])),
      autoNeedsOrder: replies.some((r) => r.safe_for_auto === 1 && ORDER_VARS.test(r.text)),
      shopName: shop?.name ?? '',
      hoursText: shop ? describeHours(parseBusinessHours(shop.business_hours)) : '',
      settings,
    };
  }

  /** The shop's own model (as stored JSON) when it retrained, else the shared default (`json: null`, trained once per worker). */
  modelRef(shopId: string): Promise<ModelRef> {
    let p = this.models.get(shopId);
    if (!p) {
      const loading = this.repo.model(shopId).then((row): ModelRef => ({ v: nextVersion(), json: row ? row.model : null }));
      p = loading;
      loading.then(
        (m) => this.models.get(shopId) === loading && this.modelsReady.set(shopId, m),
        () => this.models.get(shopId) === loading && this.models.delete(shopId),
      );
      this.models.set(shopId, p);
    }
    return p;
  }

  /** Classifies one text with the shop's model (in the worker). */
  async classify(shopId: string, text: string): Promise<ScenarioClassification> {
    const r = await this.offload.run({ shopId, lib: null, model: await this.modelRef(shopId), text, limit: 0, detail: true });
    return { text, scenario: r.scenario, confidence: r.confidence, top: r.top ?? [], rules: r.rules ?? [] };
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
    // In a one-off worker thread: the event loop keeps serving meanwhile.
    const json = await this.offload.train(own.map((e) => ({ text: e.text, scenario: e.scenario as ScenarioId })));
    const ms = Math.round(performance.now() - started);
    const t = this.now();
    await this.repo.saveModel(shopId, json, own.length, t);
    this.invalidate(shopId, { model: true });
    const ref: ModelRef = { v: nextVersion(), json };
    this.models.set(shopId, Promise.resolve(ref));
    this.modelsReady.set(shopId, ref);
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
  ): Promise<{ vars: Vars; productSku?: string; buyerId?: string }> {
    if (!conversationId) return { vars: this.shopVars(lib), ...(productSku ? { productSku } : {}) };
    let cc = this.convs.get(conversationId);
    if (!cc) {
      const ref = await this.convRefs.load(shopId, conversationId);
      if (!ref) return { vars: this.shopVars(lib) };
      cc = { buyerId: ref.buyer_id, agentId: ref.assigned_agent_id, nickname: ref.nickname, product: parseJson<ProductCard>(ref.product, {}), order: null };
      remember(this.convs, conversationId, cc, MAX_CONVS);
    }
    if (hint) cc.agentId = hint.agentId;
    const agentName = cc.agentId ? await this.cached(this.agentNames, cc.agentId, AGENT_NAME_TTL_MS, () => this.repo.agentName(cc.agentId!)) : null;
    const v = this.convVars(lib, cc, agentName, productSku);
    if (withOrder) await this.orderVars(shopId, cc.buyerId, v.vars);
    return v;
  }

  /** `variables` from the caches alone (the message path); undefined when something must be read first. */
  private variablesNow(conversationId: string, lib: Library, hint: { agentId: string | null }): { vars: Vars; productSku?: string; buyerId: string } | undefined {
    const cc = this.convs.get(conversationId);
    if (!cc) return undefined;
    cc.agentId = hint.agentId;
    let agentName: string | null = null;
    if (cc.agentId) {
      const have = this.fresh(this.agentNames, cc.agentId, AGENT_NAME_TTL_MS);
      if (!have) return undefined;
      agentName = have.value;
    }
    return this.convVars(lib, cc, agentName);
  }

  private shopVars(lib: Library): Vars {
    return { 店铺: lib.shopName, 营业时间: lib.hoursText, 买家称呼: '亲' };
  }

  private convVars(lib: Library, cc: ConvContext, agentName: string | null, productSku?: string): { vars: Vars; productSku?: string; buyerId: string } {
    const vars = this.shopVars(lib);
    if (cc.nickname && !cc.nickname.startsWith('访客')) vars['买家称呼'] = cc.nickname;
    if (agentName) vars['客服'] = agentName;
    const sku = productSku ?? cc.product.sku ?? cc.product.productId;
    const product = sku ? lib.productBySku.get(sku) : undefined;
    if (product) vars['商品'] = product.name;
    else if (cc.product.title) vars['商品'] = cc.product.title;
    return sku ? { vars, buyerId: cc.buyerId, productSku: sku } : { vars, buyerId: cc.buyerId };
  }

  /** Adds the buyer's latest order (number, courier, tracking number, amount, address) to `vars`. */
  private async orderVars(shopId: string, buyerId: string, vars: Vars): Promise<void> {
    addOrder(await this.latestOrder(shopId, buyerId), vars);
  }

  private latestOrder(shopId: string, buyerId: string): Promise<Order> {
    return this.cached(this.orders, buyerId, ORDER_TTL_MS, () => this.repo.latestOrder(shopId, buyerId), shopId);
  }

  /** Adds the buyer's latest order to `vars` when it is cached (fresh); whether it was (an order or none, known). */
  private cachedOrderVars(shopId: string, buyerId: string, vars: Vars): boolean {
    const have = this.fresh(this.orders, buyerId, ORDER_TTL_MS, shopId);
    if (!have) return false;
    addOrder(have.value, vars);
    return true;
  }

  /** The entry of `key`, if it was loaded less than `ttl` ms ago and for `scope` (the shop, where a key could be another's). */
  private fresh<T>(map: Map<string, Cached<T>>, key: string, ttl: number, scope?: string): Cached<T> | undefined {
    const have = map.get(key);
    return have && have.scope === scope && this.now() - have.at < ttl ? have : undefined;
  }

  private async cached<T>(map: Map<string, Cached<T>>, key: string, ttl: number, load: () => Promise<T>, scope?: string): Promise<T> {
    const have = this.fresh(map, key, ttl, scope);
    if (have) return have.value;
    const t = this.now();
    const value = await load();
    remember(map, key, scope === undefined ? { at: t, value } : { at: t, value, scope }, MAX_CONVS);
    return value;
  }

  /**
   * Classifies and ranks one text over the library and fills the variables, in the worker. The buyer's order is added
   * when it is cached; otherwise the worker says whether a ranked text needs it, and then it is read and asked again.
   */
  private async rank(
    shopId: string,
    lib: Library,
    model: ModelRef,
    text: string,
    v: { vars: Vars; productSku?: string; buyerId?: string },
    detail: boolean,
    limit = SUGGESTIONS,
    scores = false,
  ): Promise<RunOk> {
    let order = !v.buyerId || this.cachedOrderVars(shopId, v.buyerId, v.vars);
    if (!order && v.buyerId && lib.settings.autoAnswer && lib.autoNeedsOrder) {
      await this.orderVars(shopId, v.buyerId, v.vars);
      order = true;
    }
    const req: RunRequest = { shopId, lib: lib.ref, model, text, limit, vars: v.vars, order, detail };
    if (scores) req.scores = true;
    if (v.productSku) req.productSku = v.productSku;
    const r = await this.run(req);
    if (!r.needOrder || !v.buyerId) return r;
    const buyerId = v.buyerId;
    const o = await this.latestOrder(shopId, buyerId);
    if (!o) return r; // no order: the texts are final as they are
    const vars = { ...v.vars };
    addOrder(o, vars);
    v.vars = vars;
    return this.run({ ...req, vars, order: true });
  }

  /**
   * `rank` when everything it needs is at hand on this thread — the buyer's order cached (or not needed) and the
   * ranking kept (`RankedCache`) — else undefined. Changes `v.vars` as `rank` does.
   */
  private rankNow(shopId: string, lib: Library, model: ModelRef, text: string, v: { vars: Vars; productSku?: string; buyerId?: string }): RunOk | undefined {
    const order = !v.buyerId || this.cachedOrderVars(shopId, v.buyerId, v.vars);
    const req: RunRequest = { shopId, lib: lib.ref, model, text, limit: SUGGESTIONS, vars: v.vars, order, detail: false };
    if (v.productSku) req.productSku = v.productSku;
    const r = this.ranked.peek(req);
    if (!r || (r.needOrder && v.buyerId)) return undefined; // (the order is read on the way that can wait)
    this.ranked.hits++;
    return r;
  }

  /** One request: filled in from a kept ranking when the same question was asked before (`RankedCache`), else from the worker. */
  private run(req: RunRequest): Promise<RunOk> | RunOk {
    return this.ranked.answer(req, (keep) => this.offload.run(keep ? { ...req, keep } : req));
  }

  /** Classifies and ranks one text over the shop's library and fills the variables (REST: try-out, a workbench that opens later). */
  async suggestFor(shopId: string, input: { text: string; conversationId?: string | null; productSku?: string; limit?: number; scores?: boolean }) {
    const lib = await this.library(shopId);
    const model = await this.modelRef(shopId);
    const v = await this.variables(shopId, input.conversationId ?? null, lib, input.productSku, undefined, false);
    const r = await this.rank(shopId, lib, model, input.text, v, true, input.limit ?? SUGGESTIONS, input.scores ?? false);
    const c: ScenarioClassification = { text: input.text, scenario: r.scenario, confidence: r.confidence, top: r.top ?? [], rules: r.rules ?? [] };
    return { classification: c, items: JSON.parse(r.items) as SuggestionItemDto[], lib, vars: v };
  }

  /**
   * The suggestions for a conversation's latest buyer message, computed now (a workbench that opened after the push, or
   * missed it): the same ranking the push had unless picks or the library changed since.
   */
  async forConversation(shopId: string, conversationId: string): Promise<SuggestionsDto | null> {
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
    const dto: SuggestionsDto = { type: 'suggestions', conversationId, messageId: last.id, seq: Number(last.seq), scenario: c.scenario, confidence: round(c.confidence), items };
    const auto = this.autoAnswers.get(conversationId);
    if (auto?.messageId === last.id) dto.autoAnswered = auto.replyId;
    return dto;
  }

  /**
   * Computes the message's suggestions at once (several messages of a conversation may be in the worker together) and
   * pushes the frame after the previous message's frame of the same conversation, so agents get them in order.
   */
  private onBuyerMessage(shopId: string, p: MessageCreatedEvent): Promise<void> | undefined {
    const convId = p.message.conversationId;
    const prev = this.frameChain.get(convId);
    if (!prev) {
      // A repeated question in a known conversation with nothing of it still on its way: answered at once. Emitted once
      // this event's dispatch is over, so the message's own frame (another listener of it) reaches the agents first.
      const now = this.computeNow(shopId, p);
      if (now) {
        this.counts.atOnce++;
        queueMicrotask(() => {
          try {
            this.emitFrame(now);
          } catch (err) {
            this.ctx.log.error({ err }, 'assist failed');
          }
        });
        return undefined;
      }
    }
    const computed = this.computeSuggestions(shopId, p);
    let done: Promise<void>;
    if (prev) {
      computed.catch(noop); // handled below, after the previous frame
      done = prev.then(() => computed).then((r) => this.pushSuggestions(r));
    } else done = computed.then((r) => this.pushSuggestions(r));
    // The chain's link never rejects (the error is reported here), so one failed message does not hold back the next.
    const settle = () => {
      if (this.frameChain.get(convId) === link) this.frameChain.delete(convId);
    };
    const link: Promise<void> = done.then(settle, (err: unknown) => {
      settle();
      this.ctx.log.error({ err }, 'assist failed');
    });
    this.frameChain.set(convId, link);
    return link;
  }

  /**
   * The suggestions now, without waiting for anything, when they can be had that way: library, model, the
   * conversation's variables and the ranking all cached, and no automatic answer to send first. Else undefined.
   */
  private computeNow(shopId: string, p: MessageCreatedEvent): Computed | undefined {
    const lib = this.libsReady.get(shopId);
    const model = this.modelsReady.get(shopId);
    if (!lib || !model || lib.settings.autoAnswer) return undefined;
    const agentId = p.conversation.assignedAgentId;
    const v = this.variablesNow(p.message.conversationId, lib, { agentId });
    const r = v && this.rankNow(shopId, lib, model, p.message.text!, v);
    return r ? this.computed(shopId, p, lib, model, v.vars, r, agentId) : undefined;
  }

  /** The message path: everything comes from caches once a conversation is known, so this waits only for the worker. */
  private async computeSuggestions(shopId: string, p: MessageCreatedEvent): Promise<Computed> {
    const m = p.message;
    const lib = this.libsReady.get(shopId) ?? (await this.library(shopId));
    const model = this.modelsReady.get(shopId) ?? (await this.modelRef(shopId));
    const hint = { buyerId: p.buyerId, agentId: p.conversation.assignedAgentId };
    const v = this.variablesNow(m.conversationId, lib, hint) ?? (await this.variables(shopId, m.conversationId, lib, undefined, hint, false));
    const r = await this.rank(shopId, lib, model, m.text!, v, lib.settings.autoAnswer);
    return this.computed(shopId, p, lib, model, v.vars, r, hint.agentId);
  }

  /** A message's ranking → its frame to push; notes the text's scenario (and queues its write when not stored yet). */
  private computed(shopId: string, p: MessageCreatedEvent, lib: Library, model: ModelRef, vars: Vars, r: RunOk, agentId: string | null): Computed {
    const m = p.message;
    // Stored with the message already when the text's scenario was known (a repeated question): nothing to write, and
    // nothing to note.
    if (p.scenario === r.scenario) this.counts.storedWithScenario++;
    else {
      this.queueScenario({ shopId, conversationId: m.conversationId, messageId: m.id, seq: m.seq, scenario: r.scenario });
      // Noted once the text is asked again (a kept ranking, or one the worker was asked to keep): texts asked once are
      // the long tail, which would only churn the map.
      const key = r.kept || r.ranked !== undefined ? scenarioKey(shopId, m.text!) : null;
      if (key !== null) {
        const known = this.scenarios.get(key);
        if (known?.model !== model.v || known.scenario !== r.scenario) remember(this.scenarios, key, { model: model.v, scenario: r.scenario }, KNOWN_SCENARIOS);
      }
    }
    const pushed: Pushed = {
      shopId, buyerId: p.buyerId, conversationId: m.conversationId, messageId: m.id, seq: m.seq, scenario: r.scenario, confidence: round(r.confidence), items: r.items, shown: r.shown,
    };
    if (r.list) pushed.list = r.list;
    if (!r.kept) releaseAnswer(r);
    return { pushed, lib, vars, confidence: r.confidence, top: r.top ?? [], agentId };
  }

  /** Pushes the frame (after answering automatically, when the shop allows it). */
  private pushSuggestions(r: Computed): Promise<void> | void {
    if (r.lib.settings.autoAnswer) return this.autoAnswer(r).then(() => this.emitFrame(r));
    this.emitFrame(r);
  }

  private emitFrame(r: Computed): void {
    const { pushed } = r;
    if (pushed.shown) {
      // Replaced in place, not moved to the end (least recently used): the agent's answer deletes a conversation's
      // entry, so the next question puts it last again; only a conversation whose buyer keeps writing while no agent
      // answers keeps its place, and that goes once MAX_PENDING other conversations have been shown suggestions since.
      setBounded(this.pending, pushed.conversationId, pushed.shown, MAX_PENDING);
    } else this.pending.delete(pushed.conversationId);
    this.ctx.events.emit<SuggestionsEvent>(ASSIST_EVENTS.suggestions, pushed.shopId, frameParts(r.agentId ? [r.agentId] : [], pushed));
  }

  private async autoAnswer(r: Computed): Promise<void> {
    const { pushed, lib } = r;
    const auto = chooseAutoAnswer({
      scenario: pushed.scenario,
      confidence: r.confidence,
      alternatives: r.top.slice(1),
      setting: { enabled: true, ...(lib.settings.minConfidence != null ? { minConfidence: lib.settings.minConfidence } : {}) },
      replies: lib.replies.map((x) => ({ id: x.id, scenario: x.scenario as ScenarioId, text: x.text, safeForAuto: x.safe_for_auto === 1 })),
      rankedIds: shownItems(pushed.shown).map((i) => i.id),
      vars: r.vars,
    });
    if (auto) {
      await this.ctx.chat.conversations.writer.append({
        shopId: pushed.shopId, conversationId: pushed.conversationId, clientId: `aa_${pushed.messageId}`.slice(0, 64), sender: 'auto', agentId: null, kind: 'text', text: auto.text, payload: null,
      });
      pushed.autoAnswered = auto.id;
      remember(this.autoAnswers, pushed.conversationId, { messageId: pushed.messageId, replyId: auto.id }, MAX_TRACKED);
      await this.record(pushed.shopId, { conversationId: pushed.conversationId, buyerId: pushed.buyerId, agentId: null }, [], auto.id);
    }
  }

  /** An agent answered: the suggestion whose text they sent was picked, otherwise they typed their own. */
  private async onAgentMessage(shopId: string, p: MessageCreatedEvent): Promise<void> {
    const m = p.message;
    const pend = this.pending.get(m.conversationId);
    const shown = pend ? shownItems(pend) : [];
    const key = textKey(m.text!);
    let picked: string | null = null;
    for (const i of shown) if (i.key === key) picked = i.id;
    if (!picked) {
      // Sent from the library without the suggestion list (shortcut, side panel): match the unfilled text's fixed parts.
      const lib = await this.library(shopId);
      picked = lib.replies.find((r) => matchesTemplate(r.text, m.text!))?.id ?? null;
    }
    if (!pend && !picked) return;
    this.pending.delete(m.conversationId);
    await this.record(shopId, { conversationId: m.conversationId, buyerId: p.buyerId, agentId: m.agentId ?? null }, shown.map((i) => i.id), picked);
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
    lib.ref.stats = recordFeedback(lib.ref.stats, ids, pickedId);
    this.offload.feedback(shopId, lib.ref, ids, pickedId);
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

  /** The scenario the shop's current model gives this text, when this process classified the same text recently. */
  knownScenario(shopId: string, text: string): ScenarioId | null {
    const key = scenarioKey(shopId, text);
    if (key === null) return null;
    const model = this.modelsReady.get(shopId);
    const known = model && this.scenarios.get(key);
    return known && known.model === model.v ? known.scenario : null;
  }

  private queueScenario(u: ScenarioUpdate): void {
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

let versions = 0;
/** Versions of libraries and models, unique in the process (the worker keeps the one it was last sent). */
function nextVersion(): number {
  return ++versions;
}

function noop(): void {}

function addOrder(o: Order, vars: Vars): void {
  if (!o) return;
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

/**
 * Empties an answer of the worker (or one computed inline) once the message path has what it needs from it: its texts
 * are in the frame. Left whole, the answer's ~2 KB of items text reached the old generation with most messages in the
 * realtime bench although nothing live refers to it (a heap snapshot, taken after a full collection, holds none):
 * a dead object of the old generation still pointed at it — most likely the promise or the suspended async call that
 * awaited it (`rank`, `computeSuggestions`), begun when the message came and moved to the old generation while the
 * worker computed — and young-generation collections take such pointers as roots until a full collection. Emptied,
 * only the small object is held that way. Kept answers (`kept`, from `RankedCache`) are shared and stay whole.
 * Measured: bench/README.md, realtime, 2026-11-25.
 */
function releaseAnswer(r: RunOk): void {
  r.items = '';
  if (r.ranked !== undefined) r.ranked = '';
  if (r.list !== undefined) r.list = '';
}

/** The pushed `suggestions` frame as JSON text, in parts around the items' JSON from the worker (or the kept ranking). */
function frameParts(agentIds: string[], p: Pushed): SuggestionsEvent {
  const head = `{"type":"suggestions","conversationId":${JSON.stringify(p.conversationId)},"messageId":${JSON.stringify(p.messageId)},"seq":${p.seq},"scenario":"${p.scenario}","confidence":${p.confidence},"items":`;
  const e: SuggestionsEvent = { agentIds, head, items: p.items, tail: p.autoAnswered ? `,"autoAnswered":${JSON.stringify(p.autoAnswered)}}` : '}' };
  if (p.list) e.list = p.list;
  return e;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** True when `sent` is `template` with its `{变量}` placeholders replaced by anything (whitespace ignored). */
export function matchesTemplate(template: string, sent: string): boolean {
  const parts = withoutSpace(template).split(/\{[^{}\s]{1,16}\}/);
  const s = withoutSpace(sent);
  if (parts.length === 1) return parts[0] === s;
  const re = new RegExp(`^${parts.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.{0,60}?')}$`, 'u');
  return re.test(s);
}

export type { KefuEvent };
