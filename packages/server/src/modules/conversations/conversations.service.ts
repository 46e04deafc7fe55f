import {
  type BuyerConversationDto,
  type ConversationDto,
  type ConversationReason,
  type MessageDto,
  type MessageKind,
  REALTIME_LIMITS,
  type Platform,
  type ScenarioId,
  type WidgetBootstrapDto,
} from '@kefu/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { AuthContext } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import type { EventBus } from '../../events/bus.js';
import { newId } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import { autoRepliesFor } from '../autoreply/autoreply.policy.js';
import type { ChatSettingsRepository } from '../autoreply/autoreply.repository.js';
import { describeHours, isOpenAt } from '../autoreply/business-hours.js';
import type { RoutingService } from '../routing/routing.service.js';
import { groupKindOf, scenarioOf } from '../routing/scenario.js';
import { parseBusinessHours } from '../shops/shops.presenter.js';
import type { ShopsRepository } from '../shops/shops.repository.js';
import { type BuyerPrincipal, type BuyerTokens, verifyBuyerSig } from './buyer-token.js';
import {
  CHAT_EVENTS,
  type ConversationChangedEvent,
  type MessageCreatedEvent,
  type QueueEvent,
  type ReadEvent,
  type TypingEvent,
} from './conversations.events.js';
import { assertTransition, validateContent } from './conversations.policy.js';
import {
  type ConversationRow,
  presentBuyerConversation,
  presentConversation,
  presentMessage,
  presentPatch,
} from './conversations.presenter.js';
import { ConversationsRepository } from './conversations.repository.js';
import { type AppendResult, MessageWriter } from './message-writer.js';
import { ShopBatchLoader } from '../../storage/batch-loader.js';
import type { CommitSync } from '../../storage/commit-sync.js';

export interface SendInput {
  clientId: string;
  kind: MessageKind;
  text?: string | undefined;
  payload?: unknown;
}

export interface SendResult {
  message: MessageDto;
  duplicate: boolean;
  /** Routing and auto replies that follow a session's first buyer message (after the ack). */
  followUp: Promise<void>;
}

export interface ChatDeps {
  db: Kysely<Database>;
  events: EventBus;
  shops: ShopsRepository;
  settings: ChatSettingsRepository;
  routing: RoutingService;
  tokens: BuyerTokens;
  /** Durable commits off the event loop for the message writer (default: plain transactions). */
  commits?: CommitSync;
  now?: () => number;
}

const OPEN_STATES = ['open', 'waiting', 'assigned'] as const;

/** Conversations: buyer and agent messages, the state machine, routing at session start, auto replies. */
export class ConversationsService {
  readonly repo: ConversationsRepository;
  readonly writer: MessageWriter;
  private readonly now: () => number;
  private readonly shopChains = new Map<string, Promise<unknown>>();
  private readonly buyerConv = new Map<string, ConversationRow>();
  /** Buyers' conversations looked up in the same turn (hellos, first sends of many buyers) are read with one query. */
  private readonly buyerConvLoader: ShopBatchLoader<ConversationRow>;
  /**
   * Hooks other modules install. `beforeAgentSend` may throw `message.blocked` (quality: the reply coach). `scenarioOf`
   * answers a buyer text's scenario when it already knows it, at once (assist: a recently repeated question), so the
   * message is written with it; null when it does not (the scenario is then written once it is classified).
   */
  readonly hooks: {
    beforeAgentSend?: (conv: ConversationRow, input: SendInput, auth: AuthContext) => Promise<void>;
    scenarioOf?: (shopId: string, text: string) => string | null;
  } = {};

  constructor(private readonly deps: ChatDeps) {
    this.repo = new ConversationsRepository(deps.db);
    this.now = deps.now ?? Date.now;
    this.writer = new MessageWriter(deps.db, this.now, (r) => this.emitMessage(r), deps.commits);
    this.buyerConvLoader = new ShopBatchLoader((shopId, buyerIds) => this.repo.findForBuyers(shopId, buyerIds), (row) => row.buyer_id);
  }

  /** The buyer's conversation, read now (batched with other buyers' lookups of this turn); primes the send path's cache. */
  async findBuyerConversation(p: BuyerPrincipal): Promise<ConversationRow | undefined> {
    const conv = await this.buyerConvLoader.load(p.shopId, p.buyerId);
    if (conv) this.rememberBuyerConv(p.buyerId, conv);
    return conv;
  }

