import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { isSqlite, pieces, rawQuery, sqlText, tuples } from '../../storage/raw-sql.js';
import type { Database, FaqEntriesTable, OrdersTable, ProductsTable, QuickRepliesTable } from '../../storage/schema.js';

const LATEST_ORDER_COLUMNS = ['external_id', 'courier', 'tracking_no', 'amount', 'paid_amount', 'address'] as const;
/** What suggestions fill from a buyer's latest order (订单号, 快递, 物流单号, 金额, 收货地址). */
export type LatestOrder = { [K in (typeof LATEST_ORDER_COLUMNS)[number]]: Selectable<OrdersTable>[K] };

export type QuickReplyRow = QuickRepliesTable;
export type FaqRow = FaqEntriesTable;
export type ProductRow = ProductsTable;

/** Conversations a reply was used in, and how many of them led to a payment within this window. */
export const CONVERSION_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Storage of the assist module: library, knowledge, statistics, settings, classifier models. */
export class AssistRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Shared replies and the personal ones of `agentId` (null: shared only), library order. */
  listReplies(shopId: string, agentId: string | null): Promise<QuickReplyRow[]> {
    return this.db
      .selectFrom('quick_replies')
      .selectAll()
      .where('shop_id', '=', shopId)
      .where((eb) => (agentId ? eb.or([eb('owner_agent_id', 'is', null), eb('owner_agent_id', '=', agentId)]) : eb('owner_agent_id', 'is', null)))
      .orderBy('position')
      .orderBy('id')
      .execute();
  }

  findReply(shopId: string, id: string): Promise<QuickReplyRow | undefined> {
    return this.db.selectFrom('quick_replies').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
  }

  async shortcutTaken(shopId: string, shortcut: string, exceptId?: string): Promise<boolean> {
    let q = this.db.selectFrom('quick_replies').select('id').where('shop_id', '=', shopId).where('shortcut', '=', shortcut);
    if (exceptId) q = q.where('id', '!=', exceptId);
    return (await q.executeTakeFirst()) !== undefined;
  }

  async shortcuts(shopId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('quick_replies').select('shortcut').where('shop_id', '=', shopId).where('shortcut', 'is not', null).execute();
    return new Set(rows.map((r) => r.shortcut!));
  }

  async nextPosition(shopId: string): Promise<number> {
    const r = await this.db.selectFrom('quick_replies').select((eb) => eb.fn.max('position').as('p')).where('shop_id', '=', shopId).executeTakeFirst();
    return Number(r?.p ?? 0) + 1;
  }

  async insertReplies(rows: QuickReplyRow[], trx: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('quick_replies').values(rows.slice(i, i + 200)).execute();
  }

  updateReply(shopId: string, id: string, patch: Partial<QuickReplyRow>): Promise<QuickReplyRow | undefined> {
    return this.db.updateTable('quick_replies').set(patch).where('shop_id', '=', shopId).where('id', '=', id).returningAll().executeTakeFirst();
  }

  async deleteReply(shopId: string, id: string): Promise<void> {
    await this.db.deleteFrom('quick_replies').where('shop_id', '=', shopId).where('id', '=', id).execute();
  }

  /** Per reply: conversations it was used in, and those where the buyer paid an order within CONVERSION_WINDOW_MS after. */
  async usage(shopId: string): Promise<Map<string, { uses: number; conversations: number; converted: number }>> {
    const rows = await sql<{ reply_id: string; uses: number | string; conversations: number | string; converted: number | string }>`
      select u.reply_id, count(*) as uses,
        count(distinct u.conversation_id) as conversations,
        count(distinct case when exists (
          select 1 from orders o where o.shop_id = u.shop_id and o.buyer_id = u.buyer_id
            and o.paid_at is not null and o.paid_at >= u.at and o.paid_at <= u.at + ${CONVERSION_WINDOW_MS}
        ) then u.conversation_id end) as converted
      from reply_usage u where u.shop_id = ${shopId} group by u.reply_id`.execute(this.db);
    return new Map(rows.rows.map((r) => [r.reply_id, { uses: Number(r.uses), conversations: Number(r.conversations), converted: Number(r.converted) }]));
  }

  async recordUsage(row: Database['reply_usage'], replyId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('reply_usage').values(row).execute();
      await trx.updateTable('quick_replies').set((eb) => ({ uses: eb('uses', '+', 1) })).where('shop_id', '=', row.shop_id).where('id', '=', replyId).execute();
    });
  }

  // ---- knowledge ----

  listFaq(shopId: string): Promise<FaqRow[]> {
    return this.db.selectFrom('faq_entries').selectAll().where('shop_id', '=', shopId).orderBy('id').execute();
  }
  findFaq(shopId: string, id: string): Promise<FaqRow | undefined> {
    return this.db.selectFrom('faq_entries').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
  }
  async insertFaq(rows: FaqRow[]): Promise<void> {
    if (rows.length) await this.db.insertInto('faq_entries').values(rows).execute();
  }
  updateFaq(shopId: string, id: string, patch: Partial<FaqRow>): Promise<FaqRow | undefined> {
    return this.db.updateTable('faq_entries').set(patch).where('shop_id', '=', shopId).where('id', '=', id).returningAll().executeTakeFirst();
  }
  async deleteFaq(shopId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('faq_entries').where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  listProducts(shopId: string): Promise<ProductRow[]> {
    return this.db.selectFrom('products').selectAll().where('shop_id', '=', shopId).orderBy('sku').execute();
  }
  findProduct(shopId: string, id: string): Promise<ProductRow | undefined> {
    return this.db.selectFrom('products').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
  }
  findProductBySku(shopId: string, sku: string): Promise<ProductRow | undefined> {
    return this.db.selectFrom('products').selectAll().where('shop_id', '=', shopId).where('sku', '=', sku).executeTakeFirst();
  }
  async insertProducts(rows: ProductRow[]): Promise<void> {
    if (rows.length) await this.db.insertInto('products').values(rows).execute();
  }
  updateProduct(shopId: string, id: string, patch: Partial<ProductRow>): Promise<ProductRow | undefined> {
    return this.db.updateTable('products').set(patch).where('shop_id', '=', shopId).where('id', '=', id).returningAll().executeTakeFirst();
  }
  async deleteProduct(shopId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('products').where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // ---- statistics ----

  async stats(shopId: string): Promise<Map<string, { shown: number; picked: number }>> {
    const rows = await this.db.selectFrom('suggestion_stats').select(['item_id', 'shown', 'picked']).where('shop_id', '=', shopId).execute();
    return new Map(rows.map((r) => [r.item_id, { shown: Number(r.shown), picked: Number(r.picked) }]));
  }

  /** Adds to the counts (one upsert per item, atomic across processes). */
  async addStats(shopId: string, deltas: ReadonlyMap<string, { shown: number; picked: number }>): Promise<void> {
    const values = [...deltas].map(([item_id, d]) => ({ shop_id: shopId, item_id, shown: d.shown, picked: d.picked }));
    if (!values.length) return;
    await this.db
      .insertInto('suggestion_stats')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['shop_id', 'item_id']).doUpdateSet({
          shown: sql`suggestion_stats.shown + excluded.shown`,
          picked: sql`suggestion_stats.picked + excluded.picked`,
        }),
      )
      .execute();
  }

  // ---- settings and classifier ----

  async settings(shopId: string): Promise<{ autoAnswer: boolean; minConfidence: number | null }> {
    const r = await this.db.selectFrom('shop_assist_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
    return { autoAnswer: Boolean(Number(r?.auto_answer ?? 0)), minConfidence: r?.min_confidence == null ? null : Number(r.min_confidence) };
  }

  async setSettings(shopId: string, s: { autoAnswer: boolean; minConfidence: number | null }, t: number): Promise<void> {
    const row = { shop_id: shopId, auto_answer: s.autoAnswer ? 1 : 0, min_confidence: s.minConfidence, updated_at: t };
    await this.db
      .insertInto('shop_assist_settings')
      .values(row)
      .onConflict((oc) => oc.column('shop_id').doUpdateSet({ auto_answer: row.auto_answer, min_confidence: row.min_confidence, updated_at: t }))
      .execute();
  }

  listExamples(shopId: string): Promise<Database['shop_classifier_examples'][]> {
    return this.db.selectFrom('shop_classifier_examples').selectAll().where('shop_id', '=', shopId).orderBy('id').execute();
  }
  async insertExamples(rows: Database['shop_classifier_examples'][]): Promise<void> {
    if (rows.length) await this.db.insertInto('shop_classifier_examples').values(rows).execute();
  }
  async deleteExample(shopId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('shop_classifier_examples').where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  model(shopId: string): Promise<Database['classifier_models'] | undefined> {
    return this.db.selectFrom('classifier_models').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
  }
  async modelInfo(shopId: string): Promise<{ examples: number; trainedAt: number } | null> {
    const r = await this.db.selectFrom('classifier_models').select(['examples', 'trained_at']).where('shop_id', '=', shopId).executeTakeFirst();
    return r ? { examples: Number(r.examples), trainedAt: Number(r.trained_at) } : null;
  }
  async saveModel(shopId: string, model: string, examples: number, t: number): Promise<void> {
    await this.db
      .insertInto('classifier_models')
      .values({ shop_id: shopId, model, examples, trained_at: t })
      .onConflict((oc) => oc.column('shop_id').doUpdateSet({ model, examples, trained_at: t }))
      .execute();
  }
  async deleteModel(shopId: string): Promise<void> {
    await this.db.deleteFrom('classifier_models').where('shop_id', '=', shopId).execute();
  }

  // ---- conversation context (variables) ----

  /** The conversation's buyer, nickname and assigned agent. */
  conversationRef(shopId: string, conversationId: string) {
    return this.db
      .selectFrom('conversations as c')
      .innerJoin('buyers as b', 'b.id', 'c.buyer_id')
      .select(['c.buyer_id', 'c.assigned_agent_id', 'b.nickname'])
      .where('c.shop_id', '=', shopId)
      .where('c.id', '=', conversationId)
      .executeTakeFirst();
  }

  /** conversationRef and lastProductPayload of many conversations of a shop, in one query. */
  conversationRefs(shopId: string, conversationIds: readonly string[]) {
    return this.db
      .selectFrom('conversations as c')
      .innerJoin('buyers as b', 'b.id', 'c.buyer_id')
      .select((eb) => [
        'c.id',
        'c.buyer_id',
        'c.assigned_agent_id',
        'b.nickname',
        eb
          .selectFrom('messages as m')
          .select('m.payload')
          .whereRef('m.conversation_id', '=', 'c.id')
          .where('m.kind', '=', 'product')
          .orderBy('m.seq', 'desc')
          .limit(1)
          .as('product'),
      ])
      .where('c.shop_id', '=', shopId)
      .where('c.id', 'in', conversationIds)
      .execute();
  }

  async agentName(agentId: string): Promise<string | null> {
    return (await this.db.selectFrom('agents').select('display_name').where('id', '=', agentId).executeTakeFirst())?.display_name ?? null;
  }

  async latestOrder(shopId: string, buyerId: string): Promise<LatestOrder | undefined> {
    return (await this.db.executeQuery<LatestOrder>(this.latestOrderQuery(shopId, buyerId))).rows[0];
  }

  /**
   * The buyer's newest order, through the (shop_id, buyer_id, created_at) index (migration 0013). Read for each
   * conversation's first suggestions that need an order variable: SQL text as it is, since building it with the query
   * builder cost ~25 µs, more than SQLite takes to run it.
   */
  latestOrderQuery(shopId: string, buyerId: string) {
    const text = sqlText(
      'assist:latest-order',
      () => `select ${LATEST_ORDER_COLUMNS.join(', ')} from orders where shop_id = ? and buyer_id = ? order by created_at desc limit 1`,
    );
    return rawQuery(this.db, text, [shopId, buyerId]);
  }

  /** Payload of the latest product card in the conversation (the product in question). */
  async lastProductPayload(shopId: string, conversationId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('messages')
      .select('payload')
      .where('shop_id', '=', shopId)
      .where('conversation_id', '=', conversationId)
      .where('kind', '=', 'product')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.payload ?? null;
  }

  /**
   * Stores message and conversation scenarios: one UPDATE … FROM (VALUES …) per table and chunk (same SQL on SQLite and
   * PostgreSQL; a join on the primary key, where the former UPDATE … CASE compared every row with every branch).
   *
   * A conversation's scenario is its latest classified buyer message's. Updates are written as they come, which is
   * not always message order (a repeated question is stored with its scenario at once — `AppendInput.scenario` —, a
   * new one waits for the worker): per conversation the update with the highest `seq` is taken, and it is skipped when
   * a later buyer message of the conversation already has a scenario.
   */
  async setScenarios(updates: ReadonlyArray<{ shopId: string; conversationId: string; messageId: string; seq: number; scenario: string }>): Promise<void> {
    if (!updates.length) return;
    const convs = new Map<string, { seq: number; scenario: string }>();
    for (const u of updates) {
      const have = convs.get(u.conversationId);
      if (!have || have.seq < u.seq) convs.set(u.conversationId, u);
    }
    const messages: unknown[] = [];
    for (const u of updates) messages.push(u.messageId, u.scenario);
    const conversations: unknown[] = [];
    for (const [id, u] of convs) conversations.push(id, u.scenario, u.seq);
    // Statement text with placeholders, without the query builder: building and compiling two values per message cost
    // more than the update itself. Power-of-two pieces keep the texts few, so they stay prepared.
    // PostgreSQL: the conversations' rows are locked first. The update's guard (no later buyer message with a scenario)
    // reads the messages table; under READ COMMITTED an update that waits for a message writer's lock on the same row
    // then re-checks its row but not that subquery, which still misses the message the writer has just committed —
    // and so wrote an earlier message's scenario over the later one's (seen once in CI; assist.scenarios.pg.test.ts).
    // Once the locks are held, the update's own snapshot includes every commit that held them. Taken in id order (the
    // rows are locked as the ordered scan returns them). SQLite runs one writer at a time.
    await this.db.transaction().execute(async (trx) => {
      if (!isSqlite(trx)) await trx.selectFrom('conversations').select('id').where('id', 'in', [...convs.keys()]).orderBy('id').forUpdate().execute();
      for (const [table, params, width] of [['messages', messages, 2], ['conversations', conversations, 3]] as const) {
        for (const [start, rows] of pieces(params.length / width, SCENARIO_CHUNK)) {
          await trx.executeQuery(rawQuery(trx, scenarioUpdate(table, rows), params.slice(start * width, (start + rows) * width)));
        }
      }
    });
  }
}

/** `update <table> set scenario … from (values (?, ?[, ?]), …)` for `rows` rows. */
const scenarioUpdate = (table: 'messages' | 'conversations', rows: number): string =>
  sqlText(`assist:scenario:${table}:${rows}`, () =>
    table === 'messages'
      ? `update messages set scenario = v.column2 from (values ${tuples(rows, 2)}) as v where messages.id = v.column1`
      : `update conversations set scenario = v.column2 from (values ${tuples(rows, 3)}) as v where conversations.id = v.column1 ` +
        `and not exists (select 1 from messages m where m.conversation_id = v.column1 and m.seq > cast(v.column3 as integer) and m.sender = 'buyer' and m.scenario is not null)`,
  );

const SCENARIO_CHUNK = 512;
