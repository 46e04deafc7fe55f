import type { Kysely } from 'kysely';
import type { ConversationReviewsTable, Database, MessageFlagsTable, ShopCoachSettingsTable } from '../../storage/schema.js';

export type ReviewRow = ConversationReviewsTable;
export type CoachSettingsRow = ShopCoachSettingsTable;

export interface ReviewListRow extends ReviewRow {
  buyer_nickname: string | null;
  agent_name: string | null;
  reviewer_name: string | null;
}

export interface ReviewFilter {
  agentId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  status?: 'all' | 'sampled' | 'reviewed' | 'pending' | undefined;
}

/** Coach settings, message flags and conversation reviews. */
export class QualityRepository {
  constructor(private readonly db: Kysely<Database>) {}

  settings(shopId: string): Promise<CoachSettingsRow | undefined> {
    return this.db.selectFrom('shop_coach_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
  }

  async saveSettings(row: CoachSettingsRow): Promise<void> {
    const { shop_id: _id, ...rest } = row;
    await this.db
      .insertInto('shop_coach_settings')
      .values(row)
      .onConflict((oc) => oc.column('shop_id').doUpdateSet(rest))
      .execute();
  }

  async shopPlatform(shopId: string): Promise<string | undefined> {
    return (await this.db.selectFrom('shops').select('platform').where('id', '=', shopId).executeTakeFirst())?.platform;
  }

  async saveFlags(row: MessageFlagsTable): Promise<void> {
    await this.db.insertInto('message_flags').values(row).onConflict((oc) => oc.column('message_id').doNothing()).execute();
  }

  flagsOf(conversationId: string, from: number): Promise<MessageFlagsTable[]> {
    return this.db.selectFrom('message_flags').selectAll().where('conversation_id', '=', conversationId).where('created_at', '>=', from).execute();
  }

  /** Messages of one session, oldest first (notes included: the caller filters). */
  sessionMessages(shopId: string, conversationId: string, from: number, to: number | null) {
    let q = this.db
      .selectFrom('messages')
      .select(['id', 'seq', 'sender', 'agent_id', 'kind', 'text', 'payload', 'created_at'])
      .where('shop_id', '=', shopId)
      .where('conversation_id', '=', conversationId)
      .where('created_at', '>=', from);
    if (to !== null) q = q.where('created_at', '<=', to);
    return q.orderBy('seq').execute();
  }

  conversation(shopId: string, id: string) {
    return this.db.selectFrom('conversations').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
  }

  /** Closed conversations in a period whose current session has no review yet (catch-up after a crash). */
  unscoredClosed(shopId: string, from: number, to: number, limit: number) {
    return this.db
      .selectFrom('conversations as c')
      .leftJoin('conversation_reviews as r', (j) => j.onRef('r.conversation_id', '=', 'c.id').onRef('r.session_started_at', '=', 'c.session_started_at'))
      .select(['c.id'])
      .where('c.shop_id', '=', shopId)
      .where('c.status', '=', 'closed')
      .where('c.closed_at', '>=', from)
      .where('c.closed_at', '<=', to)
      .where('r.id', 'is', null)
      .limit(limit)
      .execute();
  }

  async upsertAuto(row: ReviewRow): Promise<void> {
    await this.db
      .insertInto('conversation_reviews')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['conversation_id', 'session_started_at']).doUpdateSet({
          closed_at: row.closed_at,
          agent_id: row.agent_id,
          auto_score: row.auto_score,
          auto_breakdown: row.auto_breakdown,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  private listQuery(shopId: string, f: ReviewFilter) {
    let q = this.db
      .selectFrom('conversation_reviews as r')
      .leftJoin('conversations as c', 'c.id', 'r.conversation_id')
      .leftJoin('buyers as b', 'b.id', 'c.buyer_id')
      .leftJoin('agents as a', 'a.id', 'r.agent_id')
      .leftJoin('agents as rv', 'rv.id', 'r.reviewer_id')
      .where('r.shop_id', '=', shopId);
    if (f.agentId) q = q.where('r.agent_id', '=', f.agentId);
    if (f.from !== undefined) q = q.where('r.closed_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('r.closed_at', '<=', f.to);
    if (f.status === 'sampled') q = q.where('r.sampled_at', 'is not', null);
    if (f.status === 'reviewed') q = q.where('r.reviewed_at', 'is not', null);
    if (f.status === 'pending') q = q.where('r.sampled_at', 'is not', null).where('r.reviewed_at', 'is', null);
    return q;
  }

  list(shopId: string, f: ReviewFilter, limit: number, offset: number): Promise<ReviewListRow[]> {
    return this.listQuery(shopId, f)
      .selectAll('r')
      .select(['b.nickname as buyer_nickname', 'a.display_name as agent_name', 'rv.display_name as reviewer_name'])
      .orderBy('r.closed_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  async count(shopId: string, f: ReviewFilter): Promise<{ total: number; avgAuto: number | null; avgManual: number | null }> {
    const r = await this.listQuery(shopId, f)
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.avg<number>('r.auto_score').as('auto'), eb.fn.avg<number>('r.manual_score').as('manual')])
      .executeTakeFirst();
    const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
    return { total: Number(r?.n ?? 0), avgAuto: num(r?.auto), avgManual: num(r?.manual) };
  }

  /** Ids of not-yet-sampled reviews in the filter (the caller draws from them at random). */
  async unsampledIds(shopId: string, f: ReviewFilter): Promise<string[]> {
    const rows = await this.listQuery(shopId, { ...f, status: 'all' }).select('r.id').where('r.sampled_at', 'is', null).execute();
    return rows.map((r) => r.id);
  }

  async markSampled(shopId: string, ids: string[], at: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('conversation_reviews').set({ sampled_at: at, updated_at: at }).where('shop_id', '=', shopId).where('id', 'in', ids).execute();
  }

  async find(shopId: string, id: string): Promise<ReviewListRow | undefined> {
    return this.listQuery(shopId, {})
      .selectAll('r')
      .select(['b.nickname as buyer_nickname', 'a.display_name as agent_name', 'rv.display_name as reviewer_name'])
      .where('r.id', '=', id)
      .executeTakeFirst();
  }

  async saveManual(shopId: string, id: string, set: { manual_score: number; comment: string | null; reviewer_id: string; reviewed_at: number }): Promise<void> {
    await this.db
      .updateTable('conversation_reviews')
      .set({ ...set, updated_at: set.reviewed_at, sampled_at: (eb) => eb.fn.coalesce('sampled_at', eb.val(set.reviewed_at)) })
      .where('shop_id', '=', shopId)
      .where('id', '=', id)
      .execute();
  }

  agentNames(ids: string[]) {
    if (ids.length === 0) return Promise.resolve([] as Array<{ id: string; display_name: string }>);
    return this.db.selectFrom('agents').select(['id', 'display_name']).where('id', 'in', ids).execute();
  }
}