  private rememberBuyerConv(buyerId: string, conv: ConversationRow): void {
    if (this.buyerConv.size > 100_000) this.buyerConv.clear();
    this.buyerConv.set(buyerId, conv);
  }

  // ---- buyer side ------------------------------------------------------------------------------

  /** Widget start: shop by public key → buyer (anonymous or shop-signed) → token and current conversation. */
  async bootstrap(input: { publicKey: string; anonId?: string | undefined; buyerId?: string | undefined; buyerSig?: string | undefined; nickname?: string | undefined }): Promise<WidgetBootstrapDto> {
    const shop = await this.deps.shops.findByPublicKey(input.publicKey);
    if (!shop) throw new AppError('resource.not_found', '找不到该店铺');
    const t = this.now();
    let identity: { anonId: string } | { externalId: string };
    if (input.buyerId !== undefined || input.buyerSig !== undefined) {
      const secret = await this.deps.settings.widgetSecret(shop.id);
      if (!input.buyerId || !input.buyerSig || !verifyBuyerSig(secret, input.buyerId, input.buyerSig)) throw new AppError('widget.invalid_signature');
      identity = { externalId: input.buyerId };
    } else {
      identity = { anonId: input.anonId ?? newId('anon', t).slice(5) };
    }
    const id = newId('buyer', t);
    const buyer = await this.repo.upsertBuyer(shop.id, identity, {
      id,
      shop_id: shop.id,
      anon_id: 'anonId' in identity ? identity.anonId : null,
      external_id: 'externalId' in identity ? identity.externalId : null,
      nickname: input.nickname ?? `访客${id.slice(-4).toUpperCase()}`,
      created_at: t,
      last_seen_at: t,
      last_agent_id: null,
    });
    const conv = await this.repo.findForBuyer(shop.id, buyer.id);
    const candidates = await this.deps.routing.repo.candidates(shop.id);
    return {
      buyerToken: await this.deps.tokens.sign({ shopId: shop.id, buyerId: buyer.id }),
      buyer: { id: buyer.id, nickname: buyer.nickname, anonId: buyer.anon_id },
      shop: {
        name: shop.name,
        platform: shop.platform as Platform,
        online: candidates.some((c) => c.status === 'online'),
        openNow: isOpenAt(parseBusinessHours(shop.business_hours), shop.time_zone, t),
      },
      conversation: conv ? await this.buyerView(conv) : null,
      wsPath: '/ws/buyer',
      limits: { maxTextLength: REALTIME_LIMITS.maxTextLength, maxImageBytes: REALTIME_LIMITS.maxImageBytes },
    };
  }

  async buyerConversation(p: BuyerPrincipal): Promise<BuyerConversationDto | null> {
    const conv = await this.repo.findForBuyer(p.shopId, p.buyerId);
    return conv ? this.buyerView(conv) : null;
  }

  /** The buyer's own conversation by id, or conversation.not_found (another buyer's id answers the same). */
  async buyerOwned(p: BuyerPrincipal, conversationId: string): Promise<ConversationRow> {
    const conv = await this.repo.find(p.shopId, conversationId);
    if (!conv || conv.buyer_id !== p.buyerId) throw new AppError('conversation.not_found');
    return conv;
  }

