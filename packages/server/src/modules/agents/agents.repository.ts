import type { Role } from '@kefu/contracts';
import type { Kysely } from 'kysely';
import type { AgentsTable, Database } from '../../storage/schema.js';

export type AgentRow = AgentsTable;

/** Agents belong to an organisation; every lookup but the login one is scoped by org. */
export class AgentsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Login is the one lookup across organisations: the e-mail is globally unique. */
  findByEmail(email: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('email', '=', email).executeTakeFirst();
  }

  findInOrg(orgId: string, id: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  listInOrg(orgId: string): Promise<AgentRow[]> {
    return this.db.selectFrom('agents').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute();
  }

  async insert(row: AgentRow, shopIds: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('agents').values(row).execute();
      if (shopIds.length) await trx.insertInto('agent_shops').values(shopIds.map((shop_id) => ({ agent_id: row.id, shop_id }))).execute();
    });
  }

  async update(
    orgId: string,
    id: string,
    patch: Partial<Pick<AgentRow, 'display_name' | 'role' | 'disabled' | 'password_hash'>> & { updated_at: number },
    shopIds?: readonly string[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('agents').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
      if (shopIds) {
        await trx.deleteFrom('agent_shops').where('agent_id', '=', id).execute();
        if (shopIds.length) await trx.insertInto('agent_shops').values(shopIds.map((shop_id) => ({ agent_id: id, shop_id }))).execute();
      }
    });
  }

  async shopIdsOf(agentId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('agent_shops').select('shop_id').where('agent_id', '=', agentId).execute();
    return rows.map((r) => r.shop_id);
  }

  /** Shop ids per agent for a whole org, in one query. */
  async shopIdsByAgent(orgId: string): Promise<Map<string, string[]>> {
    const rows = await this.db
      .selectFrom('agent_shops')
      .innerJoin('agents', 'agents.id', 'agent_shops.agent_id')
      .select(['agent_shops.agent_id', 'agent_shops.shop_id'])
      .where('agents.org_id', '=', orgId)
      .execute();
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.agent_id, [...(out.get(r.agent_id) ?? []), r.shop_id]);
    return out;
  }

  countOwners(orgId: string): Promise<number> {
    return this.db
      .selectFrom('agents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('role', '=', 'owner' satisfies Role)
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  }
}
