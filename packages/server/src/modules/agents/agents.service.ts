import type { AgentDto, Role } from '@kefu/contracts';
import type { AuthContext } from '../../http/auth.js';
import { AppError, notFound } from '../../http/errors.js';
import { newId } from '../../storage/ids.js';
import type { EventBus } from '../../events/bus.js';
import { generatePassword, hashPassword } from '../auth/password.js';
import type { AuthService } from '../auth/auth.service.js';
import type { ShopsRepository } from '../shops/shops.repository.js';
import { presentAgent } from './agents.presenter.js';
import type { AgentsRepository } from './agents.repository.js';

export interface InviteInput {
  email: string;
  displayName: string;
  role: Role;
  shopIds: string[];
  password?: string | undefined;
}

/** Owners invite, change and disable agents of their organisation. */
export class AgentsService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly shops: ShopsRepository,
    private readonly auth: AuthService,
    private readonly events: EventBus,
    private readonly scryptLogN: number,
  ) {}

  async list(actor: AuthContext): Promise<AgentDto[]> {
    const [rows, shopMap] = await Promise.all([this.agents.listInOrg(actor.agent.orgId), this.agents.shopIdsByAgent(actor.agent.orgId)]);
    return rows.map((r) => presentAgent(r, shopMap.get(r.id) ?? []));
  }

  /** Creates an agent; returns the initial password once when none was given. */
  async invite(actor: AuthContext, input: InviteInput): Promise<{ agent: AgentDto; initialPassword?: string }> {
    await this.assertOwnShops(actor, input.shopIds);
    if (await this.agents.findByEmail(input.email)) throw new AppError('resource.conflict', '该邮箱已被使用');
    const initialPassword = input.password ?? generatePassword();
    const t = Date.now();
    const row = {
      id: newId('agt'),
      org_id: actor.agent.orgId,
      email: input.email,
      display_name: input.displayName,
      role: input.role,
      password_hash: await hashPassword(initialPassword, this.scryptLogN),
      disabled: 0,
      created_at: t,
      updated_at: t,
    };
    await this.agents.insert(row, input.shopIds);
    this.events.emit('agent.invited', null, { agentId: row.id, orgId: row.org_id });
    return { agent: presentAgent(row, input.shopIds), ...(input.password ? {} : { initialPassword }) };
  }

  async update(
    actor: AuthContext,
    agentId: string,
    patch: { displayName?: string | undefined; role?: Role | undefined; shopIds?: string[] | undefined; disabled?: boolean | undefined },
  ): Promise<AgentDto> {
    const target = await this.agents.findInOrg(actor.agent.orgId, agentId);
    if (!target) throw notFound('客服');
    if (patch.shopIds) await this.assertOwnShops(actor, patch.shopIds);
    const losesOwner = target.role === 'owner' && ((patch.role && patch.role !== 'owner') || patch.disabled === true);
    if (losesOwner && (await this.agents.countOwners(actor.agent.orgId)) <= 1) {
      throw new AppError('resource.conflict', '至少要保留一位可用的掌柜账号');
    }
    await this.agents.update(
      actor.agent.orgId,
      agentId,
      {
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
        updated_at: Date.now(),
      },
      patch.shopIds,
    );
    if (patch.disabled) await this.auth.endSessionsOf(agentId);
    const row = (await this.agents.findInOrg(actor.agent.orgId, agentId))!;
    this.events.emit('agent.updated', null, { agentId, orgId: actor.agent.orgId });
    return presentAgent(row, await this.agents.shopIdsOf(agentId));
  }

  /** Shop ids given to an agent must be shops of the actor's organisation (others: 404). */
  private async assertOwnShops(actor: AuthContext, shopIds: string[]): Promise<void> {
    const own = new Set((await this.shops.listInOrg(actor.agent.orgId)).map((s) => s.id));
    const foreign = shopIds.find((id) => !own.has(id));
    if (foreign) throw notFound('店铺');
  }
}