  async sendAsBuyer(p: BuyerPrincipal, input: SendInput & { conversationId?: string | undefined }): Promise<SendResult> {
    const content = validateContent('buyer', input.kind, input.text, input.payload);
    let conv: ConversationRow;
    // A buyer's conversation id never changes (one per buyer and shop), so it is safe to cache.
    const cached = this.buyerConv.get(p.buyerId);
    const existing = cached && cached.shop_id === p.shopId && (!input.conversationId || input.conversationId === cached.id) ? cached : input.conversationId ? null : await this.findBuyerConversation(p);
    if (existing) conv = existing;
    else if (input.conversationId) conv = await this.buyerOwned(p, input.conversationId);
    else {
      const t = this.now();
      conv = (
        await this.repo.ensureForBuyer(p.shopId, p.buyerId, {
          id: newId('conv', t),
          shop_id: p.shopId,
          buyer_id: p.buyerId,
          status: 'open',
          assigned_agent_id: null,
          group_id: null,
          scenario: null,
          last_seq: 0,
          last_message_at: null,
          waiting_since: null,
          queued_at: null,
          unread: 0,
          agent_read_seq: 0,
          buyer_read_seq: 0,
          session_started_at: t,
          created_at: t,
          updated_at: t,
          closed_at: null,
        })
      ).conversation;
    }
    this.rememberBuyerConv(p.buyerId, conv);
    const r = await this.writer.append({
      shopId: p.shopId,
      conversationId: conv.id,
      clientId: input.clientId,
      sender: 'buyer',
      agentId: null,
      kind: input.kind,
      text: content.text,
      payload: content.payload,
      scenario: input.kind === 'text' && content.text ? (this.hooks.scenarioOf?.(p.shopId, content.text) ?? null) : null,
    });
    const followUp = !r.duplicate && r.conversation.status === 'open' ? this.startSession(r.conversation, r.message) : Promise.resolve();
    return { message: presentMessage(r.message), duplicate: r.duplicate, followUp };
  }

  /** Buyer history, newest page first by `beforeSeq`; notes are never included. */
  async buyerHistory(p: BuyerPrincipal, beforeSeq: number | null, limit: number): Promise<{ conversation: BuyerConversationDto | null; messages: MessageDto[] }> {
    const conv = await this.repo.findForBuyer(p.shopId, p.buyerId);
    if (!conv) return { conversation: null, messages: [] };
    const rows = await this.repo.messagesBefore(p.shopId, conv.id, beforeSeq, limit, true);
    return { conversation: await this.buyerView(conv), messages: rows.map(presentMessage) };
  }

  async buyerTyping(p: BuyerPrincipal, conversationId: string, on: boolean): Promise<void> {
    await this.buyerOwned(p, conversationId);
    this.deps.events.emit<TypingEvent>(CHAT_EVENTS.typing, p.shopId, { conversationId, buyerId: p.buyerId, from: 'buyer', on });
  }

  async buyerRead(p: BuyerPrincipal, conversationId: string, seq: number): Promise<void> {
    await this.buyerOwned(p, conversationId);
    await this.repo.markBuyerRead(p.shopId, conversationId, seq);
    this.deps.events.emit<ReadEvent>(CHAT_EVENTS.read, p.shopId, { conversationId, buyerId: p.buyerId, seq, by: 'buyer' });
  }

  /**
   * Posts an automatic message (payment reminder, order card) to the buyer's conversation inside the caller's
   * transaction, idempotent by clientId; a buyer without a conversation gets a closed one (their reply reopens it).
   * Call `emit()` after the transaction committed.
   */
  async postSystemMessage(
    trx: Transaction<Database>,
    shopId: string,
    buyerId: string,
    text: string | null,
    opts: { clientId: string; kind?: 'text' | 'order'; payload?: unknown; sender?: 'auto' | 'system' },
  ): Promise<{ messageId: string; conversationId: string; emit(): void }> {
    const kind = opts.kind ?? 'text';
    const content = validateContent('system', kind, text, opts.payload);
    const t = this.now();
    let conv = await trx.selectFrom('conversations').selectAll().where('shop_id', '=', shopId).where('buyer_id', '=', buyerId).executeTakeFirst();
    if (!conv) {
      const row: ConversationRow = {
        id: newId('conv', t), shop_id: shopId, buyer_id: buyerId, status: 'closed', assigned_agent_id: null, group_id: null, scenario: null,
        last_seq: 0, last_message_at: null, waiting_since: null, queued_at: null, unread: 0, agent_read_seq: 0, buyer_read_seq: 0,
        session_started_at: t, created_at: t, updated_at: t, closed_at: t,
      };
      await trx.insertInto('conversations').values(row).onConflict((oc) => oc.columns(['shop_id', 'buyer_id']).doNothing()).execute();
      conv = await trx.selectFrom('conversations').selectAll().where('shop_id', '=', shopId).where('buyer_id', '=', buyerId).executeTakeFirstOrThrow();
    }
    const r = await this.writer.appendIn(trx, {
      shopId, conversationId: conv.id, clientId: opts.clientId, sender: opts.sender ?? 'auto', agentId: null, kind, text: content.text, payload: content.payload,
    });
    return { messageId: r.message.id, conversationId: conv.id, emit: () => this.writer.notifyCommitted(r) };
  }

