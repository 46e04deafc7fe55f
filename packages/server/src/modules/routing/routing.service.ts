import { type AgentStatus, type GroupDto, type GroupKind, type PresenceDto } from '@kefu/contracts';
import type { Kysely } from 'kysely';
import type { AuthContext } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import type { EventBus } from '../../events/bus.js';
import { newId } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import { CHAT_EVENTS, type PresenceEvent } from '../conversations/conversations.events.js';
import { pickAgent } from './routing.policy.js';
import { RoutingRepository } from './routing.repository.js';

/** Agent groups, presence and the choice of agent for a conversation. */
export class RoutingService {
  readonly repo: RoutingRepository;
  /** Set by the conversations service: give queued conversations to agents who just got room. */
  onCapacity: (shopId: string) => Promise<void> = async () => {};

  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: EventBus,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = new RoutingRepository(db);
  }

  /** Best agent among the shop's agents (or only `onlyAgentIds`); null when nobody online has room. */
  async pick(shopId: string, onlyAgentIds: readonly string[] | null, lastAgentId: string | null): Promise<string | null> {
    return pickAgent(await this.repo.candidates(shopId, onlyAgentIds ?? undefined), lastAgentId);
  }

  async presenceOf(agentId: string): Promise<{ status: AgentStatus; maxConcurrent: number; load: number }> {
    const [p, load] = await Promise.all([this.repo.presence(agentId), this.repo.loadOf(agentId)]);
    return { ...p, load };
  }

  async listPresence(shopId: string): Promise<PresenceDto[]> {
    return (await this.repo.candidates(shopId)).map((c) => ({
      agentId: c.agentId,
      displayName: c.displayName,
      status: c.status as AgentStatus,
      maxConcurrent: c.maxConcurrent,
      load: c.load,
    }));
  }

  /** Sets an agent's status/capacity; going online or getting room drains the queues of their shops. */
  async setPresence(agentId: string, shopIds: readonly string[], patch: { status?: AgentStatus | undefined; maxConcurrent?: number | undefined }): Promise<{ status: AgentStatus; maxConcurrent: number; load: number }> {
    const cur = await this.repo.presence(agentId);
    const status = patch.status ?? cur.status;
    const maxConcurrent = patch.maxConcurrent ?? cur.maxConcurrent;
    await this.repo.setPresence(agentId, status, maxConcurrent, this.now());
    const load = await this.repo.loadOf(agentId);
    this.events.emit<PresenceEvent>(CHAT_EVENTS.presence, null, { agentId, shopIds: [...shopIds], status, load, maxConcurrent });
    if (status === 'online') for (const s of shopIds) await this.onCapacity(s);
    return { status, maxConcurrent, load };
  }

  listGroups(shopId: string): Promise<GroupDto[]> {
    return this.repo.listGroups(shopId);
  }

  async createGroup(shopId: string, body: { name: string; kind: GroupKind; memberIds: string[] }): Promise<GroupDto> {
    await this.assertMembers(shopId, body.memberIds);
    const g: GroupDto = { id: newId('grp'), shopId, name: body.name, kind: body.kind, memberIds: [...new Set(body.memberIds)], createdAt: this.now() };
    await this.repo.insertGroup(g);
    return g;
  }

  async updateGroup(shopId: string, groupId: string, patch: { name?: string | undefined; memberIds?: string[] | undefined }): Promise<GroupDto> {
    if (!(await this.repo.findGroup(shopId, groupId))) throw new AppError('resource.not_found', '找不到该分组');
    if (patch.memberIds) await this.assertMembers(shopId, patch.memberIds);
    await this.repo.updateGroup(shopId, groupId, { ...patch, ...(patch.memberIds ? { memberIds: [...new Set(patch.memberIds)] } : {}) });
    return (await this.repo.findGroup(shopId, groupId))!;
  }

  async deleteGroup(shopId: string, groupId: string): Promise<void> {
    if (!(await this.repo.deleteGroup(shopId, groupId))) throw new AppError('resource.not_found', '找不到该分组');
  }

  /** Group members must be agents of the shop (others: 404, like any foreign id). */
  private async assertMembers(shopId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = new Set((await this.repo.candidates(shopId, ids)).map((c) => c.agentId));
    if (ids.some((id) => !found.has(id))) throw new AppError('resource.not_found', '找不到该客服');
  }
}

export type { AuthContext };
