import { GroupBody, GroupPatch, PresenceBody } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertRole, assertShopAccess } from '../../http/auth.js';
import { route } from '../../http/route.js';

const ShopParams = z.object({ shopId: z.string().min(1).max(40) });
const GroupParams = z.object({ shopId: z.string().min(1).max(40), groupId: z.string().min(1).max(64) });

/** Agent status (online/busy/away/offline, capacity) and agent groups (售前/售后/custom). */
export function routingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const svc = () => ctx.chat.routing;
  route(app, {
    method: 'GET',
    url: '/api/presence',
    summary: '我的接待状态、上限与当前接待数',
    tags: ['routing'],
    auth: 'agent',
    async handler({ auth }) {
      return { presence: await svc().presenceOf(auth.agent.id) };
    },
  });
  route(app, {
    method: 'PUT',
    url: '/api/presence',
    summary: '设置我的接待状态（online 在线 / busy 忙碌 / away 离开 / offline 离线）与接待上限',
    tags: ['routing'],
    auth: 'agent',
    body: PresenceBody,
    async handler({ auth, body }) {
      return { presence: await svc().setPresence(auth.agent.id, auth.shopIds, body) };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/presence',
    summary: '店铺客服的状态与接待量',
    tags: ['routing'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { agents: await svc().listPresence(params.shopId) };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/groups',
    summary: '客服分组',
    tags: ['routing'],
    auth: 'agent',
    params: ShopParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { groups: await svc().listGroups(params.shopId) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/groups',
    summary: '新建分组（掌柜/主管）',
    tags: ['routing'],
    auth: 'agent',
    params: ShopParams,
    body: GroupBody,
    async handler({ auth, params, body, reply }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      void reply.status(201);
      return { group: await svc().createGroup(params.shopId, body) };
    },
  });
  route(app, {
    method: 'PATCH',
    url: '/api/shops/:shopId/groups/:groupId',
    summary: '修改分组名称或成员（掌柜/主管）',
    tags: ['routing'],
    auth: 'agent',
    params: GroupParams,
    body: GroupPatch,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      return { group: await svc().updateGroup(params.shopId, params.groupId, body) };
    },
  });
  route(app, {
    method: 'DELETE',
    url: '/api/shops/:shopId/groups/:groupId',
    summary: '删除分组（掌柜/主管）',
    tags: ['routing'],
    auth: 'agent',
    params: GroupParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      assertRole(auth, 'owner', 'supervisor');
      await svc().deleteGroup(params.shopId, params.groupId);
    },
  });
}