  // ---- agent side ------------------------------------------------------------------------------

  /** A conversation the agent may see (their shops), else conversation.not_found. */
  async agentOwned(auth: AuthContext, conversationId: string, shopId?: string): Promise<ConversationRow> {
    const shops = shopId ? auth.shopIds.filter((s) => s === shopId) : auth.shopIds;
    const conv = await this.repo.findInShops(shops, conversationId);
    if (!conv) throw new AppError('conversation.not_found');
    return conv;
  }

  async list(auth: AuthContext, shopId: string, q: { filter: 'mine' | 'waiting' | 'all' | 'closed'; cursor?: string | undefined; limit: number }): Promise<{ conversations: ConversationDto[]; nextCursor: string | null }> {
    let after: { at: number; id: string } | null = null;
    if (q.cursor) {
      const [at, id] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
      if (!at || !id || !Number.isFinite(Number(at))) throw new AppError('request.invalid', 'cursor 无效');
      after = { at: Number(at), id };
    }
    const rows = await this.repo.list(shopId, q.filter, auth.agent.id, q.limit, after);
    const out: ConversationDto[] = [];
    for (const r of rows) out.push(presentConversation(r, { id: r.buyer_id, nickname: r.buyer_nickname }, await this.repo.queuePosition(shopId, r)));
    const last = rows[rows.length - 1];
    const nextCursor =
      rows.length === q.limit && last ? Buffer.from(`${Number(last.last_message_at ?? last.created_at)}|${last.id}`).toString('base64url') : null;
    return { conversations: out, nextCursor };
  }

  async get(auth: AuthContext, shopId: string, id: string): Promise<ConversationDto> {
    return this.agentView(await this.agentOwned(auth, id, shopId));
  }

  async messages(auth: AuthContext, shopId: string, id: string, q: { beforeSeq?: number | undefined; afterSeq?: number | undefined; limit: number }): Promise<{ messages: MessageDto[]; hasMore: boolean }> {
    const conv = await this.agentOwned(auth, id, shopId);
    const rows =
      q.afterSeq !== undefined
        ? await this.repo.messagesAfter(shopId, conv.id, q.afterSeq, q.limit + 1, false)
        : await this.repo.messagesBefore(shopId, conv.id, q.beforeSeq ?? null, q.limit + 1, false);
    const hasMore = rows.length > q.limit;
    const page = hasMore ? (q.afterSeq !== undefined ? rows.slice(0, q.limit) : rows.slice(1)) : rows;
    return { messages: page.map(presentMessage), hasMore };
  }

  async sendAsAgent(auth: AuthContext, conversationId: string, input: SendInput, shopId?: string): Promise<SendResult> {
    const conv = await this.agentOwned(auth, conversationId, shopId);
    const content = validateContent('agent', input.kind, input.text, input.payload);
    if (input.kind !== 'note') await this.hooks.beforeAgentSend?.(conv, { ...input, text: content.text ?? undefined }, auth);
    const r = await this.writer.append({
      shopId: conv.shop_id,
      conversationId: conv.id,
      clientId: input.clientId,
      sender: 'agent',
      agentId: auth.agent.id,
      kind: input.kind,
      text: content.text,
      payload: content.payload,
    });
    // Replying to a queued conversation takes it (as in every inbox).
    if (!r.duplicate && input.kind !== 'note' && (r.conversation.status === 'waiting' || r.conversation.status === 'open')) {
      await this.assignTo(r.conversation, auth.agent.id, 'assigned');
    }
    return { message: presentMessage(r.message), duplicate: r.duplicate, followUp: Promise.resolve() };
  }

  async addNote(auth: AuthContext, conversationId: string, text: string, clientId?: string, shopId?: string): Promise<SendResult> {
    return this.sendAsAgent(auth, conversationId, { clientId: clientId ?? newId('note').slice(5), kind: 'note', text }, shopId);
  }

