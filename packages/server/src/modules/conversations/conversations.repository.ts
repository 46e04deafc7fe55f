import { CONVERSATION_STATUSES } from '@kefu/contracts';
import { type Kysely, sql } from 'kysely';
import type { BuyersTable, Database } from '../../storage/schema.js';
import type { ConversationRow, MessageRow } from './conversations.presenter.js';

export type BuyerRow = BuyersTable;

export interface ConversationListItem extends ConversationRow {
  buyer_nickname: string;
}

/** Every status but `closed`: the "all" list (open work). */
const NOT_CLOSED = CONVERSATION_STATUSES.filter((s) => s !== 'closed');

/** Buyers, conversations and messages; every query is scoped by shop. */
export class ConversationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Finds or creates the buyer for an identity; insert-or-ignore keeps concurrent bootstraps to one row. */
  async upsertBuyer(shopId: string, identity: { anonId: string } | { externalId: string }, row: BuyerRow): Promise<BuyerRow> {
    const col = 'anonId' in identity ? 'anon_id' : 'external_id';
    const value = 'anonId' in identity ? identity.anonId : identity.externalId;
    await this.db.insertInto('buyers').values(row).onConflict((oc) => oc.columns(['shop_id', col]).doNothing()).execute();
    const found = await this.db.selectFrom('buyers').selectAll().where('shop_id', '=', shopId).where(col, '=', value).executeTakeFirstOrThrow();
    if (found.id !== row.id) await this.db.updateTable('buyers').set({ last_seen_at: row.last_seen_at }).where('id', '=', found.id).where('shop_id', '=', shopId).execute();
    return found;
  }

  findBuyer(shopId: string, buyerId: string): Promise<BuyerRow | undefined> {
    return this.db.selectFrom('buyers').selectAll().where('shop_id', '=', shopId).where('id', '=', buyerId).executeTakeFirst();
  }

  async setLastAgent(shopId: string, buyerId: string, agentId: string): Promise<void> {
    await this.db.updateTable('buyers').set({ last_agent_id: agentId }).where('shop_id', '=', shopId).where('id', '=', buyerId).execute();
  }

  find(shopId: string, id: string): Promise<ConversationRow | undefined> {
    return this.db.selectFrom('conversations').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
  }

  /** Lookup by id across the given shops (an agent's shops); callers pass the shops they may see. */
  findInShops(shopIds: readonly string[], id: string): Promise<ConversationRow | undefined> {
    if (shopIds.length === 0) return Promise.resolve(undefined);
    return this.db.selectFrom('conversations').selectAll().where('shop_id', 'in', shopIds).where('id', '=', id).executeTakeFirst();
  }

  findForBuyer(shopId: string, buyerId: string): Promise<ConversationRow | undefined> {
    return this.db.selectFrom('conversations').selectAll().where('shop_id', '=', shopId).where('buyer_id', '=', buyerId).executeTakeFirst();
  }

  /** Conversations of many buyers of a shop (one query). */
  findForBuyers(shopId: string, buyerIds: readonly string[]): Promise<ConversationRow[]> {
    return this.db.selectFrom('conversations').selectAll().where('shop_id', '=', shopId).where('buyer_id', 'in', buyerIds).execute();
  }

  /** The buyer's one conversation, created `open` on first use. */
  async ensureForBuyer(shopId: string, buyerId: string, row: ConversationRow): Promise<{ conversation: ConversationRow; created: boolean }> {
    const res = await this.db.insertInto('conversations').values(row).onConflict((oc) => oc.columns(['shop_id', 'buyer_id']).doNothing()).executeTakeFirst();
    const conversation = await this.findForBuyer(shopId, buyerId);
    if (!conversation) throw new Error('conversation vanished after insert');
    return { conversation, created: Number(res.numInsertedOrUpdatedRows ?? 0) > 0 && conversation.id === row.id };
  }

  /** Conditional update: applies only when the status is still one of `from` (safe across processes). */
  async transition(shopId: string, id: string, from: readonly string[], patch: Partial<ConversationRow>): Promise<ConversationRow | undefined> {
    return this.db
      .updateTable('conversations')
      .set(patch)
      .where('shop_id', '=', shopId)
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
  }

  async update(shopId: string, id: string, patch: Partial<ConversationRow>): Promise<ConversationRow | undefined> {
    return this.db.updateTable('conversations').set(patch).where('shop_id', '=', shopId).where('id', '=', id).returningAll().executeTakeFirst();
  }

  /** Marks read up to `seq` for agents: clears unread. */
  async markAgentRead(shopId: string, id: string, seq: number): Promise<ConversationRow | undefined> {
    return this.db
      .updateTable('conversations')
      .set({ agent_read_seq: sql<number>`case when agent_read_seq > ${seq} then agent_read_seq else ${seq} end`, unread: 0 })
      .where('shop_id', '=', shopId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async markBuyerRead(shopId: string, id: string, seq: number): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ buyer_read_seq: sql<number>`case when buyer_read_seq > ${seq} then buyer_read_seq else ${seq} end` })
      .where('shop_id', '=', shopId)
      .where('id', '=', id)
      .execute();
  }

  /** Agent list with keyset pagination on (last_message_at, id) descending. */
  async list(
    shopId: string,
    filter: 'mine' | 'waiting' | 'all' | 'closed',
    agentId: string,
    limit: number,
    after: { at: number; id: string } | null,
  ): Promise<ConversationListItem[]> {
    let q = this.db
      .selectFrom('conversations')
      .innerJoin('buyers', 'buyers.id', 'conversations.buyer_id')
      .selectAll('conversations')
      .select('buyers.nickname as buyer_nickname')
      .where('conversations.shop_id', '=', shopId);
    if (filter === 'mine') q = q.where('conversations.assigned_agent_id', '=', agentId).where('conversations.status', '!=', 'closed');
    else if (filter === 'waiting') q = q.where('conversations.status', 'in', ['waiting', 'open']);
    else if (filter === 'closed') q = q.where('conversations.status', '=', 'closed');
    // Listed, not `!= 'closed'`: each status is then a range of a (shop, status, …) index.
    else q = q.where('conversations.status', 'in', NOT_CLOSED);
    // The closed list — a shop's whole history — is read in the order of its partial index `conversations_shop_closed_at`
    // (migration 0014): a page is a seek in it, not a sort. The open lists hold the conversations in progress and are
    // sorted; no index keeps their order, since every message would move its conversation in it.
    const at = sql<number>`coalesce(conversations.last_message_at, conversations.created_at)`;
    // `at <= after.at` on its own is what lets the database start the next page at the cursor instead of scanning to it.
    if (after) q = q.where(at, '<=', after.at).where((eb) => eb.or([eb(at, '<', after.at), eb.and([eb(at, '=', after.at), eb('conversations.id', '<', after.id)])]));
    return q.orderBy(at, 'desc').orderBy('conversations.id', 'desc').limit(limit).execute();
  }

  /** Position in the shop queue (1 = next); null when not waiting. */
  async queuePosition(shopId: string, conv: Pick<ConversationRow, 'id' | 'status' | 'queued_at'>): Promise<number | null> {
    if (conv.status !== 'waiting' || conv.queued_at === null) return null;
    const qa = Number(conv.queued_at);
    const r = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('shop_id', '=', shopId)
      .where('status', '=', 'waiting')
      .where((eb) => eb.or([eb('queued_at', '<', qa), eb.and([eb('queued_at', '=', qa), eb('id', '<', conv.id)])]))
      .executeTakeFirstOrThrow();
    return Number(r.n) + 1;
  }

  /** Waiting conversations of a shop, oldest in the queue first. */
  listWaiting(shopId: string, limit = 200): Promise<ConversationRow[]> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('shop_id', '=', shopId)
      .where('status', '=', 'waiting')
      .orderBy('queued_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Messages after a seq, ascending; buyers never see notes. */
  messagesAfter(shopId: string, conversationId: string, afterSeq: number, limit: number, forBuyer: boolean): Promise<MessageRow[]> {
    let q = this.db
      .selectFrom('messages')
      .selectAll()
      .where('shop_id', '=', shopId)
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', afterSeq);
    if (forBuyer) q = q.where('kind', '!=', 'note');
    return q.orderBy('seq').limit(limit).execute();
  }

  /** A page before a seq (or the latest page), returned ascending. */
  async messagesBefore(shopId: string, conversationId: string, beforeSeq: number | null, limit: number, forBuyer: boolean): Promise<MessageRow[]> {
    let q = this.db.selectFrom('messages').selectAll().where('shop_id', '=', shopId).where('conversation_id', '=', conversationId);
    if (beforeSeq !== null) q = q.where('seq', '<', beforeSeq);
    if (forBuyer) q = q.where('kind', '!=', 'note');
    const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
    return rows.reverse();
  }

  /** Shop row by id; callers hold a shop id from a verified token or conversation. */
  shop(shopId: string) {
    return this.db.selectFrom('shops').selectAll().where('id', '=', shopId).executeTakeFirst();
  }

  async agentNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('agents').select(['id', 'display_name']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }
}
