import type { AgentStatus, GroupDto, GroupKind } from '@kefu/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { Candidate } from './routing.policy.js';

export const DEFAULT_MAX_CONCURRENT = 10;

/** Groups, presence and loads; every query is scoped by shop (presence is per agent, across shops). */
export class RoutingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async listGroups(shopId: string): Promise<GroupDto[]> {
    const [groups, members] = await Promise.all([
      this.db.selectFrom('agent_groups').selectAll().where('shop_id', '=', shopId).orderBy('created_at').execute(),
      this.db.selectFrom('agent_group_members').selectAll().where('shop_id', '=', shopId).execute(),
    ]);
    return groups.map((g) => ({
      id: g.id,
      shopId: g.shop_id,
      name: g.name,
      kind: g.kind as GroupKind,
      memberIds: members.filter((m) => m.group_id === g.id).map((m) => m.agent_id),
      createdAt: Number(g.created_at),
    }));
  }

  async findGroup(shopId: string, groupId: string): Promise<GroupDto | undefined> {
    return (await this.listGroups(shopId)).find((g) => g.id === groupId);
  }

  async insertGroup(g: GroupDto): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('agent_groups').values({ id: g.id, shop_id: g.shopId, name: g.name, kind: g.kind, created_at: g.createdAt }).execute();
      if (g.memberIds.length) {
        await trx.insertInto('agent_group_members').values(g.memberIds.map((agent_id) => ({ group_id: g.id, agent_id, shop_id: g.shopId }))).execute();
      }
    });
  }

  async updateGroup(shopId: string, groupId: string, patch: { name?: string | undefined; memberIds?: string[] | undefined }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (patch.name !== undefined) await trx.updateTable('agent_groups').set({ name: patch.name }).where('shop_id', '=', shopId).where('id', '=', groupId).execute();
      if (patch.memberIds) {
        await trx.deleteFrom('agent_group_members').where('shop_id', '=', shopId).where('group_id', '=', groupId).execute();
        if (patch.memberIds.length) {
          await trx.insertInto('agent_group_members').values(patch.memberIds.map((agent_id) => ({ group_id: groupId, agent_id, shop_id: shopId }))).execute();
        }
      }
    });
  }

  async deleteGroup(shopId: string, groupId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('agent_groups').where('shop_id', '=', shopId).where('id', '=', groupId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Enabled agents who may work in the shop, with presence and current load (assigned, not closed, any shop). */
  async candidates(shopId: string, onlyAgentIds?: readonly string[]): Promise<Array<Candidate & { displayName: string }>> {
    let q = this.db
      .selectFrom('agent_shops')
      .innerJoin('agents', 'agents.id', 'agent_shops.agent_id')
      .leftJoin('agent_presence', 'agent_presence.agent_id', 'agents.id')
      .select(['agents.id as agentId', 'agents.display_name as displayName', 'agent_presence.status as status', 'agent_presence.max_concurrent as maxConcurrent'])
      .select((eb) =>
        eb
          .selectFrom('conversations')
          .select((e2) => e2.fn.countAll<number>().as('n'))
          .whereRef('conversations.assigned_agent_id', '=', 'agents.id')
          .where('conversations.status', '=', 'assigned')
          .as('load'),
      )
      .where('agent_shops.shop_id', '=', shopId)
      .where('agents.disabled', '=', 0);
    if (onlyAgentIds) {
      if (onlyAgentIds.length === 0) return [];
      q = q.where('agents.id', 'in', onlyAgentIds);
    }
    const rows = await q.orderBy('agents.id').execute();
    return rows.map((r) => ({
      agentId: r.agentId,
      displayName: r.displayName,
      status: r.status ?? 'offline',
      maxConcurrent: Number(r.maxConcurrent ?? DEFAULT_MAX_CONCURRENT),
      load: Number(r.load ?? 0),
    }));
  }

  async presence(agentId: string): Promise<{ status: AgentStatus; maxConcurrent: number }> {
    const r = await this.db.selectFrom('agent_presence').selectAll().where('agent_id', '=', agentId).executeTakeFirst();
    return { status: (r?.status ?? 'offline') as AgentStatus, maxConcurrent: Number(r?.max_concurrent ?? DEFAULT_MAX_CONCURRENT) };
  }

  async setPresence(agentId: string, status: AgentStatus, maxConcurrent: number, now: number): Promise<void> {
    await this.db
      .insertInto('agent_presence')
      .values({ agent_id: agentId, status, max_concurrent: maxConcurrent, updated_at: now })
      .onConflict((oc) => oc.column('agent_id').doUpdateSet({ status, max_concurrent: maxConcurrent, updated_at: now }))
      .execute();
  }

  async loadOf(agentId: string): Promise<number> {
    const r = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('assigned_agent_id', '=', agentId)
      .where('status', '=', 'assigned')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