  async agentTyping(auth: AuthContext, conversationId: string, on: boolean): Promise<void> {
    const conv = await this.agentOwned(auth, conversationId);
    this.deps.events.emit<TypingEvent>(CHAT_EVENTS.typing, conv.shop_id, { conversationId, buyerId: conv.buyer_id, from: 'agent', agentId: auth.agent.id, on });
  }

  async agentRead(auth: AuthContext, conversationId: string, seq: number, shopId?: string): Promise<ConversationDto> {
    const conv = await this.agentOwned(auth, conversationId, shopId);
    const row = (await this.repo.markAgentRead(conv.shop_id, conv.id, seq)) ?? conv;
    this.deps.events.emit<ReadEvent>(CHAT_EVENTS.read, conv.shop_id, { conversationId, buyerId: conv.buyer_id, seq, by: 'agent' });
    await this.emitChanged(row, 'read');
    return this.agentView(row);
  }

  /** Claim a conversation for oneself (any open state). */
  async claim(auth: AuthContext, shopId: string, id: string): Promise<ConversationDto> {
    return this.assign(auth, shopId, id, auth.agent.id);
  }

  async assign(auth: AuthContext, shopId: string, id: string, agentId: string): Promise<ConversationDto> {
    const conv = await this.agentOwned(auth, id, shopId);
    if (conv.status === 'closed') assertTransition('closed', 'assigned');
    await this.assertAgentOfShop(shopId, agentId);
    const row = await this.assignTo(conv, agentId, 'assigned');
    if (!row) throw new AppError('conversation.invalid_transition', '会话状态已变化，请刷新');
    return this.agentView(row);
  }

  /** Transfer to an agent or a group, with an internal note; a group with nobody free queues it. */
  async transfer(auth: AuthContext, shopId: string, id: string, body: { toAgentId?: string | undefined; toGroupId?: string | undefined; note?: string | undefined }): Promise<ConversationDto> {
    const conv = await this.agentOwned(auth, id, shopId);
    if (conv.status === 'closed') assertTransition('closed', 'assigned');
    let targetName: string;
    let row: ConversationRow | undefined;
    if (body.toAgentId) {
      const target = await this.assertAgentOfShop(shopId, body.toAgentId);
      targetName = target.displayName;
      row = await this.assignTo(conv, body.toAgentId, 'transferred');
    } else {
      const group = await this.deps.routing.repo.findGroup(shopId, body.toGroupId!);
      if (!group) throw new AppError('resource.not_found', '找不到该分组');
      targetName = group.name;
      const pick = await this.deps.routing.pick(shopId, group.memberIds.filter((m) => m !== conv.assigned_agent_id), null);
      if (pick) row = await this.assignTo(conv, pick, 'transferred', group.id);
      else row = await this.enqueue(conv, group.id, 'transferred');
    }
    if (!row) throw new AppError('conversation.invalid_transition', '会话状态已变化，请刷新');
    const note = `${auth.agent.displayName} 转接给 ${targetName}${body.note ? `：${body.note}` : ''}`;
    await this.writer.append({ shopId, conversationId: id, clientId: newId('xfer').slice(5), sender: 'system', agentId: auth.agent.id, kind: 'note', text: note, payload: null });
    await this.systemMessage(row, '正在为您转接其他客服，请稍候～');
    void this.drainQueue(shopId);
    return this.agentView((await this.repo.find(shopId, id)) ?? row);
  }

  async close(auth: AuthContext | null, shopId: string, id: string): Promise<ConversationDto> {
    const conv = auth ? await this.agentOwned(auth, id, shopId) : await this.repo.find(shopId, id);
    if (!conv) throw new AppError('conversation.not_found');
    if (conv.status === 'closed') return this.agentView(conv);
    const row = await this.repo.transition(shopId, id, OPEN_STATES, { status: 'closed', closed_at: this.now(), updated_at: this.now(), queued_at: null });
    if (!row) throw new AppError('conversation.invalid_transition', '会话状态已变化，请刷新');
    await this.systemMessage(row, '本次会话已结束，感谢您的咨询，祝您生活愉快～如有问题随时再发消息给我们哦！');
    await this.emitChanged(row, 'closed');
    if (conv.status === 'waiting') void this.emitQueuePositions(shopId);
    void this.drainQueue(shopId);
    return this.agentView(row);
  }

