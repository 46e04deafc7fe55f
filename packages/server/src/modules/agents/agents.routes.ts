import { AgentPatch, InviteAgentBody } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { assertRole } from '../../http/auth.js';
import { route } from '../../http/route.js';
import type { AppContext } from '../../app-context.js';

const AgentParams = z.object({ agentId: z.string().min(1).max(40) });

export function agentRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: 'GET',
    url: '/api/agents',
    summary: '组织内的客服列表（掌柜/主管）',
    tags: ['agents'],
    auth: 'agent',
    async handler({ auth }) {
      assertRole(auth, 'owner', 'supervisor');
      return { agents: await ctx.services.agents.list(auth) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/agents',
    summary: '邀请客服（掌柜）；未指定密码时返回一次性初始密码',
    tags: ['agents'],
    auth: 'agent',
    body: InviteAgentBody,
    async handler({ auth, body, reply }) {
      assertRole(auth, 'owner');
      const out = await ctx.services.agents.invite(auth, body);
      void reply.status(201);
      return out;
    },
  });
  route(app, {
    method: 'PATCH',
    url: '/api/agents/:agentId',
    summary: '修改客服角色、店铺、停用/启用（掌柜）',
    tags: ['agents'],
    auth: 'agent',
    params: AgentParams,
    body: AgentPatch,
    async handler({ auth, params, body }) {
      assertRole(auth, 'owner');
      return { agent: await ctx.services.agents.update(auth, params.agentId, body) };
    },
  });
}