  /** Closes one idle assigned conversation if it is still idle (auto-close job); false when it changed meanwhile. */
  async autoClose(shopId: string, id: string, idleBefore: number): Promise<boolean> {
    const t = this.now();
    const row = await this.deps.db
      .updateTable('conversations')
      .set({ status: 'closed', closed_at: t, updated_at: t })
      .where('shop_id', '=', shopId)
      .where('id', '=', id)
      .where('status', '=', 'assigned')
      .where('last_message_at', '<', idleBefore)
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    await this.systemMessage(row, '由于长时间没有新消息，本次会话已自动结束。如有问题可以随时再发消息给我们哦～');
    await this.emitChanged(row, 'closed');
    void this.drainQueue(shopId);
    return true;
  }

  // ---- routing ---------------------------------------------------------------------------------

  /** Routes a session's first buyer message and sends its auto replies. */
  private async startSession(conv: ConversationRow, first: { text: string | null; scenario?: string | null }): Promise<void> {
    const shop = await this.repo.shop(conv.shop_id);
    if (!shop) return;
    const buyer = await this.repo.findBuyer(conv.shop_id, conv.buyer_id);
    // The shop model's scenario when the message was stored with one (a repeated question: `hooks.scenarioOf`), which
    // the conversation already has and must keep; otherwise the shared default model's.
    const scenario = (first.scenario as ScenarioId | null | undefined) ?? scenarioOf(first.text);
    const kind = groupKindOf(scenario);
    const group = kind ? (await this.deps.routing.repo.listGroups(conv.shop_id)).find((g) => g.kind === kind && g.memberIds.length > 0) : undefined;
    const pick = await this.deps.routing.pick(conv.shop_id, group?.memberIds ?? null, buyer?.last_agent_id ?? null);
    const returning = Number(conv.session_started_at ?? 0) > Number(conv.created_at) || Boolean(buyer?.last_agent_id);
    const base = { scenario, group_id: group?.id ?? null } as Partial<ConversationRow>;
    const reason: ConversationReason = Number(conv.session_started_at) === Number(conv.created_at) ? 'created' : 'reopened';
    const row = pick
      ? await this.assignTo(conv, pick, reason, group?.id ?? null, ['open'], base)
      : await this.enqueue(conv, group?.id ?? null, reason, ['open'], base);
    if (!row) return; // another process routed it first
    const settings = await this.deps.settings.autoReply(conv.shop_id);
    const hours = parseBusinessHours(shop.business_hours);
    const position = await this.repo.queuePosition(conv.shop_id, row);
    const anyoneOnline = (await this.deps.routing.repo.candidates(conv.shop_id)).some((c) => c.status === 'online');
    const replies = autoRepliesFor({
      settings,
      shopName: shop.name,
      hoursText: describeHours(hours),
      openNow: isOpenAt(hours, shop.time_zone, this.now()),
      returning,
      routed: { status: pick ? 'assigned' : 'waiting', queuePosition: position, anyoneOnline },
    });
    const session = Number(row.session_started_at ?? row.created_at);
    for (const r of replies) {
      await this.writer.append({ shopId: conv.shop_id, conversationId: conv.id, clientId: `auto_${r.kind}_${session}`, sender: 'auto', agentId: null, kind: 'text', text: r.text, payload: null });
    }
  }

  /** Conditionally moves a conversation to `assigned` for an agent; undefined when its status changed meanwhile. */
  private async assignTo(
    conv: ConversationRow,
    agentId: string,
    reason: ConversationReason,
    groupId?: string | null,
    from: readonly string[] = OPEN_STATES,
    extra: Partial<ConversationRow> = {},
  ): Promise<ConversationRow | undefined> {
    const row = await this.repo.transition(conv.shop_id, conv.id, from, {
      ...extra,
      status: 'assigned',
      assigned_agent_id: agentId,
      ...(groupId !== undefined ? { group_id: groupId } : {}),
      queued_at: null,
      updated_at: this.now(),
    });
    if (!row) return undefined;
    await this.repo.setLastAgent(conv.shop_id, conv.buyer_id, agentId);
    await this.emitChanged(row, reason);
    if (conv.status === 'waiting') void this.emitQueuePositions(conv.shop_id);
    return row;
  }

  private async enqueue(conv: ConversationRow, groupId: string | null, reason: ConversationReason, from: readonly string[] = OPEN_STATES, extra: Partial<ConversationRow> = {}): Promise<ConversationRow | undefined> {
    const t = this.now();
    const row = await this.repo.transition(conv.shop_id, conv.id, from, { ...extra, status: 'waiting', assigned_agent_id: null, group_id: groupId, queued_at: t, updated_at: t });
    if (!row) return undefined;
    await this.emitChanged(row, reason);
    // Joining at the end moves nobody else: only the newcomer learns its position.
    const position = await this.repo.queuePosition(conv.shop_id, row);
    if (position !== null) this.deps.events.emit<QueueEvent>(CHAT_EVENTS.queue, conv.shop_id, { conversationId: row.id, buyerId: row.buyer_id, position });
    return row;
  }

  /** Gives queued conversations to agents with room, oldest first; serialised per shop in this process. */
  drainQueue(shopId: string): Promise<void> {
    const prev = this.shopChains.get(shopId) ?? Promise.resolve();
    const next = prev.then(async () => {
      for (const conv of await this.repo.listWaiting(shopId)) {
        const group = conv.group_id ? await this.deps.routing.repo.findGroup(shopId, conv.group_id) : undefined;
        const buyer = await this.repo.findBuyer(shopId, conv.buyer_id);
        const pick = await this.deps.routing.pick(shopId, group && group.memberIds.length ? group.memberIds : null, buyer?.last_agent_id ?? null);
        if (!pick) {
          if ((await this.deps.routing.pick(shopId, null, null)) === null) break;
          continue;
        }
        await this.assignTo(conv, pick, 'assigned', undefined, ['waiting']);
      }
    });
    const settled = next.catch(() => {});
    this.shopChains.set(shopId, settled);
    return next;
  }

  private async emitQueuePositions(shopId: string): Promise<void> {
    const waiting = await this.repo.listWaiting(shopId);
    waiting.forEach((c, i) => this.deps.events.emit<QueueEvent>(CHAT_EVENTS.queue, shopId, { conversationId: c.id, buyerId: c.buyer_id, position: i + 1 }));
  }

  private async assertAgentOfShop(shopId: string, agentId: string): Promise<{ displayName: string }> {
    const c = (await this.deps.routing.repo.candidates(shopId, [agentId]))[0];
    if (!c) throw new AppError('resource.not_found', '找不到该客服');
    return c;
  }

  private async systemMessage(conv: ConversationRow, text: string): Promise<void> {
    await this.writer.append({ shopId: conv.shop_id, conversationId: conv.id, clientId: newId('sys').slice(4), sender: 'system', agentId: null, kind: 'text', text, payload: null });
  }

  // ---- views and events ------------------------------------------------------------------------

  async agentView(row: ConversationRow): Promise<ConversationDto> {
    const buyer = await this.repo.findBuyer(row.shop_id, row.buyer_id);
    return presentConversation(row, { id: row.buyer_id, nickname: buyer?.nickname ?? '访客' }, await this.repo.queuePosition(row.shop_id, row));
  }

  async buyerView(row: ConversationRow): Promise<BuyerConversationDto> {
    const names = await this.repo.agentNames(row.assigned_agent_id ? [row.assigned_agent_id] : []);
    return presentBuyerConversation(row, row.assigned_agent_id ? (names.get(row.assigned_agent_id) ?? null) : null, await this.repo.queuePosition(row.shop_id, row));
  }

  private async emitChanged(row: ConversationRow, reason: ConversationReason): Promise<void> {
    const [conversation, buyerView] = await Promise.all([this.agentView(row), this.buyerView(row)]);
    this.deps.events.emit<ConversationChangedEvent>(CHAT_EVENTS.conversationChanged, row.shop_id, { reason, buyerId: row.buyer_id, conversation, buyerView });
  }

  private emitMessage(r: AppendResult): void {
    this.deps.events.emit<MessageCreatedEvent>(CHAT_EVENTS.messageCreated, r.message.shop_id, {
      audience: r.message.kind === 'note' ? 'agents' : 'all',
      buyerId: r.conversation.buyer_id,
      message: presentMessage(r.message),
      conversation: presentPatch(r.conversation),
      scenario: r.message.scenario ?? null,
    });
  }
}
